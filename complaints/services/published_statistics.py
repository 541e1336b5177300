"""Statistics as gender equality mechanisms see them: the year's protected figures with
plain-word labels, the print-ready quarterly report, and the exports. Only codes from the
fixed vocabularies are ever shown (anything else is counted as "other"), so no free text
entered anywhere can reach a statistics page.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import current_app
from flask_babel import gettext

from .. import labels as label_tables
from .. import statistics, workflow
from ..disclosure import OTHER, Breakdown, FilterRefused
from ..extensions import db
from ..forms.report import RANK_BANDS, SEXES, UNIT_GROUPS
from ..instance import profile
from ..models import StatisticsSnapshot
from ..policy import allowed
from ..translatable import N_
from . import auditing, consultations

ROUTES = {"": N_("Not chosen yet"), "informal": N_("Informal resolution"), "mediation": N_("Mediation"),
          "investigation": N_("Formal investigation"), "external": N_("Referred to an external body")}
OUTCOMES_AFTER = {"agreement": N_("Resolved by agreement"), "rejected": N_("Rejected, other routes explained"),
                  "withdrawn": N_("Withdrawn by the person reporting")}
NOT_GIVEN = N_("Not given")
DERIVED_LABELS = {
    "protection": {"ordered": N_("Protective measure ordered"), "requested_only": N_("Requested, none ordered"),
                   "none": N_("Not requested, none ordered")},
    "retaliation": {"yes": N_("Report of retaliation"), "no": N_("Other reports")},
    "sanction": {"not_decided": N_("No decision yet"), "none": N_("Decided, no sanction"),
                 **{code: label for code, label in workflow.SANCTIONS.items() if code}},
    "appeal": {"upheld": N_("Appeal: decision upheld"), "changed": N_("Appeal: decision changed"),
               "pending": N_("Appeal under review"), "none": N_("No appeal")},
    "acknowledgement_deadline": {"met": N_("Within the deadline"), "late": N_("Late"), "pending": N_("Not yet due")},
    "decision_deadline": {"met": N_("Within the deadlines"), "late": N_("Late"), "pending": N_("Not decided yet")},
    "feedback_deadline": {"met": N_("Within three months"), "late": N_("Late"), "pending": N_("Not yet due")},
}


class StatisticsRefused(Exception):
    """Not a statistics user."""


def _word(label: Any) -> str:
    """A label translated for the reader, starting with a capital letter."""
    text = gettext(label) if isinstance(label, str) else str(label)
    return text[:1].upper() + text[1:]


def _translated(table: dict[str, Any], blank: str | None = NOT_GIVEN) -> dict[str, str]:
    return {code: _word(blank if code == "" and blank else label) for code, label in table.items()}


def labels() -> dict[str, dict[str, str]]:
    """Every dimension's codes with their labels in the reader's language, in display order."""
    categories = {c.code: gettext(c.label) for c in profile().categories}
    sexes, ranks, units = (_translated(dict(choices)) for choices in (SEXES, RANK_BANDS, UNIT_GROUPS))
    return {
        "category": categories, "channel": _translated(label_tables.CHANNELS), "route": _translated(ROUTES, None),
        "outcome": {"": _word(N_("No decision yet")), **_translated(workflow.OUTCOMES), **_translated(OUTCOMES_AFTER)},
        "state": _translated(workflow.STATE_LABELS),
        "complainant_sex": sexes, "respondent_sex": sexes,
        "complainant_rank_band": ranks, "respondent_rank_band": ranks,
        "respondent_relation": {**_translated(label_tables.RELATIONS), "": _word(NOT_GIVEN)}, "unit_group": units,
        **{key: _translated(table, None) for key, table in DERIVED_LABELS.items()},
        "consultation_outcome": _translated(consultations.OUTCOMES),
        "consultation_category": categories,
        "consultation_sex": _translated(consultations.SEXES),
        "consultation_unit_group": units,
    }


def label_for(dimension: str, code: str, names: dict[str, dict[str, str]]) -> str:
    if code == OTHER:
        return gettext("Other values combined (each hidden)")
    if code == statistics.OTHER_CODE:
        return gettext("Other or no longer used values")
    return names.get(dimension, {}).get(code, code)


def threshold() -> int:
    return int(current_app.config["STATS_THRESHOLD"])


def years() -> list[int]:
    return statistics.years_with_cases(db.session)


def raw_counts(year: int, now: datetime | None = None) -> dict[str, Any]:
    """Today's snapshot of the year's raw counts, computed at the first use of the day."""
    now = now or datetime.now(timezone.utc)
    snapshot = db.session.get(StatisticsSnapshot, year)
    if snapshot is not None and snapshot.computed_at.date() == now.date():
        return json.loads(snapshot.counts)
    return refresh(year, now)


def refresh(year: int, now: datetime | None = None) -> dict[str, Any]:
    """Count the year again and keep the counts as today's snapshot (also run nightly)."""
    vocabularies = {key: list(codes) for key, codes in labels().items()}
    counts = statistics.count_year(db.session, year, vocabularies, now)
    snapshot = db.session.get(StatisticsSnapshot, year) or StatisticsSnapshot(year=year)
    snapshot.computed_at = datetime.fromisoformat(counts["computed_at"])
    snapshot.counts = json.dumps(counts, separators=(",", ":"))
    db.session.add(snapshot)
    db.session.commit()
    return counts


