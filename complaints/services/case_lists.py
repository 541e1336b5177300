"""Lists of cases built from clear metadata only: the officer's own cases and the register.

Nothing here decrypts; a list shows reference, category, stage, deadlines, assignees and
whether something is waiting (an unread message), never what a case says. Search is by
reference only. The order and the deadline filters read the next open deadline kept on the
case row (complaints/next_due.py), so a page of 100,000 cases is an index scan.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case as sql_case, exists, func, select

from sqlalchemy.orm import load_only

from ..extensions import db
from ..models import Assignment, Case, User
from ..policy import CAPACITY_ROLES
from . import transitions, unread

PAGE_SIZE = 50
MAX_PAGE = 10_000  # past any real list; keeps OFFSET within what the database accepts
REFERENCE_MAX = 32  # Case.reference's length: a longer search can't match anything
DUE_SOON_DAYS = 7

# Quick filters (checkboxes); each is one condition below, all of them must hold.
SHOW_NEW, SHOW_UNASSIGNED, SHOW_UNREAD, SHOW_OVERDUE, SHOW_DUE_WEEK = (
    "new", "unassigned", "unread", "overdue", "due_week")
SHOWS = (SHOW_NEW, SHOW_UNASSIGNED, SHOW_UNREAD, SHOW_OVERDUE, SHOW_DUE_WEEK)

# Sortable columns: the key people click, and the columns it orders by (then by reference).
SORTS = {
    "due": (Case.next_due_at,),
    "reference": (Case.reference,),
    "category": (Case.category,),
    "stage": (Case.state,),
    "received": (Case.submitted_at,),
}
DEFAULT_SORT = "due"

# What a row shows: clear metadata only (the encrypted columns are never even loaded).
LISTED_COLUMNS = (Case.id, Case.reference, Case.category, Case.state, Case.submitted_at,
                  Case.acknowledged_at, Case.first_feedback_at, Case.next_due_at, Case.next_due_kind,
                  Case.procedure)


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
    unread: bool = False


@dataclass(frozen=True)
class Filters:
    q: str = ""                       # a reference, or its beginning
    state: str = ""
    category: str = ""
    show: frozenset[str] = frozenset()
    assignee_id: int = 0              # register only: cases this staff member holds
    include_closed: bool = False      # closed cases are hidden unless asked for
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1

    @property
    def overdue_only(self) -> bool:
        return SHOW_OVERDUE in self.show


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    filters: Filters = field(default_factory=Filters)


def normalise_reference(text: str) -> str:
    """What people type for a reference: any case, spaces around it ignored."""
    return text.strip().upper()[:REFERENCE_MAX + 1]


# --- the conditions ----------------------------------------------------------------------


def _active_assignment(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Assignment.case_id == Case.id, Assignment.ended_at.is_(None),
                          Assignment.recused.is_(False), *conditions)


def _conditions(filters: Filters, user: Any | None, now: datetime) -> list[ColumnElement[bool]]:
    # Shredded cases are closed ones (retention shreds only those): hidden with the closed,
    # listed by their metadata when closed cases are asked for. No condition on shredded_at
    # here, so counting the open cases reads the narrow state index, not the case rows.
    where: list[ColumnElement[bool]] = []
    if filters.q:
        reference = normalise_reference(filters.q)
        if len(reference) > REFERENCE_MAX:
            where.append(Case.id.is_(None))  # longer than any reference: nothing matches
        else:
            where.append(Case.reference.startswith(reference, autoescape=True))
    if filters.state:
        where.append(Case.state == filters.state)
    elif not filters.include_closed:
        where.append(Case.state != "closed")
    if filters.category:
        where.append(Case.category == filters.category)
    if filters.assignee_id:
        where.append(_active_assignment(Assignment.user_id == filters.assignee_id))
    show = filters.show
    if SHOW_NEW in show:
        where.append(Case.state == "submitted")
    if SHOW_UNASSIGNED in show:
        where.append(~_active_assignment())
    if SHOW_UNREAD in show:
        where.append(unread.waiting_condition(user))
    if SHOW_OVERDUE in show:
        where.append(Case.next_due_at < now)
    if SHOW_DUE_WEEK in show:
        where.append(and_(Case.next_due_at >= now,
                          Case.next_due_at < now + timedelta(days=DUE_SOON_DAYS)))
    return where


def _ordered(query: Select, filters: Filters) -> Select:
    columns = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    order = []
    for column in columns:
        directed = column.desc() if filters.descending else column.asc()
        # Cases without a running deadline stay at the end whichever way the list runs.
        order.append(directed.nulls_last() if column is Case.next_due_at else directed)
    tie = Case.submitted_at if filters.sort == DEFAULT_SORT else Case.reference
    order.append(tie.asc())
    return query.order_by(*order)


def _mine(user: Any) -> ColumnElement[bool]:
    capacities = [c for c, role in CAPACITY_ROLES.items() if role in user.roles]
    return _active_assignment(Assignment.user_id == user.id, Assignment.capacity.in_(capacities))


# --- the lists ---------------------------------------------------------------------------


def my_cases(user: Any, filters: Filters) -> CasePage:
    """The cases ``user`` is assigned to now, in a capacity their roles still back."""
    filters = replace(filters, assignee_id=0, show=filters.show - {SHOW_UNASSIGNED})
    return _page(filters, user, extra=[_mine(user), Case.shredded_at.is_(None)])


def register(filters: Filters, user: Any | None = None) -> CasePage:
    """Every case, for the coordinator's register (metadata only)."""
    return _page(filters, user)


