"""Counts of the caseload for monitoring: how many, never which."""
from __future__ import annotations

from sqlalchemy import exists, func, select

from ..extensions import db
from ..models import Assignment, Case, Deadline, utcnow
from ..workflow import OPEN_STATES


def caseload_counts() -> dict[str, tuple[str, int]]:
    now = utcnow()
    open_case = Case.state.in_(OPEN_STATES)
    assigned = exists().where(Assignment.case_id == Case.id, Assignment.ended_at.is_(None))

    def count(query) -> int:  # type: ignore[no-untyped-def]
        return int(db.session.execute(query).scalar() or 0)

    try:
        return {
            "cases_open": ("Cases not yet closed", count(
                select(func.count()).select_from(Case).where(open_case))),
            "cases_unacknowledged": ("Reports not yet acknowledged", count(
                select(func.count()).select_from(Case).where(Case.state == "submitted"))),
            "cases_unassigned": ("Open cases with nobody assigned", count(
                select(func.count()).select_from(Case).where(open_case, ~assigned))),
            "deadlines_overdue": ("Open deadlines past their due time", count(
                select(func.count()).select_from(Deadline).join(Case, Case.id == Deadline.case_id)
                .where(Deadline.met_at.is_(None), Deadline.due_at < now, open_case))),
        }
    finally:
        db.session.rollback()
