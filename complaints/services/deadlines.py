"""Working with a case's clocks besides transitions: pausing and resuming one with a reason,
and the protective-measure decision that meets its clock.

Pausing stops the running row (ending "paused") and records a DeadlinePause; resuming starts a
new row with the time that was left, counted from the resumption. Both are audited; the
reason is sealed. Only clocks the workflow marks pausable can be paused.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, select

from .. import workflow
from ..extensions import db
from ..models import Case, Deadline, DeadlinePause, User
from ..policy import active_capacities
from ..procedures import load_profile
from ..translatable import N_
from . import auditing
from .case_access import CaseNotFound, cipher_for, staff_case
from .casework import CaseworkRefused

PAUSE_REASONS = {
    "sick_leave": N_("sick leave of a party"),
    "criminal_procedure": N_("a criminal procedure is running"),
    "party_unavailable": N_("a party or witness cannot be reached (deployment, leave)"),
    "other": N_("other reason"),
}
# Who may pause or resume a clock: the complaint officer and the responsible authority.
PAUSE_CAPACITIES = {"intake", "decision"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def pause(user: Any, case_id: uuid.UUID | str, deadline_id: uuid.UUID | str, reason_code: str,
          reason: str) -> DeadlinePause:
    case = staff_case(user, case_id, "case.read")
    _require(user, case)
    deadline = _deadline(case, deadline_id)
    clock = workflow.CLOCKS.get(deadline.kind)
    if clock is None or not clock.pausable:
        raise CaseworkRefused(gettext("This deadline can't be paused: it is a duty towards the complainant."))
    if deadline.met_at is not None:
        raise CaseworkRefused(gettext("This deadline no longer runs."))
    if reason_code not in PAUSE_REASONS:
        raise CaseworkRefused(gettext("Choose why the deadline is paused."))
    if not reason.strip():
        raise CaseworkRefused(gettext("Give the reasons for pausing; they are kept encrypted."))
    at = _now()
    deadline.met_at, deadline.ending = at, "paused"
    record = DeadlinePause(id=uuid.uuid4(), case_id=case.id, kind=deadline.kind,
                           paused_deadline_id=deadline.id, reason_code=reason_code,
                           paused_at=at, paused_by_id=user.id)
    record.reason_enc = cipher_for(case).seal("deadline_pauses", "reason_enc", record.id, reason.strip())
    db.session.add(record)
    auditing.record("deadline.paused", case_id=case.id,
                    detail={"pause": str(record.id), "kind": deadline.kind, "reason": reason_code})
    db.session.commit()
    return record


def resume(user: Any, case_id: uuid.UUID | str, pause_id: uuid.UUID | str) -> Deadline:
    case = staff_case(user, case_id, "case.read")
    _require(user, case)
    try:
        record = db.session.get(DeadlinePause, uuid.UUID(str(pause_id)))
    except ValueError:
        record = None
    if record is None or record.case_id != case.id:
        raise CaseNotFound(str(pause_id))
    if record.resumed_at is not None:
        raise CaseworkRefused(gettext("This deadline was already resumed."))
    deadline = resume_pause(case, record, _now(), user.id)
    db.session.commit()
    return deadline


def resume_pause(case: Case, record: DeadlinePause, at: datetime, user_id: int | None) -> Deadline:
    """Continue a paused clock in the open transaction: the time left when it was paused now
    runs from ``at`` (whole days, counted as the profile counts them)."""
    paused = db.session.get(Deadline, record.paused_deadline_id)
    calendar = load_profile(case.procedure).calendar
    left = max((calendar.local_date(paused.due_at) - calendar.local_date(record.paused_at)).days, 0)
    continued = Deadline(id=uuid.uuid4(), case_id=case.id, kind=paused.kind,
                         due_at=calendar.add_days(at, left) if left else calendar.end_of_day(
                             calendar.local_date(at)),
                         created_at=at)
    db.session.add(continued)
    record.resumed_at, record.resumed_by_id, record.resumed_deadline_id = at, user_id, continued.id
    auditing.record("deadline.resumed", case_id=case.id,
                    detail={"pause": str(record.id), "kind": paused.kind, "days_left": left,
                            "by_step": user_id is None})
    return continued


# Built once, as the case page's other statements (docs/manual/performance.md).
_OPEN_PAUSES = (select(DeadlinePause).where(DeadlinePause.case_id == bindparam("case_id"),
                                            DeadlinePause.resumed_at.is_(None))
                .order_by(DeadlinePause.paused_at))


def open_pauses(case: Case) -> list[tuple[DeadlinePause, str, User | None]]:
    """Paused clocks of the case with their reasons (for a caller already cleared)."""
    cipher = cipher_for(case)
    rows = db.session.execute(_OPEN_PAUSES, {"case_id": case.id}).scalars()
    return [(p, cipher.open("deadline_pauses", "reason_enc", p.id, p.reason_enc),
             db.session.get(User, p.paused_by_id) if p.paused_by_id else None) for p in rows]


def meet_protective_measure_clock(case: Case, at: datetime) -> None:
    """A measure ordered, or a decision that none is needed, meets the clock (Serbia Art. 24)."""
    for deadline in db.session.execute(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == "protective_measure",
            Deadline.met_at.is_(None))).scalars():
        deadline.met_at, deadline.ending = at, "met"


def _require(user: Any, case: Case) -> None:
    if not active_capacities(user, case) & PAUSE_CAPACITIES:
        raise CaseworkRefused(gettext("Only the complaint officer or the decision maker can pause or resume a deadline."))


def _deadline(case: Case, deadline_id: uuid.UUID | str) -> Deadline:
    try:
        deadline = db.session.get(Deadline, uuid.UUID(str(deadline_id)))
    except ValueError:
        deadline = None
    if deadline is None or deadline.case_id != case.id:
        raise CaseNotFound(str(deadline_id))
    return deadline


def no_measure_needed(user: Any, case_id: uuid.UUID | str, reasons: str) -> Case:
    """The responsible authority decides that no protective measure is needed now, with
    reasons kept as an internal note; this meets the protective-measure clock."""
    from ..models import Message

    case = staff_case(user, case_id, "case.read")
    if not active_capacities(user, case) & {"decision", "intake"}:
        raise CaseworkRefused(gettext("Only the complaint officer or the decision maker can decide on protective measures."))
    if not reasons.strip():
        raise CaseworkRefused(gettext("Give the reasons why no measure is needed now."))
    at = _now()
    note = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff", author_user_id=user.id,
                   internal=True, created_at=at)
    note.body_enc = cipher_for(case).seal("messages", "body_enc", note.id,
                                          gettext("No protective measure needed now: %(reasons)s",
                                                  reasons=reasons.strip()))
    db.session.add(note)
    meet_protective_measure_clock(case, at)
    auditing.record("case.no_measure_needed", case_id=case.id, detail={"note": str(note.id)})
    db.session.commit()
    return case
