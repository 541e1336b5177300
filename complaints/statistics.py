"""Anonymised statistics for gender equality mechanisms. No Flask imports.

Everything is counted in SQL from the clear, coarse metadata of cases and consultations;
nothing is ever decrypted. What is published, and why no combination of it reveals a small
count (the threshold *k* is the setting COMPLAINTS_STATS_THRESHOLD):

1. **Periods.** A year is shown by its *completed* quarters, joined into groups of at least k
   cases (``disclosure.group_periods``). A group never changes once closed; the quarter in
   progress and a trailing group under k are not published (the latter is shown as ``<k``).
   So figures published on different days or for a year and its quarters cannot be
   subtracted from each other: the quarterly report *is* a column of the year's tables.
2. **Lines.** For each dimension (category, channel, sex of the complainant...) the year's
   count per value is a line whose total, the number of cases in the published groups, is
   exact; ``protect_line`` audits it exactly.
3. **Tables.** Each dimension is also broken down by period group. Values whose year count
   is hidden are merged into one row, so every row and every column total of the table is
   known exactly, and ``protect_table`` audits the table exactly.
4. **Combinations.** All tables of a year share only the period groups, whose totals are
   exact. Given those, each table can be filled in independently of the others (any choice
   for one dimension combines with any choice for another, case by case, inside each
   group), so what a reader learns from all tables together is what each table says alone.
   That is why dimensions are never crossed with each other: a cross table would tie the
   tables together and break this argument.
5. **Population.** The only filter that narrows the population is the period; a period
   with fewer than k cases is refused. Choosing dimensions changes what is shown, not whom.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Integer, and_, exists, func, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.types import Float

from .disclosure import Breakdown, FilterRefused, Figure, group_periods, primary, publish_breakdown
from .models import Case, Consultation, Deadline, ProtectiveMeasure, Transition
from .translatable import N_

FEEDBACK_DAYS = 90  # EU 2019/1937 Art. 9(1)(f): feedback within three months
OTHER_CODE = "__unlisted__"  # a code found in the data but not in the vocabulary


class days_between(FunctionElement):  # type: ignore[misc]
    """Days (fractional) from ``start`` to ``end``, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


class whole_days_between(days_between):  # type: ignore[misc]
    """Completed days from ``start`` to ``end`` (rounded down), for histograms."""

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
    key: str
    title: str
    column: Any = None  # a plain column: one value per code of the vocabulary

    def conditions(self, codes: list[str], now: datetime) -> list[tuple[str, ColumnElement]]:
        if self.column is not None:
            return [(code, self.column == code) for code in codes]
        return DERIVED[self.key](now)


def _measure_ordered():  # type: ignore[no-untyped-def]
    return exists().where(ProtectiveMeasure.case_id == Case.id)


def _protection(now: datetime) -> list[tuple[str, ColumnElement]]:
    ordered = _measure_ordered()
    return [("ordered", ordered),
            ("requested_only", and_(Case.protection_requested, not_(ordered))),
            ("none", and_(not_(Case.protection_requested), not_(ordered)))]


def _retaliation(now: datetime) -> list[tuple[str, ColumnElement]]:
    report = or_(Case.category == "RETALIATION", Case.parent_case_id.is_not(None))
    return [("yes", report), ("no", not_(report))]


def _sanction(now: datetime) -> list[tuple[str, ColumnElement]]:
    decided = Case.decided_at.is_not(None)
    return [("not_decided", not_(decided)),
            ("none", and_(decided, Case.sanction == "")),
            ("warning", and_(decided, Case.sanction == "warning")),
            ("suspension", and_(decided, Case.sanction == "suspension")),
            ("transfer", and_(decided, Case.sanction == "transfer")),
            ("dismissal", and_(decided, Case.sanction == "dismissal")),
            ("other", and_(decided, Case.sanction.not_in(["", "warning", "suspension", "transfer", "dismissal"])))]


