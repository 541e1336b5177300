"""statistics.py counts in SQL from clear metadata, by completed quarter, with the groups,
derived dimensions and medians the pages publish (run on SQLite and on PostgreSQL)."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from complaints import statistics
from complaints.disclosure import OTHER, SHOWN, SMALL, FilterRefused
from complaints.extensions import db
from complaints.models import Consultation, Deadline, ProtectiveMeasure, Transition
from tests.factories import add_bare_cases, make_staff

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)  # Q4 2026 is still running
VOCABULARIES = {
    "category": ["GBD", "MOBBING", "SH_VERBAL"],
    "complainant_sex": ["", "female", "male"],
    "channel": ["online_anonymous", "online_identified"],
    "consultation_outcome": ["advice_only", "complaint_filed", "referred"],
}


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def add_cases(app):
    return add_bare_cases


def report(year=2026, k=5):
    return statistics.year_report(db.session, year, VOCABULARIES, k, now=NOW)


def test_only_completed_quarters_are_counted(app, add_cases):
    with app.app_context():
        add_cases(6, at(2026, 2))
        add_cases(7, at(2026, 5))
        add_cases(8, at(2026, 8))
        add_cases(50, at(2026, 11))  # Q4 2026 has not ended
        r = report()
        assert r.completed == (1, 2, 3)
        assert [(g.label, g.total) for g in r.cases.groups] == [("Q1 2026", 6), ("Q2 2026", 7), ("Q3 2026", 8)]
        assert r.cases.total == 21


def test_small_quarters_are_joined_and_a_trailing_small_group_is_not_published(app, add_cases):
    with app.app_context():
        add_cases(2, at(2025, 1))
        add_cases(4, at(2025, 5))
        add_cases(9, at(2025, 8))
        add_cases(3, at(2025, 11))
        r = report(2025)
        assert [(g.label, g.quarters, g.total) for g in r.cases.groups] == [
            ("Q1–Q2 2025", (1, 2), 6), ("Q3 2025", (3,), 9)]
        assert r.cases.unpublished_quarters == (4,)
        assert r.cases.unpublished_total.status == SMALL
        assert r.cases.total == 15
        assert r.group_for(2) == 0
        with pytest.raises(FilterRefused, match="Fewer than 5"):
            r.group_for(4)


def test_a_year_with_too_few_cases_is_refused(app, add_cases):
    with app.app_context():
        add_cases(4, at(2024, 3))
        with pytest.raises(FilterRefused, match="Fewer than 5 cases"):
            report(2024)
        with pytest.raises(FilterRefused, match="No quarter of 2027"):
            report(2027)


def test_breakdowns_count_each_value_and_protect_small_ones(app, add_cases):
    with app.app_context():
        add_cases(20, at(2026, 2), category="MOBBING", complainant_sex="female")
        add_cases(8, at(2026, 2), category="GBD", complainant_sex="male")
        add_cases(2, at(2026, 5), category="SH_VERBAL", complainant_sex="female")
        add_cases(10, at(2026, 5), category="MOBBING", complainant_sex="")
        add_cases(1, at(2026, 5), category="RENAMED_LONG_AGO")
        r = report()
        category = r.cases.breakdowns["category"]
        totals = dict(zip(category.values, category.totals))
        assert totals["MOBBING"].value == 30 and totals["MOBBING"].status == SHOWN
        assert totals["SH_VERBAL"].status == SMALL
        assert totals[statistics.OTHER_CODE].value == 1 and totals[statistics.OTHER_CODE].status == SMALL
        assert totals["GBD"].status == SHOWN  # 2 + 1 = 3 could also be 1 + 2: no need to hide more
        assert category.row_totals[category.rows.index(OTHER)] == 3
        sexes = dict(zip(r.cases.breakdowns["complainant_sex"].values, r.cases.breakdowns["complainant_sex"].totals))
        assert sexes["female"].value == 22 and sexes[""].value == 11 and sexes["male"].value == 8


def test_derived_dimensions(app, add_cases):
    with app.app_context():
        decided = add_cases(6, at(2026, 2), decided_at=at(2026, 3), sanction="warning",
                            acknowledged_at=at(2026, 2, 11), first_feedback_at=at(2026, 2, 20))
        pending = add_cases(6, at(2026, 2), protection_requested=True,
                            acknowledged_at=at(2026, 2, 12))  # no feedback for > 90 days: late
        add_cases(5, at(2026, 2), category="RETALIATION")
        for case in decided:
            db.session.add(ProtectiveMeasure(id=uuid.uuid4(), case_id=case.id, kind="separation",
                                             ordered_at=at(2026, 2, 12)))
            db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="appeal_window",
                                      to_state="appeal_review", action="appeal", actor_kind="complainant",
                                      at=at(2026, 3, 20)))
            db.session.add(Deadline(id=uuid.uuid4(), case_id=case.id, kind="acknowledge",
                                    due_at=at(2026, 2, 13), met_at=at(2026, 2, 11)))
        for case in pending:
            db.session.add(Deadline(id=uuid.uuid4(), case_id=case.id, kind="acknowledge",
                                    due_at=at(2026, 2, 11), met_at=at(2026, 2, 12)))
        db.session.commit()

        def counts(key):
            b = report().cases.breakdowns[key]
            return {code: f.value for code, f in zip(b.values, b.totals)}

        assert counts("protection") == {"ordered": 6, "requested_only": 6, "none": 5}
        assert counts("retaliation") == {"yes": 5, "no": 12}
        assert counts("sanction")["warning"] == 6 and counts("sanction")["not_decided"] == 11
        assert counts("appeal") == {"upheld": 0, "changed": 0, "pending": 6, "none": 11}
        assert counts("acknowledgement_deadline") == {"met": 6, "late": 6, "pending": 5}
        assert counts("decision_deadline") == {"met": 6, "late": 0, "pending": 11}
        assert counts("feedback_deadline") == {"met": 6, "late": 6, "pending": 5}


def test_medians_are_computed_from_whole_days_and_hidden_under_k(app, add_cases):
    with app.app_context():
        for days in (1, 2, 2, 3, 10, 40):
            add_cases(1, at(2026, 1, 5), acknowledged_at=at(2026, 1, 5) + timedelta(days=days, hours=5))
        add_cases(3, at(2026, 1, 5), decided_at=at(2026, 3, 1))  # only 3 decisions: median hidden
        r = report()
        timings = {t.key: t for t in r.timings}
        assert timings["acknowledgement"].year == (6, 2.5)
        assert timings["decision"].year == (3, None)
        assert timings["feedback"].year == (0, None)


def test_median_of_a_histogram():
    assert statistics.median(Counter({1: 1, 2: 1, 3: 1})) == 2
    assert statistics.median(Counter({1: 2, 5: 2})) == 3
    assert statistics.median(Counter({4: 7})) == 4


def test_consultations_are_a_population_of_their_own(app, add_cases):
    with app.app_context():
        add_cases(10, at(2026, 2))
        user_id = _trust_user()
        for outcome, n in (("advice_only", 6), ("referred", 2)):
            for _ in range(n):
                db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=user_id,
                                            held_on=at(2026, 4).date(), category="MOBBING",
                                            outcome=outcome, complainant_sex="female"))
        db.session.commit()
        r = report()
        assert [(g.label, g.total) for g in r.consultations.groups] == [("Q1–Q2 2026", 8)]
        outcome = r.consultations.breakdowns["consultation_outcome"]
        assert [f.label(5) for f in outcome.totals] == ["suppressed", "0", "<5"]


def test_yearly_totals_match_each_years_report(app, add_cases):
    with app.app_context():
        add_cases(6, at(2025, 2))
        add_cases(2, at(2025, 11))
        add_cases(9, at(2026, 7))
        add_cases(4, at(2026, 11))
        assert statistics.years_with_cases(db.session, NOW) == [2026, 2025]
        assert statistics.yearly_totals(db.session, [2026, 2025], 5, NOW) == [(2026, 9), (2025, 6)]
        assert report(2025).cases.total == 6 and report(2026).cases.total == 9


def _trust_user() -> int:
    return make_staff("trust_" + uuid.uuid4().hex[:6], ["trust"]).id
