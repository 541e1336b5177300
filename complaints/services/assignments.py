"""Assigning staff to cases: coordinators assign, conflicts are prevented, assignees recuse.

Every change is one transaction with its audit entry. The coordinator never sees content:
these functions read only the case's metadata and the staff list.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, AssignmentException, Case, User
from ..assignment_reasons import END_REASONS, RECUSAL_REASONS
from ..policy import CAPACITY_ROLES, allowed, assignment_conflicts, may_hold_capacity
from . import auditing, notifications
from .case_access import CaseNotFound, cipher_for, staff_case


class AssignmentRefused(Exception):
    """The assignment can't be made; the message says why in plain words."""


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


def candidates(case: Case, capacity: str) -> list[tuple[User, list]]:
    """Staff who could hold ``capacity`` on this case, each with their conflicts."""
    role = CAPACITY_ROLES[capacity]
    users = db.session.execute(select(User).where(User.is_active_account.is_(True))
                               .order_by(User.username)).scalars()
    return [(u, assignment_conflicts(u, case)) for u in users if role in u.roles]


def assign(coordinator: Any, case_id: uuid.UUID | str, user_id: int, capacity: str) -> Assignment:
    if not allowed(coordinator, "case.assign"):
        raise CaseNotFound(str(case_id))
    case = register_case(coordinator, case_id)
    if case.state == "closed" or case.shredded_at is not None:
        raise AssignmentRefused(gettext("This case is closed; nobody can be assigned to it."))
    if capacity not in CAPACITY_ROLES:
        raise AssignmentRefused(gettext("Choose what the person will do on the case."))
    user = db.session.get(User, user_id)
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
    assignment = Assignment(id=uuid.uuid4(), case_id=case.id, user_id=user.id, capacity=capacity,
                            assigned_by_id=coordinator.id, assigned_at=_now())
    db.session.add(assignment)
    detail = {"user": user.id, "capacity": capacity}
    if exception is not None:
        detail["exception"] = str(exception.id)
    auditing.record("case.assign", case_id=case.id, detail=detail)
    notifications.assignment_event(assignment, "assigned")
    db.session.commit()
    return assignment


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
