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

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Case, Deadline, User

DEADLINE_WORDS = {
    "acknowledge": "acknowledge receipt",
    "feedback": "give feedback to the complainant (90 days)",
    "triage": "choose the route",
    "mediation_proposal": "mediation proposal answered",
    "mediator_selection": "mediator agreed",
    "mediation": "mediation ends",
    "preliminary_inquiry": "preliminary inquiry ends",
    "investigation": "investigation report",
    "decision": "decision",
    "delivery": "decision delivered",
    "appeal_window": "appeal window closes",
    "appeal_review": "appeal decided",
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


def reminder_messages(items: list[DueItem], sender: str) -> list[EmailMessage]:
    """One message per staff member with an e-mail address, listing their deadlines."""
    by_person: dict[str, list[DueItem]] = defaultdict(list)
    for item in items:
        for _, email in item.assignees:
            if email:
                by_person[email].append(item)
    messages = []
    for email, own in sorted(by_person.items()):
        lines = [
            "Deadlines on cases assigned to you:",
            "",
            *(f"- {i.reference}: {DEADLINE_WORDS.get(i.kind, i.kind)}, due "
              f"{i.due_at:%d %B %Y}{' (OVERDUE)' if i.overdue else ''}" for i in own),
            "",
            "Sign in to the complaints system to see the cases. This message contains no "
            "case details on purpose.",
        ]
        message = EmailMessage()
        message["Subject"] = f"Complaints: {len(own)} deadline(s) due or overdue"
        message["From"] = sender
        message["To"] = email
        message.set_content("\n".join(lines))
        messages.append(message)
    return messages


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