def _appeal(now: datetime) -> list[tuple[str, ColumnElement]]:
    lodged = exists().where(Transition.case_id == Case.id, Transition.to_state == "appeal_review")
    return [("upheld", Case.appeal_outcome == "upheld"),
            ("changed", Case.appeal_outcome == "changed"),
            ("pending", and_(Case.appeal_outcome.not_in(["upheld", "changed"]), lodged)),
            ("none", and_(Case.appeal_outcome.not_in(["upheld", "changed"]), not_(lodged)))]


def _acknowledgement(now: datetime) -> list[tuple[str, ColumnElement]]:
    def deadline(*condition: ColumnElement) -> ColumnElement:
        return exists().where(Deadline.case_id == Case.id, Deadline.kind == "acknowledge", *condition)
    met = deadline(Deadline.met_at.is_not(None), Deadline.met_at <= Deadline.due_at)
    late = deadline(or_(Deadline.met_at > Deadline.due_at,
                        and_(Deadline.met_at.is_(None), Deadline.due_at < now)))
    return [("met", met), ("late", and_(not_(met), late)), ("pending", and_(not_(met), not_(late)))]


def _decision(now: datetime) -> list[tuple[str, ColumnElement]]:
    decided = Case.decided_at.is_not(None)
    late = exists().where(Deadline.case_id == Case.id, Deadline.kind.in_(["investigation", "decision"]),
                          Deadline.met_at > Deadline.due_at)
    return [("met", and_(decided, not_(late))), ("late", and_(decided, late)), ("pending", not_(decided))]


def _feedback(now: datetime) -> list[tuple[str, ColumnElement]]:
    given = Case.first_feedback_at.is_not(None)
    acknowledged = Case.acknowledged_at.is_not(None)
    in_time = days_between(Case.acknowledged_at, Case.first_feedback_at) <= FEEDBACK_DAYS
    overdue = days_between(Case.acknowledged_at, now) > FEEDBACK_DAYS
    met = and_(given, acknowledged, in_time)
    late = or_(and_(given, acknowledged, not_(in_time)), and_(not_(given), acknowledged, overdue))
    return [("met", met), ("late", late), ("pending", and_(not_(met), not_(late)))]


DERIVED = {"protection": _protection, "retaliation": _retaliation, "sanction": _sanction,
           "appeal": _appeal, "acknowledgement_deadline": _acknowledgement,
           "decision_deadline": _decision, "feedback_deadline": _feedback}

CASE_DIMENSIONS = (
    Dimension("category", N_("Category"), Case.category),
    Dimension("channel", N_("Channel"), Case.channel),
    Dimension("route", N_("Route"), Case.route),
    Dimension("outcome", N_("Outcome"), Case.outcome),
    Dimension("state", N_("Current stage"), Case.state),
    Dimension("complainant_sex", N_("Sex of the person reporting"), Case.complainant_sex),
    Dimension("respondent_sex", N_("Sex of the person reported"), Case.respondent_sex),
    Dimension("complainant_rank_band", N_("Rank band of the person reporting"), Case.complainant_rank_band),
    Dimension("respondent_rank_band", N_("Rank band of the person reported"), Case.respondent_rank_band),
    Dimension("respondent_relation", N_("Hierarchical relation"), Case.respondent_relation),
    Dimension("unit_group", N_("Unit group"), Case.unit_group),
    Dimension("protection", N_("Protective measures")),
    Dimension("retaliation", N_("Retaliation reports")),
    Dimension("sanction", N_("Sanctions")),
    Dimension("appeal", N_("Appeals")),
    Dimension("acknowledgement_deadline", N_("Acknowledgement within the deadline")),
    Dimension("decision_deadline", N_("Decision within the deadlines")),
    Dimension("feedback_deadline", N_("Feedback within three months")),
)
CONSULTATION_DIMENSIONS = (
    Dimension("consultation_outcome", N_("Outcome of the consultation"), Consultation.outcome),
    Dimension("consultation_category", N_("Subject of the consultation"), Consultation.category),
    Dimension("consultation_sex", N_("Sex of the person consulting"), Consultation.complainant_sex),
    Dimension("consultation_unit_group", N_("Unit group of the person consulting"), Consultation.unit_group),
)
TIMINGS = (
    ("acknowledgement", N_("Days from report to acknowledgement"), Case.submitted_at, Case.acknowledged_at),
    ("decision", N_("Days from report to decision"), Case.submitted_at, Case.decided_at),
    ("feedback", N_("Days from acknowledgement to first feedback"), Case.acknowledged_at, Case.first_feedback_at),
)