def year_report(user: Any, year: int) -> statistics.YearReport:
    """The year's published figures; refuses non-GEM users and too small populations."""
    if not allowed(user, "statistics.view"):
        raise StatisticsRefused("Only gender equality mechanisms see statistics.")
    try:
        report = statistics.publish(raw_counts(year), threshold())
    except FilterRefused:
        auditing.record("statistics.refused", detail={"year": year})
        db.session.commit()
        raise
    auditing.record("statistics.view", detail={"year": year})
    db.session.commit()
    return report


def yearly_totals(years_shown: list[int]) -> list[tuple[int, int]]:
    return statistics.yearly_totals(db.session, years_shown, threshold())


# --- flat rows for the exports -----------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    population: str
    dimension: str
    value: str
    period: str
    figure: str  # as published: a number, "<k", "suppressed" or "withheld"


def export_rows(report: statistics.YearReport) -> list[ExportRow]:
    names = labels()
    year_label = gettext("%(year)s (published quarters)", year=report.year)
    rows = []
    for population, data, dimensions in (
            ("cases", report.cases, statistics.CASE_DIMENSIONS),
            ("consultations", report.consultations, statistics.CONSULTATION_DIMENSIONS)):
        if data is None:
            continue
        for group in data.groups:
            rows.append(ExportRow(population, "total", "all", group.label, str(group.total)))
        rows.append(ExportRow(population, "total", "all", year_label, str(data.total)))
        for dimension in dimensions:
            breakdown: Breakdown = data.breakdowns[dimension.key]
            for code, figure in zip(breakdown.values, breakdown.totals):
                rows.append(ExportRow(population, gettext(dimension.title), label_for(dimension.key, code, names),
                                      year_label, figure.label(report.threshold)))
            for code, figure_row in zip(breakdown.rows, breakdown.cells):
                for group, figure in zip(data.groups, figure_row):
                    rows.append(ExportRow(population, gettext(dimension.title),
                                          label_for(dimension.key, code, names), group.label,
                                          figure.label(report.threshold)))
    for timing in report.timings:
        for group, (n, median) in zip(report.cases.groups, timing.groups):
            rows.append(ExportRow("cases", gettext("%(measure)s (median)", measure=gettext(timing.title)), "all", group.label,
                                  _median_label(n, median, report.threshold)))
    return rows


def _median_label(n: int, median: float | None, k: int) -> str:
    if median is None:
        return gettext("fewer than %(k)s cases", k=k) if n else gettext("no cases")
    return f"{median:g}"


def export_metadata(report: statistics.YearReport) -> dict[str, Any]:
    return {
        "year": report.year,
        "threshold": report.threshold,
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "published_quarters": [g.label for g in report.cases.groups],
        "note": gettext(
            "Counts from 1 to %(below)s are shown as '<%(k)s'. 'suppressed' hides a count of at least "
            "the threshold so that a small count cannot be worked out from a total; 'withheld' says "
            "nothing. Only completed quarters are published, joined until each group holds at least "
            "%(k)s cases.", below=report.threshold - 1, k=report.threshold),
    }


# --- tables as pages show them -----------------------------------------------------------


@dataclass(frozen=True)
class DisplayRow:
    label: str
    cells: tuple[str, ...]   # one per period group
    year: str
    combined: bool = False   # a value whose figures are part of the combined row


def display_rows(breakdown: Breakdown, dimension: str, k: int,
                 names: dict[str, dict[str, str]]) -> list[DisplayRow]:
    """One row per value in vocabulary order, then the combined row of hidden values."""
    by_key = dict(zip(breakdown.rows, breakdown.cells))
    rows = []
    for code, total in zip(breakdown.values, breakdown.totals):
        label = label_for(dimension, code, names)
        if code in by_key:
            rows.append(DisplayRow(label, tuple(f.label(k) for f in by_key[code]), total.label(k)))
        else:
            rows.append(DisplayRow(label, (), total.label(k), combined=bool(breakdown.rows)))
    if OTHER in by_key:
        rows.append(DisplayRow(label_for(dimension, OTHER, names), tuple(f.label(k) for f in by_key[OTHER]),
                               str(breakdown.row_totals[breakdown.rows.index(OTHER)])))
    return rows


def chart_items(breakdown: Breakdown, dimension: str, k: int,
                names: dict[str, dict[str, str]]) -> list[tuple[str, int | None, str]]:
    return [(label_for(dimension, code, names), total.public(), total.label(k))
            for code, total in zip(breakdown.values, breakdown.totals)]
