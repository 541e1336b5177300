"""Anonymised statistics for gender equality mechanisms (/statistics): the dashboard, the
quarterly report ready to print, and CSV/JSON exports. Never a case, never free text."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from .. import statistics
from ..access import roles_required
from ..charts import bar_chart, column_chart
from ..disclosure import FilterRefused
from ..forms.report import CheckboxList
from ..services import published_statistics as published

bp = Blueprint("statistics", __name__)

DIMENSION_CHOICES = [(d.key, d.title) for d in statistics.CASE_DIMENSIONS]


class StatisticsFilterForm(FlaskForm):
    class Meta:
        csrf = False  # GET filters: they select figures, they hold no content

    year = SelectField(_l("Year"), coerce=int)
    show = CheckboxList(_l("Show"), choices=[(key, _l(title)) for key, title in DIMENSION_CHOICES])


class QuarterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int)
    quarter = IntegerField(_l("Quarter"), validators=[Optional(), NumberRange(1, 4, _l("Choose a quarter from 1 to 4."))])


def _year_choices(form: FlaskForm) -> list[int]:
    years = published.years()
    form.year.choices = [(y, str(y)) for y in years]
    if form.year.data is None and years:
        form.year.data = years[0]
    return years


@bp.get("/statistics")
@roles_required("gem")
def dashboard():  # type: ignore[no-untyped-def]
    form = StatisticsFilterForm(request.args)
    years = _year_choices(form)
    report, refusal, status = None, None, 200
    if not years:
        refusal = gettext("No case has been filed yet.")
    elif form.validate():
        try:
            report = published.year_report(current_user, form.year.data)
        except FilterRefused as refused:
            refusal, status = _explained(refused), 422
    else:
        status = 400
    shown = set(form.show.data or []) or {key for key, _ in DIMENSION_CHOICES}
    trend = column_chart([(str(y), total) for y, total in reversed(published.yearly_totals(years))]) if years else None
    return render_template("statistics/dashboard.html", form=form, report=report, refusal=refusal,
                           shown=shown, trend=trend, bar_chart=bar_chart, **_figures()), status


@bp.get("/statistics/report")
@roles_required("gem")
def quarterly_report():  # type: ignore[no-untyped-def]
    form = QuarterForm(request.args)
    years = _year_choices(form)
    report, refusal, group, status = None, None, None, 200
    if not years:
        refusal = gettext("No case has been filed yet.")
    elif form.validate():
        try:
            report = published.year_report(current_user, form.year.data)
            quarter = form.quarter.data or report.cases.groups[-1].quarters[-1]
            group = report.group_for(quarter)
        except FilterRefused as refused:
            refusal, status = _explained(refused), 422
    else:
        status = 400
    return render_template("statistics/report.html", form=form, report=report, group=group,
                           refusal=refusal, **_figures()), status


def _figures() -> dict[str, object]:
    return {"names": published.labels(), "dimensions": statistics.CASE_DIMENSIONS,
            "consultation_dimensions": statistics.CONSULTATION_DIMENSIONS,
            "display_rows": published.display_rows, "chart_items": published.chart_items}


def _export_report():  # type: ignore[no-untyped-def]
    form = StatisticsFilterForm(request.args)
    _year_choices(form)
    if not form.validate():
        return None, Response(gettext("Choose a year from the list.") + "\n", status=400, mimetype="text/plain")
    try:
        return published.year_report(current_user, form.year.data), None
    except FilterRefused as refused:
        return None, Response(_explained(refused) + "\n", status=422, mimetype="text/plain")


def _explained(refused: FilterRefused) -> str:
    return gettext(refused.message, **refused.params)


@bp.get("/statistics/export.csv")
@roles_required("gem")
def export_csv():  # type: ignore[no-untyped-def]
    report, refusal = _export_report()
    if refusal:
        return refusal
    out = io.StringIO()
    meta = published.export_metadata(report)
    out.write(f"# Complaints statistics {report.year}; threshold k={report.threshold}; {meta['note']}\n")
    writer = csv.writer(out)
    writer.writerow(["population", "dimension", "value", "period", "figure"])
    for row in published.export_rows(report):
        writer.writerow([_csv_safe(v) for v in (row.population, row.dimension, row.value, row.period, row.figure)])
    return _download(out.getvalue(), "text/csv", f"complaints-statistics-{report.year}.csv")


@bp.get("/statistics/export.json")
@roles_required("gem")
def export_json():  # type: ignore[no-untyped-def]
    report, refusal = _export_report()
    if refusal:
        return refusal
    body = {**published.export_metadata(report),
            "figures": [asdict(row) for row in published.export_rows(report)]}
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json",
                     f"complaints-statistics-{report.year}.json")


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; '<5' and labels stay text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