# --- periods -----------------------------------------------------------------------------


def quarter_start(year: int, quarter: int) -> datetime:
    if quarter == 5:
        return datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    return datetime(year, 3 * quarter - 2, 1, tzinfo=timezone.utc)


def completed_quarters(year: int, now: datetime) -> list[int]:
    """Quarters of ``year`` that have ended by ``now`` (figures of a running quarter still move)."""
    return [q for q in range(1, 5) if quarter_start(year, q + 1) <= now]


def quarter_label(year: int, quarters: list[int]) -> str:
    if len(quarters) == 1:
        return f"Q{quarters[0]} {year}"
    return f"Q{quarters[0]}–Q{quarters[-1]} {year}"


# --- counting ----------------------------------------------------------------------------


def _count_quarter(session: Any, date_column: Any, start: Any, end: Any,
                   cells: list[tuple[str, str, ColumnElement]]) -> tuple[int, dict[tuple[str, str], int]]:
    """One pass over the quarter: its total and a count for each (dimension, code)."""
    columns = [func.count()] + [func.count().filter(condition) for _, _, condition in cells]
    row = session.execute(select(*columns).select_from(date_column.class_)
                          .where(date_column >= start, date_column < end)).one()
    return row[0], {(dim, code): value for (dim, code, _), value in zip(cells, row[1:])}


def _cells(dimensions: tuple[Dimension, ...], vocabularies: dict[str, list[str]],
           now: datetime) -> list[tuple[str, str, ColumnElement]]:
    return [(d.key, code, condition) for d in dimensions
            for code, condition in d.conditions(vocabularies.get(d.key, []), now)]


@dataclass(frozen=True)
class Group:
    label: str
    quarters: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Timing:
    key: str
    title: str
    # per period group and for the year: (number of cases, median days or None when hidden)
    groups: tuple[tuple[int, float | None], ...]
    year: tuple[int, float | None]


@dataclass(frozen=True)
class Population:
    """The published figures of one population (cases, or consultations) for a year."""

    groups: tuple[Group, ...]
    unpublished_quarters: tuple[int, ...]  # completed, but the group under k is not closed
    unpublished_total: Figure | None
    unpublished_label: str  # e.g. "Q3–Q4 2026", or "" when nothing is held back
    total: int
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)


@dataclass(frozen=True)
class YearReport:
    year: int
    threshold: int
    as_of: datetime
    completed: tuple[int, ...]
    cases: Population
    consultations: Population | None
    timings: tuple[Timing, ...]

    def group_for(self, quarter: int) -> int:
        """Index of the published group that holds ``quarter``; refuses otherwise."""
        for index, group in enumerate(self.cases.groups):
            if quarter in group.quarters:
                return index
        if quarter not in self.completed:
            raise FilterRefused(N_("Q%(quarter)s %(year)s has not ended yet. Figures of a quarter are "
                                   "published once it is over, so that they no longer change."),
                                quarter=quarter, year=self.year)
        raise FilterRefused(
            N_("Fewer than %(k)s cases were filed from Q%(quarter)s %(year)s on, so this quarter is "
               "published only once later quarters bring the group to %(k)s cases."),
            k=self.threshold, quarter=quarter, year=self.year)


