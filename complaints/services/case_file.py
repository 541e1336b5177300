"""The officer's view of one case: content, timeline, procedure records, deadlines.

Built on case_access.open_for_staff, which checks policy and writes the audit entry; the
extra decryption here (transition reasons, decision texts, measures) happens in the same
request for the same cleared user, never on its own.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from .. import workflow
from ..extensions import db
from ..models import Assignment, Case, Deadline, MonitoringCheckin, ProtectiveMeasure, Transition, User
from ..policy import active_capacities
from ..translatable import N_
from . import unread
from .case_access import CaseContent, cipher_for, integrity_alarm, open_for_staff
from .transitions import available_actions

RECORD_COLUMNS = {
    "mediation_agreement": N_("Mediation agreement"),
    "investigation_report": N_("Investigation report"),
    "extension_reason": N_("Reasons for extending the investigation"),
    "decision_reasoning": N_("Decision: reasoning"),
    "complainant_notice": N_("Decision: what the complainant is told"),
    "disciplinary_waiver": N_("Decision: why no disciplinary proceedings"),
    "appeal_grounds": N_("Grounds of appeal"),
    "appeal_reasoning": N_("Appeal decision: reasoning"),
}

# Records that belong to a restricted part of the case (policy.READING_PARTS).
RECORD_PARTS = {"investigation_report": "investigation", "extension_reason": "investigation"}

# Who acted, when it was not a staff member.
ACTOR_KINDS = {"complainant": N_("the complainant"), "system": N_("the system"), "staff": N_("staff")}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str            # transition | message | note
    title: str
    text: str
    actor: str


@dataclass
class CaseFile:
    content: CaseContent
    capacities: set[str]
    actions: list[workflow.Rule]
    timeline: list[TimelineEntry]
    records: dict[str, str]
    measures: list[tuple[ProtectiveMeasure, str]]
    deadlines: list[Deadline]
    checkins: list[MonitoringCheckin]
    assignees: list[tuple[Assignment, User]]
    overdue: list[Deadline] = field(default_factory=list)

    @property
    def case(self) -> Case:
        return self.content.case


def open_case_file(user: Any, case_id: uuid.UUID | str, purpose: str = "case page") -> CaseFile:
    content = open_for_staff(user, case_id, purpose=purpose)
    case = content.case
    cipher = cipher_for(case)
    names = {u.id: u.display_name or u.username for u in db.session.execute(select(User)).scalars()}
    with integrity_alarm(case.id):
        timeline = [
            TimelineEntry(t.at, "transition",
                          gettext(workflow.RULES_BY_ACTION[t.action].label) if t.action in workflow.RULES_BY_ACTION else t.action,
                          cipher.open("transitions", "reason_enc", t.id, t.reason_enc)
                          if content.may_read_step(t.action) else "",
                          names.get(t.actor_user_id) or gettext(ACTOR_KINDS.get(t.actor_kind, t.actor_kind)))
            for t in db.session.execute(select(Transition).where(Transition.case_id == case.id)
                                        .order_by(Transition.at)).scalars()
        ]
        records = {
            gettext(label): cipher.open("cases", f"{name}_enc", case.id, getattr(case, f"{name}_enc"))
            for name, label in RECORD_COLUMNS.items() if getattr(case, f"{name}_enc") is not None
            and RECORD_PARTS.get(name, "") in content.readable | {""}
        }
        measures = [
            (m, cipher.open("protective_measures", "details_enc", m.id, m.details_enc))
            for m in db.session.execute(select(ProtectiveMeasure).where(
                ProtectiveMeasure.case_id == case.id).order_by(ProtectiveMeasure.ordered_at)).scalars()
        ]
    for message in content.messages:
        kind = "note" if message.internal else "message"
        title = (gettext("Internal note") if message.internal else
                 gettext("Message from the complainant") if message.author_kind == "complainant"
                 else gettext("Message to the complainant"))
        timeline.append(TimelineEntry(
            message.created_at, kind, title, message.body,
            names.get(message.author_user_id) or gettext(ACTOR_KINDS.get(message.author_kind, message.author_kind))))
    timeline.sort(key=lambda entry: entry.at)
    deadlines = list(db.session.execute(select(Deadline).where(Deadline.case_id == case.id)
                                        .order_by(Deadline.due_at)).scalars())
    now = datetime.now(timezone.utc)
    unread.mark_read(case.id)  # the complainant's messages are now read by an assignee
    db.session.commit()
    assignees = list(db.session.execute(
        select(Assignment, User).join(User, User.id == Assignment.user_id)
        .where(Assignment.case_id == case.id, Assignment.ended_at.is_(None))).all())
    return CaseFile(
        content=content,
        capacities=active_capacities(user, case),
        actions=available_actions(user, case),
        timeline=timeline,
        records=records,
        measures=measures,
        deadlines=deadlines,
        checkins=list(db.session.execute(select(MonitoringCheckin).where(
            MonitoringCheckin.case_id == case.id).order_by(MonitoringCheckin.day)).scalars()),
        assignees=assignees,
        overdue=[d for d in deadlines if d.met_at is None and d.due_at < now],
    )
