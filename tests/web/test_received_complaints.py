"""Complaints received on paper, orally, in person or through a person of trust (issue 15):
staff record them with the actual date of receipt and the channel; the clocks run from that
date; an oral report gets minutes the complainant checks and confirms with their receipt
(EU 2019/1937 Art. 18)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, Case, CaseRecord, Deadline
from tests.web.conftest import csrf_token


def record(client, **fields):
    token = csrf_token(client, "/cases/received")
    data = {"csrf_token": token, "channel": "oral", "received_on": date.today().isoformat(),
            "category": "MOBBING", "narrative": "", "wants": "formal", "protection_needed": "no",
            "identity": "anonymous", **fields}
    return client.post("/cases/received", data=data)


def test_an_oral_complaint_from_last_week_runs_its_clocks_from_then(app, staff_client):
    officer, user = staff_client("officer", username="olivera")
    received_on = date.today() - timedelta(days=5)
    response = record(officer, received_on=received_on.isoformat(),
                      narrative="minutes-canary: My superior shouts at me every morning.")
    assert response.status_code == 302
    done = officer.get(response.headers["Location"]).get_data(as_text=True)
    receipt = re.search(r'class="receipt">([^<]+)<', done).group(1).strip()
    assert "minutes of their report" in done
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.channel == "oral" and case.submitted_at.date() == received_on
        assert case.registered_by_id == user.id
        acknowledge = db.session.execute(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == "acknowledge")).scalar_one()
        assert acknowledge.due_at.date() == received_on + timedelta(days=3)
        minutes = db.session.execute(select(CaseRecord)).scalar_one()
        assert minutes.kind == "report_minutes" and b"minutes-canary" not in minutes.text_enc
        submit = db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.submit")).scalar_one()
        assert submit.actor == f"user:{user.id}"
        case_id = case.id
    assert officer.get(f"/cases/{case_id}").status_code == 404, "the recorder is not assigned"

    complainant = app.test_client()
    from tests.web.test_track import open_case

    open_case(complainant, receipt)
    page = complainant.get("/track/case").get_data(as_text=True)
    assert "minutes-canary" in page and "I have read the minutes and confirm them" in page
    token = csrf_token(complainant, "/track/case")
    with app.app_context():
        record_id = db.session.execute(select(CaseRecord.id)).scalar_one()
    complainant.post(f"/track/minutes/{record_id}", data={
        "minutes-csrf_token": token, "minutes-remarks": "It was every morning and evening."})
    page = complainant.get("/track/case").get_data(as_text=True)
    assert "You confirmed these minutes" in page and "every morning and evening" in page
    with app.app_context():
        confirmed = db.session.get(CaseRecord, record_id)
        assert confirmed.confirmation == "confirmed_online"


def test_the_receipt_is_shown_once(app, staff_client):
    officer, _ = staff_client("officer")
    response = record(officer, channel="paper", narrative="A letter about gestures in the mess.")
    assert officer.get(response.headers["Location"]).status_code == 200
    again = officer.get("/cases/received/done")
    assert again.status_code == 302


def test_a_future_date_is_refused_and_the_text_kept(app, staff_client):
    officer, _ = staff_client("officer")
    response = record(officer, received_on=(date.today() + timedelta(days=1)).isoformat(),
                      narrative="kept-canary letter text")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "kept-canary letter text" in text and "future" in text
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None


def test_a_person_of_trust_records_only_what_reached_them(app, staff_client):
    trust, _ = staff_client("trust")
    refused = record(trust, channel="paper", narrative="A letter.")
    assert refused.status_code == 400
    accepted = record(trust, channel="person_of_trust", narrative="She told me about the exercise.")
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.execute(select(Case.channel)).scalar_one() == "person_of_trust"


def test_other_roles_cannot_record_complaints(app, staff_client):
    coordinator, _ = staff_client("coordinator")
    assert coordinator.get("/cases/received").status_code == 404


def test_confirming_minutes_without_an_open_case_goes_back_to_the_receipt_form(app):
    client = app.test_client()
    token = csrf_token(client, "/track")
    response = client.post("/track/minutes/5f0e0b48-8b55-4f0c-9b27-5b1bb5b1b1b1",
                           data={"minutes-csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")
