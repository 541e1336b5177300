"""`complaints retention run [--dry-run]`: crypto-shred closed cases past their retention."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import retention, shred_ledger
from ..extensions import db
from ..services import auditing


@click.group("retention")
def command() -> None:
    """Retention schedule."""


@command.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be shredded; change nothing.")
@with_appcontext
def run(dry_run: bool) -> None:
    """Destroy the data keys (and files) of closed cases past the profile's retention period."""
    now = datetime.now(timezone.utc)
    found = retention.expired_cases(db.session, now)
    for item in found:
        kept = "  KEPT: legal hold" if item.held else ""
        click.echo(f"{item.case.reference}  closed {item.case.closed_at:%Y-%m-%d}  "
                   f"retained until {item.retained_until:%Y-%m-%d}{kept}")
    expired = [item for item in found if not item.held]
    held = len(found) - len(expired)
    if dry_run:
        click.echo(f"Dry run: {len(expired)} case(s) would be shredded, {held} kept under a legal "
                   "hold; nothing changed.")
        return
    ledger = shred_ledger.ledger_path(current_app.config["KEY_FILE"])
    shredded = 0
    for item in expired:
        if not retention.lock_unless_held(db.session, item.case):
            db.session.rollback()
            held += 1
            continue
        shredded += 1
        # The ledger first: a key it names is destroyed again in any restored backup. Should
        # the commit below fail, the next start finishes the shred this case was due for.
        shred_ledger.record(ledger, [item.case.data_key_id], now)
        files = retention.shred(db.session, item.case, now)
        auditing.record("retention.shred", case_id=item.case.id, actor=auditing.CLI,
                        detail={"reference": item.case.reference, "files": len(files)})
        db.session.commit()  # one case at a time: an interruption leaves each case whole
        retention.remove_files(current_app.config["ATTACHMENTS_DIR"], files)
    auditing.record("retention.run", actor=auditing.CLI,
                    detail={"shredded": shredded, "held": held})
    db.session.commit()
    click.echo(f"Shredded {shredded} case(s). Their statistics remain; their content is gone.")
    if held:
        click.echo(f"Kept {held} case(s) past their retention period under a legal hold.")
    if shredded:
        click.echo(f"Back up the shred ledger {ledger} again, with the key file: restoring an "
                   "older database backup destroys these keys again only if the ledger names them.")
