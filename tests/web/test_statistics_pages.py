"""/statistics through real requests: only GEM users, protected figures, refusals explained,
the annual report and its PDF, exports with the threshold stated, and never a case, a
reference or free text."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from complaints.extensions import db
from complaints.models import AuditEntry
from tests.factories import add_bare_cases, make_case

LAST_YEAR = datetime.now(timezone.utc).year - 1
SMALL_EXACT = {"1", "2", "3", "4"}


def at(month: int, year: int = LAST_YEAR) -> datetime:
    return datetime(year, month, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture()
def figures(app):
    """Last year: 20 mobbing cases and 3 cases of verbal harassment in Q1, 9 mobbing in Q3."""
    with app.app_context():
        add_bare_cases(20, at(2), category="MOBBING", complainant_sex="female", unit_group="navy")
        add_bare_cases(3, at(2), category="SH_VERBAL", complainant_sex="female", unit_group="Secret unit 7")
        add_bare_cases(9, at(8), category="MOBBING", complainant_sex="male")
        case, _ = make_case(category="MOBBING", narrative="Sergeant Petrović touched me at the depot",
                            submitted_at=at(8))
        return case.reference


@pytest.fixture()
def gem(staff_client):
    client, _ = staff_client("gem")
    return client


def test_gem_sees_the_dashboard_with_small_counts_hidden(gem, figures):
    page = gem.get(f"/statistics?year={LAST_YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Release Q1 {LAST_YEAR}" in html and f"Release Q2–Q3 {LAST_YEAR}" in html
    assert f"Annual report {LAST_YEAR}" in html
    assert "<svg" in html and not re.search(r"<script(?! src=\"/static/js/)", html)  # charts need no script
    assert "0–4" in html  # the 3 cases of verbal harassment, and the categories nobody reported
    assert ">3<" not in html
    assert "Sergeant" not in html and "Petrović" not in html
    assert figures not in html  # no case reference
    assert "Secret unit 7" not in html  # free text never reaches a statistics page
    with gem.application.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="statistics.view").first()
        assert json.loads(entry.detail) == {"year": LAST_YEAR}


def test_the_reports_per_year_chart_has_its_table(gem, figures):
    html = gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    chart, table = html.index('aria-label="Reports received per year"'), html.index('id="t-per-year"')
    assert 0 < chart < table
    row = html[table:html.index("</table>", table)]
    assert f"<th scope=\"row\">{LAST_YEAR}</th><td class=\"num\">33</td>" in row


def test_choosing_figures_changes_what_is_shown(gem, figures):
    html = gem.get(f"/statistics?year={LAST_YEAR}&show=received").get_data(as_text=True)
    assert 'id="h-received"' in html and 'id="h-decided"' not in html


@pytest.mark.parametrize("path", ["/statistics", "/statistics/annual", "/statistics/annual.pdf",
                                  "/statistics/export.csv", "/statistics/export.json"])
@pytest.mark.parametrize("role", ["officer", "coordinator", "admin", "auditor", "trust"])
def test_other_roles_never_reach_statistics(staff_client, figures, path, role):
    client, _ = staff_client(role)
    assert client.get(path).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, figures):
    response = client.get("/statistics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/cases", "/register", "/audit", "/admin/accounts"])
def test_gem_never_reaches_cases_or_other_areas(gem, figures, path):
    assert gem.get(path).status_code == 404


def test_nothing_is_published_before_k_reports(gem, app):
    with app.app_context():
        add_bare_cases(3, at(5))
    page = gem.get("/statistics")
    assert page.status_code == 200
    assert "Nothing is published yet" in page.get_data(as_text=True)
    assert gem.get(f"/statistics/export.json?year={LAST_YEAR}").status_code == 400


def test_a_year_outside_the_list_is_a_clear_error(gem, figures):
    page = gem.get("/statistics?year=1990")
    assert page.status_code == 400
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_a_release_publishes_its_reports_and_the_year_its_breakdowns(gem, figures):
    html = gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    assert f"Release Q1 {LAST_YEAR}, published" in html and ": 23 reports received." in html
    table = html[html.index('id="t-received-category"'):]
    table = table[:table.index("</table>")]
    # the year's breakdowns: 30 of 33 reports were mobbing, so it hides behind ≥5 for the 3 others
    assert '<th scope="row">Bullying at work (mobbing)</th><td class="num">≥5</td>' in table


def test_small_quarters_are_released_together(gem, app):
    with app.app_context():
        add_bare_cases(3, at(1))
        add_bare_cases(4, at(5))
        add_bare_cases(6, at(8))
    html = gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    assert f"Release Q1–Q2 {LAST_YEAR}, published" in html and ": 7 reports received." in html


def test_a_running_year_shows_its_releases_and_waits_for_the_breakdowns(gem, app):
    this_year = datetime.now(timezone.utc).year
    if datetime.now(timezone.utc).month <= 3:
        pytest.skip("no quarter of this year has ended yet")
    with app.app_context():
        add_bare_cases(8, datetime(this_year, 2, 1, tzinfo=timezone.utc))
    html = gem.get(f"/statistics?year={this_year}").get_data(as_text=True)
    assert f"Release Q1 {this_year}" in html and "published once the year is over" in html
    assert 'id="t-received-category"' not in html


def test_the_annual_report_and_its_pdf(gem, figures):
    page = gem.get(f"/statistics/annual?year={LAST_YEAR}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"annual report {LAST_YEAR}" in html
    for heading in ("Reports by category and sex of the person reporting", "Deadlines that fell due during the year",
                    "Disciplinary procedures started", "Referrals to external bodies",
                    "Cases open at the end of the year", "Reports by category group, year by year"):
        assert heading in html
    response = gem.get(f"/statistics/annual.pdf?year={LAST_YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="complaints-annual-report-{LAST_YEAR}.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert f"annual report {LAST_YEAR}" in text and "Sergeant" not in text and figures not in text


def test_the_annual_report_waits_for_the_year_to_end(gem, app):
    this_year = datetime.now(timezone.utc).year
    with app.app_context():
        add_bare_cases(9, datetime(this_year, 1, 10, tzinfo=timezone.utc))
    if datetime.now(timezone.utc).month <= 3:
        pytest.skip("no quarter of this year has ended yet")
    page = gem.get(f"/statistics/annual?year={this_year}")
    assert page.status_code == 422 and "once a year with published releases is over" in page.get_data(as_text=True)
    assert gem.get(f"/statistics/annual.pdf?year={this_year}").status_code == 422


def test_csv_export_applies_suppression_and_states_the_threshold(gem, figures):
    response = gem.get(f"/statistics/export.csv?year={LAST_YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="complaints-statistics-{LAST_YEAR}.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith(f"# Complaints statistics {LAST_YEAR}; threshold k=5;")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    category = {r["value"]: r["figure"] for r in rows if r["dimension"] == "Category" and r["release"] == str(LAST_YEAR)}
    assert category["Sexual harassment: words"] == "0–4"
    assert all(r["figure"] not in SMALL_EXACT for r in rows), "no small count is exported"
    for row in rows:  # the bounds say what the label says
        assert row["figure"] in ("withheld", f"{row['low']}–{row['high']}", f"≥{row['low']}", row["low"])


def test_json_export_applies_suppression_and_states_the_threshold(gem, figures):
    body = json.loads(gem.get(f"/statistics/export.json?year={LAST_YEAR}").get_data(as_text=True))
    assert body["threshold"] == 5 and "1–4" in body["note"]
    assert {"release", "population", "dimension", "value", "figure", "low", "high", "terms"} <= set(body["figures"][0])
    assert all(f["figure"] not in SMALL_EXACT for f in body["figures"])
    assert [r["key"] for r in body["releases"]] == [f"{LAST_YEAR}-Q1", f"{LAST_YEAR}-Q3", str(LAST_YEAR)]


def test_threshold_is_a_setting(app_config, figures, staff_client, app):
    app.config["STATS_THRESHOLD"] = 25
    client, _ = staff_client("gem")
    html = client.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    assert "Threshold: 25" in html and "0–24" in html


def test_an_unknown_breakdown_is_a_clear_error(gem, figures):
    page = gem.get(f"/statistics?year={LAST_YEAR}&show=narrative")
    assert page.status_code == 400
    assert "not a valid choice" in page.get_data(as_text=True)
