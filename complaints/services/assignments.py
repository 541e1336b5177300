"""Assigning staff to cases: coordinators assign, conflicts are prevented, assignees recuse.

Every change is one transaction with its audit entry. The coordinator never sees content:
these functions read only the case's metadata and the staff list.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Assignment, AssignmentException, Case, User
from ..assignment_reasons import END_REASONS, RECUSAL_REASONS
from ..policy import CAPACITY_ROLES, Conflict, allowed, assignment_conflicts, may_hold_capacity
from ..translatable import N_
from . import auditing, case_lists, notifications
from .case_access import CaseNotFound, cipher_for, staff_case


class AssignmentRefused(Exception):
    """The assignment can't be made; the message says why in plain words."""


def _refuse_self_assignment() -> AssignmentRefused:
    """A coordinator never assigns themselves (separation of duties)."""
    return AssignmentRefused(gettext("You can't assign yourself to a case: another coordinator "
                                     "must decide that."))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def register_case(coordinator: Any, case_id: uuid.UUID | str) -> Case:
    """A case as seen from the register (metadata only), or CaseNotFound."""
    try:
        case = db.session.get(Case, uuid.UUID(str(case_id)))
    except ValueError:
        case = None
    if case is None or not allowed(coordinator, "register.view_case", case):
        raise CaseNotFound(str(case_id))
    return case


def active_assignments(case: Case) -> list[tuple[Assignment, User]]:
    return list(db.session.execute(
        select(Assignment, User).join(User, User.id == Assignment.user_id)
        .where(Assignment.case_id == case.id, Assignment.ended_at.is_(None))
        .order_by(Assignment.assigned_at)
    ).all())


@dataclass(frozen=True)
class Candidate:
    """Someone who holds the role for a capacity, as the assignment form offers them."""
    user_id: int
    name: str
    conflicts: tuple[Conflict, ...]
    open_cases: int
    assigned: bool            # already holds this capacity on the case
    exception_approved: bool  # a conflict, but a second coordinator approved the exception

    @property
    def blocked(self) -> bool:
        """Can't be chosen: an absolute conflict, or a conflict without an approved exception."""
        return any(c.absolute for c in self.conflicts) or (bool(self.conflicts) and not self.exception_approved)


SELF = Conflict("self", N_("you can't assign yourself"), absolute=True)


def assignment_options(case: Case, coordinator: Any = None) -> dict[str, list[Candidate]]:
    """For every capacity, the people who hold its role, with their conflicts on this case
    and their open cases, so the form marks conflicts before anything is submitted (the
    coordinator looking is marked too: nobody assigns themselves)."""
    staff = [u for u in db.session.execute(select(User).where(User.is_active_account.is_(True)))
             .scalars() if u.roles & set(CAPACITY_ROLES.values())]
    staff.sort(key=lambda u: (u.display_name or u.username).casefold())
    me = getattr(coordinator, "id", None)
    conflicts = {u.id: tuple(assignment_conflicts(u, case)) + ((SELF,) if u.id == me else ())
                 for u in staff}
    load = case_lists.open_case_counts([u.id for u in staff])
    held = set(tuple(row) for row in db.session.execute(select(Assignment.user_id, Assignment.capacity).where(
        Assignment.case_id == case.id, Assignment.ended_at.is_(None))).all())
    approved = set(tuple(row) for row in db.session.execute(select(AssignmentException.user_id, AssignmentException.capacity)
                                      .where(AssignmentException.case_id == case.id,
                                             AssignmentException.approved_at.is_not(None))).all())
    return {capacity: [Candidate(u.id, u.display_name or u.username, conflicts[u.id], load.get(u.id, 0),
                                 (u.id, capacity) in held, (u.id, capacity) in approved)
                       for u in staff if role in u.roles]
            for capacity, role in CAPACITY_ROLES.items()}


def assign(coordinator: Any, case_id: uuid.UUID | str, user_id: int, capacity: str) -> Assignment:
    return assign_many(coordinator, case_id, {capacity: user_id})[0]


