"""An optional, content-free notice that something new is waiting on a complainant's case.

The person chooses an e-mail address on their follow-up page; it is sealed with the case's
data key (``cases.reply_notice_enc``, with the language to write in) and they can remove it
at any time. ``complaints notices --send`` (run from cron) writes once per case when staff
wrote to them or the case moved on since the last notice: a fixed text, never the case's
reference, category, receipt or any content, and no link (the person knows where to go).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any, Mapping

from flask_babel import force_locale, gettext
from sqlalchemy import exists, or_, select

from ..extensions import db
from ..models import Case, Message, Transition
from . import auditing
from .case_access import cipher_for
from .reminders import send

ADDRESS_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def has_contact(case: Case) -> bool:
    return case.reply_notice_enc is not None


def set_contact(case: Case, address: str, language: str) -> None:
    """Seal the address (and the language to write in) with the case's key. News from now on
    is what counts, so no notice is sent for what the person has already seen."""
    value = json.dumps({"address": address.strip(), "language": language})
    case.reply_notice_enc = cipher_for(case).seal("cases", "reply_notice_enc", case.id, value)
    case.reply_notice_since = _now()
    auditing.record("complainant.reply_notice_set", case_id=case.id, actor=auditing.COMPLAINANT)
    db.session.commit()


def remove_contact(case: Case) -> None:
    case.reply_notice_enc = None
    case.reply_notice_since = None
    auditing.record("complainant.reply_notice_removed", case_id=case.id, actor=auditing.COMPLAINANT)
    db.session.commit()


@dataclass(frozen=True)
class Due:
    case_id: uuid.UUID
    address: str
    language: str


def due(now: datetime | None = None) -> list[Due]:
    """Cases whose person asked for notices and have news since the last one: a message from
    staff (not an internal note) or a step taken by staff."""
    now = now or _now()
    news_message = exists().where(Message.case_id == Case.id, Message.author_kind == "staff",
                                  Message.internal.is_(False), Message.read_at.is_(None),
                                  Message.created_at > Case.reply_notice_since)
    news_step = exists().where(Transition.case_id == Case.id, Transition.actor_kind == "staff",
                               Transition.at > Case.reply_notice_since)
    cases = db.session.execute(select(Case).where(
        Case.reply_notice_enc.is_not(None), Case.shredded_at.is_(None),
        or_(news_message, news_step))).scalars()
    found = []
    for case in cases:
        value = json.loads(cipher_for(case).open("cases", "reply_notice_enc", case.id, case.reply_notice_enc))
        found.append(Due(case.id, value["address"], value.get("language", "en_GB")))
    return found


def message_for(item: Due, sender: str) -> EmailMessage:
    with force_locale(item.language):
        message = EmailMessage()
        message["Subject"] = gettext("Something new is waiting for you")
        message["From"] = sender
        message["To"] = item.address
        message.set_content("\n\n".join([
            gettext("There is something new for you on the service where you made a report."),
            gettext("To read it, open that service as you did before and enter your code."),
            gettext("This message says nothing more on purpose. To stop these messages, remove "
                    "this address on your page there."),
        ]))
    return message


def send_due(settings: Mapping[str, Any], actor: str = auditing.CLI) -> int:
    """Send the notices that are due; each case's "since" moves on once its notice is sent."""
    items = due()
    if not items:
        return 0
    sender = settings.get("SMTP_FROM") or "complaints@localhost"
    sent = send([message_for(item, sender) for item in items], settings)
    now = _now()
    for item in items:
        case = db.session.get(Case, item.case_id)
        case.reply_notice_since = now
        auditing.record("complainant.reply_notice_sent", case_id=case.id, actor=actor)
    db.session.commit()
    return sent
