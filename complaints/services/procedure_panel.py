"""What the case page's procedure panel shows besides the case file: clocks with how each
ended, paused clocks with their reasons, steps waiting for a second person, and the forms
this assignee may use. Built for a user already cleared by open_case_file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext as gettext_
from sqlalchemy import select

from .. import workflow
from ..extensions import db
from ..models import Deadline, DeadlinePause, PendingStep, Unit, User
from ..policy import active_capacities
from . import confirmations, deadlines, hearings, parties
from .feedback import FEEDBACK_CAPACITIES


@dataclass(frozen=True)
class ClockView:
    deadline: Deadline
    status: str          # running | overdue | met | late | moot | paused
    pausable: bool


@dataclass
class Panel:
    clocks: list[ClockView]
    pauses: list[tuple[DeadlinePause, str, User | None]]
    waiting: list[tuple[PendingStep, User, str]]
    can_pause: bool
    can_give_feedback: bool
    can_decide_measures: bool
    can_confirm: bool
    parties: list[parties.Party] = field(default_factory=list)
    can_record_parties: bool = False
    records: list[hearings.RecordView] = field(default_factory=list)
    can_record_hearings: bool = False
    forms: dict[str, Any] = field(default_factory=dict)
    pause_reasons: dict[str, str] = field(default_factory=lambda: dict(deadlines.PAUSE_REASONS))
    party_kinds: dict[str, str] = field(default_factory=lambda: dict(parties.PARTY_KINDS))
    record_kinds: dict[str, str] = field(default_factory=lambda: dict(hearings.RECORD_KINDS))
    heard_roles: dict[str, str] = field(default_factory=lambda: dict(hearings.HEARD_ROLES))
    confirmations: dict[str, str] = field(default_factory=lambda: dict(hearings.CONFIRMATIONS))


def status_of(deadline: Deadline, now: datetime) -> str:
    if deadline.met_at is None:
        return "overdue" if deadline.due_at < now else "running"
    if deadline.ending == "paused":
        return "paused"
    if deadline.ending == "moot":
        return "moot"
    return "late" if deadline.met_at > deadline.due_at else "met"


def build(user: Any, case_file: Any, forms: dict[str, Any] | None = None) -> Panel:
    from ..forms.procedure import (FeedbackForm, HearingForm, NoMeasureForm, PartyForm, PauseForm,
                                   StepDecisionForm)

    case = case_file.case
    now = datetime.now(timezone.utc)
    capacities = active_capacities(user, case)
    defaults = {"pause": PauseForm(formdata=None, prefix="pause"),
                "feedback": FeedbackForm(formdata=None, prefix="feedback"),
                "no_measure": NoMeasureForm(formdata=None, prefix="nomeasure"),
                "step": StepDecisionForm(formdata=None, prefix="step"),
                "party": PartyForm(formdata=None, prefix="party"),
                "hearing": HearingForm(formdata=None, prefix="hearing")}
    defaults.update(forms or {})
    can_record_parties = "intake" in capacities and case.state != "closed"
    if can_record_parties:  # every active account and unit: read only for who may use the form
        _party_choices(defaults["party"], case_file.staff)
    present = case_file.present  # the case's records that hold rows (case_file.RECORD_TABLES)
    case_parties = parties.parties_of(case) if "case_parties" in present else []
    defaults["hearing"].party_id.choices = [("", gettext_("Not recorded as a party"))] + [
        (str(p.row.id), f"{gettext_(parties.PARTY_KINDS[p.row.kind])}: {p.details or p.row.staff_status}")
        for p in case_parties if p.row.kind in parties.PARTY_KINDS]
    clocks = [ClockView(d, status_of(d, now), bool(workflow.CLOCKS.get(d.kind)
                                                   and workflow.CLOCKS[d.kind].pausable))
              for d in case_file.deadlines if d.ending != "paused"]
    return Panel(
        clocks=clocks, pauses=deadlines.open_pauses(case) if "deadline_pauses" in present else [],
        waiting=confirmations.waiting(case) if "pending_steps" in present else [],
        can_pause=bool(capacities & deadlines.PAUSE_CAPACITIES) and case.state != "closed",
        can_give_feedback=bool(capacities & FEEDBACK_CAPACITIES)
        and case.state not in {"closed", "withdrawn"},
        can_decide_measures=bool(capacities & {"decision", "intake"}) and any(
            c.deadline.kind == "protective_measure" and c.status in ("running", "overdue") for c in clocks),
        can_confirm=bool(capacities & confirmations.CONFIRMING_CAPACITIES),
        parties=case_parties,
        records=hearings.records_for(user, case) if "case_records" in present else [],
        can_record_hearings=bool(capacities & hearings.RECORDING_CAPACITIES) and case.state != "closed",
        can_record_parties=can_record_parties,
        forms=defaults,
    )


_UNITS = select(Unit).order_by(Unit.name)  # built once (docs/manual/performance.md)


def _party_choices(form: Any, staff: list[Any]) -> None:
    """The active accounts (from the case file's one read of the staff) and every unit."""
    form.user_id.choices = [(0, gettext_("Choose"))] + [
        (u.id, u.display_name or u.username) for u in staff if u.is_active_account]
    units = db.session.execute(_UNITS).scalars()
    form.unit_id.choices = [(0, gettext_("Choose"))] + [(u.id, u.name) for u in units]
