"""What the complainant is told about the outcome, and the routes that stay open to them.

``complainant_outcome(case)`` is the one function the follow-up page calls: for a rejected,
closed, decided or appealed case it returns the text the officer wrote for the complainant,
the reason in plain words, and the external routes of the case's profile (court, equality
body, ombudsperson...) with the last day for each where the law sets one, counted from the
delivery of the decision or notice. ``limitation_hint()`` says on the report form what the
time limit for a complaint is under the active profile.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext, ngettext
from sqlalchemy import select

from .. import workflow
from ..extensions import db
from ..instance import profile as current_profile
from ..models import Case, Transition
from ..procedures import ExternalRoute, load_profile
from ..translatable import N_
from .case_access import cipher_for

# Steps whose text the complainant is told, with what the outcome is called.
OUTCOME_STEPS = {
    "reject": N_("Your report was not accepted in this procedure"),
    "deliver": N_("The decision"),
    "deliver_final": N_("The decision"),
    "decide_appeal": N_("The result of the appeal"),
    "reinvestigate": N_("The result of the appeal"),
    "close": N_("Your case was closed"),
    "close_rejected": N_("Your case was closed"),
    "close_withdrawn": N_("Your case was closed"),
    "record_external_result": N_("The result from the competent authority"),
}


@dataclass(frozen=True)
class Route:
    code: str
    label: str           # translated
    explanation: str     # translated
    last_day: date | None  # None: no deadline set or found


@dataclass(frozen=True)
class Outcome:
    """An outcome as the complainant reads it: ``title``, the ``reason`` in plain words (may
    be empty), the officer's ``notice`` (what they are told), when it was given (``at``), and
    the ``routes`` open to them. Every text is already translated."""

    title: str
    reason: str
    notice: str
    at: datetime
    routes: tuple[Route, ...]


def complainant_outcome(case: Case) -> Outcome | None:
    """The latest outcome given to the complainant of ``case``, or None while there is none.

    The caller has opened the case for its complainant (the receipt session) or an assignee.
    """
    steps = list(db.session.execute(
        select(Transition).where(Transition.case_id == case.id,
                                 Transition.action.in_(list(OUTCOME_STEPS)))
        .order_by(Transition.at.desc())).scalars())
    if not steps:
        return None
    cipher = cipher_for(case)
    step = steps[0]
    notice = cipher.open("transitions", "notice_enc", step.id, step.notice_enc)
    if not notice:
        # the decision's notice is kept on the case (taken with "decide", told at "deliver")
        notice = next((cipher.open("transitions", "notice_enc", s.id, s.notice_enc)
                       for s in steps if s.notice_enc is not None), "")
        if not notice and step.action in {"deliver", "deliver_final"} and case.complainant_notice_enc:
            notice = cipher.open("cases", "complainant_notice_enc", case.id, case.complainant_notice_enc)
    return Outcome(title=gettext(OUTCOME_STEPS[step.action]), reason=_reason(case, step),
                   notice=notice, at=step.at, routes=external_routes(case, step.at))


def _reason(case: Case, step: Transition) -> str:
    if step.action == "reject" and step.reason_code in workflow.REJECTION_REASONS:
        return gettext(workflow.REJECTION_REASONS[step.reason_code])
    if step.action in {"deliver", "deliver_final"} and case.outcome in workflow.OUTCOMES:
        return gettext(workflow.OUTCOMES[case.outcome])
    if step.action == "decide_appeal" and case.appeal_outcome in workflow.APPEAL_OUTCOMES:
        return gettext(workflow.APPEAL_OUTCOMES[case.appeal_outcome])
    if step.action == "reinvestigate":
        return gettext("The appeal was upheld: the case is investigated again.")
    return ""


def external_routes(case: Case, delivered_at: datetime) -> tuple[Route, ...]:
    """The profile's routes outside this procedure, each with its last day when the law sets
    a deadline from delivery (Serbia Art. 29: 15 days to go to court)."""
    profile = load_profile(case.procedure)
    delivered_on = profile.calendar.local_date(delivered_at)
    return tuple(_route(route, profile, delivered_at, delivered_on)
                 for route in profile.external_routes)


def _route(route: ExternalRoute, profile, delivered_at: datetime, delivered_on: date) -> Route:  # type: ignore[no-untyped-def]
    last_day = None
    if route.deadline_days:
        last_day = profile.calendar.local_date(profile.calendar.add_days(delivered_at, route.deadline_days))
    return Route(route.code, gettext(route.label), gettext(route.explanation), last_day)


def limitation_hint() -> str:
    """The report form's hint under "date of the last incident", for the active profile."""
    months = current_profile().limitation_months
    if not months:
        return gettext("Approximate is fine. There is no time limit for reporting here.")
    return ngettext(
        "Approximate is fine. Under this procedure, a request about bullying or harassment "
        "(sexual harassment included) is made within %(num)d month of the last incident. If "
        "more time has passed, report anyway: an officer checks, and tells you which routes "
        "stay open.",
        "Approximate is fine. Under this procedure, a request about bullying or harassment "
        "(sexual harassment included) is made within %(num)d months of the last incident. If "
        "more time has passed, report anyway: an officer checks, and tells you which routes "
        "stay open.", months)
