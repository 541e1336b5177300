"""Officer actions through real requests (CSRF, sign-in, the case gate)."""
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, Case, ProtectiveMeasure
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


def test_officer_acts_messages_orders_measures_and_opens_a_linked_case(app, staff_client):
    client, officer = staff_client("officer")
    with app.app_context():
        case, _ = make_case(category="SH_VERBAL")
        assign(case, db.session.merge(officer), "intake")
        case_id, version = case.id, case.version
    page = f"/cases/{case_id}"
    token = csrf_token(client, page)
    client.post(f"{page}/act", data={"csrf_token": token, "action": "acknowledge", "version": version})
    stale = client.post(f"{page}/act", data={"csrf_token": token, "action": "open_investigation",
                                             "version": version}, follow_redirects=True)
    assert "changed since you opened" in stale.get_data(as_text=True)
    client.post(f"{page}/messages", data={"csrf_token": token, "body": "Are you safe?"})
    client.post(f"{page}/measures", data={"csrf_token": token, "kind": "separation", "details": "Other shift"})
    client.post(f"{page}/retaliation", data={"csrf_token": token, "narrative": "Moved to nights"})
    with app.app_context():
        # A message is not feedback (EU 2019/1937 Art. 5(13)); typed feedback is (issue 15).
        assert db.session.get(Case, case_id).first_feedback_at is None
    client.post(f"{page}/feedback", data={"feedback-csrf_token": token, "feedback-action": "assessment",
                                          "feedback-grounds": "We are checking who was on duty."})
    with app.app_context():
        stored = db.session.get(Case, case_id)
        assert stored.state == "triage" and stored.first_feedback_at is not None
        assert db.session.execute(select(ProtectiveMeasure)).scalar_one().kind == "separation"
        child = db.session.execute(select(Case).where(Case.parent_case_id == case_id)).scalar_one()
        assert child.category == "RETALIATION"
        actions = {e.action for e in db.session.execute(select(AuditEntry)).scalars()}
        assert {"case.transition", "message.staff", "case.measure_ordered", "case.retaliation"} <= actions
    html = client.get(page).get_data(as_text=True)
    assert "Are you safe?" in html and "separation of the parties" in html
