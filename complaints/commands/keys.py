"""`complaints keys status | rotate | retire KEK_ID`."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..crypto import KeyringError
from ..services import keys


@click.group("keys")
def command() -> None:
    """Key-encryption keys: status, rotation, retirement."""


@command.command("status")
@with_appcontext
def status() -> None:
    """Show the KEKs (never their material) and how many data keys each wraps."""
    info = keys.status()
    click.echo(f"Keys from: {info.source}")
    for kid, created, count in info.keks:
        marker = "active " if kid == info.active else "retired-able " if count == 0 else "old    "
        click.echo(f"{marker} {kid}  created {created or '?'}  wraps {count} data key(s)")
    click.echo(f"Shredded data keys (retention): {info.shredded}")


@command.command("rotate")
@with_appcontext
def rotate() -> None:
    """Add a new KEK and re-wrap every data key under it in one transaction."""
    try:
        kid, count = keys.rotate()
    except KeyringError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"New active KEK {kid}; re-wrapped {count} data key(s).")
    click.echo("Back up the key file now. Old KEKs can be retired with `complaints keys retire ID`.")


@command.command("retire")
@click.argument("kek_id")
@with_appcontext
def retire(kek_id: str) -> None:
    """Remove an old KEK from the key file once no data key uses it."""
    try:
        keys.retire(kek_id)
    except KeyringError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Retired {kek_id}. Back up the key file now.")