def _bound(value: datetime, column: Any) -> datetime | date:
    """Consultations are dated by day, cases by instant."""
    return value.date() if column is Consultation.held_on else value


# --- stage 1: raw counts of a year (what a snapshot stores) ------------------------------
#
# Counting a year touches every case of it; on a large database that takes seconds, so the
# service layer keeps one snapshot of these raw counts per year and day. The counts are plain
# JSON: {"year", "computed_at", "quarters": [...], "cases": {...}, "consultations": {...},
# "timings": {...}}. Publishing (stage 2) applies the threshold and is cheap.


def _count_population(session: Any, year: int, quarters: list[int], date_column: Any,
                      dimensions: tuple[Dimension, ...], vocabularies: dict[str, list[str]],
                      now: datetime) -> dict[str, Any]:
    cells = _cells(dimensions, vocabularies, now)
    totals, by_quarter = [], []
    for q in quarters:
        total, by_cell = _count_quarter(session, date_column, _bound(quarter_start(year, q), date_column),
                                        _bound(quarter_start(year, q + 1), date_column), cells)
        totals.append(total)
        by_quarter.append(by_cell)
    codes = {d.key: [code for dim, code, _ in cells if dim == d.key] for d in dimensions}
    counts = {key: [[by_quarter[i][(key, code)] for i in range(len(quarters))] for code in dim_codes]
              for key, dim_codes in codes.items()}
    return {"totals": totals, "codes": codes, "counts": counts}


def _day_histogram(session: Any, start_col: Any, end_col: Any, begin: datetime,
                   end: datetime) -> dict[str, int]:
    """Completed days per case, as {days: cases}: few distinct values, light to move."""
    days = whole_days_between(start_col, end_col)
    rows = session.execute(select(days, func.count()).where(
        Case.submitted_at >= begin, Case.submitted_at < end,
        start_col.is_not(None), end_col.is_not(None)).group_by(days)).all()
    return {str(int(d)): n for d, n in rows}


def count_year(session: Any, year: int, vocabularies: dict[str, list[str]],
               now: datetime | None = None) -> dict[str, Any]:
    """Raw counts of the completed quarters of ``year``: nothing here is fit to publish."""
    now = now or datetime.now(timezone.utc)
    quarters = completed_quarters(year, now)
    return {
        "year": year,
        "computed_at": now.isoformat(),
        "quarters": quarters,
        "cases": _count_population(session, year, quarters, Case.submitted_at, CASE_DIMENSIONS,
                                   vocabularies, now),
        "consultations": _count_population(session, year, quarters, Consultation.held_on,
                                           CONSULTATION_DIMENSIONS, vocabularies, now),
        "timings": {key: [_day_histogram(session, start_col, end_col, quarter_start(year, q),
                                         quarter_start(year, q + 1)) for q in quarters]
                    for key, _, start_col, end_col in TIMINGS},
    }


# --- stage 2: what is published ----------------------------------------------------------


def _publish_population(year: int, quarters: list[int], raw: dict[str, Any],
                        dimensions: tuple[Dimension, ...], k: int) -> tuple[Population, list[list[int]]]:
    totals = raw["totals"]
    closed, trailing = group_periods(totals, k)
    groups = tuple(Group(quarter_label(year, [quarters[i] for i in g]), tuple(quarters[i] for i in g),
                         sum(totals[i] for i in g)) for g in closed)
    trailing_total = sum(totals[i] for i in trailing)
    breakdowns: dict[str, Breakdown] = {}
    if groups:
        group_totals = [sum(totals[i] for i in g) for g in closed]
        for dimension in dimensions:
            codes = list(raw["codes"][dimension.key])
            matrix = [[sum(per_quarter[i] for i in g) for g in closed] for per_quarter in raw["counts"][dimension.key]]
            rest = [t - sum(row[g] for row in matrix) for g, t in enumerate(group_totals)]
            if any(rest):  # codes outside the vocabulary (e.g. a category since renamed)
                codes, matrix = codes + [OTHER_CODE], matrix + [rest]
            breakdowns[dimension.key] = publish_breakdown(codes, matrix, k)
    population = Population(
        groups=groups, unpublished_quarters=tuple(quarters[i] for i in trailing),
        unpublished_total=Figure(trailing_total, primary(trailing_total, k)) if trailing else None,
        unpublished_label=quarter_label(year, [quarters[i] for i in trailing]) if trailing else "",
        total=sum(g.total for g in groups), breakdowns=breakdowns)
    return population, closed


