"""The officer's view of one case: content, timeline, procedure records, deadlines.

Built on case_access.read_for_staff, which checks policy; the extra decryption here
(transition reasons, decision texts, measures) happens in the same transaction for the same
cleared user, never on its own, and the read's audit entry is written last, just before the
transaction's one commit.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import lazyload

from .. import next_step, triage, workflow
from ..assignment_reasons import ALL_REASONS
from ..notifications import CAPACITY_WORDS
from ..extensions import db
from ..models import (Assignment, Case, CaseExclusion, CaseParty, CaseRecord, CategoryChange, Deadline,
                      DeadlinePause, MonitoringCheckin, PendingStep, ProtectiveMeasure, RiskAssessment,
                      Transition, User)
from ..policy import active_capacities
from ..procedures import load_profile
from ..translatable import N_
from . import triage as triage_records
from . import notifications, procedure_panel, unread
from .case_access import (AttachmentView, CaseContent, cipher_for, integrity_alarm, read_for_staff,
                          record_read)
from .transitions import facts_of_rows

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
# Steps recorded in the timeline that are not rules of the workflow table.
OTHER_STEPS = {"submit": N_("Report received")}


# Built once: building a statement and its cache key cost about 70 µs a call, and a case page
# runs about twenty (docs/manual/performance.md, "Late on 29 November").
_CASE = bindparam("case_id")
_STAFF = (select(User.id, User.display_name, User.username, User.is_active_account)
          .order_by(User.display_name, User.username))
_TRANSITIONS = select(Transition).where(Transition.case_id == _CASE).order_by(Transition.at)
_ASSIGNMENTS = (select(Assignment, User).join(User, User.id == Assignment.user_id)
                .where(Assignment.case_id == _CASE).options(lazyload(User.role_rows)))
_MEASURES = (select(ProtectiveMeasure).where(ProtectiveMeasure.case_id == _CASE)
             .order_by(ProtectiveMeasure.ordered_at))
_DEADLINES = select(Deadline).where(Deadline.case_id == _CASE).order_by(Deadline.due_at)
_CHECKINS = (select(MonitoringCheckin).where(MonitoringCheckin.case_id == _CASE)
             .order_by(MonitoringCheckin.day))
_EXCLUDED_STAFF = (select(func.coalesce(func.nullif(User.display_name, ""), User.username))
                   .join(CaseExclusion, CaseExclusion.user_id == User.id)
                   .where(CaseExclusion.case_id == _CASE).order_by(User.display_name))
# The case's own records that many cases never have (a case at intake has none of them):
# which hold rows for the case, in one statement, where reading each of them took nine. Only
# those are read; one written between the two statements shows on the next opening.
RECORD_TABLES = {"category_changes": CategoryChange, "risk_assessments": RiskAssessment,
                 "protective_measures": ProtectiveMeasure, "monitoring_checkins": MonitoringCheckin,
                 "case_exclusions": CaseExclusion, "case_parties": CaseParty,
                 "deadline_pauses": DeadlinePause, "pending_steps": PendingStep, "case_records": CaseRecord}
_RECORDS_PRESENT = select(*(exists().where(model.case_id == _CASE).label(name)
                            for name, model in RECORD_TABLES.items()))


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str            # transition | message | note | assignment | category
    title: str
    text: str
    actor: str
    exact_time: bool = True    # False for the complainant's own acts: the day only (issue 12)
    anchor: str = ""           # the id files and links point to
    attachments: tuple[AttachmentView, ...] = ()
    read_state: str = ""       # staff messages: "read" or "unread" by the complainant
    read_at: datetime | None = None


@dataclass(frozen=True)
class FileEntry:
    """A file of the case with where it came from, for the list of evidence and files."""
    attachment: AttachmentView
    source: str          # report | complainant | staff | note
    anchor: str
    at: datetime


@dataclass(frozen=True)
class NextStep:
    """Who must act next (for an assignee with nothing to do) and by when."""
    actors: list[tuple[str, list[str], list[workflow.Rule]]]  # (actor, names, steps)
    waiting: list[next_step.Waiting]
    due: Deadline | None


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
    files: list[FileEntry] = field(default_factory=list)
    excluded_staff: list[str] = field(default_factory=list)
    next_step: NextStep | None = None
    risks: list[triage_records.RiskView] = field(default_factory=list)
    measures_in_force: int = 0
    can_correct_category: bool = False
    can_assess_risk: bool = False
    procedure: Any = None  # procedure_panel.Panel, for the case page
    unread_notifications: int = 0  # the reader's, once this case's are read
    staff: list[Any] = field(default_factory=list)  # (id, display_name, username, is_active_account)
    present: frozenset[str] = frozenset(RECORD_TABLES)  # RECORD_TABLES holding rows for the case

    @property
    def protection_check(self) -> bool:
        """The latest assessment finds a high risk and no protective measure is in force."""
        latest = self.risks[0].assessment if self.risks else None
        return bool(latest and triage.needs_protection_check(latest.retaliation, latest.repeat,
                                                             self.measures_in_force))

    @property
    def asks_consent(self) -> bool:
        """The intake officer records the parties' consent to a proposed mediation."""
        return self.case.state == "mediation_proposed" and "intake" in self.capacities

    @property
    def case(self) -> Case:
        return self.content.case


