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
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from .. import workflow
from ..extensions import db
from ..instance import profile as current_profile
from ..models import Assignment, Case, Deadline, MonitoringCheckin, Transition
from ..policy import active_capacities
from ..procedures import load_profile
from .. import notifications as notification_keys
from ..translatable import N_
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
    disciplinary: str = ""          # started | not_started; "" reads disciplinary_referral
    disciplinary_reasons: str = ""  # why not started (kept encrypted)
    referral_body: str = ""         # refer_external, criminal_elements: where, when, reference
    referral_consent: str = ""
    referral_on: date | None = None
    referral_reference: str = ""

    def workflow_inputs(self) -> workflow.Inputs:
        disciplinary = self.disciplinary or ("started" if self.disciplinary_referral else "")
        return workflow.Inputs(reason=self.reason, outcome=self.outcome, code=self.code,
                               disciplinary=disciplinary,
                               disciplinary_reasons=self.disciplinary_reasons,
                               notice=self.complainant_notice, referral_body=self.referral_body,
                               referral_consent=self.referral_consent)


class SecondPersonNeeded(Exception):
    """The step was recorded for a second person to confirm; nothing else changed yet."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def facts_of(case: Case, at: datetime | None = None) -> workflow.CaseFacts:
    has_mediator = db.session.execute(
        select(Assignment.id).where(Assignment.case_id == case.id,
                                    Assignment.capacity == "mediator",
                                    Assignment.ended_at.is_(None),
                                    Assignment.recused.is_(False)).limit(1)
    ).first() is not None
    window = _open_deadline(case, "appeal_window")
    return facts_from(case, has_mediator=has_mediator,
                      appeal_window_due=window.due_at if window else None,
                      mediation_extended=_was_extended(case, "mediation"),
                      monitoring_started=_monitoring_started(case), at=at)


def facts_of_rows(case: Case, assignments: list[Assignment], deadlines: list[Deadline],
                  transitions: list[Transition], at: datetime | None = None) -> workflow.CaseFacts:
    """facts_of from the case's rows a caller has already read (all its deadlines and
    transitions, its assignments still running): the case page, which reads them anyway."""
    windows = [d for d in deadlines if d.kind == "appeal_window" and d.met_at is None]
    monitoring = [t.at for t in transitions if t.to_state == "monitoring"]
    return facts_from(
        case,
        has_mediator=any(a.capacity == "mediator" and a.ended_at is None and not a.recused
                         for a in assignments),
        appeal_window_due=max(windows, key=lambda d: d.due_at).due_at if windows else None,
        mediation_extended=any(d.kind == "mediation" and d.extended_from is not None for d in deadlines),
        monitoring_started=max(monitoring, default=None), at=at)


def facts_from(case: Case, *, has_mediator: bool, appeal_window_due: datetime | None,
               mediation_extended: bool, monitoring_started: datetime | None,
               at: datetime | None = None) -> workflow.CaseFacts:
    at = at or now()
    profile = load_profile(case.procedure)
    category = profile.category(case.category)
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
        mediation_extended=mediation_extended,
        appeal_window_elapsed=appeal_window_due is None or appeal_window_due < at,
        monitoring_elapsed=monitoring_started is not None
        and monitoring_started + timedelta(days=profile.monitoring_period_days) <= at,
        received_on=profile.calendar.local_date(case.submitted_at),
        last_incident_on=case.last_incident_on,
        limitation_months=profile.limitation_months,
        category_time_limited=bool(category and category.time_limited),
        internal_appeal=profile.internal_appeal,
        investigation_order_required=profile.investigation_order_required,
        disciplinary_duty=profile.disciplinary_duty,
    )


def _was_extended(case: Case, kind: str) -> bool:
    return db.session.execute(select(Deadline.id).where(
        Deadline.case_id == case.id, Deadline.kind == kind,
        Deadline.extended_from.is_not(None)).limit(1)).first() is not None


def _monitoring_started(case: Case) -> datetime | None:
    return db.session.execute(
        select(Transition.at).where(Transition.case_id == case.id,
                                    Transition.to_state == "monitoring")
        .order_by(Transition.at.desc()).limit(1)
    ).scalar_one_or_none()


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
    actors = actors_for(user, case)
    wf_inputs = inputs.workflow_inputs()
    if workflow.needs_second_person(action, wf_inputs):
        from . import confirmations

        workflow.check(facts_of(case), action, actors, wf_inputs)
        confirmations.request(user, case, action, inputs)
        raise SecondPersonNeeded(N_("Sent for confirmation: a second person (the complaint officer "
                                    "or the decision maker) must confirm this step before it "
                                    "takes effect."))
    return _apply(case, action, actors, inputs,
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
    rule = workflow.check(facts_of(case, at), action, actors, inputs.workflow_inputs())
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
    if inputs.complainant_notice.strip():
        transition.notice_enc = cipher.seal("transitions", "notice_enc", transition.id,
                                            inputs.complainant_notice.strip())
    db.session.add(transition)

    _record_effects(case, rule, inputs, at, cipher, user_id)
    facts = facts_of(case, at)
    _resume_paused_clocks(case, at)
    _stop_clocks(case, rule, at)
    _start_clocks(case, rule, facts, profile, at)
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
        # Every clock still running, and those this very step found moot, end with the case:
        # neither kept nor missed (statistics count neither), and marked so a return finds them.
        for deadline in db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id,
                or_(Deadline.met_at.is_(None), and_(Deadline.met_at == at, Deadline.ending == "moot")))
                ).scalars():
            deadline.met_at, deadline.ending, deadline.stop_reason = at, "moot", CASE_ENDED
        for checkin in db.session.execute(select(MonitoringCheckin).where(
                MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None),
                MonitoringCheckin.cancelled_at.is_(None))).scalars():
            checkin.cancelled_at = at
    elif previous in CLOCKS_STOP_IN and case.first_feedback_at is None:
        for deadline in db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id, Deadline.kind == "feedback",
                Deadline.stop_reason == CASE_ENDED)).scalars():
            deadline.met_at, deadline.ending, deadline.stop_reason = None, "", ""


def _record_effects(case: Case, rule: workflow.Rule, inputs: TransitionInputs, at: datetime,
                    cipher: Any, user_id: int | None = None) -> None:
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
        case.disciplinary_referral = inputs.workflow_inputs().disciplinary == "started"
        if not case.disciplinary_referral and inputs.disciplinary_reasons.strip():
            case.disciplinary_waiver_enc = cipher.seal("cases", "disciplinary_waiver_enc", case.id,
                                                       inputs.disciplinary_reasons.strip())
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
    elif rule.action in ("refer_external", "criminal_elements"):
        _record_referral(case, inputs, at, cipher, user_id)
    if rule.target == "closed":
        case.closed_at = at
        if not case.closure_reason:
            case.closure_reason = {
                "close_withdrawn": "withdrawn", "close_rejected": "rejected",
            }.get(rule.action, "external_result" if case.state == "referred_external"
                  else "monitoring_complete")


def _resume_paused_clocks(case: Case, at: datetime) -> None:
    """A step taken while a clock is paused resumes it first, then ends it as usual."""
    from ..models import DeadlinePause
    from .deadlines import resume_pause

    for record in list(db.session.execute(select(DeadlinePause).where(
            DeadlinePause.case_id == case.id, DeadlinePause.resumed_at.is_(None))).scalars()):
        resume_pause(case, record, at, None)
    db.session.flush()


def _stop_clocks(case: Case, rule: workflow.Rule, at: datetime) -> None:
    """Running clocks the step fulfils are met; those that no longer apply are moot."""
    for deadline in db.session.execute(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.met_at.is_(None))).scalars():
        ending = workflow.clock_ending(deadline.kind, rule.action, rule.target)
        if ending:
            deadline.met_at, deadline.ending = at, ending
            if deadline.kind == "feedback" and ending == "met" and case.first_feedback_at is None:
                case.first_feedback_at = at  # the decision or rejection told them, with grounds


def _record_referral(case: Case, inputs: TransitionInputs, at: datetime, cipher: Any,
                     user_id: int | None) -> None:
    """The body, the date, the external reference and the complainant's consent."""
    from ..models import ExternalReferral

    referred_on = inputs.referral_on or load_profile(case.procedure).calendar.local_date(at)
    if referred_on > load_profile(case.procedure).calendar.local_date(at):
        raise workflow.TransitionRefused(N_("The date of the referral can't be in the future."))
    referral = ExternalReferral(id=uuid.uuid4(), case_id=case.id, body=inputs.referral_body,
                                referred_on=referred_on, consent=inputs.referral_consent,
                                recorded_by_id=user_id, recorded_at=at)
    if inputs.referral_reference.strip():
        referral.reference_enc = cipher.seal("external_referrals", "reference_enc", referral.id,
                                             inputs.referral_reference.strip())
    db.session.add(referral)


