"""Ended cases as officers see them: no deadline left running or overdue, no "Lift" on a closed
case, and "My cases" shows open cases unless the officer asks for closed ones."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, Deadline, User
from complaints.services import casework
from complaints.services import transitions as tr
from tests.factories import assign, make_case


def close_a_case(app, officer_id: int, *, with_measure: bool = False):  # type: ignore[no-untyped-def]
    """A mobbing case resolved informally and closed early; its clocks are months old."""
    with app.test_request_context():
        officer = db.session.get(User, officer_id)
        long_ago = datetime.now(timezone.utc) - timedelta(days=300)
        case, _ = make_case(category="MOBBING", submitted_at=long_ago)
        assign(case, officer, "intake")
        for action, reason in [("acknowledge", ""), ("open_inquiry", ""),
                               ("resolve_informally", "Settled."), ("close", "Early close.")]:
            if action == "close" and with_measure:
                casework.order_measure(officer, case.id, "separation", "")
            notice = "Your case is closed: the matter was settled." if action == "close" else ""
            tr.replay(case, action, officer, tr.TransitionInputs(reason=reason, complainant_notice=notice),
                      long_ago)
            long_ago += timedelta(days=2)
        return case.id, case.reference


def test_a_closed_case_shows_no_running_deadline_and_no_lift(app, staff_client) -> None:
    client, officer = staff_client("officer")
    case_id, _ = close_a_case(app, officer.id, with_measure=True)
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "overdue" not in html.lower()
    assert "Overdue:" not in html
    assert ">Lift<" not in html
    assert "stopped when the case ended" in html
    with app.app_context():
        assert db.session.execute(select(Deadline).where(
            Deadline.case_id == case_id, Deadline.met_at.is_(None))).first() is None


def test_my_cases_shows_closed_cases_only_when_asked(app, staff_client) -> None:
    client, officer = staff_client("officer")
    _, closed_reference = close_a_case(app, officer.id)
    with app.app_context():
        open_case, _ = make_case()
        assign(open_case, db.session.merge(officer), "intake")
        open_reference = open_case.reference
    listed = client.get("/cases").get_data(as_text=True)
    assert open_reference in listed and closed_reference not in listed
    closed = client.get("/cases?state=closed").get_data(as_text=True)
    assert closed_reference in closed and open_reference not in closed


def test_the_register_never_shows_an_ended_case_as_overdue(app, staff_client) -> None:
    client, officer = staff_client("officer")
    coordinator_client, _ = staff_client("coordinator")
    with app.test_request_context():
        officer = db.session.get(User, officer.id)
        long_ago = datetime.now(timezone.utc) - timedelta(days=200)
        case, _ = make_case(submitted_at=long_ago)
        assign(case, officer, "intake")
        tr.replay(case, "acknowledge", officer, tr.TransitionInputs(), long_ago)
        tr.replay(case, "reject", officer, tr.TransitionInputs(code="out_of_scope", reason="Pay.",
                                                                   complainant_notice="Not a complaint we handle."),
                  long_ago + timedelta(days=3))
        reference = db.session.get(Case, case.id).reference
    html = coordinator_client.get("/register?state=rejected").get_data(as_text=True)
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a[^>]*>{reference}</a>.*?</tr>", html, re.S).group(0)
    assert "overdue" not in row and "row-overdue" not in row


def test_closing_warns_of_measures_still_in_force(app, staff_client) -> None:
    client, officer = staff_client("officer")
    with app.test_request_context():
        officer = db.session.get(User, officer.id)
        case, _ = make_case(category="MOBBING")
        assign(case, officer, "intake")
        tr.perform(officer, case.id, "acknowledge", tr.TransitionInputs(), case.version)
        casework.order_measure(officer, case.id, "no_contact", "")
        tr.perform(officer, case.id, "open_inquiry", tr.TransitionInputs(), case.version)
        tr.perform(officer, case.id, "resolve_informally", tr.TransitionInputs(reason="Settled."), case.version)
        case_id = case.id
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    close_form = html[html.index("Close the case</summary>"):]
    assert "1 protective measure is still in force." in close_form
