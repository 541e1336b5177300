"""Each case's next open deadline, kept on the case row (``next_due_at``, ``next_due_kind``).

The lists order and filter by the nearest deadline. Computing it per request means grouping
every open deadline in the database (0.7 to 1.4 s at 100,000 cases); reading it from the
case row with an index takes milliseconds. It is kept in this one place: whenever a flush
adds, changes or deletes a deadline, the cases it belongs to are recomputed from their
deadlines in the same transaction, whichever service opened or met them (intake, the
transitions, messages that meet the feedback deadline, the demo). Writes that bypass the
ORM call ``refresh`` themselves, or, for a new case written with its deadlines (intake), set
the columns from ``nearest``.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import Case, Deadline

_PENDING = "complaints.next_due.cases"


def nearest(deadlines: Iterable[Deadline]) -> tuple[datetime | None, str]:
    """(due_at, kind) of the nearest open deadline among these, as ``refresh`` would store it
    for a case that has exactly these (the first of equal ones)."""
    open_deadlines = [d for d in deadlines if d.met_at is None]
    if not open_deadlines:
        return None, ""
    first = min(open_deadlines, key=lambda d: d.due_at)
    return first.due_at, first.kind


def refresh(connection: Connection, case_ids: Iterable[uuid.UUID] | None = None) -> None:
    """Recompute the next open deadline of ``case_ids`` (every case when None)."""
    open_deadlines = (Deadline.case_id == Case.id) & Deadline.met_at.is_(None)
    nearest = select(Deadline.due_at).where(open_deadlines).order_by(Deadline.due_at).limit(1)
    kind = select(Deadline.kind).where(open_deadlines).order_by(Deadline.due_at).limit(1)
    statement = update(Case).values(next_due_at=nearest.scalar_subquery(),
                                    next_due_kind=func.coalesce(kind.scalar_subquery(), ""))
    if case_ids is not None:
        ids = sorted(set(case_ids))
        if not ids:
            return
        # Lock the rows first, in a statement of its own: on PostgreSQL the UPDATE below then
        # starts after any other transaction changing these cases' deadlines has committed,
        # and its subqueries see those deadlines (an UPDATE that waits for a row lock would
        # compute them from the snapshot it started with). SQLite serialises writers anyway.
        connection.execute(select(Case.id).where(Case.id.in_(ids)).order_by(Case.id).with_for_update())
        statement = statement.where(Case.id.in_(ids))
    # Core UPDATE: the case's version (its optimistic lock for transitions) stays as it is.
    connection.execute(statement.execution_options(synchronize_session=False))


@event.listens_for(Session, "after_flush")
def _note_changed_deadlines(session: Session, flush_context: Any) -> None:
    changed = {obj.case_id for obj in (*session.new, *session.dirty, *session.deleted)
               if isinstance(obj, Deadline) and obj.case_id is not None}
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_noted_cases(session: Session, flush_context: Any) -> None:
    case_ids = session.info.pop(_PENDING, None)
    if not case_ids:
        return
    refresh(session.connection(), case_ids)
    for obj in session.identity_map.values():
        if isinstance(obj, Case) and obj.id in case_ids:
            session.expire(obj, ["next_due_at", "next_due_kind"])
