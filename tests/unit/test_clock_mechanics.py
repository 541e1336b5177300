"""Deadline mechanics (issue 15): pause and resume with a reason, the working-day roll, day
boundaries in the profile's time zone, moveable holidays for any year, the mediation
extension (Serbia Art. 18/19), acknowledgement escalation (EU 2019/1937 Art. 9(1)(b)) and the
protective-measure clock (Serbia Art. 24)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints import workflow
from complaints.clocks import Calendar
from complaints.extensions import db
from complaints.models import AuditEntry, Deadline, DeadlinePause
from complaints.procedures import load_profile
from complaints.services import casework, deadlines
from complaints.services import transitions as tr
from complaints.services.casework import CaseworkRefused
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def act(user, case, action, **inputs):
    return tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), None)


def running(case, kind):
    rows = list(db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == kind, Deadline.met_at.is_(None))).scalars())
    assert len(rows) <= 1
    return rows[0] if rows else None


# --- counting ------------------------------------------------------------------------------

def test_a_day_ends_at_midnight_in_the_profiles_time_zone():
    """A report at 00:30 in Belgrade (22:30 UTC the day before) gets three full local days."""
    serbia = load_profile("serbia").calendar
    received = datetime(2026, 6, 8, 22, 30, tzinfo=timezone.utc)  # Tuesday 9 June, 00:30 in Belgrade
    due = serbia.add_days(received, 3)
    assert due == datetime(2026, 6, 12, 21, 59, 59, tzinfo=timezone.utc)  # Fri 12 June 23:59:59 CEST
    assert load_profile("generic").calendar.add_days(received, 3).date() == date(2026, 6, 11)  # UTC


def test_a_deadline_on_a_weekend_rolls_to_the_next_working_day_in_serbia():
    """Serbian administrative procedure: a deadline ending on a non-working day ends on the
    next working day."""
    serbia = load_profile("serbia").calendar
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    assert serbia.local_date(serbia.add_days(friday, 1)) == date(2026, 11, 23)  # Sat -> Mon
    generic = load_profile("generic").calendar
    assert generic.local_date(generic.add_days(friday, 1)) == date(2026, 11, 21)  # no roll


def test_a_deadline_on_orthodox_easter_rolls_past_easter_monday():
    serbia = load_profile("serbia").calendar
    start = datetime(2027, 4, 27, 9, 0, tzinfo=timezone.utc)
    # Good Friday 30 April 2027; Labour Day 1-2 May; Easter 2 May; Easter Monday 3 May
    assert serbia.local_date(serbia.add_days(start, 3)) == date(2027, 5, 4)


@pytest.mark.parametrize("year, easter", [(2026, date(2026, 4, 12)), (2030, date(2030, 4, 28)),
                                          (2045, date(2045, 4, 9)), (2099, date(2099, 4, 12))])
def test_orthodox_easter_is_computed_for_any_year(year, easter):
    serbia = load_profile("serbia").calendar
    assert serbia.is_holiday(easter) and serbia.is_holiday(easter - timedelta(days=2))
    assert serbia.is_holiday(easter + timedelta(days=1))


@pytest.mark.parametrize("day", [date(2026, 3, 20), date(2030, 2, 4), date(2040, 10, 7)])
def test_eid_al_fitr_is_a_holiday_in_north_macedonia_in_any_year(day):
    assert load_profile("north-macedonia").calendar.is_holiday(day)


def test_eid_al_adha_and_catholic_easter_when_a_profile_names_them():
    calendar = Calendar(moveable=("eid_al_adha", "catholic_easter_monday"))
    assert calendar.is_holiday(date(2026, 5, 27))   # Eid al-Adha 1447
    assert calendar.is_holiday(date(2026, 4, 6))    # Catholic Easter Monday
    assert not calendar.is_holiday(date(2026, 4, 13))


def test_an_unknown_zone_or_feast_stops_the_profile():
    from complaints.clocks import CalendarError

    with pytest.raises(CalendarError, match="time zone"):
        Calendar(zone_name="Mars/Olympus")
    with pytest.raises(CalendarError, match="feasts"):
        Calendar(moveable=("midsummer",))


# --- escalation, measures, mediation ------------------------------------------------------

def test_acknowledgement_escalates_at_seven_days(ctx):
    """EU 2019/1937 Art. 9(1)(b): never later than 7 days (the profile's acknowledge_maximum)."""
    received = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
    case, _ = make_case(submitted_at=received)
    assert running(case, "acknowledge_maximum").due_at.date() == date(2026, 1, 17)
    officer = make_staff("olivera", ["officer"])
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    assert running(case, "acknowledge_maximum") is None


def test_asked_for_protection_starts_the_measure_clock_and_a_measure_meets_it(ctx):
    """Serbia Art. 24: protective measures; one day to decide ([PROPOSAL])."""
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    db.session.add_all(tr.initial_deadlines(case.id, case.submitted_at, protection_requested=True)[2:3])
    db.session.commit()
    assign(case, officer, "intake")
    assert running(case, "protective_measure") is not None
    casework.order_measure(officer, case.id, "no_contact", "")
    assert running(case, "protective_measure") is None


def test_no_measure_needed_needs_reasons_and_meets_the_clock(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    db.session.add_all(tr.initial_deadlines(case.id, case.submitted_at, protection_requested=True)[2:3])
    db.session.commit()
    assign(case, officer, "intake")
    with pytest.raises(CaseworkRefused, match="reasons"):
        deadlines.no_measure_needed(officer, case.id, "  ")
    deadlines.no_measure_needed(officer, case.id, "The respondent was posted abroad last week.")
    assert running(case, "protective_measure") is None


def test_mediation_extends_once_to_at_most_thirty_days(ctx):
    """Serbia Art. 18/19: 8 days from choosing the mediator, exceptionally up to 30."""
    officer = make_staff("olivera", ["officer"])
    mediator = make_staff("mira", ["mediator"])
    case, _ = make_case(category="MOBBING")
    assign(case, officer, "intake")
    assign(case, mediator, "mediator")
    act(officer, case, "acknowledge")
    act(officer, case, "propose_mediation")
    case.mediation_complainant_consent = case.mediation_respondent_consent = True
    db.session.commit()
    act(officer, case, "accept_mediation")
    act(officer, case, "start_mediation")
    clock = running(case, "mediation")
    started = clock.created_at
    assert clock.due_at.date() == (started + timedelta(days=8)).date()
    act(mediator, case, "extend_mediation", reason="The respondent is on a course until the 20th.")
    clock = running(case, "mediation")
    assert clock.due_at.date() == (started + timedelta(days=30)).date()
    assert clock.extended_from is not None and clock.ending == ""
    with pytest.raises(workflow.TransitionRefused, match="already been extended"):
        act(mediator, case, "extend_mediation", reason="again")


# --- pause and resume ----------------------------------------------------------------------

def investigation(ctx_team=None):
    officer = make_staff("olivera", ["officer"])
    investigator = make_staff("ivan", ["investigator"])
    case, _ = make_case(category="SH_VERBAL")
    assign(case, officer, "intake")
    assign(case, investigator, "investigator")
    act(officer, case, "acknowledge")
    act(officer, case, "open_investigation")
    return officer, investigator, case


def test_a_paused_clock_is_not_overdue_and_resumes_with_the_time_left(ctx):
    officer, investigator, case = investigation()
    clock = running(case, "investigation")
    record = deadlines.pause(officer, case.id, clock.id, "sick_leave", "The respondent is on sick leave.")
    assert running(case, "investigation") is None
    clock.due_at = datetime.now(timezone.utc) - timedelta(days=1)  # would be overdue if running
    record.paused_at = datetime.now(timezone.utc) - timedelta(days=11)
    clock.due_at = record.paused_at + timedelta(days=19)
    db.session.commit()
    continued = deadlines.resume(officer, case.id, record.id)
    left = (continued.due_at.date() - datetime.now(timezone.utc).date()).days
    assert left == 19
    actions = [e.action for e in db.session.execute(
        select(AuditEntry).where(AuditEntry.case_id == case.id)).scalars()]
    assert "deadline.paused" in actions and "deadline.resumed" in actions


def test_pausing_needs_a_reason_and_a_pausable_clock(ctx):
    officer, investigator, case = investigation()
    clock = running(case, "investigation")
    with pytest.raises(CaseworkRefused, match="reasons"):
        deadlines.pause(officer, case.id, clock.id, "sick_leave", " ")
    with pytest.raises(CaseworkRefused, match="why"):
        deadlines.pause(officer, case.id, clock.id, "holiday", "x")
    feedback = running(case, "feedback")
    with pytest.raises(CaseworkRefused, match="duty towards the complainant"):
        deadlines.pause(officer, case.id, feedback.id, "sick_leave", "x")
    with pytest.raises(CaseworkRefused, match="Only the complaint officer"):
        deadlines.pause(investigator, case.id, clock.id, "sick_leave", "x")


def test_a_step_taken_while_paused_resumes_the_clock_first(ctx):
    officer, investigator, case = investigation()
    clock = running(case, "investigation")
    deadlines.pause(officer, case.id, clock.id, "criminal_procedure", "Prosecutor asked to wait.")
    act(investigator, case, "submit_report", reason="Report.")
    pause = db.session.execute(select(DeadlinePause)).scalar_one()
    assert pause.resumed_at is not None
    continued = db.session.get(Deadline, pause.resumed_deadline_id)
    assert continued.ending == "met"


def test_an_extension_while_paused_is_refused(ctx):
    officer, investigator, case = investigation()
    deadlines.pause(officer, case.id, running(case, "investigation").id, "sick_leave", "Sick.")
    # the step itself resumes the clock first, then extends it
    act(investigator, case, "extend_investigation", reason="Witness abroad.")
    assert running(case, "investigation").extended_from is not None
