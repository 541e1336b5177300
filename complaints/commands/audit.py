"""`complaints audit head | verify [--head FILE]`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import audit
from ..extensions import db
from ..instance import keyring


@click.group("audit")
def command() -> None:
    """The tamper-evident audit log."""


@command.command("head")
@with_appcontext
def head() -> None:
    """Print the chain's head as "SEQ MAC": keep it outside the system (print, e-mail, safe)."""
    result = audit.verify(db.session, keyring().audit_key)
    click.echo(f"{result.head_seq} {result.head_mac}")


def _read_head(path: str) -> tuple[int, str]:
    try:
        seq, mac = Path(path).read_text(encoding="ascii").split()[:2]
        return int(seq), mac
    except (OSError, ValueError):
        raise click.ClickException(f"{path} does not hold a head written by `complaints audit head`") from None


@command.command("verify")
@click.option("--head", "head_file", type=click.Path(dir_okay=False),
              help="A head kept outside the system; detects entries cut off the end.")
@with_appcontext
def verify(head_file: str | None) -> None:
    """Exit 0 when the chain is intact; otherwise name the first broken entry and exit 1."""
    kept = _read_head(head_file) if head_file else None
    result = audit.verify(db.session, keyring().audit_key, kept)
    click.echo(result.describe())
    if not result.ok:
        sys.exit(1)
