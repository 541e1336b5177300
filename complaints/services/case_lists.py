"""Lists of cases built from clear metadata only: the officer's own cases and the register.

Nothing here decrypts; a list shows reference, category, state, deadlines and assignees.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Select, and_, func, select

from ..extensions import db
from ..models import Assignment, Case, Deadline, User
from ..policy import CAPACITY_ROLES
from .transitions import CLOCKS_STOP_IN

FEEDBACK_DAYS = 90
PAGE_SIZE = 50
MAX_PAGE = 10_000  # past any real list; keeps OFFSET within what the database accepts


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    reference: str
    category: str
    state: str
    submitted_at: datetime
    next_due: datetime | None
    next_kind: str
    overdue: bool
    feedback: str            # "given" | "due" | "overdue" | "n/a"
    feedback_due: datetime | None
    assignees: tuple[tuple[str, str], ...] = ()   # (user name, capacity)


@dataclass(frozen=True)
class Filters:
    state: str = ""
    category: str = ""
    overdue_only: bool = False
    page: int = 1


def _next_deadline_subquery(case_ids: Select | None = None):  # type: ignore[no-untyped-def]
    query = (
        select(Deadline.case_id.label("case_id"), func.min(Deadline.due_at).label("due_at"))
        .where(Deadline.met_at.is_(None))
    )
    if case_ids is not None:
        # Only the cases listed: the database need not group every open deadline first.
        query = query.where(Deadline.case_id.in_(case_ids))
    return query.group_by(Deadline.case_id).subquery()


def _base(filters: Filters, case_ids: Select | None = None) -> tuple[Select, Any]:
    nxt = _next_deadline_subquery(case_ids)
    query = select(Case, nxt.c.due_at).outerjoin(nxt, nxt.c.case_id == Case.id)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.category:
        query = query.where(Case.category == filters.category)
    if filters.overdue_only:
        query = query.where(nxt.c.due_at < datetime.now(timezone.utc))
    # Overdue first, then the nearest deadline, then cases with no deadline.
    query = query.order_by(nxt.c.due_at.is_(None), nxt.c.due_at, Case.submitted_at.desc())
    return query, nxt


def my_cases(user: Any, filters: Filters) -> list[CaseRow]:
    mine = select(Assignment.case_id).where(
        Assignment.user_id == user.id, Assignment.ended_at.is_(None),
        Assignment.recused.is_(False),
        Assignment.capacity.in_([c for c, role in CAPACITY_ROLES.items() if role in user.roles]))
    query, _ = _base(filters, mine)
    query = query.where(Case.shredded_at.is_(None))
    if not filters.state:
        query = query.where(Case.state != "closed")  # closed cases when asked for by stage
    return _rows(query, filters)


def register(filters: Filters) -> list[CaseRow]:
    query, _ = _base(filters)
    return _rows(query, filters)


def count(filters: Filters, user: Any | None = None) -> int:
    query, _ = _base(filters)
    return db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()


def _rows(query: Select, filters: Filters) -> list[CaseRow]:
    page = min(max(filters.page, 1), MAX_PAGE)
    results = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    case_ids = [case.id for case, _ in results]
    kinds = _deadline_kinds(case_ids)
    assignees = _assignees(case_ids)
    now = datetime.now(timezone.utc)
    rows = []
    for case, due in results:
        feedback_due = (case.acknowledged_at + timedelta(days=FEEDBACK_DAYS)
                        if case.acknowledged_at else None)
        if case.first_feedback_at is not None:
            feedback = "given"
        elif feedback_due is None or case.state in CLOCKS_STOP_IN:
            feedback = "n/a"
        else:
            feedback = "overdue" if feedback_due < now else "due"
        rows.append(CaseRow(case.id, case.reference, case.category, case.state,
                            case.submitted_at, due, kinds.get((case.id, due), ""),
                            bool(due and due < now), feedback, feedback_due,
                            tuple(assignees.get(case.id, ()))))
    return rows


def _deadline_kinds(case_ids: list[uuid.UUID]) -> dict[tuple[uuid.UUID, datetime], str]:
    if not case_ids:
        return {}
    rows = db.session.execute(select(Deadline.case_id, Deadline.due_at, Deadline.kind).where(
        Deadline.case_id.in_(case_ids), Deadline.met_at.is_(None))).all()
    return {(case_id, due): kind for case_id, due, kind in rows}


def _assignees(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, str]]]:
    if not case_ids:
        return {}
    found: dict[uuid.UUID, list[tuple[str, str]]] = {}
    rows = db.session.execute(
        select(Assignment.case_id, User.username, Assignment.capacity)
        .join(User, and_(User.id == Assignment.user_id))
        .where(Assignment.case_id.in_(case_ids), Assignment.ended_at.is_(None))
        .order_by(Assignment.assigned_at)).all()
    for case_id, username, capacity in rows:
        found.setdefault(case_id, []).append((username, capacity))
    return found
