"""Recusing and ending an assignment: never one click. A confirmation page says what happens,
a reason is required, the coordinators (or the person whose assignment ended) are told."""
from __future__ import annotations

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assignment, AuditEntry, Case, Notification
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


def setup_case(app, staff_client):  # type: ignore[no-untyped-def]
    officer_client, officer = staff_client("officer")
    coordinator_client, coordinator = staff_client("coordinator")
    with app.app_context():
        case, _ = make_case()
        assignment = assign(case, db.session.merge(officer), "intake")
        return officer_client, coordinator_client, case.id, case.reference, assignment.id, coordinator.id


def active(app, assignment_id) -> bool:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(Assignment, assignment_id).ended_at is None


def test_recusal_asks_for_confirmation_and_a_reason(app, staff_client) -> None:
    officer, _, case_id, reference, assignment_id, _ = setup_case(app, staff_client)
    confirm = officer.get(f"/cases/{case_id}/recuse")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and reference in html
    assert "never be assigned to it again" in html and 'name="reason"' in html
    assert active(app, assignment_id)  # showing the question changes nothing
    token = csrf_token(officer, f"/cases/{case_id}/recuse")
    one_click = officer.post(f"/cases/{case_id}/recuse", data={"csrf_token": token})
    assert one_click.status_code == 400
    assert "Choose the reason" in one_click.get_data(as_text=True)
    assert active(app, assignment_id)


def test_a_confirmed_recusal_tells_every_coordinator_and_keeps_the_note_sealed(app, staff_client) -> None:
    officer, coordinator, case_id, reference, assignment_id, coordinator_id = setup_case(app, staff_client)
    token = csrf_token(officer, f"/cases/{case_id}/recuse")
    response = officer.post(f"/cases/{case_id}/recuse", data={
        "csrf_token": token, "reason": "knows_party", "note": "The respondent is my cousin."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    assert officer.get(f"/cases/{case_id}").status_code == 404  # access ends at once
    with app.app_context():
        ended = db.session.get(Assignment, assignment_id)
        assert ended.recused and ended.end_reason == "knows_party"
        assert b"cousin" not in ended.end_note_enc
        told = db.session.execute(select(Notification).where(Notification.kind == "recusal")).scalars().all()
        assert [n.user_id for n in told] == [coordinator_id]
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.recuse")).scalar_one()
        assert "knows_party" in entry.detail and "cousin" not in entry.detail
    inbox = coordinator.get("/notifications").get_data(as_text=True)
    assert reference in inbox and "recused" in inbox and "cousin" not in inbox
    register = coordinator.get(f"/register/{case_id}").get_data(as_text=True)
    assert "I know a party personally" in register and "cousin" not in register


def test_a_recusal_note_too_long_is_refused_with_the_text_kept(app, staff_client) -> None:
    officer, _, case_id, _, assignment_id, _ = setup_case(app, staff_client)
    token = csrf_token(officer, f"/cases/{case_id}/recuse")
    note = "Long explanation. " * 400
    response = officer.post(f"/cases/{case_id}/recuse", data={
        "csrf_token": token, "reason": "other_conflict", "note": note})
    assert response.status_code == 400
    assert "Long explanation." in response.get_data(as_text=True)
    assert active(app, assignment_id)


def test_ending_an_assignment_asks_for_confirmation_and_tells_the_person(app, staff_client) -> None:
    officer, coordinator, case_id, reference, assignment_id, _ = setup_case(app, staff_client)
    page = f"/register/assignments/{assignment_id}/end"
    confirm = coordinator.get(page)
    assert confirm.status_code == 200 and reference in confirm.get_data(as_text=True)
    assert active(app, assignment_id)
    token = csrf_token(coordinator, page)
    refused = coordinator.post(page, data={"csrf_token": token})
    assert refused.status_code == 400 and active(app, assignment_id)
    colleague_client, colleague = staff_client("investigator")  # stays on the case, reads the note
    with app.app_context():
        assign(db.session.get(Case, case_id), db.session.merge(colleague), "investigator")
    token = csrf_token(coordinator, page)
    done = coordinator.post(page, data={"csrf_token": token, "reason": "absence",
                                        "note": "On sick leave until March."})
    assert done.status_code == 302 and not active(app, assignment_id)
    inbox = officer.get("/notifications").get_data(as_text=True)
    assert reference in inbox and "Your assignment as intake ended" in inbox
    assert "sick leave" not in inbox
    register = coordinator.get(f"/register/{case_id}").get_data(as_text=True)
    assert "Absent for a long time" in register and "sick leave" not in register
    assert "On sick leave until March." in colleague_client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_only_coordinators_reach_the_end_assignment_page(app, staff_client) -> None:
    officer, _, _, _, assignment_id, _ = setup_case(app, staff_client)
    assert officer.get(f"/register/assignments/{assignment_id}/end").status_code == 404