def open_case_file(user: Any, case_id: uuid.UUID | str, purpose: str = "case page", *,
                   panel: bool = True, panel_forms: dict[str, Any] | None = None) -> CaseFile:
    """Everything the case page shows (with the procedure panel, unless ``panel`` is False),
    read in one transaction with the read's audit entry and the read markers, committed
    once before anything is shown: a page is one audited read, one commit."""
    # With the panel, the page lists the parties with their accounts and units (parties_of).
    content = read_for_staff(user, case_id, parties=not panel)
    case = content.case
    cipher = cipher_for(case)
    # Every account once: the timeline's names, and the party form's choices (procedure_panel).
    staff = db.session.execute(_STAFF).all()
    on_case = {"case_id": case.id}
    present = frozenset(name for name, held in db.session.execute(_RECORDS_PRESENT, on_case).one()
                        ._mapping.items() if held)
    names = {row.id: row.display_name or row.username for row in staff}
    report_files = tuple(a for a in content.attachments if a.message_id is None)
    transitions = list(db.session.execute(_TRANSITIONS, on_case).scalars())
    # names only: the people's roles are not read here
    all_assignments = list(db.session.execute(_ASSIGNMENTS, on_case).all())
    with integrity_alarm(case.id):
        timeline = [
            TimelineEntry(t.at, "transition", _step_title(t.action),
                          cipher.open("transitions", "reason_enc", t.id, t.reason_enc)
                          if content.may_read_step(t.action) else "",
                          names.get(t.actor_user_id) or gettext(ACTOR_KINDS.get(t.actor_kind, t.actor_kind)),
                          exact_time=t.actor_kind != "complainant",
                          anchor="report" if t.action == "submit" else f"step-{t.id}",
                          attachments=report_files if t.action == "submit" else ())
            for t in transitions
        ]
        timeline += _ended_assignments([a for a, _ in all_assignments], cipher, names)
        timeline += _category_changes(case, cipher, names) if "category_changes" in present else []
        risks = triage_records.risk_history(case, cipher, names) if "risk_assessments" in present else []
        records = {
            gettext(label): cipher.open("cases", f"{name}_enc", case.id, getattr(case, f"{name}_enc"))
            for name, label in RECORD_COLUMNS.items() if getattr(case, f"{name}_enc") is not None
            and RECORD_PARTS.get(name, "") in content.readable | {""}
        }
        measures = [
            (m, cipher.open("protective_measures", "details_enc", m.id, m.details_enc))
            for m in (db.session.execute(_MEASURES, on_case).scalars()
                      if "protective_measures" in present else ())
        ]
    for message in content.messages:
        kind = "note" if message.internal else "message"
        from_complainant = message.author_kind == "complainant"
        title = (gettext("Internal note") if message.internal else
                 gettext("Message from the complainant") if from_complainant
                 else gettext("Message to the complainant"))
        timeline.append(TimelineEntry(
            message.created_at, kind, title, message.body,
            names.get(message.author_user_id) or gettext(ACTOR_KINDS.get(message.author_kind, message.author_kind)),
            exact_time=not from_complainant, anchor=f"message-{message.id}",
            attachments=message.attachments,
            read_state="" if message.internal or from_complainant else ("read" if message.read_at else "unread"),
            read_at=message.read_at))
    timeline.sort(key=lambda entry: entry.at)
    deadlines = list(db.session.execute(_DEADLINES, on_case).scalars())
    now = datetime.now(timezone.utc)
    assignees = [(a, person) for a, person in all_assignments if a.ended_at is None]
    # Once, from the rows read above: the steps open to the reader, and who acts next otherwise.
    facts = facts_of_rows(case, [a for a, _ in assignees], deadlines, transitions)
    capacities = active_capacities(user, case)
    actions = workflow.available(facts, capacities)
    case_file = CaseFile(
        content=content,
        capacities=capacities,
        actions=actions,
        timeline=timeline,
        records=records,
        measures=measures,
        deadlines=deadlines,
        checkins=list(db.session.execute(_CHECKINS, on_case).scalars())
        if "monitoring_checkins" in present else [],
        assignees=assignees,
        overdue=[d for d in deadlines if d.met_at is None and d.due_at < now],
        files=_files(content, timeline),
        excluded_staff=_excluded_staff(case) if "case_exclusions" in present else [],
        next_step=None if actions else _next_step(facts, assignees, deadlines),
        risks=risks,
        measures_in_force=sum(1 for m, _ in measures if m.lifted_at is None),
        can_correct_category=bool(capacities & triage_records.CORRECTORS) and case.state != "closed",
        can_assess_risk=bool(capacities & triage_records.ASSESSORS) and case.state != "closed",
        staff=staff,
        present=present,
    )
    # The complainant's messages shown here are now read by an assignee.
    unread.mark_read(case.id, [m.id for m in content.messages
                               if m.author_kind == "complainant" and m.read_at is None])
    if panel:  # the case page, with its navigation's unread count
        case_file.procedure = procedure_panel.build(user, case_file, panel_forms)
        case_file.unread_notifications = notifications.read_case_and_count(user, case.id)
    else:
        notifications.read_case(user, case.id)
    record_read(case, purpose)
    db.session.commit()
    return case_file


