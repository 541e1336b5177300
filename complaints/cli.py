"""The ``complaints`` command: a Flask CLI group.

Commands that need the app get it from ``load_app``, which first prepares the instance
(folder, migrations, keys), so every command works on a fresh machine. Startup problems
(missing key file, bad setting) end with one clear line and exit code 2, never a traceback.
"""
from __future__ import annotations

import logging
import sys
from importlib import import_module

import click
from flask import Flask
from flask.cli import FlaskGroup
from werkzeug.serving import WSGIRequestHandler, run_simple

from . import create_app
from .config import SettingsError, derive_paths, load_settings, validate_settings
from .crypto import KeyringError
from .procedures import ProfileError

# Modules that each define a click command or group named ``command``.
COMMAND_MODULES: tuple[str, ...] = (
    "commands.deadlines",
    "commands.notifications",
    "commands.demo",
    "commands.users",
    "commands.keys",
    "commands.audit",
    "commands.statistics",
    "commands.retention",
    "commands.backup",
    "commands.notices",
)


def prepared_settings() -> dict:
    settings = derive_paths(load_settings())
    validate_settings(settings)
    return settings


def load_app() -> Flask:
    from .instance import prepare_instance

    prepare_instance(prepared_settings(), say=lambda text: click.echo(text, err=True))
    return create_app()


class QuietRequestHandler(WSGIRequestHandler):
    """Logs method, path and status, never the client's address."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        logging.getLogger("complaints.http").info("%s %s %s", self.command, path, code)

    def log_error(self, format: str, *args: object) -> None:
        logging.getLogger("complaints.http").warning("request error")


class ProductGroup(FlaskGroup):
    """The product's own commands only.

    FlaskGroup adds Flask's generic options (--app, --env-file, --debug) and, to list
    commands, loads the app and the commands extensions register (Flask-Limiter's "limiter").
    None of that is for an operator, and loading the app for `--help` would create an instance
    folder wherever the command was typed.
    """

    GENERIC_OPTIONS = {"app", "env_file", "debug"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params = [p for p in self.params if p.name not in self.GENERIC_OPTIONS]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return click.Group.list_commands(self, ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name)


@click.group(cls=ProductGroup, create_app=load_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def cli() -> None:
    """Confidential complaints: case management for discrimination, harassment and abuse.

    Start with `complaints run` (a fresh instance folder is prepared in ./instance, or in
    COMPLAINTS_INSTANCE), or try it with invented data: `complaints demo`.
    """


@cli.command("init")
def init_command() -> None:
    """Prepare the instance folder: database, migrations, keys."""
    from .instance import prepare_instance

    settings = prepared_settings()
    prepare_instance(settings, say=lambda text: click.echo(text, err=True))
    click.echo(f"Instance ready in {settings['INSTANCE']}")


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def run_command(host: str, port: int) -> None:
    """Prepare the instance if needed, then serve (for one host; see the deployment guide)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = load_app()
    click.echo(f"Serving complaints on http://{host}:{port}/ (press Ctrl+C to stop)", err=True)
    run_simple(host, port, app, threaded=True, request_handler=QuietRequestHandler)


for _module in COMMAND_MODULES:
    cli.add_command(import_module(f"{__package__}.{_module}").command)
cli.add_command(import_module(f"{__package__}.commands.backup").restore_command)


def main() -> None:
    try:
        cli.main(prog_name="complaints")
    except (SettingsError, KeyringError, ProfileError) as error:
        click.echo(f"complaints: cannot start: {error}", err=True)
        sys.exit(2)
