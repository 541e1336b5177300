"""Following a case with the receipt: status, messages both ways, withdraw, appeal,
retaliation, revealing identity, monitoring check-ins, idle timeout, rate limit."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, Message, MonitoringCheckin, TrackSession
from complaints.services.case_access import cipher_for
from tests.web.conftest import csrf_token, form_fields
from tests.web.test_report import receipt_from, report_data


def filed(client, **overrides):
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client, **overrides)))
    return receipt


def open_case(client, receipt, **extra):
    return client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt, **extra})


def the_case(app) -> Case:
    with app.app_context():
        return db.session.execute(select(Case).where(Case.parent_case_id.is_(None))).scalar_one()


def test_receipt_opens_the_case_with_plain_status_and_deadline(app, client):
    receipt = filed(client)
    other = app.test_client()
    assert open_case(other, receipt.lower().replace("-", " ")).headers["Location"].endswith("/track/case")
    page = other.get("/track/case").get_data(as_text=True)
    assert "Received" in page and "Expected by" in page
    assert "submitted" not in page.replace("submitted_at", "")  # no internal state names


def test_a_wrong_receipt_gets_one_neutral_message(client):
    response = open_case(client, "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert response.status_code == 404
    assert "We could not open a case with this code" in response.get_data(as_text=True)
    assert open_case(client, "nonsense").status_code == 404


def test_every_receipt_lookup_needs_its_own_proof_of_work(app, client):
    # Lookups were throttled per client address (5 a minute), which shut out everyone behind
    # one address (a barracks, an onion service). Now each lookup costs a proof of work that
    # is spent once, whoever sends it.
    fields = form_fields(client, "/track")
    guess = {**fields, "receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"}
    assert client.post("/track", data=guess).status_code == 404
    replayed = client.post("/track", data=guess)
    assert replayed.status_code == 400 and "security check had to be renewed" in replayed.get_data(as_text=True)
    forged = client.post("/track", data={**guess, "proof_challenge": fields["proof_challenge"][:-2] + "00"})
    assert forged.status_code == 400


def test_messages_both_ways(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    response = client.post("/track/message", data={"csrf_token": csrf_token(client, "/track/case"),
                                                   "body": "More details from me"})
    assert response.status_code == 302
    case = the_case(app)
    with app.test_request_context():
        message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff",
                          created_at=datetime.now(timezone.utc))
        message.body_enc = cipher_for(case).seal("messages", "body_enc", message.id, "Reply from officer")
        note = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff", internal=True,
                       created_at=datetime.now(timezone.utc))
        note.body_enc = cipher_for(case).seal("messages", "body_enc", note.id, "internal-note-canary")
        db.session.add_all([message, note])
        db.session.commit()
    page = client.get("/track/case").get_data(as_text=True)
    assert "More details from me" in page and "Reply from officer" in page
    assert "internal-note-canary" not in page


def test_adding_a_file_later_and_downloading_it(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    client.post("/track/message", data={"csrf_token": csrf_token(client, "/track/case"),
                                        "body": "Here is a screenshot",
                                        "files": [(io.BytesIO(b"chat log text"), "chat.txt")]},
                content_type="multipart/form-data")
    page = client.get("/track/case").get_data(as_text=True)
    href = page.split('href="/track/files/')[1].split('"')[0]
    download = client.get(f"/track/files/{href}")
    assert download.data == b"chat log text"
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/track/files/{uuid.uuid4()}").status_code == 404


def test_withdrawal_with_confirmation(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    assert "may still continue" in client.get("/track/withdraw").get_data(as_text=True)
    client.post("/track/withdraw", data={"csrf_token": csrf_token(client, "/track/withdraw"), "reason": ""})
    assert the_case(app).state == "withdrawn"
    assert "Withdrawn" in client.get("/track/case").get_data(as_text=True)


def test_appeal_only_in_the_appeal_window(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    assert "Appeal the decision" not in client.get("/track/case").get_data(as_text=True)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        case.state = "appeal_window"
        db.session.commit()
    assert "Appeal the decision" in client.get("/track/case").get_data(as_text=True)
    client.post("/track/appeal", data={"csrf_token": csrf_token(client, "/track/case"),
                                       "reason": "The evidence was ignored"})
    assert the_case(app).state == "appeal_review"


def test_retaliation_opens_a_linked_case_followed_with_the_same_receipt(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    client.post("/track/retaliation", data={"csrf_token": csrf_token(client, "/track/case"),
                                            "narrative": "I was moved to night shifts"})
    with app.app_context():
        parent = db.session.execute(select(Case).where(Case.parent_case_id.is_(None))).scalar_one()
        child = db.session.execute(select(Case).where(Case.parent_case_id == parent.id)).scalar_one()
        assert child.category == "RETALIATION" and child.state == "submitted"
    assert f"Linked report {child.reference}" in client.get("/track/case").get_data(as_text=True)


def test_revealing_identity(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    page = client.get("/track/case").get_data(as_text=True)
    assert "can" in page and "be undone" in page
    client.post("/track/reveal", data={"csrf_token": csrf_token(client, "/track/case"),
                                       "name": "Ana", "contact": "ana@example.mil", "understood": "y"})
    case = the_case(app)
    assert not case.anonymous and case.complainant_name_enc


def test_monitoring_check_in_yes_opens_a_linked_case(app, client):
    receipt = filed(client)
    case = the_case(app)
    with app.app_context():
        db.session.get(Case, case.id).state = "monitoring"
        db.session.add(MonitoringCheckin(id=uuid.uuid4(), case_id=case.id, day=30,
                                         due_at=datetime.now(timezone.utc) - timedelta(hours=1)))
        db.session.commit()
    open_case(client, receipt)
    page = client.get("/track/case").get_data(as_text=True)
    assert "Has anything happened since?" in page
    checkin_id = page.split("/track/checkin/")[1].split('"')[0]
    client.post(f"/track/checkin/{checkin_id}", data={"csrf_token": csrf_token(client, "/track/case"),
                                                      "answer": "retaliation", "details": "Threatened"})
    with app.app_context():
        assert db.session.execute(select(Case).where(Case.parent_case_id == case.id)).scalar_one()
        assert db.session.execute(select(MonitoringCheckin)).scalar_one().answer == "retaliation"
    assert "Has anything happened since?" not in client.get("/track/case").get_data(as_text=True)


def test_the_case_session_ends_when_idle_and_on_request(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    with app.app_context():  # the server's record of the session, not the cookie, says when
        for row in db.session.execute(select(TrackSession)).scalars():
            row.last_seen_at -= timedelta(minutes=app.config["TRACK_IDLE_MINUTES"], seconds=1)
        db.session.commit()
    assert client.get("/track/case").headers["Location"].endswith("/track")
    open_case(client, receipt)
    client.post("/track/close", data={"csrf_token": csrf_token(client, "/track/case")})
    assert client.get("/track/case").status_code == 302


def test_no_case_content_in_urls(app, client):
    receipt = filed(client)
    response = open_case(client, receipt)
    assert receipt not in response.headers["Location"]


def test_the_received_status_never_says_nobody_opened_a_case_an_officer_has_read(app, client, staff_client):
    """"Received" lasts until the officer confirms receipt, often after reading the case and
    writing to the complainant: the page said "Nobody has opened it yet" under the officer's
    own reply."""
    from tests.factories import assign

    receipt = filed(client)
    officer_client, officer = staff_client("officer")
    case = the_case(app)
    with app.app_context():
        assign(case, officer, "intake")
        db.session.commit()
    assert officer_client.get(f"/cases/{case.id}").status_code == 200
    officer_client.post(f"/cases/{case.id}/messages", data={
        "csrf_token": csrf_token(officer_client, f"/cases/{case.id}"), "body": "We have your report."})
    open_case(client, receipt)
    page = client.get("/track/case").get_data(as_text=True)
    assert "We have your report." in page and "Received" in page
    assert "Nobody has opened it" not in page