def _page(filters: Filters, user: Any | None, extra: list[ColumnElement[bool]] | None = None) -> CasePage:
    now = datetime.now(timezone.utc)
    where = [*_conditions(filters, user, now), *(extra or [])]
    total = db.session.execute(select(func.count()).select_from(Case).where(*where)).scalar_one()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), MAX_PAGE, pages)
    # The page's ids first (an index-only scan, however deep the page), then those rows.
    ids = list(db.session.execute(_ordered(select(Case.id).where(*where), filters)
                                  .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())
    found = {case.id: case for case in db.session.execute(
        select(Case).options(load_only(*LISTED_COLUMNS)).where(Case.id.in_(ids))).scalars()}
    cases = [found[case_id] for case_id in ids if case_id in found]
    return CasePage(_rows(cases, user, now), total, page, pages, filters)


def _rows(cases: list[Case], user: Any | None, now: datetime) -> list[CaseRow]:
    case_ids = [case.id for case in cases]
    assignees = _assignees(case_ids)
    waiting = unread.waiting_among(case_ids, user)
    rows = []
    for case in cases:
        # the feedback clock (three months from acknowledgement, or from the end of the 7-day
        # period when none was sent: EU 2019/1937 Art. 9(1)(f)), from the row alone
        feedback_due = transitions.feedback_due(case)
        if case.first_feedback_at is not None:
            feedback = "given"
        elif feedback_due is None or case.state in transitions.CLOCKS_STOP_IN:
            feedback = "n/a"
        else:
            feedback = "overdue" if feedback_due < now else "due"
        due = case.next_due_at
        rows.append(CaseRow(case.id, case.reference, case.category, case.state,
                            case.submitted_at, due, case.next_due_kind or "",
                            bool(due and due < now), feedback, feedback_due,
                            tuple(assignees.get(case.id, ())), case.id in waiting))
    return rows


def _assignees(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, str]]]:
    if not case_ids:
        return {}
    found: dict[uuid.UUID, list[tuple[str, str]]] = {}
    rows = db.session.execute(
        select(Assignment.case_id, User.display_name, User.username, Assignment.capacity)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.case_id.in_(case_ids), Assignment.ended_at.is_(None))
        .order_by(Assignment.assigned_at)).all()
    for case_id, display_name, username, capacity in rows:
        found.setdefault(case_id, []).append((display_name or username, capacity))
    return found


# --- workload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    user_id: int
    name: str
    by_capacity: dict[str, int]
    total: int          # open cases held (a case counts once however many capacities)
    overdue: int        # of those, cases with an overdue deadline


def workload(user_ids: list[int] | None = None) -> list[Workload]:
    """Open assignments per staff member: capacities held on cases that are not closed."""
    now = datetime.now(timezone.utc)
    open_case = and_(Case.id == Assignment.case_id, Case.state != "closed",
                     Case.shredded_at.is_(None))
    active = and_(Assignment.ended_at.is_(None), Assignment.recused.is_(False))
    per_capacity = (select(Assignment.user_id, Assignment.capacity, func.count())
                    .join(Case, open_case).where(active)
                    .group_by(Assignment.user_id, Assignment.capacity))
    per_user = (select(Assignment.user_id, func.count(func.distinct(Case.id)),
                       func.count(func.distinct(sql_case((Case.next_due_at < now, Case.id)))))
                .join(Case, open_case).where(active).group_by(Assignment.user_id))
    if user_ids is not None:
        per_capacity = per_capacity.where(Assignment.user_id.in_(user_ids))
        per_user = per_user.where(Assignment.user_id.in_(user_ids))
    capacities: dict[int, dict[str, int]] = {}
    for user_id, capacity, n in db.session.execute(per_capacity):
        capacities.setdefault(user_id, {})[capacity] = n
    totals = {user_id: (n, late) for user_id, n, late in db.session.execute(per_user)}
    case_roles = set(CAPACITY_ROLES.values())
    staff = db.session.execute(select(User).where(User.is_active_account.is_(True))
                               .order_by(User.display_name, User.username)).scalars()
    return [Workload(u.id, u.display_name or u.username, capacities.get(u.id, {}),
                     *totals.get(u.id, (0, 0)))
            for u in staff
            if (user_ids is None or u.id in user_ids) and (u.roles & case_roles or u.id in totals)]


def case_staff() -> list[tuple[int, str]]:
    """(id, name) of active staff who can hold a capacity on a case, by name."""
    roles = set(CAPACITY_ROLES.values())
    staff = db.session.execute(select(User).where(User.is_active_account.is_(True))).scalars()
    return sorted(((u.id, u.display_name or u.username) for u in staff if u.roles & roles),
                  key=lambda item: item[1].casefold())


def open_case_counts(user_ids: list[int]) -> dict[int, int]:
    """How many open cases each of ``user_ids`` holds now (for the assignment form)."""
    return {w.user_id: w.total for w in workload(user_ids)}
