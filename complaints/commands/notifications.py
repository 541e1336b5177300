"""`complaints notifications`: the watch over deadlines and unacknowledged reports, and the
e-mail notices staff asked for. Run it every few minutes (cron or a systemd timer)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import auditing, deadline_watch, notification_mail
from ..extensions import db


@click.command("notifications")
@click.option("--send-email", is_flag=True,
              help="Also send the pending e-mail notices (no case content) via COMPLAINTS_SMTP_*.")
@with_appcontext
def command(send_email: bool) -> None:
    """Notify staff of deadlines due soon or overdue and of reports nobody acknowledged."""
    watched = deadline_watch.sweep()
    click.echo(f"Looked at {watched.deadlines} deadline(s) due soon or overdue and "
               f"{watched.escalations} report(s) past the last day for acknowledgement.")
    if not send_email:
        return
    from ..i18n import BY_CODE

    language = BY_CODE[current_app.config["LANGUAGE"]].locale
    sender = current_app.config["SMTP_FROM"] or "complaints@localhost"
    try:
        sent = notification_mail.send_pending(current_app.config, sender, language)
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"e-mail notices not sent (they stay pending): {error}") from None
    if sent:
        auditing.record("notifications.emailed", actor=auditing.CLI, detail={"messages": sent})
        db.session.commit()
    click.echo(f"Sent {sent} e-mail notice(s).")
