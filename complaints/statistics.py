"""What the statistics count: events, declared in one table, counted in SQL. No Flask.

Everything is counted from the clear, coarse metadata of cases and the records of the
procedure; nothing is ever decrypted. Figures are made of **events** (a report received, a
decision taken, a measure ordered, a deadline that fell due...), each counted once, in the
release of the period in which it happened (see ``releases.py``). A case's *current* stage,
outcome or route is never counted: those move, and two counts of a moving state taken on
different days could be subtracted to follow one case.

Each event kind names its table, the date the event happened, the moment it was recorded
(a consultation can be recorded weeks after it was held), its dimensions, and which of them
are counted jointly (``blocks``): dimensions that a published table crosses, or that a
logical link ties together (``releases.EXCLUSIONS``), must be counted jointly so that the
audit sees every combination. Adding an event is one entry in ``EVENTS``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import Integer, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.types import Float

from .models import Case, Consultation, Deadline, ProtectiveMeasure, Transition
from .translatable import N_

OTHER_CODE = "__unlisted__"  # a code found in the data but not in the vocabulary
YES_NO = ("yes", "no")


class days_between(FunctionElement):  # type: ignore[misc]
    """Days (fractional) from ``start`` to ``end``, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


class whole_days_between(days_between):  # type: ignore[misc]
    """Completed days from ``start`` to ``end`` (rounded down), for medians."""

    type = Integer()
    inherit_cache = True


@compiles(whole_days_between, "sqlite")
def _whole_days_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"CAST({_days_sqlite(element, compiler, **kw)} AS INTEGER)"  # durations are >= 0


@compiles(whole_days_between)
def _whole_days_default(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"CAST(FLOOR({_days_default(element, compiler, **kw)}) AS INTEGER)"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


@compiles(days_between)
def _days_default(element, compiler, **kw):  # type: ignore[no-untyped-def]
    start, end = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
            f"{compiler.process(start, **kw)})) / 86400.0)")


