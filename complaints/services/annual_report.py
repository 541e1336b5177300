"""The annual report a gender equality mechanism sends to the ministry and the regional
network: the year's publication arranged as the report's tables, and its PDF.

Nothing here counts or protects: every figure is one of the year's published figures, or
one of the five previous years' (the trends), so the report, the dashboard and the exports
always agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from .. import PROJECT_ROOT, releases
from ..releases import Publication
from .published_statistics import (DisplayRow, YearView, figure_text, label_for, labels, median_row, total_row)

TREND_YEARS = 5


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[DisplayRow, ...]
    note: str = ""


@dataclass
class AnnualReport:
    year: int
    k: int
    annual: Publication
    periods: str                       # the releases the year adds up, in words
    headline: tuple[DisplayRow, ...]   # reports received, decisions, backlog...
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build(view: YearView, history: list[Publication]) -> AnnualReport:
    """``history``: every publication, for the trends of the previous years."""
    annual = view.annual
    assert annual is not None
    names = labels()
    only = [annual]
    report = AnnualReport(view.year, view.k, annual,
                          ", ".join(p.label for p in view.releases), ())
    report.headline = tuple(
        DisplayRow(label, (figure_text(annual.figure(key)),), key) for key, label in (
            ("received", gettext("Reports received")),
            ("decided", gettext("Decisions taken")),
            ("decided|disciplinary|yes", gettext("Disciplinary procedures started")),
            ("steps|step|referred_external", gettext("Referrals to external bodies")),
            ("measures", gettext("Protective measures ordered")),
            ("stock|backlog", gettext("Cases open at the end of the year")),
            ("stock|overdue", gettext("Open cases with a deadline passed at the end of the year")),
        ))
    report.tables.append(_cross(annual, names))
    report.tables.append(_trends(view.year, history, names))
    report.tables.append(_deadlines(annual, names))
    for event, dimension, caption in (
            ("received", "category", gettext("Reports received by category")),
            ("received", "channel", gettext("Reports received by channel")),
            ("received", "respondent_relation", gettext("Reports by hierarchical relation")),
            ("received", "protection_requested", gettext("Protection requested when reporting")),
            ("steps", "step", gettext("Steps of the procedure taken")),
            ("decided", "outcome", gettext("Decisions by outcome")),
            ("decided", "sanction", gettext("Sanctions decided")),
            ("measures", "measure", gettext("Protective measures ordered")),
            ("appeal_decided", "appeal_outcome", gettext("Appeals decided")),
            ("closed", "closure_reason", gettext("Cases closed")),
            ("consultations", "consultation_outcome", gettext("Consultations with persons of trust"))):
        report.tables.append(_one_way(only, event, dimension, caption, names))
    report.tables.append(Table(gettext("Median number of days (half the cases took less, half more)"),
                               (str(view.year),), tuple(
        DisplayRow(gettext(title), median_row(only, event), event) for event, title in (
            ("acknowledged", "Days from report to acknowledgement"),
            ("decided", "Days from report to decision"),
            ("feedback", "Days from acknowledgement to first feedback")))))
    report.notes = _notes(view, annual)
    return report


def _one_way(only: list[Publication], event: str, dimension: str, caption: str,
             names: dict[str, dict[str, str]]) -> Table:
    from .published_statistics import event_rows

    rows = event_rows(only, event, dimension, names)
    rows.append(DisplayRow(gettext("Total"), total_row(only, event), "total"))
    return Table(caption, (str(only[0].year),), tuple(rows))


def _cross(annual: Publication, names: dict[str, dict[str, str]]) -> Table:
    cross = annual.notes["cross"]
    columns = tuple(names["sex_group"].get(c, c) for c in cross["columns"])
    rows = []
    for row in cross["rows"]:
        label = names["group"].get(row) or label_for("category", row, names)
        rows.append(DisplayRow(label, tuple(figure_text(annual.figure(f"cross|{row}|{c}")) for c in cross["columns"]), row))
    note = {
        ("categories", False): "",
        ("groups", False): gettext("Categories are combined into broader groups: by single category, too many "
                                   "cells would have had to be hidden."),
        ("groups", True): gettext("Categories are combined into broader groups, and 'other' with 'not given': "
                                  "in more detail, too many cells would have had to be hidden."),
        ("families", True): gettext("Categories are combined into two families, and 'other' with 'not given': "
                                    "in more detail, too many cells would have had to be hidden."),
    }[(cross["level"], cross["sexes_merged"])]
    return Table(gettext("Reports by category and sex of the person reporting"), columns, tuple(rows), note)


def _trends(year: int, history: list[Publication], names: dict[str, dict[str, str]]) -> Table:
    """Reports per category group over the last five years (the groups read well even in
    small years; each figure is the one published in that year's report)."""
    years = [p for p in history if p.kind == "year" and year - TREND_YEARS < p.year <= year]
    groups = list(dict.fromkeys(f.row for p in years for f in p.figures if f.table == "groups"))
    rows = [DisplayRow(names["group"].get(g, g), tuple(figure_text(p.figure(f"group|{g}")) for p in years), g)
            for g in groups]
    rows.append(DisplayRow(gettext("All reports"), tuple(figure_text(p.figure("received")) for p in years), "total"))
    note = "" if len(years) >= TREND_YEARS else gettext(
        "Only the years with an annual publication are shown (%(n)s of the last %(five)s).", n=len(years),
        five=TREND_YEARS)
    return Table(gettext("Reports by category group, year by year"), tuple(str(p.year) for p in years),
                 tuple(rows), note)


def _deadlines(annual: Publication, names: dict[str, dict[str, str]]) -> Table:
    """Deadlines that fell due in the year, kept or missed, whether the case is open or closed."""
    rows = []
    for kind in annual.codes.get("deadlines", {}).get("deadline", ()):
        due = annual.figure(f"deadlines|deadline|{kind}")
        if due is None:
            continue
        rows.append(DisplayRow(label_for("deadline", kind, names), tuple(
            figure_text(annual.figure(f"deadlines|deadline*kept|{kind}|{kept}")) for kept in ("yes", "no"))
            + (figure_text(due),), kind))
    rows.append(DisplayRow(gettext("All deadlines"), (figure_text(annual.figure("deadlines|kept|yes")),
                                                       figure_text(annual.figure("deadlines|kept|no")),
                                                       figure_text(annual.figure("deadlines"))), "total"))
    return Table(gettext("Deadlines that fell due during the year"),
                 (gettext("Kept"), gettext("Missed"), gettext("Fell due")), tuple(rows),
                 gettext("A deadline counts as missed when it passed before the step was taken, also when the "
                         "case is still open."))


def _notes(view: YearView, annual: Publication) -> list[str]:
    notes = []
    if view.releases[0].first < view.year * 4:
        notes.append(gettext("The first release of the year also holds %(period)s, which had fewer than %(k)s "
                             "reports.", period=releases.period_label(view.releases[0].first, view.year * 4 - 1),
                             k=view.k))
    if view.releases[-1].last < view.year * 4 + 3:
        notes.append(gettext("%(period)s had fewer than %(k)s reports; it is reported with the next year.",
                             period=releases.period_label(view.releases[-1].last + 1, view.year * 4 + 3), k=view.k))
    return notes


PDF_STYLESHEET = PROJECT_ROOT / "static" / "css" / "annual-report-pdf.css"


def pdf(html: str) -> bytes:
    """The report as PDF (WeasyPrint), from the page's own HTML; nothing is fetched."""
    from weasyprint import CSS, HTML

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError("the annual report loads nothing from outside")

    return HTML(string=html, url_fetcher=refuse).write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
