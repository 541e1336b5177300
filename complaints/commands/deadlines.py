"""`complaints deadlines`: what is due and overdue, for a daily job; optional e-mail reminders."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import auditing, deadline_watch, reminders
from ..extensions import db


@click.command("deadlines")
@click.option("--within", default=2, show_default=True, type=int,
              help="Also list deadlines due within this many days.")
@click.option("--send-reminders", is_flag=True,
              help="E-mail each assignee their deadlines (no case content) via COMPLAINTS_SMTP_*.")
@with_appcontext
def command(within: int, send_reminders: bool) -> None:
    """List open deadlines that are overdue or due soon (and notify the people concerned)."""
    deadline_watch.sweep()  # "due soon" keeps its meaning (two days), whatever --within lists
    items = reminders.due_items(within)
    if not items:
        click.echo("No deadline is overdue or due soon.")
    for item in items:
        who = ", ".join(name for name, _ in item.assignees) or "UNASSIGNED"
        status = "OVERDUE" if item.overdue else "due"
        click.echo(f"{item.reference}  {reminders.DEADLINE_WORDS.get(item.kind, item.kind):45}  "
                   f"{status:7} {item.due_at:%Y-%m-%d}  {who}")
    if send_reminders and items:
        sender = current_app.config["SMTP_FROM"] or "complaints@localhost"
        from ..i18n import BY_CODE

        language = BY_CODE[current_app.config["LANGUAGE"]].locale
        messages = reminders.reminder_messages(items, sender, language)
        try:
            sent = reminders.send(messages, current_app.config)
        except (OSError, RuntimeError) as error:
            raise click.ClickException(f"reminders not sent: {error}") from None
        auditing.record("deadlines.reminders_sent", actor=auditing.CLI, detail={"messages": sent})
        db.session.commit()
        click.echo(f"Sent {sent} reminder(s).")
