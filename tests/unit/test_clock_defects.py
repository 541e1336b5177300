"""The clock defects of issue 15, each as it was found: through the transitions service.

Each test names the rule it implements and where the rule comes from.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Deadline
from complaints.procedures import load_profile
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def act(user, case, action, **inputs):
    return tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), case.version)


def deadlines(case, kind):
    return list(db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == kind).order_by(Deadline.created_at)).scalars())


def open_deadline(case, kind):
    rows = [d for d in deadlines(case, kind) if d.met_at is None]
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def test_an_extension_adds_its_days_to_the_current_due_date(ctx):
    """Proposal (workflow-sources 6.3 S9): one extension of up to 30 days with reasons. The
    extension runs on from the current due date, and the deadline it extends is not met."""
    officer = make_staff("olivera", ["officer"])
    investigator = make_staff("ivan", ["investigator"])
    case, _ = make_case(category="SH_VERBAL")
    assign(case, officer, "intake")
    assign(case, investigator, "investigator")
    act(officer, case, "acknowledge")
    act(officer, case, "open_investigation")
    before = open_deadline(case, "investigation").due_at
    act(investigator, case, "extend_investigation", reason="Two witnesses abroad")
    after = open_deadline(case, "investigation")
    assert after is not None, "the extended deadline must still run"
    assert after.due_at.date() == (before + timedelta(days=30)).date()
    assert all(d.met_at is None for d in deadlines(case, "investigation")), \
        "an extension never marks a deadline met"


def test_the_mediation_proposal_clock_runs_from_receipt(ctx):
    """Serbia Art. 15: the employer proposes mediation within 3 days of receiving the request.
    A proposal made later is flagged late, and the route must be chosen within that window."""
    officer = make_staff("olivera", ["officer"])
    received = datetime.now(timezone.utc) - timedelta(days=5)
    case, _ = make_case(category="MOBBING", procedure="serbia", submitted_at=received)
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    clock = open_deadline(case, "mediation_proposal")
    assert clock is not None, "a mediable case has a mediation-proposal clock from receipt"
    # Days are counted in the profile's zone: a report received at 00:12 in Belgrade is
    # still 23:12 the day before in UTC, so compare the local days.
    serbia = load_profile("serbia").calendar
    assert serbia.local_date(clock.due_at) == serbia.local_date(received) + timedelta(days=3)
    assert open_deadline(case, "triage").due_at <= clock.due_at
    act(officer, case, "propose_mediation")
    met = deadlines(case, "mediation_proposal")[0]
    assert met.met_at is not None and met.met_at > met.due_at, "a late proposal shows as late"


def test_no_mediation_clock_where_mediation_is_never_offered(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case(category="SH_PHYSICAL", procedure="serbia")
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    assert deadlines(case, "mediation_proposal") == []


def test_an_unacknowledged_case_has_a_feedback_clock(ctx):
    """EU 2019/1937 Art. 9(1)(f): feedback within three months of the acknowledgement or, when
    none was sent, three months from the end of the seven-day acknowledgement period."""
    received = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
    case, _ = make_case(submitted_at=received)
    clock = open_deadline(case, "feedback")
    assert clock is not None
    assert clock.due_at.date() == datetime(2026, 4, 17).date()


def test_feedback_runs_three_months_from_the_acknowledgement(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    clock = open_deadline(case, "feedback")
    acknowledged = case.acknowledged_at
    month, year = acknowledged.month + 3, acknowledged.year
    if month > 12:
        month, year = month - 12, year + 1
    assert (clock.due_at.year, clock.due_at.month) == (year, month)


def test_a_first_message_is_not_feedback(ctx):
    """EU 2019/1937 Art. 5(13): feedback is information on the action envisaged or taken and on
    its grounds; "thanks, I'm looking at it" does not meet the feedback clock."""
    from complaints.services import casework

    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    casework.send_message(officer, case.id, "Thanks, I'm looking at it.")
    assert open_deadline(case, "feedback") is not None
    assert case.first_feedback_at is None


def test_typed_feedback_meets_the_feedback_clock(ctx):
    """EU 2019/1937 Art. 5(13): the action envisaged or taken, with its grounds."""
    from complaints.services import feedback
    from complaints.services.casework import CaseworkRefused

    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    with pytest.raises(CaseworkRefused, match="grounds"):
        feedback.give_feedback(officer, case.id, "investigation", "  ")
    with pytest.raises(CaseworkRefused, match="action"):
        feedback.give_feedback(officer, case.id, "thanks", "We are on it.")
    feedback.give_feedback(officer, case.id, "investigation",
                           "Two witnesses named in your report will be heard next week.")
    assert open_deadline(case, "feedback") is None
    met = deadlines(case, "feedback")[0]
    assert met.ending == "met" and case.first_feedback_at is not None
