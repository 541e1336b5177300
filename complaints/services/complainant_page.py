"""Everything the complainant's follow-up page shows, gathered in one place.

The content comes from case_access.open_for_complainant (the one way in, audited); the rest
is the case's clear metadata: stages and their dates, decisions with what the complainant is
told, protective measures, the investigation's extension, the mediation proposal, and where
they can still turn under the active procedure profile. Texts are N_-marked codes of
complainant_status; the template translates them.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from .. import complainant_status as words
from ..extensions import db
from ..models import Case, Deadline, MonitoringCheckin, ProtectiveMeasure, Transition
from . import outcomes
from .case_access import CaseContent

# The transitions that decide something the complainant must hear. What they are told is the
# text the person deciding wrote for them with that step (transitions.notice_enc, opened by
# case_access as CaseContent.notices); older steps fall back to the case's notice fields
# (case_access.COMPLAINANT_TOLD_FIELDS).
DECIDING_ACTIONS = ("decide", "reject", "decide_appeal", "reinvestigate", "close", "close_rejected",
                    "close_withdrawn", "record_external_result")
TOLD_WITH = {"decide": "complainant_notice", "decide_appeal": "appeal_reasoning"}
# Steps from whose delivery the outside routes' time limits run (Serbia Art. 29).
DELIVERED = ("reject", "deliver", "deliver_final", "decide_appeal")


@dataclass(frozen=True)
class Stage:
    state: str
    at: datetime


@dataclass(frozen=True)
class Decision:
    kind: str            # decision | rejection | appeal | closure
    at: datetime
    summary: str         # an N_ text of complainant_status
    told: str = ""       # what the person deciding wrote for the complainant


@dataclass(frozen=True)
class Measure:
    kind: str
    ordered_at: datetime
    lifted_at: datetime | None


Route = outcomes.Route  # code, label and explanation (translated), last_day (or None)


@dataclass(frozen=True)
class Mediation:
    due: datetime | None
    answered_at: datetime | None
    consent: bool
    open: bool                    # can still answer (before the deadline)


@dataclass
class ComplainantPage:
    content: CaseContent
    stages: list[Stage]
    decisions: list[Decision]
    measures: list[Measure]
    extended_until: datetime | None
    appeal_until: datetime | None
    routes: list[Route]
    mediation: Mediation | None
    can_write: bool
    reported: dict[str, object] = field(default_factory=dict)

    @property
    def case(self) -> Case:
        return self.content.case


def build(content: CaseContent, now: datetime | None = None) -> ComplainantPage:
    now = now or datetime.now(timezone.utc)
    case = content.case
    transitions = list(db.session.execute(select(Transition).where(
        Transition.case_id == case.id).order_by(Transition.at, Transition.id)).scalars())
    decisions = [d for d in (_decision(t, case, content) for t in transitions) if d is not None]
    return ComplainantPage(
        content=content,
        stages=[Stage(t.to_state, t.at) for t in transitions if t.to_state != t.from_state],
        decisions=decisions,
        measures=[Measure(m.kind, m.ordered_at, m.lifted_at) for m in db.session.execute(
            select(ProtectiveMeasure).where(ProtectiveMeasure.case_id == case.id)
            .order_by(ProtectiveMeasure.ordered_at)).scalars()],
        extended_until=_open_due(case.id, "investigation") if case.investigation_extended else None,
        appeal_until=_open_due(case.id, "appeal_window") if case.state == "appeal_window" else None,
        routes=_routes(case, transitions) if decisions else [],
        mediation=_mediation(case, now),
        can_write=may_write(case),
        reported=_reported(case, content),
    )


def may_write(case: Case) -> bool:
    """Someone still reads the complainant's messages: not on a closed case, unless its
    follow-up (monitoring check-ins) still runs, as for the officers' side (casework)."""
    if case.state != "closed":
        return True
    return db.session.execute(select(MonitoringCheckin.id).where(
        MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None)).limit(1)
    ).first() is not None


def _open_due(case_id: uuid.UUID, kind: str) -> datetime | None:
    return db.session.execute(select(Deadline.due_at).where(
        Deadline.case_id == case_id, Deadline.kind == kind, Deadline.met_at.is_(None))
        .order_by(Deadline.due_at.desc()).limit(1)).scalar_one_or_none()


def _decision(transition: Transition, case: Case, content: CaseContent) -> Decision | None:
    action = transition.action
    if action not in DECIDING_ACTIONS:
        return None
    told = content.notices.get(transition.id) or content.told.get(TOLD_WITH.get(action, ""), "")
    if action == "decide":
        return Decision("decision", transition.at, words.OUTCOME_TEXTS.get(transition.reason_code, ""), told)
    if action == "reject":
        return Decision("rejection", transition.at, words.REJECTION_TEXTS.get(transition.reason_code, ""), told)
    if action == "decide_appeal":
        return Decision("appeal", transition.at, words.APPEAL_TEXTS.get(transition.reason_code, ""), told)
    if action == "reinvestigate":
        return Decision("appeal", transition.at, words.APPEAL_TEXTS["reinvestigate"])
    if action == "record_external_result":
        return Decision("closure", transition.at, "", told)
    return Decision("closure", transition.at, words.CLOSURE_TEXTS.get(case.closure_reason, ""), told)


def _routes(case: Case, transitions: list[Transition]) -> list[Route]:
    """Where the person can still turn, with a time limit counted from the latest decision
    delivered to them (a rejection, a delivered decision, an appeal decided)."""
    delivered = [t.at for t in transitions if t.action in DELIVERED]
    if not delivered:
        return [outcomes.Route(r.code, r.label, r.explanation, None)
                for r in outcomes.external_routes(case, transitions[-1].at)]
    return list(outcomes.external_routes(case, delivered[-1]))


def _mediation(case: Case, now: datetime) -> Mediation | None:
    if case.state != "mediation_proposed":
        return None
    due = _open_due(case.id, "mediator_selection")  # the parties' time to answer the proposal
    return Mediation(due=due, answered_at=case.mediation_complainant_answered_at,
                     consent=case.mediation_complainant_consent,
                     open=due is None or due >= now)


def _reported(case: Case, content: CaseContent) -> dict[str, object]:
    """What the person gave, field by field, for "What you reported"."""
    fields = content.fields
    return {
        "category": case.category,
        "wants": case.wants,
        "narrative": fields.get("narrative", ""),
        "last_incident_on": case.last_incident_on,
        "ongoing": case.incident_period == "ongoing",
        "incident_when": fields.get("incident_when", ""),
        "unit_group": case.unit_group,
        "location": fields.get("location", ""),
        "respondent_relation": case.respondent_relation,
        "respondent_rank_band": case.respondent_rank_band,
        "respondent_sex": case.respondent_sex,
        "respondent": fields.get("respondent", ""),
        "witnesses": fields.get("witnesses", ""),
        "protection_requested": case.protection_requested,
        "protection_details": fields.get("protection_details", ""),
        "excluded_persons": fields.get("excluded_persons", ""),
        "anonymous": case.anonymous,
        "name": fields.get("complainant_name", ""),
        "contact": fields.get("complainant_contact", ""),
    }