def _publish_timings(raw: dict[str, Any], closed: list[list[int]], k: int) -> tuple[Timing, ...]:
    result = []
    for key, title, _, _ in TIMINGS:
        histograms = [Counter({int(d): n for d, n in h.items()}) for h in raw["timings"][key]]
        per_group = [sum((histograms[i] for i in g), Counter()) for g in closed]
        result.append(Timing(key, title, tuple(_median_if_enough(h, k) for h in per_group),
                             _median_if_enough(sum(per_group, Counter()), k)))
    return tuple(result)


def median(histogram: Counter[int]) -> float:
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


def _median_if_enough(histogram: Counter[int], k: int) -> tuple[int, float | None]:
    """A median of fewer than k cases is not published: it would describe individuals."""
    n = sum(histogram.values())
    return (n, None) if n < k else (n, median(histogram))


def publish(raw: dict[str, Any], k: int) -> YearReport:
    """The figures fit to publish from a year's raw counts, or FilterRefused."""
    year, quarters = raw["year"], list(raw["quarters"])
    if not quarters:
        raise FilterRefused(N_("No quarter of %(year)s has ended yet. Figures are published by "
                               "completed quarters, so that they no longer change once shown."), year=year)
    cases, closed = _publish_population(year, quarters, raw["cases"], CASE_DIMENSIONS, k)
    if not cases.groups:
        raise FilterRefused(N_("Fewer than %(k)s cases were filed in the completed quarters of %(year)s. "
                               "To protect the people concerned, no figures are shown for this year."),
                            k=k, year=year)
    consultations, _ = _publish_population(year, quarters, raw["consultations"], CONSULTATION_DIMENSIONS, k)
    return YearReport(year=year, threshold=k, as_of=datetime.fromisoformat(raw["computed_at"]),
                      completed=tuple(quarters), cases=cases,
                      consultations=consultations if consultations.groups else None,
                      timings=_publish_timings(raw, closed, k))


def year_report(session: Any, year: int, vocabularies: dict[str, list[str]], k: int,
                now: datetime | None = None) -> YearReport:
    return publish(count_year(session, year, vocabularies, now), k)


def years_with_cases(session: Any, now: datetime | None = None) -> list[int]:
    now = now or datetime.now(timezone.utc)
    first = session.execute(select(func.min(Case.submitted_at))).scalar()
    if first is None:
        return []
    return [y for y in range(now.year, first.year - 1, -1) if completed_quarters(y, now)]


def yearly_totals(session: Any, years: list[int], k: int, now: datetime | None = None) -> list[tuple[int, int]]:
    """Cases in the published groups of each year: the same figures as each year's report.
    (Counts of completed quarters never change, so these agree with any snapshot.)"""
    now = now or datetime.now(timezone.utc)
    result = []
    for year in years:
        totals = [session.execute(select(func.count()).select_from(Case).where(
            Case.submitted_at >= quarter_start(year, q), Case.submitted_at < quarter_start(year, q + 1))).scalar()
            for q in completed_quarters(year, now)]  # one index range count per quarter
        closed, _ = group_periods(totals, k)
        result.append((year, sum(totals[i] for g in closed for i in g)))
    return result
