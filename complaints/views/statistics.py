"""Anonymised statistics for gender equality mechanisms (/statistics): the dashboard, the
annual report (page and PDF), and CSV/JSON exports. Never a case, never free text; every
figure comes from a frozen release or year's publication."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField

from .. import statistics
from ..access import roles_required
from ..charts import bar_chart, column_chart
from ..forms.report import CheckboxList
from ..services import annual_report
from ..services import published_statistics as published
from ..forms.base import Form

bp = Blueprint("statistics", __name__)

EVENT_CHOICES = [(e.key, e.title) for e in statistics.EVENTS]


class StatisticsFilterForm(Form):
    class Meta:
        csrf = False  # GET filters: they select figures, they hold no content

    year = SelectField(_l("Year"), coerce=int)
    show = CheckboxList(_l("Show"), choices=[(key, _l(title)) for key, title in EVENT_CHOICES])


def _choose_year(form: Form, everything: list, annual: bool = False) -> list[int]:
    years = published.years_with_annual(everything) if annual else published.years_published(everything)
    form.year.choices = [(y, str(y)) for y in years]
    if form.year.data is None and years:
        form.year.data = years[0]
    return years


def _nothing_yet(k: int) -> str:
    return gettext("Nothing is published yet. A release is made once a quarter is over and at least "
                   "%(k)s reports have been received since the last one.", k=k)


@bp.get("/statistics")
@roles_required("gem")
def dashboard():  # type: ignore[no-untyped-def]
    everything = published.publications(current_user)
    form = StatisticsFilterForm(request.args)
    years = _choose_year(form, everything)
    view, refusal, status = None, None, 200
    if not years:
        refusal = _nothing_yet(published.threshold())
    elif form.validate():
        view = published.year_view(current_user, form.year.data, everything)
    else:
        status = 400
    shown = set(form.show.data or []) or {key for key, _ in EVENT_CHOICES}
    per_year = published.cases_per_year(everything)
    trend = column_chart([(label, f.value) for _, label, f in per_year]) if per_year else None
    per_year_rows = [published.DisplayRow(label, (published.figure_text(f),)) for _, label, f in per_year]
    columns = [view.annual] if view and view.annual else []  # breakdowns: the year's publication
    return render_template("statistics/dashboard.html", form=form, view=view, refusal=refusal, shown=shown,
                           trend=trend, per_year=per_year, per_year_rows=per_year_rows, publications=columns,
                           headers=published.headers(columns), median_rows=published.median_rows(columns),
                           bar_chart=bar_chart, **_helpers()), status


@bp.get("/statistics/annual")
@roles_required("gem")
def annual():  # type: ignore[no-untyped-def]
    report, form, refusal, status = _annual_report()
    return render_template("statistics/annual.html", form=form, report=report, refusal=refusal,
                           printable=False), status


@bp.get("/statistics/annual.pdf")
@roles_required("gem")
def annual_pdf():  # type: ignore[no-untyped-def]
    report, form, refusal, status = _annual_report()
    if report is None:
        return Response((refusal or gettext("Choose a year from the list.")) + "\n", status=status or 400,
                        mimetype="text/plain")
    html = render_template("statistics/annual.html", form=form, report=report, refusal=None, printable=True)
    return _download(annual_report.pdf(html), "application/pdf", f"complaints-annual-report-{report.year}.pdf")


def _annual_report():  # type: ignore[no-untyped-def]
    everything = published.publications(current_user)
    form = StatisticsFilterForm(request.args)
    years = _choose_year(form, everything, annual=True)
    if not years:
        return None, form, gettext("The first annual report is made once a year with published releases is over."), 422
    if not form.validate():
        return None, form, None, 400
    view = published.year_view(current_user, form.year.data, everything)
    if view is None or view.annual is None:
        return None, form, gettext("The annual report of %(year)s is made once the year is over.",
                                   year=form.year.data), 422
    return annual_report.build(view, everything), form, None, 200


def _helpers() -> dict[str, object]:
    return {"names": published.labels(), "events": statistics.EVENTS,
            "event_rows": published.event_rows, "total_row": published.total_row,
            "median_row": published.median_row, "chart_items": published.chart_items}


def _export_view():  # type: ignore[no-untyped-def]
    everything = published.publications(current_user)
    form = StatisticsFilterForm(request.args)
    _choose_year(form, everything)
    if not form.validate() or not form.year.choices:
        return None, Response(gettext("Choose a year from the list.") + "\n", status=400, mimetype="text/plain")
    return published.year_view(current_user, form.year.data, everything), None


@bp.get("/statistics/export.csv")
@roles_required("gem")
def export_csv():  # type: ignore[no-untyped-def]
    view, refusal = _export_view()
    if refusal:
        return refusal
    out = io.StringIO()
    meta = published.export_metadata(view)
    out.write(f"# Complaints statistics {view.year}; threshold k={meta['threshold']}; {meta['note']}\n")
    writer = csv.writer(out)
    writer.writerow(["release", "period", "population", "dimension", "value", "column", "figure", "low", "high"])
    for row in published.export_rows(view):
        writer.writerow([_csv_safe(str(v)) for v in (row.release, row.period, row.population, row.dimension,
                                                      row.value, row.column, row.figure, row.low,
                                                      "" if row.high is None else row.high)])
    return _download(out.getvalue(), "text/csv", f"complaints-statistics-{view.year}.csv")


@bp.get("/statistics/export.json")
@roles_required("gem")
def export_json():  # type: ignore[no-untyped-def]
    view, refusal = _export_view()
    if refusal:
        return refusal
    body = {**published.export_metadata(view),
            "dimensions": {p.key: p.codes for p in view.columns},
            "figures": [asdict(row) for row in published.export_rows(view)]}
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json",
                     f"complaints-statistics-{view.year}.json")


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; '1–4' and labels stay text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