def _start_clocks(case: Case, rule: workflow.Rule, facts: workflow.CaseFacts, profile: Any,
                  at: datetime) -> None:
    if rule.deadline == "monitoring":
        existing = {c.day for c in db.session.execute(
            select(MonitoringCheckin).where(MonitoringCheckin.case_id == case.id)).scalars()}
        for day, due in workflow.checkin_dates(at, profile.monitoring_checkins_days):
            if day not in existing:
                db.session.add(MonitoringCheckin(id=uuid.uuid4(), case_id=case.id, day=day,
                                                 due_at=due))
        return
    if rule.deadline in workflow.EXTENSIONS:
        _extend(case, rule.deadline, profile, at)
    started = {kind: due_date(profile, kind, case.submitted_at
                              if workflow.CLOCKS[kind].from_receipt else at)
               for kind in workflow.clocks_started(rule, facts)}
    if "triage" in started and "mediation_proposal" in started:
        # The route must be chosen while mediation can still be proposed in time.
        started["triage"] = min(started["triage"], started["mediation_proposal"])
    for kind, due in started.items():
        if due is not None:
            db.session.add(Deadline(id=uuid.uuid4(), case_id=case.id, kind=kind, due_at=due,
                                    created_at=at))
    if rule.action == "acknowledge":
        # EU 2019/1937 Art. 9(1)(f): three months from the acknowledgement (the clock ran
        # from the end of the 7-day period until now).
        feedback = _open_deadline(case, "feedback")
        due = due_date(profile, "feedback", at)
        if feedback is not None and due is not None and due < feedback.due_at:
            feedback.due_at = due