# --- dimensions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """One coded attribute of an event. ``codes`` fixes the values of a derived attribute;
    attributes with a vocabulary (categories, sexes...) get theirs from the service, so the
    labels and the counted values are the same list."""

    key: str
    title: str
    expression: Callable[[], ColumnElement]
    sensitive: bool = False  # zeros and whole groups are hidden too (see disclosure.py)
    codes: tuple[str, ...] | None = None
    complete: bool = False   # the expression only ever gives one of ``codes``: no "other"


def _yes_no(condition: Callable[[], ColumnElement]) -> Callable[[], ColumnElement]:
    """Always "yes" or "no" (dimensions using it are ``complete``)."""
    return lambda: case((condition(), literal("yes")), else_=literal("no"))


STEP_ACTIONS = {  # transition action -> the step counted
    "propose_mediation": "mediation_proposed",
    "record_agreement": "agreement_reached",
    "open_inquiry": "inquiry_opened",
    "open_investigation": "investigation_opened",
    "decline_mediation": "investigation_opened",
    "end_mediation": "investigation_opened",
    "extend_investigation": "investigation_extended",
    "resolve_informally": "resolved_informally",
    "refer_external": "referred_external",
    "criminal_elements": "referred_external",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "continue_ex_officio": "continued_ex_officio",
    "reinvestigate": "reinvestigation",
}
STEPS = tuple(dict.fromkeys(STEP_ACTIONS.values()))
DUTY_DEADLINES = ("acknowledge", "triage", "mediation_proposal", "mediator_selection", "mediation",
                  "preliminary_inquiry", "investigation", "decision", "delivery", "appeal_review",
                  "feedback")
# A clock that stopped because it no longer applied (the case was withdrawn or rejected:
# "moot") or because it was paused (its remaining time runs on in a new row) was neither kept
# nor missed; only the rows that ran to their end or are still running count.
COUNTED_CLOCK = Deadline.ending.not_in(("moot", "paused"))
CLOSURE_REASONS = ("monitoring_complete", "agreement_fulfilled", "external_result", "rejected", "withdrawn")
MEASURES = ("separation", "transfer_respondent", "suspension_on_pay", "schedule_change", "no_contact", "other")
SANCTION_CODES = ("", "warning", "suspension", "transfer", "dismissal", "other")
DECISION_OUTCOMES = ("substantiated", "partly_substantiated", "not_substantiated", "abusive_complaint")

D = Dimension
CATEGORY = D("category", N_("Category"), lambda: Case.category, sensitive=True)
COMPLAINANT_SEX = D("complainant_sex", N_("Sex of the person reporting"), lambda: Case.complainant_sex)
RETALIATION = D("retaliation", N_("Report of retaliation"), sensitive=True, codes=YES_NO, complete=True,
                expression=_yes_no(lambda: or_(Case.category == "RETALIATION", Case.parent_case_id.is_not(None))))
RECEIVED_DIMENSIONS = (
    CATEGORY, COMPLAINANT_SEX, RETALIATION,
    D("channel", N_("Channel"), lambda: Case.channel),
    D("respondent_sex", N_("Sex of the person reported"), lambda: Case.respondent_sex),
    D("complainant_rank_band", N_("Rank band of the person reporting"), lambda: Case.complainant_rank_band),
    D("respondent_rank_band", N_("Rank band of the person reported"), lambda: Case.respondent_rank_band),
    D("respondent_relation", N_("Hierarchical relation"), lambda: Case.respondent_relation),
    D("unit_group", N_("Unit group"), lambda: Case.unit_group),
    D("protection_requested", N_("Protection requested"), _yes_no(lambda: Case.protection_requested),
      sensitive=True, codes=YES_NO, complete=True),
)


# --- event kinds -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventKind:
    key: str
    title: str
    source: Callable[[], Any]              # a select() with the event rows (FROM and WHERE)
    happened: Callable[[], Any]             # when it happened: the period it belongs to
    recorded: Callable[[], Any]             # when it was written down (late entries)
    dimensions: tuple[Dimension, ...] = ()
    blocks: tuple[tuple[str, ...], ...] = ()  # dimensions counted jointly; others alone
    crosses: tuple[tuple[str, str], ...] = ()  # two-way tables published (within a block)
    sensitive_total: bool = False          # "no measure ordered" is itself sensitive
    median: tuple[str, Callable[[], Any], Callable[[], Any]] | None = None  # (title, start, end)
    by_day: bool = False                   # dated by calendar day, not by instant

    def block_list(self) -> list[tuple[str, ...]]:
        joint = [tuple(b) for b in self.blocks]
        seen = {d for b in joint for d in b}
        return joint + [(d.key,) for d in self.dimensions if d.key not in seen]

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)


def _transitions(*actions: str) -> Callable[[], Any]:
    return lambda: (select().select_from(Transition).join(Case, Case.id == Transition.case_id)
                    .where(Transition.action.in_(actions)))


EVENTS: tuple[EventKind, ...] = (
    EventKind("received", N_("Reports received"), lambda: select().select_from(Case),
              lambda: Case.submitted_at, lambda: Case.recorded_at, RECEIVED_DIMENSIONS,
              blocks=(("category", "complainant_sex", "retaliation"),)),
    # A case is acknowledged once (only from "submitted"), and the transition service sets
    # acknowledged_at to the transition's moment: the case row alone dates it, where joining
    # a quarter's acknowledgements to their cases visited a heap page for every one.
    EventKind("acknowledged", N_("Reports acknowledged"),
              lambda: select().select_from(Case).where(Case.acknowledged_at.is_not(None)),
              lambda: Case.acknowledged_at, lambda: Case.acknowledged_at,
              median=(N_("Days from report to acknowledgement"), lambda: Case.submitted_at,
                      lambda: Case.acknowledged_at)),
    EventKind("feedback", N_("First feedback to the person reporting"),
              lambda: select().select_from(Case).where(Case.first_feedback_at.is_not(None),
                                                       Case.acknowledged_at.is_not(None),
                                                       Case.acknowledged_at <= Case.first_feedback_at),
              lambda: Case.first_feedback_at, lambda: Case.first_feedback_at,
              median=(N_("Days from acknowledgement to first feedback"), lambda: Case.acknowledged_at,
                      lambda: Case.first_feedback_at)),
    EventKind("steps", N_("Steps of the procedure taken"), _transitions(*STEP_ACTIONS),
              lambda: Transition.at, lambda: Transition.at,
              (D("step", N_("Step"), lambda: case(*[(Transition.action == a, literal(s)) for a, s in STEP_ACTIONS.items()]),
                 sensitive=True, codes=STEPS, complete=True),)),
    EventKind("decided", N_("Decisions taken"), _transitions("decide"),
              lambda: Transition.at, lambda: Transition.at,
              (D("outcome", N_("Outcome of the decision"), lambda: Transition.reason_code, sensitive=True,
                 codes=DECISION_OUTCOMES),
               D("sanction", N_("Sanction"), lambda: Case.sanction, sensitive=True, codes=SANCTION_CODES),
               D("disciplinary", N_("Disciplinary procedure started"), _yes_no(lambda: Case.disciplinary_referral),
                 sensitive=True, codes=YES_NO, complete=True)),
              median=(N_("Days from report to decision"), lambda: Case.submitted_at, lambda: Transition.at)),
    EventKind("appealed", N_("Appeals lodged"), _transitions("appeal"),
              lambda: Transition.at, lambda: Transition.at, sensitive_total=True),
    EventKind("appeal_decided", N_("Appeals decided"), _transitions("decide_appeal"),
              lambda: Transition.at, lambda: Transition.at,
              (D("appeal_outcome", N_("Result of the appeal"), lambda: Transition.reason_code, sensitive=True,
                 codes=("upheld", "changed")),), sensitive_total=True),
    EventKind("measures", N_("Protective measures ordered"),
              lambda: select().select_from(ProtectiveMeasure),
              lambda: ProtectiveMeasure.ordered_at, lambda: ProtectiveMeasure.ordered_at,
              (D("measure", N_("Measure"), lambda: ProtectiveMeasure.kind, sensitive=True, codes=MEASURES),),
              sensitive_total=True),
    EventKind("closed", N_("Cases closed"), _transitions("close", "close_withdrawn", "close_rejected"),
              lambda: Transition.at, lambda: Transition.at,
              (D("closure_reason", N_("Reason for closing"), lambda: Case.closure_reason, sensitive=True,
                 codes=CLOSURE_REASONS),)),
    EventKind("deadlines", N_("Deadlines that fell due"),
              lambda: select().select_from(Deadline).where(Deadline.kind.in_(DUTY_DEADLINES),
                                                           COUNTED_CLOCK),
              lambda: Deadline.due_at, lambda: Deadline.created_at,
              (D("deadline", N_("Deadline"), lambda: Deadline.kind, codes=DUTY_DEADLINES, complete=True),
               D("kept", N_("Kept"), _yes_no(lambda: and_(Deadline.met_at.is_not(None),
                                                          Deadline.met_at <= Deadline.due_at)),
                 codes=YES_NO, complete=True)),
              blocks=(("deadline", "kept"),), crosses=(("deadline", "kept"),)),
    EventKind("consultations", N_("Consultations with persons of trust"),
              lambda: select().select_from(Consultation),
              lambda: Consultation.held_on, lambda: Consultation.created_at,
              (D("consultation_outcome", N_("Outcome of the consultation"), lambda: Consultation.outcome),
               D("consultation_category", N_("Subject of the consultation"), lambda: Consultation.category,
                 sensitive=True),
               D("consultation_sex", N_("Sex of the person consulting"), lambda: Consultation.complainant_sex),
               D("consultation_unit_group", N_("Unit group of the person consulting"),
                 lambda: Consultation.unit_group)),
              by_day=True),
)
EVENTS_BY_KEY = {event.key: event for event in EVENTS}


# --- counting one release ----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The events of one release: those that happened before ``end`` and were recorded by
    ``cutoff``, less those an earlier release (ending at ``start``, computed at
    ``previous_cutoff``) already counted. Late entries are the events recorded after the
    previous release with a date before ``start``."""

    start: datetime | None
    end: datetime
    cutoff: datetime
    previous_cutoff: datetime | None

    def conditions(self, event: EventKind) -> list[ColumnElement]:
        happened, recorded = event.happened(), event.recorded()
        bound = (lambda moment: moment.date()) if event.by_day else (lambda moment: moment)
        current = [happened < bound(self.end), recorded <= self.cutoff]
        if self.start is None:
            return [and_(*current)]
        current_window = and_(happened >= bound(self.start), *current)
        if str(happened) == str(recorded):
            return [current_window]  # recorded as it happens (transitions): never late
        late = and_(happened < bound(self.start), recorded > self.previous_cutoff, recorded <= self.cutoff)
        return [current_window, late]


