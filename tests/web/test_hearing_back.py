"""The person reporting always hears back (issue 14): every decision, rejection and appeal
result with its reason and what they can do next under the active profile; mediation
answered on their page before its deadline; everything they reported; measures, the
investigation's extension and the stages with dates."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, Deadline, ProtectiveMeasure, User
from complaints.services import casework, transitions
from tests.factories import assign, make_staff
from tests.web.conftest import csrf_token
from tests.web.test_report import report_data, receipt_from
from tests.web.test_track import open_case

NOTICE = "NOTICE-7d1: the sergeant is moved to another platoon and trained."
APPEAL_REASONS = "APPEAL-REASONS-3c9: the witness statements were weighed correctly."


@pytest.fixture()
def app_config(app_config, request):
    # Serbia by default: a court deadline in days. A test marked procedure("generic") runs
    # under a profile with an internal appeal (Serbia has none: its decision is final inside).
    marker = request.node.get_closest_marker("procedure")
    return {**app_config, "PROCEDURE": marker.args[0] if marker else "serbia"}


def page_of(client) -> str:
    return html.unescape(client.get("/track/case").get_data(as_text=True))


@pytest.fixture()
def reported(app, client):
    """A report filed through the form, followed in ``client``; returns (case id, staff id)."""
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(
        client, category="MOBBING", identity="identified", name="Ana Anić", contact="ana@example.mil",
        last_incident_on="2026-03-02", incident_when="every Monday since February",
        location="Kasarna Banjica, the armoury", respondent="Sgt. Petrović, 2nd platoon",
        witnesses="Cpl. Jovanović", protection_needed="yes",
        protection_details="Not to share night shifts with him", excluded_other="Maj. Ilić")))
    assert open_case(client, receipt).status_code == 302
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        staff = make_staff("olga", ["officer", "investigator", "decision", "appeal"])
        for capacity in ("intake", "investigator", "decision", "appeal"):
            assign(case, staff, capacity)
        return case.id, staff.id


def act(app, staff_id, case_id, action, **inputs):
    with app.test_request_context():
        user = db.session.get(User, staff_id)
        transitions.perform(user, case_id, action, transitions.TransitionInputs(**inputs), None)


def test_a_rejection_says_why_and_where_else_to_turn(app, client, reported):
    case_id, staff = reported
    act(app, staff, case_id, "acknowledge")
    act(app, staff, case_id, "reject", code="out_of_scope", reason="internal: not within MoD remit",
        complainant_notice=NOTICE)
    page = page_of(client)
    assert "Not handled in this procedure" in page
    assert "outside what this internal procedure can handle" in page  # the reason, in plain words
    assert NOTICE in page  # what the officer wrote for them
    assert "read the message below" not in page.lower() and "officer's message explains" not in page
    assert "internal: not within MoD remit" not in page  # the officer's own reasons stay theirs
    for body in ("Commissioner for Protection of Equality", "Protector of Citizens", "Court"):
        assert body in page
    assert "counted from the day you receive the decision or notice" in page and "Last day:" in page


@pytest.mark.procedure("generic")
def test_a_decision_and_the_appeal_result_reach_the_complainant(app, client, reported):
    case_id, staff = reported
    for action, inputs in (("acknowledge", {}), ("open_investigation", {}),
                           ("submit_report", {"reason": "report"}),
                           ("decide", {"outcome": "substantiated", "reason": "internal reasoning",
                                       "complainant_notice": NOTICE, "disciplinary": "started"}),
                           ("deliver", {})):
        act(app, staff, case_id, action, **inputs)
    page = page_of(client)
    assert "What was decided" in page and "What you reported was confirmed" in page and NOTICE in page
    assert "internal reasoning" not in page
    assert "you can appeal until" in page and "Appeal the decision" in page
    client.post("/track/appeal", data={"csrf_token": csrf_token(client, "/track/case"),
                                       "reason": "I disagree with the sanction"})
    act(app, staff, case_id, "decide_appeal", outcome="upheld", reason="internal appeal reasoning",
        complainant_notice=APPEAL_REASONS)
    page = page_of(client)
    assert "The result of the appeal" in page and "confirmed it" in page and APPEAL_REASONS in page
    assert "internal appeal reasoning" not in page
    for body in ("Court", "Equality body", "Ombudsperson"):  # the generic profile's routes
        assert body in page


def test_mediation_is_answered_on_the_complainants_page_before_its_deadline(app, client, reported):
    case_id, staff = reported
    act(app, staff, case_id, "acknowledge")
    act(app, staff, case_id, "propose_mediation")
    page = page_of(client)
    assert "Do you accept mediation?" in page and "Please answer by" in page
    token = csrf_token(client, "/track/case")
    assert client.post("/track/mediation", data={"csrf_token": token, "answer": "1"}).status_code == 302
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.mediation_complainant_consent and case.mediation_complainant_answered_at
    assert "you accept mediation" in page_of(client)
    client.post("/track/mediation", data={"csrf_token": token, "answer": "0"})  # a change of mind
    with app.app_context():
        assert not db.session.get(Case, case_id).mediation_complainant_consent
        deadline = db.session.execute(select(Deadline).where(Deadline.kind == "mediator_selection",
                                                             Deadline.met_at.is_(None))).scalar_one()
        deadline.due_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    late = client.post("/track/mediation", data={"csrf_token": token, "answer": "1"}, follow_redirects=True)
    assert "The time to answer the proposal has passed" in html.unescape(late.get_data(as_text=True))
    with app.app_context():
        assert not db.session.get(Case, case_id).mediation_complainant_consent


def test_the_officer_sees_the_complainants_answer_and_can_go_on(app, client, reported, staff_client):
    case_id, staff = reported
    act(app, staff, case_id, "acknowledge")
    act(app, staff, case_id, "propose_mediation")
    client.post("/track/mediation", data={"csrf_token": csrf_token(client, "/track/case"), "answer": "1"})
    with app.test_request_context():
        user = db.session.get(User, staff)
        casework.record_mediation_consent(user, case_id, "respondent", True)
    act(app, staff, case_id, "accept_mediation")
    with app.app_context():
        assert db.session.get(Case, case_id).state == "mediator_selection"


def test_what_you_reported_shows_everything_given(client, reported):
    page = page_of(client)
    for given in ("Bullying at work (mobbing)", "every Monday since February", "Kasarna Banjica, the armoury",
                  "Sgt. Petrović, 2nd platoon", "Cpl. Jovanović", "Not to share night shifts with him",
                  "Maj. Ilić", "Ana Anić", "ana@example.mil", "2 March 2026", "a formal investigation",
                  "Land forces", "superior", "Non-commissioned officer"):
        assert given in page, given


def test_measures_the_extension_and_the_stages_are_shown_with_dates(app, client, reported):
    case_id, staff = reported
    act(app, staff, case_id, "acknowledge")
    act(app, staff, case_id, "open_investigation")
    with app.test_request_context():
        casework.order_measure(db.session.get(User, staff), case_id, "separation", "internal details X1")
    act(app, staff, case_id, "extend_investigation", reason="two witnesses abroad")
    page = page_of(client)
    assert "Separation of the parties" in page and "ordered" in page
    assert "internal details X1" not in page and "two witnesses abroad" not in page
    assert "The investigation was extended once" in page
    with app.app_context():
        due = db.session.execute(select(Deadline.due_at).where(
            Deadline.kind == "investigation", Deadline.met_at.is_(None))).scalar_one()
    assert f"{due.day} {due:%B} {due.year}" in page
    history = page.split("What has happened so far")[1].split("Protection")[0]
    for stage in ("Received", "Receipt confirmed", "Being assessed", "Under investigation"):
        assert stage in history
    with app.app_context():
        assert db.session.execute(select(ProtectiveMeasure)).scalar_one().kind == "separation"


def test_the_officers_page_says_when_the_complainant_declined(app, client, staff_client):
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(
        client, category="MOBBING", identity="identified", name="Ana", contact="ana@example.mil")))
    open_case(client, receipt)
    officer, user = staff_client("officer")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assign(case, user, "intake")
        case_id = case.id
    act(app, user.id, case_id, "acknowledge")
    act(app, user.id, case_id, "propose_mediation")
    assert "Complainant: not recorded." in officer.get(f"/cases/{case_id}").get_data(as_text=True)
    client.post("/track/mediation", data={"csrf_token": csrf_token(client, "/track/case"), "answer": "0"})
    assert "Complainant: declines." in officer.get(f"/cases/{case_id}").get_data(as_text=True)
