"""The officer's and coordinator's pages render real cases (views called in a request)."""
from __future__ import annotations

import pytest
from flask_login import login_user

from complaints.services import assignments, transitions
from complaints.views import cases as views
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def test_case_page_shows_content_actions_and_deadlines(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case(narrative="<script>alert(1)</script> canary-narrative")
    assign(case, officer, "intake")
    login_user(officer)
    page, status = views.case_page.__wrapped__(case_id=case.id)
    assert status == 200
    assert "canary-narrative" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Acknowledge receipt" in page
    assert "Acknowledge receipt: <time" in page  # the deadline, in plain words


def test_my_cases_lists_only_assigned_cases(ctx):
    officer = make_staff("olivera", ["officer"])
    mine, _ = make_case()
    other, _ = make_case()
    assign(mine, officer, "intake")
    login_user(officer)
    page = views.my_cases.__wrapped__()
    assert mine.reference in page and other.reference not in page


def test_register_shows_metadata_but_never_content(ctx):
    coordinator = make_staff("coord", ["coordinator"])
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case(narrative="canary-narrative-register")
    assignments.assign(coordinator, case.id, officer.id, "intake")
    login_user(coordinator)
    page = views.register.__wrapped__()
    assert case.reference in page and "Olivera" in page  # display names, as on the case's page
    assert "canary-narrative-register" not in page
    detail, status = views.register_case.__wrapped__(case_id=case.id)
    assert status == 200 and "canary-narrative-register" not in detail


def test_case_page_after_decision(ctx):
    officer = make_staff("olivera", ["officer"])
    decider = make_staff("dragana", ["decision"])
    investigator = make_staff("ivan", ["investigator"])
    case, _ = make_case(category="SH_PHYSICAL")
    for user, capacity in [(officer, "intake"), (decider, "decision"), (investigator, "investigator")]:
        assign(case, user, capacity)
    for user, action, inputs in [
        (officer, "acknowledge", {}), (officer, "open_investigation", {}),
        (investigator, "submit_report", {"reason": "report-canary"}),
        (decider, "decide", {"reason": "reasoning-canary", "outcome": "substantiated",
                              "disciplinary": "started", "complainant_notice": "Action taken."}),
    ]:
        transitions.perform(user, case.id, action, transitions.TransitionInputs(**inputs), None)
    login_user(decider)
    page, _ = views.case_page.__wrapped__(case_id=case.id)
    assert "report-canary" in page and "reasoning-canary" in page
    assert "Decision delivered to both parties" in page
