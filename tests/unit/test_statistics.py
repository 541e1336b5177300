"""statistics.py counts events in SQL from clear metadata, by release window, with late
entries, derived dimensions and medians (run on SQLite and on PostgreSQL)."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from complaints import statistics
from complaints.extensions import db
from complaints.models import Consultation, Deadline, ProtectiveMeasure, Transition
from complaints.statistics import EVENTS_BY_KEY, OTHER_CODE, Window, count_event
from tests.factories import add_bare_cases, make_staff

VOCABULARIES = {
    "category": ["GBD", "MOBBING", "SH_VERBAL", "RETALIATION"],
    "complainant_sex": ["", "female", "male"],
    "channel": ["online_anonymous", "online_identified"],
    "consultation_outcome": ["advice_only", "complaint_filed", "referred"],
    "consultation_category": ["MOBBING", "SEA"],
}


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=timezone.utc)


def count(event: str, window: Window):
    return count_event(db.session, EVENTS_BY_KEY[event], window, VOCABULARIES)


def codes(counts, dimension: str) -> dict[str, int]:
    for dims, cells in counts.blocks.items():
        if dimension in dims:
            result: Counter = Counter()
            for cell, n in cells.items():
                result[cell[dims.index(dimension)]] += n
            return dict(result)
    raise KeyError(dimension)


def test_a_window_counts_its_period_and_the_late_entries_since_the_last_release(app):
    with app.app_context():
        first_cutoff = at(2026, 4, 2)
        q1 = Window(None, at(2026, 4, 1), first_cutoff, None)
        add_bare_cases(6, at(2026, 2), category="MOBBING", recorded_at=at(2026, 2))
        add_bare_cases(7, at(2026, 5), recorded_at=at(2026, 5))
        add_bare_cases(2, at(2026, 3), category="GBD", recorded_at=at(2026, 6))  # registered late
        assert count("received", q1).total == 6
        q2 = Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 7, 3), first_cutoff)
        counted = count("received", q2)
        assert counted.total == 9 and codes(counted, "category")["GBD"] == 2
        q3 = Window(at(2026, 7, 1), at(2026, 10, 1), at(2026, 10, 2), at(2026, 7, 3))
        assert count("received", q3).total == 0  # each event is counted once


def test_codes_outside_the_vocabulary_are_other_and_derived_dimensions_are_complete(app):
    with app.app_context():
        add_bare_cases(3, at(2026, 2), category="RENAMED_LONG_AGO", protection_requested=True)
        add_bare_cases(2, at(2026, 2), category="RETALIATION")
        counted = count("received", Window(None, at(2026, 4, 1), at(2026, 4, 2), None))
        assert codes(counted, "category") == {OTHER_CODE: 3, "RETALIATION": 2}
        assert codes(counted, "retaliation") == {"yes": 2, "no": 3}
        assert codes(counted, "protection_requested") == {"yes": 3, "no": 2}
        assert OTHER_CODE not in statistics.codes_of(EVENTS_BY_KEY["received"], VOCABULARIES)["retaliation"]


def test_events_are_counted_in_the_period_they_happened(app):
    with app.app_context():
        cases = add_bare_cases(6, at(2026, 2))
        for case in cases[:4]:
            db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="decision_pending", to_state="decided",
                                      action="decide", actor_kind="staff", reason_code="substantiated", at=at(2026, 5)))
            case.sanction = "warning"
        db.session.add(Transition(id=uuid.uuid4(), case_id=cases[4].id, from_state="triage", to_state="referred_external",
                                  action="refer_external", actor_kind="staff", at=at(2026, 2, 20)))
        db.session.add(ProtectiveMeasure(id=uuid.uuid4(), case_id=cases[5].id, kind="separation", ordered_at=at(2026, 8)))
        db.session.commit()
        q1 = Window(None, at(2026, 4, 1), at(2026, 12, 1), None)
        q2 = Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 12, 1), at(2026, 12, 1))
        assert count("decided", q1).total == 0 and count("decided", q2).total == 4
        assert codes(count("decided", q2), "sanction")["warning"] == 4
        assert codes(count("steps", q1), "step")["referred_external"] == 1
        assert count("measures", q2).total == 0  # ordered in Q3


def test_deadlines_count_as_missed_when_they_passed_unmet_also_for_open_cases(app):
    with app.app_context():
        cases = add_bare_cases(3, at(2026, 2), recorded_at=at(2026, 2))
        kept, late, open_ = cases
        for case, met in ((kept, at(2026, 2, 11)), (late, at(2026, 2, 20)), (open_, None)):
            db.session.add(Deadline(id=uuid.uuid4(), case_id=case.id, kind="acknowledge", due_at=at(2026, 2, 13),
                                    met_at=met, created_at=at(2026, 2)))
        db.session.commit()
        counted = count("deadlines", Window(None, at(2026, 4, 1), at(2026, 4, 2), None))
        assert counted.blocks[("deadline", "kept")] == Counter({("acknowledge", "yes"): 1, ("acknowledge", "no"): 2})
        # at the end of the quarter, only the case never acknowledged is still overdue
        assert statistics.open_cases_overdue(db.session, at(2026, 4, 1), at(2026, 4, 2)) == 1


def test_clocks_that_no_longer_applied_or_were_paused_are_neither_kept_nor_missed(app):
    """A withdrawn case's clock ends "moot"; a paused clock ends its row "paused" and runs on
    in a new row: counting either would call a deadline missed that nobody missed."""
    with app.app_context():
        moot, paused = add_bare_cases(2, at(2026, 2), recorded_at=at(2026, 2))
        db.session.add(Deadline(id=uuid.uuid4(), case_id=moot.id, kind="investigation",
                                due_at=at(2026, 3, 1), met_at=at(2026, 2, 20), ending="moot",
                                created_at=at(2026, 2)))
        db.session.add(Deadline(id=uuid.uuid4(), case_id=paused.id, kind="investigation",
                                due_at=at(2026, 2, 15), met_at=at(2026, 2, 14), ending="paused",
                                created_at=at(2026, 2)))
        db.session.add(Deadline(id=uuid.uuid4(), case_id=paused.id, kind="investigation",
                                due_at=at(2026, 3, 15), met_at=at(2026, 3, 10), ending="met",
                                created_at=at(2026, 3, 1)))
        db.session.commit()
        counted = count("deadlines", Window(None, at(2026, 4, 1), at(2026, 4, 2), None))
        assert counted.blocks[("deadline", "kept")] == Counter({("investigation", "yes"): 1})


def test_medians_are_of_whole_days(app):
    with app.app_context():
        for days in (1, 2, 2, 3, 10, 40):
            case, = add_bare_cases(1, at(2026, 1, 5))
            moment = at(2026, 1, 5) + timedelta(days=days, hours=5)
            case.acknowledged_at = moment  # as the transition service records it
            db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="submitted", to_state="acknowledged",
                                      action="acknowledge", actor_kind="staff", at=moment))
        db.session.commit()
        counted = count("acknowledged", Window(None, at(2026, 4, 1), at(2026, 4, 2), None))
        assert counted.total == 6 and statistics.median(counted.days) == 2.5


def test_median_of_a_histogram():
    assert statistics.median(Counter({1: 1, 2: 1, 3: 1})) == 2
    assert statistics.median(Counter({1: 2, 5: 2})) == 3
    assert statistics.median(Counter({4: 7})) == 4


def test_consultations_are_dated_by_day_and_late_ones_wait_for_the_next_release(app):
    with app.app_context():
        user_id = make_staff("trust_" + uuid.uuid4().hex[:6], ["trust"]).id
        for held, created in ((at(2026, 2), at(2026, 2)), (at(2026, 3), at(2026, 5))):
            db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=user_id, held_on=held.date(), category="SEA",
                                        outcome="referred", complainant_sex="male", created_at=created))
        db.session.commit()
        cutoff = at(2026, 4, 2)
        assert count("consultations", Window(None, at(2026, 4, 1), cutoff, None)).total == 1
        assert count("consultations", Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 7, 2), cutoff)).total == 1


def test_an_event_is_counted_in_one_pass_per_window_condition(app):
    """Issue 17: the first view after a quarter ends makes its release, so counting is on a
    person's wait. Total, lone dimensions, the joint block and the median's histogram come
    from one grouped statement per window condition (they took four), and agree."""
    from sqlalchemy import event as sa_event

    with app.app_context():
        cases = add_bare_cases(5, at(2026, 2), category="RETALIATION", recorded_at=at(2026, 2))
        add_bare_cases(2, at(2026, 3), category="GBD", complainant_sex="male", recorded_at=at(2026, 6))  # late
        for days, case in zip((3, 3, 10, 40), cases):
            db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="decision_pending",
                                      to_state="decided", action="decide", actor_kind="staff",
                                      reason_code="substantiated", at=at(2026, 2) + timedelta(days=days)))
            case.sanction = "warning"
        db.session.commit()
        selects: list[str] = []

        def seen(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", seen)
        try:
            decided = count("decided", Window(None, at(2026, 4, 1), at(2026, 4, 2), None))
            assert len(selects) == 1, selects
            selects.clear()
            received = count("received", Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 7, 2), at(2026, 4, 2)))
            assert len(selects) == 2, selects  # the quarter's reports, and the late ones
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", seen)
        assert decided.total == 4 and sum(decided.days.values()) == 4
        assert statistics.median(decided.days) == 6.5  # whole days 3, 3, 10, 40
        assert codes(decided, "sanction") == {"warning": 4}
        assert codes(decided, "outcome") == {"substantiated": 4}
        assert received.total == 2
        assert codes(received, "category") == {"GBD": 2} and codes(received, "complainant_sex") == {"male": 2}
        assert sum(codes(received, "channel").values()) == 2


def test_an_acknowledgement_is_dated_on_the_case_as_on_its_transition(app):
    """The acknowledged event is counted from the case row: that holds only while the
    transition service dates the case exactly as the transition, once."""
    from complaints.services import transitions as tr
    from tests.factories import assign, make_case

    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        case, _ = make_case(category="SH_VERBAL")
        assign(case, officer, "intake")
        tr.perform(officer, case.id, "acknowledge", tr.TransitionInputs(), case.version)
        acknowledgements = db.session.execute(select(Transition).where(
            Transition.case_id == case.id, Transition.action == "acknowledge")).scalars().all()
        assert len(acknowledgements) == 1 and case.acknowledged_at == acknowledgements[0].at
        window = Window(None, case.acknowledged_at + timedelta(seconds=1), datetime.now(timezone.utc), None)
        assert count("acknowledged", window).total == 1


def _plans(event_keys: tuple[str, ...], window: Window) -> list[list[str]]:
    """SQLite's plan (its SCAN and SEARCH steps) of each statement counting the events."""
    from sqlalchemy import event as sa_event

    captured: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, *_):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    sa_event.listen(db.engine, "before_cursor_execute", seen)
    try:
        for event in event_keys:
            count(event, window)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", seen)
    connection = db.session.connection()
    return [[row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
             if row[-1].startswith(("SCAN", "SEARCH"))] for statement, parameters in captured]


