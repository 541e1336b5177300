"""`complaints demo`: fill a fresh instance with invented accounts and cases."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import demo, published_statistics


@click.command("demo")
@click.option("--cases", default=300, show_default=True, type=click.IntRange(20, 5000),
              help="How many invented cases to create.")
@with_appcontext
def command(cases: int) -> None:
    """Create an account for every role and a few hundred invented cases (fresh instance only)."""
    if not demo.demo_is_empty():
        raise click.ClickException(
            "this instance already has accounts; the demo needs a fresh instance "
            "(set COMPLAINTS_INSTANCE to an empty folder)")
    marker = Path(current_app.config["INSTANCE"]) / "DEMO"
    marker.write_text("This instance holds invented demonstration data only.\n", encoding="utf-8")
    click.echo(f"Creating {cases} invented cases; this takes a little while...", err=True)
    accounts = demo.build_demo(cases)
    published_statistics.compute_due()  # the invented past's statistics releases, as if it had run
    click.echo("role          user name            password                     otpauth URI")
    for account in accounts:
        click.echo(f"{account.role:13} {account.username:20} {account.password:28} {account.otpauth_uri}")
    instance = Path(current_app.config["INSTANCE"]).resolve()
    click.echo("Every page of this instance shows a demo banner. Sign in at /login with a user name "
               "and password above and a code from an authenticator app given the otpauth URI "
               "(or computed from it).", err=True)
    click.echo(f"Serve it with: COMPLAINTS_INSTANCE={instance} complaints run --port 5000",
               err=True)