def _extend(case: Case, extension: str, profile: Any, at: datetime) -> None:
    """Move the running clock on: the investigation by its extension from the current due
    date; the mediation to its longest period from when it started. Nothing is met."""
    kind = workflow.EXTENSIONS[extension]
    deadline = _open_deadline(case, kind)
    if deadline is None:
        raise workflow.TransitionRefused(N_(
            "No deadline of this kind runs now (it may be paused); nothing was extended."))
    days = profile.deadlines_days[extension]
    if kind == "investigation":
        due = profile.calendar.add_days(deadline.due_at, days)
    else:
        due = max(deadline.due_at, profile.calendar.add_days(deadline.created_at, days))
    deadline.extended_from, deadline.due_at = deadline.due_at, due


def due_date(profile: Any, kind: str, start: datetime) -> datetime | None:
    """When a clock of ``kind`` started at ``start`` ends under ``profile``."""
    if kind in profile.deadlines_months:
        return profile.calendar.add_months(start, profile.deadlines_months[kind])
    days = workflow.deadline_days(kind, profile.deadlines_days)
    if days is None:
        return None
    return profile.calendar.add_days(start, days)


def feedback_due(case: Case) -> datetime | None:
    """When the complainant must have had feedback, from the case row alone (lists show it
    without reading deadlines): three months from the end of the 7-day acknowledgement
    period, brought forward by an earlier acknowledgement (as initial_deadlines and
    _start_clocks set the clock)."""
    profile = load_profile(case.procedure)
    months = profile.deadlines_months.get("feedback")
    seven_days = due_date(profile, "acknowledge_maximum", case.submitted_at)
    if months is None or seven_days is None:
        return None
    due = profile.calendar.add_months(seven_days, months)
    if case.acknowledged_at is not None:
        due = min(due, profile.calendar.add_months(case.acknowledged_at, months))
    return due


def initial_deadlines(case_id: uuid.UUID, submitted_at: datetime,
                      protection_requested: bool = False) -> list[Deadline]:
    """The clocks a new case starts with, all from receipt: acknowledgement (the profile's
    target and the 7-day maximum, after which the case is escalated), feedback (three months
    from the end of the 7-day period, brought forward by an earlier acknowledgement: EU
    2019/1937 Art. 9(1)(b) and (f)), and a protective-measure decision when protection was
    asked for (Serbia Art. 24)."""
    profile = current_profile()
    kinds = ["acknowledge", "acknowledge_maximum"] + (
        ["protective_measure"] if protection_requested else [])
    rows = [Deadline(id=uuid.uuid4(), case_id=case_id, kind=kind,
                     due_at=due_date(profile, kind, submitted_at), created_at=submitted_at)
            for kind in kinds]
    seven_days = due_date(profile, "acknowledge_maximum", submitted_at)
    rows.append(Deadline(id=uuid.uuid4(), case_id=case_id, kind="feedback",
                         due_at=profile.calendar.add_months(
                             seven_days, profile.deadlines_months["feedback"]),
                         created_at=submitted_at))
    return rows