def test_dated_counts_are_read_from_the_index_alone(app):
    """Issue 17: a quarter's acknowledgements, first feedback and deadlines fallen due are
    counted from indexes holding every column the counts read (with one-column indexes on
    the dates, SQLite visited each row: 150-240 ms a count over a million cases). The plan of
    each statement, current window and late entries, is checked on SQLite; PostgreSQL picks
    index-only scans by its own statistics."""
    import pytest

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        window = Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 7, 2), at(2026, 4, 2))
        plans = _plans(("acknowledged", "feedback", "deadlines"), window)
        # The period of each event, then the deadlines' late entries (created since the last
        # release, due before the period: few, found by both dates in ix_deadlines_created_due).
        assert len(plans) == 4
        for plan in plans[:3]:
            assert plan and all("COVERING INDEX" in step for step in plan), plan
        assert plans[3] == ["SEARCH deadlines USING INDEX ix_deadlines_created_due (created_at>? AND created_at<?)"]


def test_reports_and_decisions_are_counted_from_the_index_alone(app):
    """Issue 17: a quarter's reports are counted by ten dimensions, its decisions and closures
    by action, moment and outcome. Read through an index on the date, every row was visited
    for the rest: 350 and 320 ms over a million cases on SQLite. Each index now holds every
    column its count reads; a dimension added to the reports without adding it to
    ix_cases_received_counted fails here. Consultations written down late are found by when
    they were written down, not by reading them all."""
    import pytest

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        window = Window(at(2026, 4, 1), at(2026, 7, 1), at(2026, 7, 2), at(2026, 4, 2))
        received, received_late, decided, closed, consulted, consulted_late = _plans(
            ("received", "decided", "closed", "consultations"), window)
        assert received == ["SEARCH cases USING COVERING INDEX ix_cases_received_counted "
                            "(submitted_at>? AND submitted_at<?)"]
        # Reports recorded since the last release but dated before its period: few, as before.
        assert received_late == ["SEARCH cases USING INDEX ix_cases_recorded_submitted "
                                 "(recorded_at>? AND recorded_at<?)"]
        for plan in (decided, closed):  # the case of each found by its id
            assert plan == ["SEARCH transitions USING COVERING INDEX ix_transitions_counted "
                            "(action=? AND at>? AND at<?)",
                            "SEARCH cases USING INDEX sqlite_autoindex_cases_1 (id=?)"], plan
        assert consulted == ["SEARCH consultations USING INDEX ix_consultations_held_on "
                             "(held_on>? AND held_on<?)"]
        assert consulted_late == ["SEARCH consultations USING INDEX ix_consultations_created_held "
                                  "(created_at>? AND created_at<?)"]
