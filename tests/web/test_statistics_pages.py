"""/statistics through real requests: only GEM users, protected figures, refusals explained,
exports with the threshold stated, and never a case, a reference or free text."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import AuditEntry
from tests.factories import add_bare_cases, make_case

LAST_YEAR = datetime.now(timezone.utc).year - 1


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
    assert f"{LAST_YEAR}: 33 cases in the published quarters" in html
    assert "<svg" in html and not re.search(r"<script(?! src=\"/static/js/)", html)  # charts need no script
    assert "&lt;5" in html  # the 3 cases of verbal harassment
    assert ">3<" not in html
    assert "Sergeant" not in html and "Petrović" not in html
    assert figures not in html  # no case reference
    assert "Secret unit 7" not in html  # free text never reaches a statistics page
    with gem.application.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="statistics.view").one()
        assert json.loads(entry.detail) == {"year": LAST_YEAR}


def test_choosing_dimensions_changes_what_is_shown(gem, figures):
    html = gem.get(f"/statistics?year={LAST_YEAR}&show=category").get_data(as_text=True)
    assert 'id="h-category"' in html and 'id="h-channel"' not in html


@pytest.mark.parametrize("path", ["/statistics", "/statistics/report", "/statistics/export.csv",
                                  "/statistics/export.json"])
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


def test_a_year_with_too_few_cases_is_refused_with_an_explanation(gem, app):
    with app.app_context():
        add_bare_cases(3, at(5))
    page = gem.get(f"/statistics?year={LAST_YEAR}")
    assert page.status_code == 422
    assert "Fewer than 5 cases" in page.get_data(as_text=True)


def test_a_year_outside_the_list_is_a_clear_error(gem, figures):
    page = gem.get("/statistics?year=1990")
    assert page.status_code == 400
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_quarterly_report_is_a_column_of_the_year(gem, figures):
    page = gem.get(f"/statistics/report?year={LAST_YEAR}&quarter=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"quarterly report, Q1 {LAST_YEAR}" in html
    assert "23 cases were filed" in html and "&lt;5" in html


def test_a_quarter_joined_with_others_is_reported_with_them(gem, app):
    with app.app_context():
        add_bare_cases(3, at(1))
        add_bare_cases(4, at(5))
        add_bare_cases(6, at(8))
    html = gem.get(f"/statistics/report?year={LAST_YEAR}&quarter=2").get_data(as_text=True)
    assert f"Q1–Q2 {LAST_YEAR}" in html and "reported together" in html


def test_a_quarter_not_yet_published_is_refused(gem, app):
    with app.app_context():
        add_bare_cases(8, at(2))
        add_bare_cases(2, at(11))
    page = gem.get(f"/statistics/report?year={LAST_YEAR}&quarter=4")
    assert page.status_code == 422
    assert "published only once later quarters" in page.get_data(as_text=True)


def test_csv_export_applies_suppression_and_states_the_threshold(gem, figures):
    response = gem.get(f"/statistics/export.csv?year={LAST_YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="complaints-statistics-{LAST_YEAR}.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith(f"# Complaints statistics {LAST_YEAR}; threshold k=5;")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    category = {r["value"]: r["figure"] for r in rows
                if r["dimension"] == "Category" and r["period"].startswith(str(LAST_YEAR))}
    assert category["Sexual harassment: words"] == "<5"
    assert all(r["figure"] not in {"1", "2", "3", "4"} for r in rows), "no small count is exported"


def test_json_export_applies_suppression_and_states_the_threshold(gem, figures):
    body = json.loads(gem.get(f"/statistics/export.json?year={LAST_YEAR}").get_data(as_text=True))
    assert body["threshold"] == 5 and "<5" in body["note"]
    assert {"population", "dimension", "value", "period", "figure"} <= set(body["figures"][0])
    assert all(f["figure"] not in {"1", "2", "3", "4"} for f in body["figures"])


def test_export_refuses_a_small_year(gem, app):
    with app.app_context():
        add_bare_cases(2, at(3))
    response = gem.get(f"/statistics/export.json?year={LAST_YEAR}")
    assert response.status_code == 422 and b"Fewer than 5" in response.data


def test_threshold_is_a_setting(app_config, figures, staff_client, app):
    app.config["STATS_THRESHOLD"] = 25
    client, _ = staff_client("gem")
    html = client.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    assert "&lt;25" in html and "Threshold: 25" in html


def test_figures_are_kept_for_the_day_and_recounted_by_the_nightly_command(gem, figures, app, runner):
    assert f"{LAST_YEAR}: 33 cases" in gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    with app.app_context():
        add_bare_cases(10, at(11))  # e.g. a late import; today's figures do not move hour by hour
    assert f"{LAST_YEAR}: 33 cases" in gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    result = runner.invoke(cli, ["statistics", "--year", str(LAST_YEAR)])
    assert result.exit_code == 0 and f"{LAST_YEAR}: counted in" in result.output
    assert f"{LAST_YEAR}: 43 cases" in gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)


def test_a_snapshot_from_an_earlier_day_is_counted_again(gem, figures, app):
    from complaints.models import StatisticsSnapshot
    gem.get(f"/statistics?year={LAST_YEAR}")
    with app.app_context():
        snapshot = db.session.get(StatisticsSnapshot, LAST_YEAR)
        snapshot.computed_at = datetime(2000, 1, 1, tzinfo=timezone.utc)
        db.session.commit()
        add_bare_cases(10, at(11))
    assert f"{LAST_YEAR}: 43 cases" in gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)


def test_an_unknown_breakdown_is_a_clear_error(gem, figures):
    page = gem.get(f"/statistics?year={LAST_YEAR}&show=narrative")
    assert page.status_code == 400
    assert "not a valid choice" in page.get_data(as_text=True)
