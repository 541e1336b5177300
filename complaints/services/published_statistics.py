"""Statistics as gender equality mechanisms see them: frozen releases, the year's
publication, plain-word labels and the exports.

New releases are computed here, at the first view after a quarter ends (or by the nightly
`complaints statistics`), at most once a day: the day's row in ``statistics_computations``
is the lock, so two workers at once make one set of releases. Only codes from the fixed
vocabularies are ever shown (anything else is counted as "other"), so no free text entered
anywhere can reach a statistics page.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import labels as label_tables
from .. import releases, statistics, workflow
from ..disclosure import WITHHELD, Figure
from ..extensions import db
from ..forms.report import RANK_BANDS, SEXES, UNIT_GROUPS
from ..instance import profile
from ..models import StatisticsComputation, StatisticsRelease
from ..policy import allowed
from ..releases import Publication
from ..translatable import N_
from . import auditing, consultations

YES_NO = {"yes": N_("Yes"), "no": N_("No")}
EVENT_ROWS = {
    "step": {"mediation_proposed": N_("Mediation proposed"), "agreement_reached": N_("Agreement reached in mediation"),
             "inquiry_opened": N_("Preliminary inquiry opened"), "investigation_opened": N_("Formal investigation opened"),
             "investigation_extended": N_("Investigation extended"), "resolved_informally": N_("Resolved informally"),
             "referred_external": N_("Referred to an external body"), "rejected": N_("Rejected, other routes explained"),
             "withdrawn": N_("Withdrawn by the person reporting"), "continued_ex_officio": N_("Continued ex officio after a withdrawal"),
             "reinvestigation": N_("Sent back for re-investigation on appeal")},
    "appeal_outcome": {"upheld": N_("Decision upheld"), "changed": N_("Decision changed")},
    "closure_reason": {"monitoring_complete": N_("Monitoring ended"), "agreement_fulfilled": N_("Mediation agreement fulfilled"),
                       "external_result": N_("External body's result recorded"), "rejected": N_("Rejected"),
                       "withdrawn": N_("Withdrawn")},
    "deadline": {"acknowledge": N_("Acknowledge receipt"), "triage": N_("Choose the route"),
                 "mediation_proposal": N_("Propose mediation"), "mediator_selection": N_("Choose a mediator"),
                 "mediation": N_("Mediate"), "preliminary_inquiry": N_("Preliminary inquiry"),
                 "investigation": N_("Investigate"), "decision": N_("Decide"), "delivery": N_("Deliver the decision"),
                 "appeal_review": N_("Decide the appeal"), "feedback": N_("Feedback within three months")},
    "kept": {"yes": N_("Kept"), "no": N_("Missed")},
    "retaliation": {"yes": N_("Report of retaliation"), "no": N_("Other reports")},
    "protection_requested": {"yes": N_("Protection requested"), "no": N_("No protection requested")},
    "disciplinary": {"yes": N_("Disciplinary procedure started"), "no": N_("No disciplinary procedure")},
}
GROUP_LABELS = {
    "sexual_harassment": N_("Sexual harassment (all forms)"), "sexual_violence": N_("Sexual assault, abuse and exploitation"),
    "discrimination": N_("Discrimination and gender-related harassment"), "bullying": N_("Bullying and abuse of authority"),
    "retaliation": N_("Retaliation"), "other": N_("Other categories"),
    "sexual_conduct": N_("Sexual harassment, assault and exploitation"),
    "other_conduct": N_("Discrimination, bullying, abuse of authority, retaliation"),
}
SEX_GROUP_LABELS = {"other_or_not_given": N_("Other or not given")}
STOCK_LABELS = {"backlog": N_("Cases open at the end of the year"),
                "overdue": N_("Open cases with a deadline passed at the end of the year")}
NOT_GIVEN = N_("Not given")


class StatisticsRefused(Exception):
    """Not a statistics user."""


# --- labels ------------------------------------------------------------------------------


def _word(label: Any) -> str:
    """A label translated for the reader, starting with a capital letter."""
    text = gettext(label) if isinstance(label, str) else str(label)
    return text[:1].upper() + text[1:]


def _translated(table: dict[str, Any], blank: str | None = NOT_GIVEN) -> dict[str, str]:
    return {code: _word(blank if code == "" and blank else label) for code, label in table.items()}


def labels() -> dict[str, dict[str, str]]:
    """Every dimension's codes with their labels in the reader's language, in display order.
    The keys are also the vocabularies counted (statistics.codes_of)."""
    categories = {c.code: gettext(c.label) for c in profile().categories}
    sexes, ranks, units = (_translated(dict(choices)) for choices in (SEXES, RANK_BANDS, UNIT_GROUPS))
    return {
        "category": categories, "channel": _translated(label_tables.CHANNELS),
        "complainant_sex": sexes, "respondent_sex": sexes,
        "complainant_rank_band": ranks, "respondent_rank_band": ranks,
        "respondent_relation": {**_translated(label_tables.RELATIONS), "": _word(NOT_GIVEN)}, "unit_group": units,
        "outcome": _translated(workflow.OUTCOMES),
        "sanction": {"": _word(N_("No sanction")), **_translated({c: l for c, l in workflow.SANCTIONS.items() if c})},
        "measure": _translated(workflow.PROTECTIVE_MEASURES),
        **{key: _translated(table, None) for key, table in EVENT_ROWS.items()},
        "consultation_outcome": _translated(consultations.OUTCOMES),
        "consultation_category": categories,
        "consultation_sex": _translated(consultations.SEXES),
        "consultation_unit_group": units,
        "group": _translated(GROUP_LABELS, None),
        "sex_group": {**sexes, **_translated(SEX_GROUP_LABELS, None)},
        "stock": _translated(STOCK_LABELS, None),
    }


def label_for(dimension: str, code: str, names: dict[str, dict[str, str]]) -> str:
    if code == statistics.OTHER_CODE:
        return gettext("Other or no longer used values")
    return names.get(dimension, {}).get(code, gettext("Other or no longer used values"))


def figure_text(figure: Figure | None) -> str:
    """A figure as the reader sees it, in their language ("–" where there is none)."""
    if figure is None:
        return "–"
    if figure.status == WITHHELD:
        return gettext("withheld")
    return figure.label()


def threshold() -> int:
    return int(current_app.config["STATS_THRESHOLD"])


def vocabularies() -> dict[str, list[str]]:
    return {key: list(codes) for key, codes in labels().items()}


# --- computing new releases --------------------------------------------------------------


def load_all(with_counts: bool = False) -> list[Publication]:
    """Every publication in the order made; the true counts only for the audit."""
    columns = [StatisticsRelease.key, StatisticsRelease.kind, StatisticsRelease.first_quarter,
               StatisticsRelease.last_quarter, StatisticsRelease.cutoff, StatisticsRelease.content]
    if with_counts:
        columns.append(StatisticsRelease.counts)
    publications = [Publication.from_json(*row[:5], json.loads(row[5]), json.loads(row[6]) if with_counts else None)
                    for row in db.session.execute(select(*columns)).all()]
    return sorted(publications, key=lambda p: (p.last, p.kind == "year"))


def compute_due(now: datetime | None = None) -> int:
    """Make the releases and year publications due by ``now``, at most once a day.

    Returns how many were made. Another worker computing at the same moment, or an earlier
    computation today, means nothing is made here: its releases are what everyone reads.
    """
    now = now or datetime.now(timezone.utc)
    through = releases.last_completed_quarter(now)
    last = db.session.execute(select(func.max(StatisticsComputation.through_quarter))).scalar()
    if last is not None and last >= through:
        return 0
    first_day = statistics.first_event_day(db.session)
    if first_day is None:
        return 0
    began = time.perf_counter()
    computation = StatisticsComputation(day=now.date(), through_quarter=through, computed_at=now)
    try:
        db.session.add(computation)
        db.session.flush()  # the day's lock: a second worker waits here, then fails
    except (IntegrityError, OperationalError):
        db.session.rollback()
        return 0
    try:
        made = _compute(now, through, releases.quarter_of(datetime.combine(first_day, datetime.min.time(),
                                                                            tzinfo=timezone.utc)))
        computation.releases = len(made)
        computation.seconds = round(time.perf_counter() - began, 3)
        auditing.record("statistics.release", actor=auditing.SYSTEM,
                        detail={"made": [p.key for p in made], "through": releases.quarter_name(through)})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return len(made)


def _compute(now: datetime, through: int, first_quarter: int) -> list[Publication]:
    k, words = threshold(), vocabularies()
    publications = load_all(with_counts=True)
    released = [p for p in publications if p.kind == "release"]
    previous = released[-1] if released else None
    first = previous.last + 1 if previous else first_quarter
    made: list[Publication] = []
    received = statistics.EVENTS_BY_KEY["received"]
    for quarter in range(first, through + 1):
        window = statistics.Window(start=releases.quarter_start(first) if previous else None,
                                   end=releases.quarter_start(quarter + 1), cutoff=now,
                                   previous_cutoff=previous.cutoff if previous else None)
        reports = statistics.count_event(db.session, received, window, words)
        if reports.total >= k:
            counts = {e.key: reports if e is received else statistics.count_event(db.session, e, window, words)
                      for e in statistics.EVENTS}
            release = releases.build_release(releases.release_key(quarter), first, quarter, now, counts, words)
            _publish(release, publications, made, k)
            previous, first = release, quarter + 1
        if quarter % 4 == 3:
            _publish_year(quarter // 4, publications, made, now, k)
    return made


def _publish_year(year: int, publications: list[Publication], made: list[Publication], now: datetime,
                  k: int) -> None:
    of_year = [p for p in publications if p.kind == "release" and p.year == year]
    if not of_year or any(p.kind == "year" and p.year == year for p in publications):
        return
    end = releases.quarter_start(of_year[-1].last + 1)
    overdue = statistics.open_cases_overdue(db.session, end, now)
    earlier = [p for p in publications if p.kind == "release" and p.year < year]
    _publish(releases.build_year(year, of_year, earlier, now, overdue, k), publications, made, k)


def _publish(publication: Publication, publications: list[Publication], made: list[Publication], k: int) -> None:
    publication.notes["threshold"] = k
    releases.protect_publication(publication, publications, k)
    db.session.add(StatisticsRelease(key=publication.key, kind=publication.kind, first_quarter=publication.first,
                                     last_quarter=publication.last, cutoff=publication.cutoff,
                                     content=json.dumps(publication.published_json(), separators=(",", ":")),
                                     counts=json.dumps(publication.counts_json(), separators=(",", ":"))))
    db.session.flush()
    publications.append(publication)
    made.append(publication)


# --- what a GEM analyst reads ------------------------------------------------------------


@dataclass
class YearView:
    """One year as published: its releases in order, and its annual publication once the
    year is over (None before)."""

    year: int
    releases: list[Publication]
    annual: Publication | None
    carried: str = ""  # quarters of the year waiting for the next release
    earlier: list[Publication] = field(default_factory=list)  # publications before this year

    @property
    def k(self) -> int:
        return (self.annual or self.releases[-1]).notes.get("threshold", 5)

    @property
    def columns(self) -> list[Publication]:
        return self.releases + ([self.annual] if self.annual else [])


def _require(user: Any) -> None:
    if not allowed(user, "statistics.view"):
        raise StatisticsRefused("Only gender equality mechanisms see statistics.")


def publications(user: Any) -> list[Publication]:
    """Every publication, after making those due; refuses non-GEM users."""
    _require(user)
    compute_due()
    return load_all()


def years_published(all_publications: list[Publication]) -> list[int]:
    return sorted({p.year for p in all_publications if p.kind == "release"}, reverse=True)


def years_with_annual(all_publications: list[Publication]) -> list[int]:
    return sorted({p.year for p in all_publications if p.kind == "year"}, reverse=True)


def year_view(user: Any, year: int, all_publications: list[Publication] | None = None) -> YearView | None:
    _require(user)
    everything = all_publications if all_publications is not None else publications(user)
    of_year = [p for p in everything if p.kind == "release" and p.year == year]
    if not of_year:
        return None
    annual = next((p for p in everything if p.kind == "year" and p.year == year), None)
    auditing.record("statistics.view", detail={"year": year})
    db.session.commit()
    last = of_year[-1].last
    carried = ""
    if last % 4 != 3 and releases.last_completed_quarter(datetime.now(timezone.utc)) >= last + 1:
        end = min(year * 4 + 3, releases.last_completed_quarter(datetime.now(timezone.utc)))
        carried = releases.period_label(last + 1, end)
    return YearView(year, of_year, annual, carried,
                    [p for p in everything if p.year < year])


def cases_per_year(all_publications: list[Publication]) -> list[tuple[int, str, Figure | None]]:
    """Reports received per year: the year's publication once the year is over, else the sum
    of its releases so far (every release holds at least k, so the sum is exact)."""
    result = []
    for year in sorted(years_published(all_publications)):
        annual = next((p for p in all_publications if p.kind == "year" and p.year == year), None)
        if annual is not None:
            result.append((year, str(year), annual.figure("received")))
            continue
        of_year = [p for p in all_publications if p.kind == "release" and p.year == year]
        figures = [p.figure("received") for p in of_year]
        if all(f is not None and not f.hidden for f in figures):
            total = Figure("received", "", "received", (), sum(f.value for f in figures), False, k=figures[0].k)
            result.append((year, releases.period_label(of_year[0].first, of_year[-1].last), total))
    return result


# --- tables as pages show them -----------------------------------------------------------


@dataclass(frozen=True)
class DisplayRow:
    label: str
    cells: tuple[str, ...]     # one per column (release, then the year)
    key: str = ""


def event_rows(view_columns: list[Publication], event: str, dimension: str,
               names: dict[str, dict[str, str]]) -> list[DisplayRow]:
    codes = list(dict.fromkeys(c for p in view_columns for c in p.codes.get(event, {}).get(dimension, ())))
    rows = []
    for code in codes:
        figures = [p.figure(f"{event}|{dimension}|{code}") for p in view_columns]
        if all(f is None for f in figures):
            continue
        rows.append(DisplayRow(label_for(dimension, code, names), tuple(figure_text(f) for f in figures), code))
    return rows


def total_row(view_columns: list[Publication], event: str) -> tuple[str, ...]:
    return tuple(figure_text(p.figure(event)) for p in view_columns)


def median_row(view_columns: list[Publication], event: str) -> tuple[str, ...]:
    result = []
    for p in view_columns:
        value = releases.median_shown(p, event)
        result.append(gettext("%(days)s days", days=f"{value:g}") if value is not None
                      else gettext("not shown"))
    return tuple(result)


def headers(view_columns: list[Publication]) -> list[str]:
    return [gettext("Year %(year)s", year=p.year) if p.kind == "year" else p.label for p in view_columns]


MEDIANS = (("acknowledged", N_("Days from report to acknowledgement")),
           ("decided", N_("Days from report to decision")),
           ("feedback", N_("Days from acknowledgement to first feedback")))


def median_rows(view_columns: list[Publication]) -> list[DisplayRow]:
    if not view_columns:
        return []
    return [DisplayRow(gettext(title), median_row(view_columns, event), event) for event, title in MEDIANS]


def chart_items(publication: Publication, event: str, dimension: str,
                names: dict[str, dict[str, str]]) -> list[tuple[str, int | None, str]]:
    items = []
    for code in publication.codes.get(event, {}).get(dimension, ()):
        figure = publication.figure(f"{event}|{dimension}|{code}")
        if figure is not None:
            items.append((label_for(dimension, code, names), figure.public(), figure_text(figure)))
    return items


# --- flat rows for the exports -----------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    key: str          # the figure's machine-readable name, the same in every release
    release: str
    period: str
    population: str
    dimension: str
    value: str
    column: str
    figure: str
    low: int
    high: int | None
    status: str
    terms: list[dict[str, Any]]


def export_rows(view: YearView) -> list[ExportRow]:
    names = labels()
    rows = []
    for publication in view.columns:
        period = (gettext("%(year)s (the year)", year=publication.year) if publication.kind == "year"
                  else publication.label)
        for figure in publication.figures:
            population, dimension, value, column = _describe(figure, names)
            low, high = figure.bounds()
            rows.append(ExportRow(figure.key, publication.key, period, population, dimension, value, column,
                                  figure_text(figure), low, high, figure.status, [t.to_json() for t in figure.terms]))
    return rows


def _describe(figure: Figure, names: dict[str, dict[str, str]]) -> tuple[str, str, str, str]:
    """(population, dimension, value, column) in the reader's language."""
    parts = figure.key.split("|")
    if parts[0] == "cross":
        return (gettext(statistics.EVENTS_BY_KEY["received"].title), gettext("Category by sex of the person reporting"),
                names["group"].get(parts[1]) or label_for("category", parts[1], names),
                names["sex_group"].get(parts[2], parts[2]))
    if parts[0] == "group":
        return (gettext(statistics.EVENTS_BY_KEY["received"].title), gettext("Category group"),
                names["group"].get(parts[1], parts[1]), "")
    if parts[0] == "stock":
        return (gettext("Cases"), gettext("At the end of the year"), names["stock"][parts[1]], "")
    event = statistics.EVENTS_BY_KEY[parts[0]]
    if len(parts) == 1:
        return gettext(event.title), gettext("Total"), gettext("all"), ""
    if "*" in parts[1]:  # a two-way table: dimension of the rows, then of the columns
        first, second = parts[1].split("*")
        return (gettext(event.title), f"{gettext(event.dimension(first).title)} × {gettext(event.dimension(second).title)}",
                label_for(first, parts[2], names), label_for(second, parts[3], names))
    dimension = event.dimension(parts[1])
    return gettext(event.title), gettext(dimension.title), label_for(parts[1], parts[2], names), ""


def export_metadata(view: YearView) -> dict[str, Any]:
    k = view.k
    return {
        "year": view.year,
        "threshold": k,
        "releases": [{"key": p.key, "period": p.label, "kind": p.kind,
                      "covers": p.notes.get("releases", [p.key])} for p in view.columns],
        "note": gettext(
            "Each release counts the events of its period once and never changes. A range such as "
            "'1–%(below)s' or '0–%(below)s' stands for a hidden count that can be any value in it: "
            "the published figures taken together allow every one. '≥%(k)s' is a count of at least "
            "%(k)s hidden so that a smaller one cannot be worked out; 'withheld' says nothing.",
            below=k - 1, k=k),
    }