class AssignmentsRefused(AssignmentRefused):
    """Some of several assignments can't be made: ``reasons`` by capacity. None was made."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__("; ".join(reasons.values()))
        self.reasons = reasons


def assign_many(coordinator: Any, case_id: uuid.UUID | str, chosen: dict[str, int]) -> list[Assignment]:
    """Assign one person per capacity in one step: all of them, or none when any is refused
    (the reasons say which and why, by capacity)."""
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(case_id))
    case = register_case(coordinator, case_id)
    if case.state == "closed" or case.shredded_at is not None:
        raise AssignmentRefused(gettext("This case is closed; nobody can be assigned to it."))
    chosen = {capacity: user_id for capacity, user_id in chosen.items() if user_id}
    if not chosen:
        raise AssignmentRefused(gettext("Choose at least one person to assign."))
    reasons: dict[str, str] = {}
    granted: list[tuple[User, str, AssignmentException | None]] = []
    for capacity, user_id in chosen.items():
        try:
            user, exception = _assignable(coordinator, case, user_id, capacity)
        except AssignmentRefused as refusal:
            reasons[capacity] = str(refusal)
        else:
            granted.append((user, capacity, exception))
    if reasons:
        if len(chosen) == 1:
            raise AssignmentRefused(next(iter(reasons.values())))
        raise AssignmentsRefused(reasons)
    made = []
    for user, capacity, exception in granted:
        assignment = Assignment(id=uuid.uuid4(), case_id=case.id, user_id=user.id, capacity=capacity,
                                assigned_by_id=coordinator.id, assigned_at=_now())
        db.session.add(assignment)
        detail: dict[str, Any] = {"user": user.id, "capacity": capacity}
        if exception is not None:
            detail["exception"] = str(exception.id)
        auditing.record("case.assign", case_id=case.id, detail=detail)
        notifications.assignment_event(assignment, "assigned")
        made.append(assignment)
    db.session.commit()
    return made


def _assignable(coordinator: Any, case: Case, user_id: int, capacity: str) -> tuple[User, AssignmentException | None]:
    """The user and the approved exception that allows it, or AssignmentRefused with why."""
    if capacity not in CAPACITY_ROLES:
        raise AssignmentRefused(gettext("Choose what the person will do on the case."))
    from .exclusions import refuse_while_pending

    pending = refuse_while_pending(case)
    if pending:
        raise AssignmentRefused(pending)
    if user_id == coordinator.id:
        raise _refuse_self_assignment()
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not may_hold_capacity(user, capacity):
        raise AssignmentRefused(gettext("This person does not hold the role needed for that capacity."))
    already = db.session.execute(select(Assignment).where(
        Assignment.case_id == case.id, Assignment.user_id == user.id,
        Assignment.capacity == capacity, Assignment.ended_at.is_(None))).scalar_one_or_none()
    if already is not None:
        raise AssignmentRefused(gettext("%(name)s is already assigned in that capacity.", name=user.username))
    conflicts = assignment_conflicts(user, case)
    if any(c.absolute for c in conflicts):
        reasons = "; ".join(gettext(c.text) for c in conflicts if c.absolute)
        raise AssignmentRefused(gettext("%(name)s can never be assigned to this case: %(reasons)s.",
                                        name=user.username, reasons=reasons))
    exception = None
    if conflicts:
        exception = _approved_exception(case, user, capacity)
        if exception is None:
            reasons = "; ".join(gettext(c.text) for c in conflicts)
            raise AssignmentRefused(gettext(
                "%(name)s has a conflict of interest: %(reasons)s. An exception needs a second "
                "coordinator's approval.", name=user.username, reasons=reasons))
    return user, exception


def _approved_exception(case: Case, user: User, capacity: str) -> AssignmentException | None:
    return db.session.execute(select(AssignmentException).where(
        AssignmentException.case_id == case.id, AssignmentException.user_id == user.id,
        AssignmentException.capacity == capacity,
        AssignmentException.approved_at.is_not(None))).scalars().first()


def request_exception(coordinator: Any, case_id: uuid.UUID | str, user_id: int, capacity: str,
                      reason: str) -> AssignmentException:
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(case_id))
    case = register_case(coordinator, case_id)
    if user_id == coordinator.id:
        raise _refuse_self_assignment()
    user = db.session.get(User, user_id)
    if user is None or not may_hold_capacity(user, capacity):
        raise AssignmentRefused(gettext("This person does not hold the role needed for that capacity."))
    conflicts = assignment_conflicts(user, case)
    if any(c.absolute for c in conflicts):
        raise AssignmentRefused(gettext("No exception is possible for this person on this case."))
    if not conflicts:
        raise AssignmentRefused(gettext("No conflict to except: assign the person directly."))
    if not reason.strip():
        raise AssignmentRefused(gettext("Give the reason the exception is needed."))
    exception = AssignmentException(id=uuid.uuid4(), case_id=case.id, user_id=user.id,
                                    capacity=capacity, requested_by_id=coordinator.id,
                                    requested_at=_now())
    exception.reason_enc = cipher_for(case).seal("assignment_exceptions", "reason_enc",
                                                 exception.id, reason.strip())
    db.session.add(exception)
    auditing.record("case.assign_exception_requested", case_id=case.id,
                    detail={"user": user.id, "capacity": capacity,
                            "conflicts": [c.code for c in conflicts]})
    db.session.commit()
    return exception


@dataclass(frozen=True)
class WaitingException:
    id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    user_id: int
    name: str
    capacity: str
    requested_by_id: int
    requested_by: str
    requested_at: datetime


def exception_queue() -> list[WaitingException]:
    """Every conflict-of-interest exception waiting for a second coordinator, oldest first."""
    person, requester = aliased(User), aliased(User)
    rows = db.session.execute(
        select(AssignmentException, Case.reference, person, requester)
        .join(Case, Case.id == AssignmentException.case_id)
        .join(person, person.id == AssignmentException.user_id)
        .join(requester, requester.id == AssignmentException.requested_by_id)
        .where(AssignmentException.approved_at.is_(None), Case.state != "closed",
               Case.shredded_at.is_(None))
        .order_by(AssignmentException.requested_at)).all()
    return [WaitingException(e.id, e.case_id, reference, e.user_id, p.display_name or p.username,
                             e.capacity, e.requested_by_id, r.display_name or r.username, e.requested_at)
            for e, reference, p, r in rows]


def waiting_exception_count() -> int:
    return db.session.execute(
        select(func.count()).select_from(AssignmentException)
        .join(Case, Case.id == AssignmentException.case_id)
        .where(AssignmentException.approved_at.is_(None), Case.state != "closed",
               Case.shredded_at.is_(None))).scalar_one()


def pending_exceptions(case: Case) -> list[tuple[AssignmentException, User]]:
    return list(db.session.execute(
        select(AssignmentException, User).join(User, User.id == AssignmentException.user_id)
        .where(AssignmentException.case_id == case.id,
               AssignmentException.approved_at.is_(None))).all())


def approve_exception(coordinator: Any, exception_id: uuid.UUID | str) -> AssignmentException:
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(exception_id))
    try:
        exception = db.session.get(AssignmentException, uuid.UUID(str(exception_id)))
    except ValueError:
        exception = None
    if exception is None:
        raise CaseNotFound(str(exception_id))
    if exception.approved_at is not None:
        raise AssignmentRefused(gettext("This exception is already approved."))
    if exception.requested_by_id == coordinator.id:
        raise AssignmentRefused(gettext("A second coordinator must approve the exception, not the "
                                        "one who asked for it."))
    if exception.user_id == coordinator.id:
        raise AssignmentRefused(gettext("You can't approve an exception for yourself."))
    exception.approved_by_id = coordinator.id
    exception.approved_at = _now()
    auditing.record("case.assign_exception_approved", case_id=exception.case_id,
                    detail={"exception": str(exception.id), "user": exception.user_id,
                            "capacity": exception.capacity})
    db.session.commit()
    return exception


def assignment_to_end(coordinator: Any, assignment_id: uuid.UUID | str) -> tuple[Assignment, User, Case]:
    """An active assignment, its holder and its case (metadata), for the confirmation page."""
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(assignment_id))
    assignment = _get_assignment(assignment_id)
    case = register_case(coordinator, assignment.case_id)
    return assignment, db.session.get(User, assignment.user_id), case


def end_assignment(coordinator: Any, assignment_id: uuid.UUID | str, reason: str,
                   note: str = "") -> Assignment:
    """A coordinator ends someone's assignment, with a reason; the person is told."""
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(assignment_id))
    assignment = _get_assignment(assignment_id)
    if assignment.ended_at is not None:
        raise AssignmentRefused(gettext("This assignment has already ended."))
    if reason not in END_REASONS:
        raise AssignmentRefused(gettext("Choose the reason the assignment ends."))
    case = register_case(coordinator, assignment.case_id)
    _close(assignment, case, coordinator, reason, note, _now())
    auditing.record("case.unassign", case_id=assignment.case_id,
                    detail={"user": assignment.user_id, "capacity": assignment.capacity,
                            "reason": reason})
    notifications.assignment_event(assignment, "assignment_ended")
    db.session.commit()
    return assignment


