"""When a case ends (closed, rejected, withdrawn) every clock stops in one place: no deadline
or check-in of an ended case stays open, shows as overdue or reaches anybody; a case that
comes back (re-routed, continued ex officio) gets its feedback clock back."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints import workflow
from complaints.extensions import db
from complaints.models import Deadline, MonitoringCheckin
from complaints.services import casework, reminders
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def team(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        decider = make_staff("dragana", ["decision"])
        yield officer, decider


def act(user, case, action, **inputs):  # type: ignore[no-untyped-def]
    return tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), case.version)


def open_kinds(case) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.kind for d in db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.met_at.is_(None))).scalars()}


def test_a_rejection_tells_the_complainant_so_it_meets_feedback_and_stops_the_rest(team) -> None:
    # A rejection always carries its notice to the complainant (reasons in plain words), so it
    # is the feedback they are owed: met, not moot. Every other running clock ends with the case.
    officer, _ = team
    case, _ = make_case()
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    running = open_kinds(case)
    assert "feedback" in running
    act(officer, case, "reject", code="out_of_scope", reason="A pay dispute.",
        complainant_notice="Pay disputes go to the personnel office.")
    assert open_kinds(case) == set()
    clocks = {d.kind: d for d in db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind.in_(running))).scalars()}
    assert clocks.pop("feedback").ending == "met"
    assert all(d.ending in ("met", "moot") for d in clocks.values())
    assert all(d.stop_reason == "case_ended" for d in clocks.values() if d.ending == "moot")
    act(officer, case, "reroute", reason="New facts.")
    assert "feedback" not in open_kinds(case)  # they have heard from us, with grounds
    assert not [item for item in reminders.due_items(within_days=200) if item.case_id == case.id
                and item.kind == "feedback"]


def test_a_withdrawn_case_keeps_no_clock_and_continuing_ex_officio_restarts_feedback(team) -> None:
    officer, decider = team
    case, _ = make_case(category="SH_PHYSICAL")
    assign(case, officer, "intake")
    assign(case, decider, "decision")
    act(officer, case, "acknowledge")
    tr.perform_as_complainant(case, "withdraw", tr.TransitionInputs(reason=""))
    assert open_kinds(case) == set()
    act(decider, case, "continue_ex_officio", reason="Serious conduct.")
    assert {"feedback", "investigation"} <= open_kinds(case)


def test_feedback_given_before_the_end_is_not_restarted(team) -> None:
    officer, _ = team
    case, _ = make_case()
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    casework.send_message(officer, case.id, "I am handling your report.")
    act(officer, case, "reject", code="out_of_scope", reason="A pay dispute.",
        complainant_notice="Pay disputes go to the personnel office.")
    act(officer, case, "reroute", reason="New facts.")
    assert "feedback" not in open_kinds(case)


def test_closing_stops_every_clock_and_unanswered_checkins(team) -> None:
    officer, decider = team
    case, _ = make_case(category="MOBBING")
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    act(officer, case, "open_inquiry")
    act(officer, case, "resolve_informally", reason="Settled after a talk.")
    checkins = list(db.session.execute(select(MonitoringCheckin).where(
        MonitoringCheckin.case_id == case.id)).scalars())
    assert len(checkins) == 3 and "feedback" in open_kinds(case)
    act(officer, case, "close", reason="Complainant satisfied, early close.",
        complainant_notice="Your case is closed.")
    assert open_kinds(case) == set()
    assert all(c.cancelled_at is not None for c in checkins)
    # Months later nothing of this case is due or overdue for anybody.
    later = datetime.now(timezone.utc) + timedelta(days=400)
    assert [i for i in reminders.due_items(0, now=later) if i.case_id == case.id] == []


def test_a_closed_case_offers_no_lifting_and_refuses_it(team) -> None:
    officer, decider = team
    case, _ = make_case(category="MOBBING")
    assign(case, officer, "intake")
    act(officer, case, "acknowledge")
    measure = casework.order_measure(officer, case.id, "separation", "")
    act(officer, case, "open_inquiry")
    act(officer, case, "resolve_informally", reason="Settled.")
    act(officer, case, "close", reason="Early close.", complainant_notice="Your case is closed.")
    with pytest.raises(casework.CaseworkRefused, match="closed"):
        casework.lift_measure(officer, case.id, measure.id)


def test_the_ended_states_are_the_ones_the_procedure_ends_in() -> None:
    assert tr.CLOCKS_STOP_IN == {"closed", "rejected", "withdrawn"}
    assert tr.CLOCKS_STOP_IN <= set(workflow.STATES)
