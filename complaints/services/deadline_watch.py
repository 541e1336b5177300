"""The watch over time: deadlines due soon or overdue, and reports nobody acknowledged,
reach the people who can act on them, or the coordinators when nobody assigned can.

Run by `complaints notifications` (every few minutes) and by the daily `complaints
deadlines`; any number of runs, one after the other or at once, tell each person of each
event once (see services/notifications.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from .. import notifications as kinds
from ..extensions import db
from ..models import Case, Deadline
from ..next_step import deadline_capacities
from ..procedures import load_profile
from . import notifications
from .transitions import CLOCKS_STOP_IN

SOON_DAYS = 2


@dataclass(frozen=True)
class Watched:
    deadlines: int      # deadlines due soon or overdue that were looked at
    escalations: int    # reports past the last day for acknowledgement


def sweep(now: datetime | None = None, within_days: int = SOON_DAYS) -> Watched:
    """Write the notifications time has made due, and commit."""
    now = now or datetime.now(timezone.utc)
    deadlines = _deadlines(now, now + timedelta(days=within_days))
    escalations = _unacknowledged(now)
    db.session.commit()
    return Watched(deadlines, escalations)


def _deadlines(now: datetime, horizon: datetime) -> int:
    rows = db.session.execute(
        select(Deadline, Case).join(Case, Case.id == Deadline.case_id)
        .where(Deadline.met_at.is_(None), Deadline.due_at <= horizon,
               # the 7-day maximum for acknowledgement is the escalation below, to coordinators
               Deadline.kind != "acknowledge_maximum",
               Case.state.not_in(CLOCKS_STOP_IN), Case.shredded_at.is_(None))
        .order_by(Deadline.due_at, Deadline.id)).all()  # one order for every run: no deadlock
    for deadline, case in rows:
        overdue = deadline.due_at < now
        notifications.case_event(
            case, "deadline_overdue" if overdue else "deadline_soon",
            kinds.deadline_key(deadline.id, overdue),
            capacities=deadline_capacities(deadline.kind, case.state),
            detail=deadline.kind, due_at=deadline.due_at, at=now)
    return len(rows)


def _unacknowledged(now: datetime) -> int:
    """A report still unacknowledged on the last day the profile allows (its
    ``acknowledge_maximum``, 7 days in the EU directive) reaches every coordinator."""
    found = 0
    for case in db.session.execute(select(Case).where(
            Case.state == "submitted", Case.shredded_at.is_(None)).order_by(Case.id)).scalars():
        profile = load_profile(case.procedure)
        days = profile.deadlines_days["acknowledge_maximum"]
        # The end of the day before the last one (in the profile's calendar and time zone).
        last_day_begins = profile.calendar.add_days(case.submitted_at, max(days - 1, 0))
        if now <= last_day_begins:
            continue
        found += 1
        notifications.notify(notifications.coordinators(), kind="escalation_acknowledge",
                             audience=kinds.COORDINATOR, key=kinds.escalation_key(case.id),
                             case_id=case.id, detail=str(days), at=now)
    return found