def recuse(user: Any, case_id: uuid.UUID | str, reason: str, note: str = "") -> None:
    """The user steps away from the case for a conflict of interest; they can't come back.
    Every coordinator is told, so that someone else takes the case over."""
    case = staff_case(user, case_id, "case.read")
    if reason not in RECUSAL_REASONS:
        raise AssignmentRefused(gettext("Choose the reason for your recusal."))
    rows = list(db.session.execute(select(Assignment).where(
        Assignment.case_id == case.id, Assignment.user_id == user.id,
        Assignment.ended_at.is_(None))).scalars())
    if not rows:
        raise CaseNotFound(str(case_id))
    at = _now()
    for assignment in rows:
        assignment.recused = True
        _close(assignment, case, user, reason, note, at)
    auditing.record("case.recuse", case_id=case.id,
                    detail={"capacities": sorted(a.capacity for a in rows), "reason": reason})
    for assignment in rows:
        notifications.recusal(assignment, at=at)
    db.session.commit()


def _close(assignment: Assignment, case: Case, by: Any, reason: str, note: str,
           at: datetime) -> None:
    assignment.ended_at = at
    assignment.ended_by_id = by.id
    assignment.end_reason = reason
    if note.strip():
        assignment.end_note_enc = cipher_for(case).seal("assignments", "end_note_enc",
                                                        assignment.id, note.strip())


def ended_assignments(case: Case) -> list[tuple[Assignment, User]]:
    """Assignments that ended, newest first, with why (codes only: the register's view)."""
    return list(db.session.execute(
        select(Assignment, User).join(User, User.id == Assignment.user_id)
        .where(Assignment.case_id == case.id, Assignment.ended_at.is_not(None))
        .order_by(Assignment.ended_at.desc())
    ).all())


def _get_assignment(assignment_id: uuid.UUID | str) -> Assignment:
    try:
        assignment = db.session.get(Assignment, uuid.UUID(str(assignment_id)))
    except ValueError:
        assignment = None
    if assignment is None:
        raise CaseNotFound(str(assignment_id))
    return assignment
