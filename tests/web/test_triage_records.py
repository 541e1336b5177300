"""Triage corrects the category (with a reason, audited, refused where the route taken would
not allow it) and records a risk assessment that stays on the case page."""
from __future__ import annotations

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, Case, CategoryChange, Deadline, RiskAssessment, User
from complaints.services import transitions as tr
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


def on_a_case(app, staff_client, role="officer", capacity="intake", **fields):  # type: ignore[no-untyped-def]
    client, user = staff_client(role)
    with app.app_context():
        case, _ = make_case(**fields)
        assign(case, db.session.merge(user), capacity)
        return client, user.id, case.id


def correct(client, case_id, category, reason="Wrong box ticked.", version=None):  # type: ignore[no-untyped-def]
    page = f"/cases/{case_id}"
    token = csrf_token(client, page)
    if version is None:
        with client.application.app_context():
            version = db.session.get(Case, case_id).version
    return client.post(f"{page}/category", data={"csrf_token": token, "category-category": category,
                                                  "category-reason": reason, "category-version": version})


def test_the_intake_officer_corrects_the_category_with_a_sealed_reason(app, staff_client) -> None:
    client, user_id, case_id = on_a_case(app, staff_client, category="MOBBING")
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        tr.perform(db.session.get(User, user_id), case.id, "acknowledge", tr.TransitionInputs(), case.version)
        clocks_before = {(d.kind, d.due_at, d.met_at) for d in db.session.execute(
            select(Deadline).where(Deadline.case_id == case_id)).scalars()}
    assert "<summary>Propose mediation</summary>" in client.get(f"/cases/{case_id}").get_data(as_text=True)
    response = correct(client, case_id, "SH_VERBAL", reason="The remarks were sexual.")
    assert response.status_code == 302
    with app.app_context():
        clocks_after = {(d.kind, d.due_at, d.met_at) for d in db.session.execute(
            select(Deadline).where(Deadline.case_id == case_id)).scalars()}
        assert clocks_after == clocks_before  # deadlines already running are unchanged
        assert db.session.get(Case, case_id).category == "SH_VERBAL"
        change = db.session.execute(select(CategoryChange)).scalar_one()
        assert (change.from_category, change.to_category) == ("MOBBING", "SH_VERBAL")
        assert b"sexual" not in change.reason_enc
        entry = db.session.execute(select(AuditEntry).where(
            AuditEntry.action == "case.category_corrected")).scalar_one()
        assert "MOBBING" in entry.detail and "sexual" not in entry.detail
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Category corrected: Bullying at work (mobbing) → Sexual harassment: words" in html
    assert "The remarks were sexual." in html
    assert "<summary>Propose mediation</summary>" not in html  # the routes offered follow the new category


def test_a_correction_that_contradicts_mediation_is_refused_and_explained(app, staff_client) -> None:
    client, user_id, case_id = on_a_case(app, staff_client, category="MOBBING")
    with app.test_request_context():
        officer, case = db.session.get(User, user_id), db.session.get(Case, case_id)
        tr.perform(officer, case.id, "acknowledge", tr.TransitionInputs(), case.version)
        tr.perform(officer, case.id, "propose_mediation", tr.TransitionInputs(), case.version)
    response = correct(client, case_id, "SH_PHYSICAL", reason="It was touching after all.")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "End the mediation first" in html and "It was touching after all." in html
    with app.app_context():
        assert db.session.get(Case, case_id).category == "MOBBING"
    assert correct(client, case_id, "GBD").status_code == 302  # another mediable one is fine


def test_a_stale_or_reasonless_correction_changes_nothing(app, staff_client) -> None:
    client, _, case_id = on_a_case(app, staff_client, category="MOBBING")
    assert correct(client, case_id, "GBD", version=0).status_code == 400
    missing = correct(client, case_id, "GBD", reason="")
    assert missing.status_code == 400 and "Give the reason for the correction." in missing.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, case_id).category == "MOBBING"


def test_only_the_intake_officer_corrects_the_category(app, staff_client) -> None:
    client, _, case_id = on_a_case(app, staff_client, role="investigator", capacity="investigator",
                                   category="MOBBING")
    assert "Correct the category" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert correct(client, case_id, "GBD").status_code == 400
    with app.app_context():
        assert db.session.get(Case, case_id).category == "MOBBING"


def test_a_risk_assessment_stays_on_the_case_page(app, staff_client) -> None:
    client, _, case_id = on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    assert "Not assessed yet." in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}/risk", data={
        "csrf_token": csrf_token(client, page), "risk-retaliation": "high", "risk-repeat": "medium",
        "risk-note": "He is her direct superior and controls the roster."})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    risk = html[html.index('id="h-risk"'):]
    assert 'risk-high">high<' in risk and 'risk-medium">medium<' in risk
    assert "controls the roster" in risk
    assert "no protective measure is in force" in risk
    with app.app_context():
        assessment = db.session.execute(select(RiskAssessment)).scalar_one()
        assert b"roster" not in assessment.note_enc


def test_a_risk_assessment_without_levels_is_refused_with_the_note_kept(app, staff_client) -> None:
    client, _, case_id = on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = client.post(f"{page}/risk", data={
        "csrf_token": csrf_token(client, page), "risk-retaliation": "extreme", "risk-note": "My notes."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "My notes." in html
    assert "Choose the risk of repeat conduct." in html
    with app.app_context():
        assert db.session.execute(select(RiskAssessment)).first() is None
