"""Feedback to the complainant as the law defines it (EU 2019/1937 Art. 9(1)(f) and 5(13)):
the action envisaged or taken as follow-up, with its grounds, within three months.

A message such as "thanks, I'm looking at it" is not feedback; this typed act is. It reaches
the complainant as a message on their follow-up page and meets the feedback clock.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import Case, Deadline, FeedbackRecord, Message
from ..policy import active_capacities
from ..workflow import FEEDBACK_ACTIONS
from . import auditing
from .case_access import cipher_for, staff_case
from .casework import MESSAGE_LIMIT, CaseworkRefused

# Who may give feedback: the complaint officer and the responsible authority.
FEEDBACK_CAPACITIES = {"intake", "decision"}


def give_feedback(user: Any, case_id: uuid.UUID | str, action: str, grounds: str) -> Message:
    case = staff_case(user, case_id, "case.message")
    if not active_capacities(user, case) & FEEDBACK_CAPACITIES:
        raise CaseworkRefused(gettext("Feedback is given by the complaint officer or the decision maker."))
    if action not in FEEDBACK_ACTIONS:
        raise CaseworkRefused(gettext("Choose the action taken or envisaged."))
    grounds = grounds.strip()
    if not grounds:
        raise CaseworkRefused(gettext("Give the grounds: why this action, and what happens next."))
    if len(grounds) > MESSAGE_LIMIT:
        raise CaseworkRefused(gettext("The text is too long."))
    if case.state in {"closed", "withdrawn"}:
        raise CaseworkRefused(gettext("The case is no longer open for feedback."))
    now = datetime.now(timezone.utc)
    message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff",
                      author_user_id=user.id, internal=False, created_at=now)
    body = f"{gettext(FEEDBACK_ACTIONS[action])}.\n\n{grounds}"
    message.body_enc = cipher_for(case).seal("messages", "body_enc", message.id, body)
    db.session.add(message)
    db.session.flush()  # the record refers to the message
    db.session.add(FeedbackRecord(id=uuid.uuid4(), case_id=case.id, message_id=message.id,
                                  action=action, given_by_id=user.id, given_at=now))
    _meet_feedback_clock(case, now)
    auditing.record("case.feedback", case_id=case.id,
                    detail={"message": str(message.id), "action": action})
    db.session.commit()
    return message


def _meet_feedback_clock(case: Case, at: datetime) -> None:
    if case.first_feedback_at is None:
        case.first_feedback_at = at
    for deadline in db.session.execute(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == "feedback",
            Deadline.met_at.is_(None))).scalars():
        deadline.met_at, deadline.ending = at, "met"
