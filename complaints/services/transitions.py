"""Taking a case through the procedure: one transition, one transaction.

The workflow table decides; this service loads the facts, applies the rule, seals the
reasons, moves the deadlines, writes the timeline and the audit entry, and commits, or
changes nothing at all. A stale form (the case moved on since the page was shown) is
refused through the case's version number, and a concurrent commit through SQLAlchemy's
optimistic version check.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import workflow
from ..extensions import db
from ..instance import profile as current_profile
from ..models import Assignment, Case, Deadline, MonitoringCheckin, Transition
from ..policy import active_capacities
from ..procedures import load_profile
from .. import notifications as notification_keys
from . import auditing, notifications
from .case_access import cipher_for, staff_case

# States in which a case has ended: every clock stops on entering one (see _case_clocks).
CLOCKS_STOP_IN = frozenset({"closed", "rejected", "withdrawn"})
CASE_ENDED = "case_ended"  # Deadline.stop_reason of a clock stopped by the end of the case

# Where the encrypted reason of some actions is also kept on the case, for the case page.
REASON_COLUMNS = {
    "record_agreement": "mediation_agreement_enc",
    "submit_report": "investigation_report_enc",
    "extend_investigation": "extension_reason_enc",
    "decide": "decision_reasoning_enc",
    "appeal": "appeal_grounds_enc",
    "decide_appeal": "appeal_reasoning_enc",
}


@dataclass(frozen=True)
class TransitionInputs:
    reason: str = ""
    outcome: str = ""
    code: str = ""
    sanction: str = ""
    disciplinary_referral: bool = False
    complainant_notice: str = ""


def now() -> datetime:
    return datetime.now(timezone.utc)


def facts_of(case: Case, at: datetime | None = None) -> workflow.CaseFacts:
    at = at or now()
    profile = load_profile(case.procedure)
    category = profile.category(case.category)
    has_mediator = db.session.execute(
        select(Assignment.id).where(Assignment.case_id == case.id,
                                    Assignment.capacity == "mediator",
                                    Assignment.ended_at.is_(None),
                                    Assignment.recused.is_(False)).limit(1)
    ).first() is not None
    window = _open_deadline(case, "appeal_window")
    return workflow.CaseFacts(
        state=case.state,
        category=case.category,
        anonymous=case.anonymous,
        category_mediable=bool(category and category.mediable),
        category_external=bool(category and category.external_referral),
        complainant_consent=case.mediation_complainant_consent,
        respondent_consent=case.mediation_respondent_consent,
        has_mediator=has_mediator,
        investigation_extended=case.investigation_extended,
        appeal_window_elapsed=window is None or window.due_at < at,
        monitoring_elapsed=_monitoring_elapsed(case, profile.monitoring_period_days, at),
    )


def _monitoring_elapsed(case: Case, period_days: int, at: datetime) -> bool:
    started = db.session.execute(
        select(Transition.at).where(Transition.case_id == case.id,
                                    Transition.to_state == "monitoring")
        .order_by(Transition.at.desc()).limit(1)
    ).scalar_one_or_none()
    return started is not None and started + timedelta(days=period_days) <= at


def _open_deadline(case: Case, kind: str) -> Deadline | None:
    return db.session.execute(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind,
                               Deadline.met_at.is_(None))
        .order_by(Deadline.due_at.desc()).limit(1)
    ).scalar_one_or_none()


def actors_for(user: Any, case: Case) -> set[str]:
    return active_capacities(user, case)


def available_actions(user: Any, case: Case) -> list[workflow.Rule]:
    return workflow.available(facts_of(case), actors_for(user, case))


def perform(user: Any, case_id: uuid.UUID | str, action: str, inputs: TransitionInputs,
            expected_version: int | None) -> Case:
    """A staff member takes ``action``. Raises CaseNotFound or workflow.TransitionRefused."""
    case = staff_case(user, case_id, "case.read")
    if expected_version is not None and case.version != expected_version:
        raise workflow.TransitionRefused(
            "This case changed since you opened the page (someone else acted). Nothing was "
            "changed; check the case as it is now."
        )
    return _apply(case, action, actors_for(user, case), inputs,
                  actor=auditing.actor_for(user), actor_kind="staff", user_id=user.id)


def perform_as_complainant(case: Case, action: str, inputs: TransitionInputs) -> Case:
    """The complainant acts from their receipt session (withdraw, appeal)."""
    return _apply(case, action, {"complainant"}, inputs, actor=auditing.COMPLAINANT,
                  actor_kind="complainant", user_id=None)


def replay(case: Case, action: str, user: Any, inputs: TransitionInputs, at: datetime) -> Case:
    """Apply a step as it happened at ``at`` (the demo's invented history). Same rules,
    guards and audit entries as ``perform``; only the clock is given."""
    actors = actors_for(user, case) if user is not None else {"complainant"}
    return _apply(case, action, actors, inputs,
                  actor=auditing.actor_for(user) if user is not None else auditing.COMPLAINANT,
                  actor_kind="staff" if user is not None else "complainant",
                  user_id=user.id if user is not None else None, at=at)


def _apply(case: Case, action: str, actors: set[str], inputs: TransitionInputs, *, actor: str,
           actor_kind: str, user_id: int | None, at: datetime | None = None) -> Case:
    at = at or now()
    wf_inputs = workflow.Inputs(reason=inputs.reason, outcome=inputs.outcome, code=inputs.code)
    rule = workflow.check(facts_of(case, at), action, actors, wf_inputs)
    try:
        previous = _enter(case, rule, inputs, at, actor_kind=actor_kind, user_id=user_id)
        auditing.record("case.transition", case_id=case.id, actor=actor,
                        detail={"action": action, "from": previous, "to": rule.target})
        if actor_kind == "complainant":
            _tell_the_team(case, action, at)
        if rule.follow_with:
            follow = workflow.RULES_BY_ACTION[rule.follow_with]
            _enter(case, follow, TransitionInputs(), at, actor_kind="system", user_id=None)
            auditing.record("case.transition", case_id=case.id, actor=auditing.SYSTEM,
                            detail={"action": follow.action, "from": rule.target,
                                    "to": follow.target})
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise workflow.TransitionRefused(
            "Someone else changed this case at the same moment. Nothing was changed; check "
            "the case as it is now."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return case


COMPLAINANT_STEP_NOTICES = {"withdraw": "complainant_withdrew", "appeal": "complainant_appealed"}


def _tell_the_team(case: Case, action: str, at: datetime) -> None:
    """A step the complainant took reaches the people handling the case (or coordinators)."""
    kind = COMPLAINANT_STEP_NOTICES.get(action)
    if kind:
        notifications.case_event(case, kind, notification_keys.step_key(case.id, case.version, action),
                                 at=at)


def _enter(case: Case, rule: workflow.Rule, inputs: TransitionInputs, at: datetime, *,
           actor_kind: str, user_id: int | None) -> str:
    """Apply one rule to the case in the open transaction; returns the state left."""
    profile = load_profile(case.procedure)
    cipher = cipher_for(case)
    previous = case.state
    transition = Transition(id=uuid.uuid4(), case_id=case.id, from_state=previous,
                            to_state=rule.target, action=rule.action, actor_kind=actor_kind,
                            actor_user_id=user_id, reason_code=inputs.code or inputs.outcome,
                            at=at)
    if inputs.reason.strip():
        transition.reason_enc = cipher.seal("transitions", "reason_enc", transition.id,
                                            inputs.reason.strip())
        column = REASON_COLUMNS.get(rule.action)
        if column:
            setattr(case, column, cipher.seal("cases", column, case.id, inputs.reason.strip()))
    db.session.add(transition)

    _record_effects(case, rule, inputs, at, cipher)
    # Deadlines of the state being left end now (met); the next state's deadline starts.
    if rule.target != previous or rule.action == "extend_investigation":
        for deadline in db.session.execute(
            select(Deadline).where(Deadline.case_id == case.id, Deadline.met_at.is_(None),
                                   Deadline.kind.in_(workflow.STATE_DEADLINES | {"acknowledge"}))
        ).scalars():
            if rule.action == "extend_investigation" and deadline.kind != "investigation":
                continue
            deadline.met_at = at
    _start_deadline(case, rule, profile, at)
    _case_clocks(case, previous, rule.target, at)
    case.state = rule.target
    case.updated_at = at
    return previous


def _case_clocks(case: Case, previous: str, target: str, at: datetime) -> None:
    """The one place where the end of a case stops its clocks, and a return restarts them.

    Entering an ended state stops every open deadline (the feedback clock included) and the
    check-ins nobody answered: an ended case is never due, overdue or reminded. A case that
    comes back (re-routed after a rejection, continued ex officio after a withdrawal) gets
    back the feedback clock its end stopped, unless the complainant has heard from us.
    """
    if target in CLOCKS_STOP_IN:
        for deadline in db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id, Deadline.met_at.is_(None))).scalars():
            deadline.met_at = at
            deadline.stop_reason = CASE_ENDED
        for checkin in db.session.execute(select(MonitoringCheckin).where(
                MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None),
                MonitoringCheckin.cancelled_at.is_(None))).scalars():
            checkin.cancelled_at = at
    elif previous in CLOCKS_STOP_IN and case.first_feedback_at is None:
        for deadline in db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id, Deadline.kind == "feedback",
                Deadline.stop_reason == CASE_ENDED)).scalars():
            deadline.met_at = None
            deadline.stop_reason = ""


def record_feedback(case: Case, at: datetime) -> None:
    """The complainant heard from us: the 90-day feedback clock is met (in the caller's
    transaction; the first message to the complainant calls this)."""
    if case.first_feedback_at is not None:
        return
    case.first_feedback_at = at
    for deadline in db.session.execute(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == "feedback",
            Deadline.met_at.is_(None))).scalars():
        deadline.met_at = at


def _record_effects(case: Case, rule: workflow.Rule, inputs: TransitionInputs, at: datetime,
                    cipher: Any) -> None:
    if rule.sets_route:
        case.route = rule.sets_route
    if rule.action == "acknowledge":
        case.acknowledged_at = at
    elif rule.action == "extend_investigation":
        case.investigation_extended = True
    elif rule.action == "decide":
        case.decided_at = at
        case.outcome = inputs.outcome
        case.sanction = inputs.sanction if inputs.sanction in workflow.SANCTIONS else ""
        case.disciplinary_referral = inputs.disciplinary_referral
        if inputs.complainant_notice.strip():
            case.complainant_notice_enc = cipher.seal("cases", "complainant_notice_enc", case.id,
                                                      inputs.complainant_notice.strip())
    elif rule.action == "decide_appeal":
        case.appeal_outcome = inputs.outcome
    elif rule.action == "record_agreement":
        case.outcome = "agreement"
    elif rule.action == "reject":
        case.outcome = "rejected"
        case.closure_reason = inputs.code
    elif rule.action == "withdraw":
        case.outcome = "withdrawn"
    if rule.target == "closed":
        case.closed_at = at
        if not case.closure_reason:
            case.closure_reason = {
                "close_withdrawn": "withdrawn", "close_rejected": "rejected",
            }.get(rule.action, "external_result" if case.state == "referred_external"
                  else "monitoring_complete")


def _start_deadline(case: Case, rule: workflow.Rule, profile: Any, at: datetime) -> None:
    if rule.deadline == "monitoring":
        existing = {c.day for c in db.session.execute(
            select(MonitoringCheckin).where(MonitoringCheckin.case_id == case.id)).scalars()}
        for day, due in workflow.checkin_dates(at, profile.monitoring_checkins_days):
            if day not in existing:
                db.session.add(MonitoringCheckin(id=uuid.uuid4(), case_id=case.id, day=day,
                                                 due_at=due))
        return
    if rule.deadline is None:
        return
    days = workflow.deadline_days(rule.deadline, profile.deadlines_days)
    if days is None:
        return
    start = at
    if rule.deadline == "triage":
        start = case.submitted_at  # "within 5 days of receipt"
    kind = "investigation" if rule.deadline == "investigation_extension" else rule.deadline
    if rule.deadline == "investigation_extension":
        current = _open_deadline(case, "investigation")
        start = current.due_at if current else at
    due = workflow.add_days(start, days, profile.day_counting, profile.holidays)
    db.session.add(Deadline(id=uuid.uuid4(), case_id=case.id, kind=kind, due_at=due,
                            created_at=at))


def initial_deadline(case_id: uuid.UUID, submitted_at: datetime) -> Deadline:
    """The acknowledgement deadline a new case starts with (used by intake)."""
    profile = current_profile()
    due = workflow.add_days(submitted_at, profile.deadlines_days["acknowledge"],
                            profile.day_counting, profile.holidays)
    return Deadline(id=uuid.uuid4(), case_id=case_id, kind="acknowledge", due_at=due,
                    created_at=submitted_at)
