"""The release model through real requests: what was published for a completed period is
what every later download shows, whatever happens to the cases afterwards.

Each test downloads the figures as the analyst would, lets the world move on (a decision, a
consultation recorded late with a date inside a published quarter, the nightly job, another
day), downloads again and compares.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import Case, Consultation, Transition
from tests.factories import add_bare_cases, make_staff

LAST_YEAR = datetime.now(timezone.utc).year - 1


def at(month: int, year: int = LAST_YEAR) -> datetime:
    return datetime(year, month, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture()
def gem(staff_client):
    client, _ = staff_client("gem")
    return client


@pytest.fixture()
def population(app):
    with app.app_context():
        add_bare_cases(12, at(2), category="MOBBING", complainant_sex="female")
        add_bare_cases(9, at(5), category="GBD", complainant_sex="male")
        add_bare_cases(8, at(8), category="MOBBING", complainant_sex="female", state="decision_pending")
        trust = make_staff("trust_" + uuid.uuid4().hex[:6], ["trust"])
        for outcome in ("advice_only",) * 6 + ("referred",) * 5:
            db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=trust.id, held_on=at(4).date(),
                                        category="MOBBING", outcome=outcome, complainant_sex="female"))
        db.session.commit()
        return trust.id


def figures(client) -> list:
    response = client.get(f"/statistics/export.json?year={LAST_YEAR}")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))["figures"]


def test_a_decision_taken_later_does_not_move_a_published_period(gem, population, app, runner):
    before = figures(gem)
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.state == "decision_pending")).scalars().first()
        now = datetime.now(timezone.utc)
        case.state, case.outcome, case.sanction, case.decided_at = "decided", "substantiated", "dismissal", now
        db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="decision_pending",
                                  to_state="decided", action="decide", actor_kind="staff",
                                  reason_code="substantiated", at=now))
        db.session.commit()
    assert runner.invoke(cli, ["statistics"]).exit_code == 0  # the nightly job
    assert figures(gem) == before


def test_a_consultation_recorded_late_does_not_change_its_published_quarter(gem, population, app, runner):
    before = figures(gem)
    with app.app_context():
        db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=population, held_on=at(4).date(),
                                    category="SEA", outcome="complaint_filed", complainant_sex="male"))
        db.session.commit()
    assert runner.invoke(cli, ["statistics"]).exit_code == 0
    assert figures(gem) == before


def test_a_case_dated_inside_a_published_period_changes_nothing_published(gem, population, app, runner):
    before = figures(gem)
    with app.app_context():
        add_bare_cases(10, at(2), category="SEA", complainant_sex="male",  # e.g. registered from paper
                       recorded_at=datetime.now(timezone.utc))
    assert runner.invoke(cli, ["statistics"]).exit_code == 0
    assert figures(gem) == before


def test_medians_come_without_exact_case_counts(gem, app):
    with app.app_context():
        for days in range(1, 8):
            add_bare_cases(1, at(2), acknowledged_at=at(2) + timedelta(days=days))
    html = gem.get(f"/statistics?year={LAST_YEAR}").get_data(as_text=True)
    assert "7 cases)" not in html and "(7 cases" not in html


def _published(app) -> dict[str, str]:
    from complaints.models import StatisticsRelease
    with app.app_context():
        return {r.key: (r.content, r.counts) for r in db.session.execute(select(StatisticsRelease)).scalars()}


def test_a_late_entry_goes_into_the_next_release_and_nothing_published_moves(app):
    from complaints.services import published_statistics
    year = LAST_YEAR
    with app.test_request_context():
        add_bare_cases(7, datetime(year, 2, 1, tzinfo=timezone.utc))
        add_bare_cases(6, datetime(year, 5, 1, tzinfo=timezone.utc))
        assert published_statistics.compute_due(datetime(year, 7, 3, tzinfo=timezone.utc)) == 2
    before = _published(app)
    with app.test_request_context():
        add_bare_cases(3, datetime(year, 2, 1, tzinfo=timezone.utc), recorded_at=datetime(year, 7, 20, tzinfo=timezone.utc))
        add_bare_cases(5, datetime(year, 8, 1, tzinfo=timezone.utc))
        assert published_statistics.compute_due(datetime(year, 7, 21, tzinfo=timezone.utc)) == 0  # no quarter ended
        assert published_statistics.compute_due(datetime(year, 10, 2, tzinfo=timezone.utc)) == 1
        q3 = next(p for p in published_statistics.load_all(with_counts=True) if p.key == f"{year}-Q3")
        assert q3.counts["received"].total == 8 and q3.figure("received").label() == "8"
    after = _published(app)
    assert {key: after[key] for key in before} == before


def test_one_computation_a_day_even_when_two_workers_start_at_once(app):
    """Two requests at the same moment: one computes, the other reads; one set of releases."""
    import threading

    from complaints.models import StatisticsComputation
    from complaints.services import published_statistics
    with app.app_context():
        add_bare_cases(9, at(2))
        add_bare_cases(8, at(5))
    barrier, made, errors = threading.Barrier(2), [], []

    def worker() -> None:
        with app.test_request_context():
            try:
                barrier.wait(timeout=10)
                made.append(published_statistics.compute_due())
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(made)[0] == 0 and sorted(made)[1] > 0
    with app.app_context():
        assert db.session.query(StatisticsComputation).count() == 1
    assert len(_published(app)) == sorted(made)[1]
    with app.test_request_context():  # and later the same day nothing is computed again
        add_bare_cases(20, at(11), recorded_at=datetime.now(timezone.utc))
        assert published_statistics.compute_due() == 0
