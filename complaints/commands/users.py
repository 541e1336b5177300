"""`complaints users`: add, list, disable and enable staff accounts."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..models import ROLES
from ..services import accounts


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def command() -> None:
    """Manage staff accounts."""


@command.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="A role of the account (repeat for several).")
@click.option("--display-name", default="", help="Name shown to colleagues.")
@click.option("--email", default="", help="For deadline reminders only.")
@with_appcontext
def add(name: str, roles: tuple[str, ...], display_name: str, email: str) -> None:
    """Create an account; the password is read from standard input or prompted."""
    password = _read_password()
    try:
        user, uri = accounts.create_user(name, password, roles, display_name=display_name, email=email)
    except accounts.AccountError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Created {user.username} with roles: {', '.join(sorted(user.roles))}.")
    click.echo("Add this to the user's authenticator app now; it will not be shown again:")
    click.echo(uri)


@command.command("list")
@with_appcontext
def list_users() -> None:
    """List accounts with their roles and status."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import User

    for user in db.session.execute(select(User).order_by(User.username)).scalars():
        status = "active" if user.is_active_account else "disabled"
        click.echo(f"{user.username:24} {status:9} {'enrolled' if user.totp_enrolled else 'not enrolled':13} "
                   f"{','.join(sorted(user.roles))}")


def _set_active(name: str, active: bool) -> None:
    user = accounts.find_user(name)
    if user is None:
        click.echo(f"Error: no account named {name}", err=True)
        sys.exit(1)
    accounts.set_active(None, user.id, active)
    click.echo(f"{user.username} is now {'enabled' if active else 'disabled'}.")


@command.command("disable")
@click.argument("name")
@with_appcontext
def disable(name: str) -> None:
    """Disable an account (ends all its sessions)."""
    _set_active(name, False)


@command.command("enable")
@click.argument("name")
@with_appcontext
def enable(name: str) -> None:
    """Re-enable a disabled account."""
    _set_active(name, True)
