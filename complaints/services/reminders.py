"""Deadlines that are due soon or overdue, and reminder e-mails to the staff who own them.

Reminders carry only the case reference, the kind of deadline and its date: never a
category, a name or anything the complainant wrote.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Any, Mapping

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from ..extensions import db
from ..i18n import long_date_here
from ..models import Assignment, Case, Deadline, User
from ..translatable import N_

DEADLINE_WORDS = {
    "acknowledge": N_("acknowledge receipt"),
    "acknowledge_maximum": N_("acknowledge receipt at the latest (7 days)"),
    "feedback": N_("give feedback to the complainant (3 months)"),
    "protective_measure": N_("decide on protective measures"),
    "triage": N_("choose the route"),
    "external_referral": N_("refer to the competent authority"),
    "mediation_proposal": N_("propose mediation"),
    "mediator_selection": N_("mediator agreed"),
    "mediation": N_("mediation ends"),
    "preliminary_inquiry": N_("preliminary inquiry ends"),
    "investigation": N_("investigation report"),
    "decision": N_("decision"),
    "delivery": N_("decision delivered"),
    "appeal_window": N_("appeal window closes"),
    "appeal_review": N_("appeal decided"),
}


@dataclass(frozen=True)
class DueItem:
    case_id: uuid.UUID
    reference: str
    kind: str
    due_at: datetime
    overdue: bool
    assignees: tuple[tuple[str, str], ...]  # (username, email)


def due_items(within_days: int = 2, now: datetime | None = None) -> list[DueItem]:
    now = now or datetime.now(timezone.utc)
    horizon = now + timedelta(days=within_days)
    rows = db.session.execute(
        select(Deadline.case_id, Case.reference, Deadline.kind, Deadline.due_at)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.met_at.is_(None), Deadline.due_at <= horizon, Case.state != "closed",
               Case.shredded_at.is_(None))
        .order_by(Deadline.due_at)
    ).all()
    people: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    if rows:
        for case_id, username, email in db.session.execute(
            select(Assignment.case_id, User.username, User.email)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.case_id.in_({r[0] for r in rows}), Assignment.ended_at.is_(None),
                   User.is_active_account.is_(True))
        ).all():
            people[case_id].append((username, email))
    return [DueItem(case_id, reference, kind, due, due < now, tuple(people[case_id]))
            for case_id, reference, kind, due in rows]


def reminder_messages(items: list[DueItem], sender: str, language: str = "en_GB") -> list[EmailMessage]:
    """One message per staff member with an e-mail address, listing their deadlines.

    Written in ``language`` (a Babel locale: the instance's COMPLAINTS_LANGUAGE), since a
    reminder is sent from a command, not from anyone's browser.
    """
    by_person: dict[str, list[DueItem]] = defaultdict(list)
    for item in items:
        for _, email in item.assignees:
            if email:
                by_person[email].append(item)
    messages = []
    with force_locale(language):
        for email, own in sorted(by_person.items()):
            lines = [
                gettext("Deadlines on cases assigned to you:"),
                "",
                *(_line(i) for i in own),
                "",
                gettext("Sign in to the complaints system to see the cases. This message contains "
                        "no case details on purpose."),
            ]
            message = EmailMessage()
            message["Subject"] = ngettext("Complaints: %(num)d deadline due or overdue",
                                          "Complaints: %(num)d deadlines due or overdue", len(own))
            message["From"] = sender
            message["To"] = email
            message.set_content("\n".join(lines))
            messages.append(message)
    return messages


def _line(item: DueItem) -> str:
    what = gettext(DEADLINE_WORDS[item.kind]) if item.kind in DEADLINE_WORDS else item.kind
    due = long_date_here(item.due_at)
    if item.overdue:
        return gettext("- %(reference)s: %(what)s, due %(date)s (OVERDUE)",
                       reference=item.reference, what=what, date=due)
    return gettext("- %(reference)s: %(what)s, due %(date)s", reference=item.reference, what=what,
                   date=due)


def send(messages: list[EmailMessage], settings: Mapping[str, Any]) -> int:
    if not settings.get("SMTP_HOST"):
        raise RuntimeError("no SMTP server configured (set COMPLAINTS_SMTP_HOST)")
    with smtplib.SMTP(settings["SMTP_HOST"], settings["SMTP_PORT"], timeout=30) as smtp:
        if settings.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if settings.get("SMTP_USER"):
            smtp.login(settings["SMTP_USER"], settings["SMTP_PASSWORD"])
        for message in messages:
            smtp.send_message(message)
    return len(messages)