def _category_changes(case: Case, cipher: Any, names: dict[int, str]) -> list[TimelineEntry]:
    profile = load_profile(case.procedure)

    def label(code: str) -> str:
        category = profile.category(code)
        return gettext(category.label) if category else code

    return [TimelineEntry(change.changed_at, "category",
                          gettext("Category corrected: %(old)s → %(new)s",
                                  old=label(change.from_category), new=label(change.to_category)),
                          reason, names.get(change.changed_by_id, ""), anchor=f"category-{change.id}")
            for change, reason in triage_records.category_changes(case, cipher)]


def _step_title(action: str) -> str:
    rule = workflow.RULES_BY_ACTION.get(action)
    if rule is not None:
        return gettext(rule.label)
    other = OTHER_STEPS.get(action)
    return gettext(other) if other else action.replace("_", " ").capitalize()


def _ended_assignments(assignments: list[Assignment], cipher: Any,
                       names: dict[int, str]) -> list[TimelineEntry]:
    """Recusals and ended assignments, with the reason and the note only assignees read."""
    entries = []
    for a in assignments:
        if a.ended_at is None or not a.end_reason:
            continue
        who = {"name": names.get(a.user_id, ""), "capacity": _capacity(a.capacity)}
        title = (gettext("%(name)s recused (%(capacity)s)", **who) if a.recused else
                 gettext("%(name)s's assignment as %(capacity)s ended", **who))
        reason = ALL_REASONS.get(a.end_reason)
        note = cipher.open("assignments", "end_note_enc", a.id, a.end_note_enc)
        text = "\n".join(t for t in (gettext(reason) if reason else "", note) if t)
        entries.append(TimelineEntry(a.ended_at, "assignment", title, text,
                                     names.get(a.ended_by_id) or "", anchor=f"ended-{a.id}"))
    return entries


def _capacity(code: str) -> str:
    return gettext(CAPACITY_WORDS[code]) if code in CAPACITY_WORDS else code


def _files(content: CaseContent, timeline: list[TimelineEntry]) -> list[FileEntry]:
    """Every file with the entry it came with: the report, or a message or note."""
    entries = []
    for entry in timeline:
        source = ("report" if entry.anchor == "report" else "note" if entry.kind == "note" else
                  "staff" if entry.read_state else "complainant")
        for attachment in entry.attachments:
            entries.append(FileEntry(attachment, source, entry.anchor, entry.at))
    listed = {f.attachment.id for f in entries}
    entries += [FileEntry(a, "report", "report", a.created_at) for a in content.attachments
                if a.id not in listed]  # a file whose entry is missing still shows
    return entries


def _excluded_staff(case: Case) -> list[str]:
    return list(db.session.execute(_EXCLUDED_STAFF, {"case_id": case.id}).scalars())


def _next_step(facts: workflow.CaseFacts, assignees: list[tuple[Assignment, User]],
               deadlines: list[Deadline]) -> NextStep:
    holders: dict[str, list[str]] = {}
    for assignment, person in assignees:
        if not assignment.recused:
            holders.setdefault(assignment.capacity, []).append(person.display_name or person.username)
    actors = [(a.actor, holders.get(a.actor, []), list(a.rules)) for a in next_step.next_actors(facts)]
    running = [d for d in deadlines if d.met_at is None and d.kind != "feedback"]
    return NextStep(actors, next_step.waiting(facts), min(running, key=lambda d: d.due_at, default=None))
