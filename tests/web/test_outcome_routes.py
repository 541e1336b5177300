"""Every rejection, closure and appeal result carries the text the complainant is told, the
reason and the external routes of the profile with their deadlines; the complainant sees it
on /track (Serbia Art. 29: court within 15 days of delivery)."""
from __future__ import annotations

import html

from datetime import timezone

import pytest

from complaints import create_app
from complaints.extensions import db
from complaints.services import outcomes
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def serbia(app_config):
    application = create_app({**app_config, "PROCEDURE": "serbia"})
    yield application
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


def open_track(client, receipt):
    from tests.web.test_track import open_case

    open_case(client, receipt)
    return client.get("/track/case").get_data(as_text=True)


def test_the_report_form_says_the_serbian_time_limit(serbia):
    page = serbia.test_client().get("/report").get_data(as_text=True)
    assert "within 6 months of the last incident" in page
    assert "There is no time limit" not in page


def test_the_generic_report_form_says_there_is_no_limit(app):
    assert "There is no time limit for reporting here." in app.test_client().get("/report").get_data(as_text=True)


def test_a_final_serbian_decision_tells_the_court_deadline(serbia):
    with serbia.test_request_context():
        officer = make_staff("olivera", ["officer"])
        investigator = make_staff("ivan", ["investigator"])
        decider = make_staff("dragana", ["decision"])
        case, receipt = make_case(category="SH_VERBAL", procedure="serbia")
        for user, capacity in [(officer, "intake"), (investigator, "investigator"), (decider, "decision")]:
            assign(case, user, capacity)
        for user, action, inputs in [
                (officer, "acknowledge", {}), (officer, "open_investigation", {}),
                (investigator, "submit_report", {"reason": "Report"}),
                (decider, "decide", {"reason": "r", "outcome": "substantiated", "disciplinary": "started",
                                     "complainant_notice": "notice-canary: proceedings started."})]:
            tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), None)
        assert "deliver" not in {r.action for r in tr.available_actions(decider, case)}, \
            "Serbia Art. 29: no internal appeal"
        tr.perform(decider, case.id, "deliver_final", tr.TransitionInputs(), None)
        assert case.state == "monitoring"
        outcome = outcomes.complainant_outcome(case)
        court = next(r for r in outcome.routes if r.code == "court")
        delivered = outcome.at.astimezone(timezone.utc).date()
        assert (court.last_day - delivered).days >= 15
    page = open_track(serbia.test_client(), receipt)
    page = html.unescape(page)
    assert "notice-canary" in page and "<strong>Court</strong>:" in page and "Last day:" in page
    assert "Where else you can turn" in page
    assert "Commissioner for Protection of Equality" in page


def test_a_rejection_tells_the_reason_and_the_routes(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        case, receipt = make_case()
        assign(case, officer, "intake")
        tr.perform(officer, case.id, "acknowledge", tr.TransitionInputs(), None)
        with pytest.raises(Exception, match="complainant is told"):
            tr.perform(officer, case.id, "reject", tr.TransitionInputs(code="out_of_scope", reason="r"), None)
        tr.perform(officer, case.id, "reject", tr.TransitionInputs(
            code="out_of_scope", reason="r", complainant_notice="reject-canary"), None)
    page = open_track(app.test_client(), receipt)
    assert "reject-canary" in page and "outside what this internal procedure can handle" in page
    assert "Equality body" in page and "Ombudsperson" in page


def test_the_complainant_sees_the_appeal_result(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        investigator = make_staff("ivan", ["investigator"])
        decider = make_staff("dragana", ["decision"])
        appeal = make_staff("aleksa", ["appeal"])
        case, receipt = make_case(category="SH_VERBAL")
        for user, capacity in [(officer, "intake"), (investigator, "investigator"),
                               (decider, "decision"), (appeal, "appeal")]:
            assign(case, user, capacity)
        steps = [(officer, "acknowledge", {}), (officer, "open_investigation", {}),
                 (investigator, "submit_report", {"reason": "Report"}),
                 (decider, "decide", {"reason": "r", "outcome": "not_substantiated",
                                      "disciplinary": "not_started", "complainant_notice": "n"}),
                 (decider, "deliver", {}), (officer, "appeal", {"reason": "I disagree"}),
                 (appeal, "decide_appeal", {"reason": "r", "outcome": "changed",
                                            "complainant_notice": "appeal-canary: the decision was changed."})]
        for user, action, inputs in steps:
            tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), None)
    page = open_track(app.test_client(), receipt)
    assert "The result of the appeal" in page and "appeal-canary" in page
