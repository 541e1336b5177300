"""`complaints notices`: the content-free "something new is waiting" e-mails complainants asked
for on their page (services/reply_notice.py). Run it from cron, every 10 minutes or so."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import reply_notice


@click.command("notices")
@click.option("--send", is_flag=True, help="Send the notices that are due via COMPLAINTS_SMTP_*.")
@with_appcontext
def command(send: bool) -> None:
    """Count (or send) the reply notices that are due. Prints counts only, never an address."""
    due = reply_notice.due()
    if not send:
        click.echo(f"{len(due)} notice(s) due.")
        return
    try:
        sent = reply_notice.send_due(current_app.config)
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"notices not sent: {type(error).__name__}") from None
    click.echo(f"Sent {sent} notice(s).")