@dataclass
class EventCounts:
    """The true counts of one event kind in one release (never published as such)."""

    total: int = 0
    blocks: dict[tuple[str, ...], Counter] = field(default_factory=dict)
    days: Counter = field(default_factory=Counter)  # whole days -> events, for the median

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total,
                "blocks": [{"dimensions": list(dims), "cells": [[list(k), n] for k, n in sorted(c.items())]}
                           for dims, c in self.blocks.items()],
                "days": {str(d): n for d, n in sorted(self.days.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EventCounts":
        return cls(total=data["total"],
                   blocks={tuple(b["dimensions"]): Counter({tuple(k): n for k, n in b["cells"]})
                           for b in data["blocks"]},
                   days=Counter({int(d): n for d, n in data["days"].items()}))


def codes_of(event: EventKind, vocabularies: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Every value each dimension can take in a release, in display order."""
    result = {}
    for dimension in event.dimensions:
        listed = dimension.codes if dimension.codes is not None else tuple(vocabularies.get(dimension.key, ()))
        result[dimension.key] = tuple(listed) + (() if dimension.complete else (OTHER_CODE,))
    return result


def count_event(session: Any, event: EventKind, window: Window,
                vocabularies: dict[str, list[str]]) -> EventCounts:
    """The window's events, in one pass over an index range of the dates per window
    condition: the rows are grouped by the dimensions counted jointly and, for a median, by
    whole days; each group also counts every value of the dimensions counted alone
    (filtered counts). The total, each block, the lone dimensions and the histogram are sums
    over the groups."""
    codes = codes_of(event, vocabularies)
    blocks = event.block_list()
    counts = EventCounts(blocks={dims: Counter() for dims in blocks})  # every block, even empty
    joint = [dims for dims in blocks if len(dims) > 1]
    alone = [dims[0] for dims in blocks if len(dims) == 1]
    grouped = list(dict.fromkeys(d for dims in joint for d in dims))  # each dimension once
    filters = [(d, code) for d in alone for code in codes[d] if code != OTHER_CODE]
    by_value: Counter = Counter()
    keys = [event.dimension(d).expression().label(d) for d in grouped]
    if event.median:
        _, start, end = event.median
        keys.append(whole_days_between(start(), end()).label("whole_days"))  # NULL: no start
    columns = [func.count()] + [func.count().filter(event.dimension(d).expression() == code) for d, code in filters]
    width = len(keys)
    for condition in window.conditions(event):
        statement = event.source().where(condition).add_columns(*keys, *columns)
        for row in session.execute(statement.group_by(*keys) if keys else statement).all():
            n = row[width]
            counts.total += n
            by_value.update({pair: m for pair, m in zip(filters, row[width + 1:]) if m})
            found = dict(zip(grouped, row))
            for dims in joint:
                counts.blocks[dims][tuple(_known(found[d], codes[d]) for d in dims)] += n
            days = row[width - 1] if event.median else None
            if days is not None:
                counts.days[int(days)] += n
    for d in alone:
        cells = counts.blocks[(d,)]
        listed = 0
        for code in codes[d]:
            if code != OTHER_CODE:
                cells[(code,)] += by_value[(d, code)]
                listed += by_value[(d, code)]
        if OTHER_CODE in codes[d]:
            cells[(OTHER_CODE,)] += counts.total - listed  # NULL and values not on the list
    for cells in counts.blocks.values():  # zero cells are not kept
        for key in [k for k, n in cells.items() if n == 0]:
            del cells[key]
    return counts


def _known(value: Any, codes: tuple[str, ...]) -> str:
    value = "" if value is None else str(value)
    return value if value in codes and value != OTHER_CODE else OTHER_CODE


def first_event_day(session: Any) -> date | None:
    """The day of the earliest report received: where the history of releases begins."""
    first = session.execute(select(func.min(Case.submitted_at))).scalar()
    return first.date() if first else None


def open_cases_overdue(session: Any, end: datetime, cutoff: datetime) -> int:
    """Cases open at ``end`` with a duty deadline already passed and not yet kept by then,
    among the cases recorded by ``cutoff`` (the year-end figure of the annual report)."""
    overdue = select(Deadline.case_id).where(
        Deadline.kind.in_(DUTY_DEADLINES), Deadline.due_at < end,
        or_(Deadline.met_at.is_(None), Deadline.met_at > end))
    return session.execute(select(func.count()).select_from(Case).where(
        Case.submitted_at < end, Case.recorded_at <= cutoff,
        or_(Case.closed_at.is_(None), Case.closed_at >= end), Case.id.in_(overdue))).scalar_one()


def median(histogram: Counter) -> float:
    """The median of the values a histogram counts."""
    n = sum(histogram.values())
    wanted = [(n - 1) // 2, n // 2]  # the middle position(s), counting from 0
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
    return (found[0] + found[1]) / 2

