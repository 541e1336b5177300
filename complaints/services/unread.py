"""What is waiting on a case: a message from the complainant that no assignee has opened yet.

An event, never content: the lists show a marker and filter by it, from ``messages.read_at``
(for a complainant's message: when an assignee first opened the case page after it came).
Coordinators see the same marker (someone wrote and nobody assigned has read it yet).
Other events (notifications) plug in here, in ``waiting_condition`` and ``waiting_among``.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update

from ..extensions import db
from ..models import Case, Message

_UNREAD = (Message.author_kind == "complainant", Message.read_at.is_(None))


def waiting_condition(user: Any | None) -> ColumnElement[bool]:
    """A condition on ``Case``: something is waiting to be read on it."""
    return exists().where(Message.case_id == Case.id, *_UNREAD)


def waiting_among(case_ids: list[uuid.UUID], user: Any | None) -> set[uuid.UUID]:
    if not case_ids:
        return set()
    return set(db.session.execute(
        select(Message.case_id).where(Message.case_id.in_(case_ids), *_UNREAD).distinct()
    ).scalars())


def mark_read(case_id: uuid.UUID, shown: list[uuid.UUID]) -> None:
    """An assignee opened the case: the complainant's messages ``shown`` to them are read
    (committed by the caller, with the read's audit entry). One that came after the page read
    the messages stays unread; with none shown unread, nothing is written."""
    if not shown:
        return
    db.session.execute(update(Message).where(Message.case_id == case_id, Message.id.in_(shown), *_UNREAD)
                       .values(read_at=datetime.now(timezone.utc))
                       .execution_options(synchronize_session=False))
