"""The follow-up page (issue 14, issue 20): a message typed slowly survives the time limit and
a new sign-in; "more time" renews the limit; limits count per case, never per address; a
closed case offers no writing to nobody; a mistyped receipt stays to be corrected; the
optional reply notice is content-free, encrypted and removable."""
from __future__ import annotations

import html
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import Case, Message, MonitoringCheckin, TrackSession
from tests.smtp_sink import SmtpSink
from tests.web.conftest import csrf_token
from tests.web.test_track import filed, open_case

SLOW = "I remembered more. " * 300 + "SLOW-MESSAGE-51e"


def idle(app) -> None:
    """Let every open session pass its time limit (as if the person typed for too long)."""
    with app.app_context():
        for row in db.session.execute(select(TrackSession)).scalars():
            row.last_seen_at -= timedelta(minutes=app.config["TRACK_IDLE_MINUTES"], seconds=5)
        db.session.commit()


def test_a_message_typed_past_the_time_limit_survives_a_new_sign_in(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    token = csrf_token(client, "/track/case")
    idle(app)
    response = client.post("/track/message", data={"csrf_token": token, "body": SLOW})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "What you wrote is kept" in page
    assert "SLOW-MESSAGE-51e" in page  # carried in the sign-in form, not stored anywhere yet
    with app.app_context():
        assert db.session.execute(select(Message)).first() is None
    # The receipt again: the text is back in the message form, ready to send, not sent.
    assert open_case(client, receipt, draft_kind="message", draft=SLOW).status_code == 302
    page = html.unescape(client.get("/track/case").get_data(as_text=True))
    form = page.split('action="/track/message"')[1].split("</form>")[0]
    assert "SLOW-MESSAGE-51e" in form
    client.post("/track/message", data={"csrf_token": csrf_token(client, "/track/case"), "body": SLOW})
    with app.app_context():
        assert db.session.execute(select(Message)).scalar_one()
        assert db.session.execute(select(TrackSession.draft_enc)).scalar_one() is None
    page = client.get("/track/case").get_data(as_text=True)
    assert 'data-drafts-sent="track-message"' in page  # the tab's own copy is forgotten too


def test_the_draft_waits_encrypted_and_a_wrong_receipt_keeps_it_in_the_form(app, client):
    receipt = filed(client)
    response = open_case(client, receipt[:-1] + ("A" if receipt[-1] != "A" else "B"),
                         draft_kind="message", draft=SLOW)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 404 and "SLOW-MESSAGE-51e" in page
    open_case(client, receipt, draft_kind="message", draft=SLOW)
    with app.app_context():
        blob = db.session.execute(select(TrackSession.draft_enc)).scalar_one()
        assert blob and b"SLOW-MESSAGE" not in blob


def test_more_time_renews_the_limit_and_the_page_says_it(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    page = client.get("/track/case").get_data(as_text=True)
    minutes = app.config["TRACK_IDLE_MINUTES"]
    assert f'data-time-limit-seconds="{minutes * 60}"' in page
    assert 'data-time-limit-renew="/track/renew"' in page
    assert f"closes after {minutes} minutes without activity" in page
    token = csrf_token(client, "/track/case")
    with app.app_context():
        row = db.session.execute(select(TrackSession)).scalar_one()
        row.last_seen_at -= timedelta(minutes=minutes - 1)
        db.session.commit()
    renewed = client.post("/track/renew", headers={"X-CSRFToken": token})
    assert renewed.status_code == 200 and renewed.get_json() == {"seconds": minutes * 60}
    assert client.post("/track/renew").status_code == 400  # no CSRF token: refused
    idle(app)
    assert client.post("/track/renew", headers={"X-CSRFToken": token}).get_json() == {"seconds": 0}


def test_messages_are_limited_per_case_and_a_refused_one_is_kept(app, client):
    app.config["CASE_MESSAGES_PER_HOUR"] = 2
    receipt = filed(client)
    open_case(client, receipt)
    token = csrf_token(client, "/track/case")
    for n in range(2):
        assert client.post("/track/message", data={"csrf_token": token, "body": f"m{n}"}).status_code == 302
    refused = client.post("/track/message", data={"csrf_token": token, "body": SLOW})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 429 and "SLOW-MESSAGE-51e" in page and "minutes" in page
    # Someone else at the same address, on another case, is not affected.
    neighbour = app.test_client()
    open_case(neighbour, filed(neighbour))
    assert neighbour.post("/track/message", data={"csrf_token": csrf_token(neighbour, "/track/case"),
                                                  "body": "hello"}).status_code == 302
    # An empty message is refused for what it is, and costs nothing.
    app.config["CASE_MESSAGES_PER_HOUR"] = 4  # two sent and one refused so far: one more fits
    assert client.post("/track/message", data={"csrf_token": token, "body": ""}).status_code == 400
    assert client.post("/track/message", data={"csrf_token": token, "body": "m3"}).status_code == 302


def close_case(app, monitoring_open: bool) -> uuid.UUID:
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.parent_case_id.is_(None))).scalar_one()
        case.state = "closed"
        case.closed_at = datetime.now(timezone.utc)
        if monitoring_open:
            db.session.add(MonitoringCheckin(id=uuid.uuid4(), case_id=case.id, day=90,
                                             due_at=datetime.now(timezone.utc) + timedelta(days=30)))
        db.session.commit()
        return case.id


def test_a_closed_case_offers_no_writing_to_nobody(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    token = csrf_token(client, "/track/case")
    close_case(app, monitoring_open=False)
    page = html.unescape(client.get("/track/case").get_data(as_text=True))
    assert 'action="/track/message"' not in page and "nobody reads messages here any more" in page
    assert 'action="/track/retaliation"' in page  # what still reaches someone
    refused = client.post("/track/message", data={"csrf_token": token, "body": "still there?"})
    assert refused.status_code == 400 and "still there?" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Message)).first() is None


def test_while_monitoring_runs_a_message_reaches_the_assigned_officer(app, client, staff_client):
    receipt = filed(client)
    open_case(client, receipt)
    case_id = close_case(app, monitoring_open=True)
    officer, user = staff_client("officer")
    with app.app_context():
        from tests.factories import assign

        assign(db.session.get(Case, case_id), user, "intake")
    page = client.get("/track/case").get_data(as_text=True)
    assert 'action="/track/message"' in page and "still reads what you write" in page
    client.post("/track/message", data={"csrf_token": csrf_token(client, "/track/case"),
                                        "body": "He threatened me again. MONITORING-MSG"})
    assert "MONITORING-MSG" in officer.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_mistyped_receipt_stays_in_the_field_marked_invalid(client):
    receipt = filed(client)
    typo = receipt[:5] + ("X" if receipt[5] != "X" else "Y") + receipt[6:]
    response = open_case(client, typo)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    field = page.split('id="receipt"')[0].rsplit("<input", 1)[1] + page.split('id="receipt"')[1].split(">")[0]
    assert f'value="{typo}"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="receipt-hint receipt-error-1"' in field
    assert 'id="receipt-error-1"' in page and 'href="#receipt"' in page  # in the summary, tied to the field


@pytest.fixture()
def smtp():
    with SmtpSink() as sink:
        yield sink


def test_the_reply_notice_is_optional_encrypted_content_free_and_removable(app, client, staff_client, smtp):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                      SMTP_FROM="service@example.org")
    receipt = filed(client)
    open_case(client, receipt)
    page = html.unescape(client.get("/track/case").get_data(as_text=True))
    assert "A notice when there is news" in page and "anyone who can read that mailbox" in page
    token = csrf_token(client, "/track/case")
    refused = client.post("/track/notice", data={"csrf_token": token, "address": "me@example.org"})
    assert refused.status_code == 400  # the risk must be acknowledged
    client.post("/track/notice", data={"csrf_token": token, "address": "me@example.org", "understood": "y"})
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.reply_notice_enc and b"example.org" not in case.reply_notice_enc
        reference = case.reference
    runner = app.test_cli_runner()
    assert "0 notice(s) due" in runner.invoke(cli, ["notices"]).output  # nothing new yet
    officer, user = staff_client("officer")
    with app.app_context():
        from tests.factories import assign

        assign(db.session.get(Case, case.id), user, "intake")
    officer.post(f"/cases/{case.id}/messages", data={"csrf_token": csrf_token(officer, f"/cases/{case.id}"),
                                                     "body": "Please call me. OFFICER-CANARY"})
    result = runner.invoke(cli, ["notices", "--send"])
    assert "Sent 1 notice(s)" in result.output and "me@example.org" not in result.output
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert "To: me@example.org" in mail
    for secret in (receipt, receipt.replace("-", ""), reference, "OFFICER-CANARY", "MOBBING", "SH_VERBAL",
                   "http", "harass"):
        assert secret not in mail
    assert "0 notice(s) due" in runner.invoke(cli, ["notices"]).output  # once per news, not again
    client.post("/track/notice/remove", data={"csrf_token": csrf_token(client, "/track/case")})
    with app.app_context():
        assert db.session.execute(select(Case)).scalar_one().reply_notice_enc is None


def test_no_notice_is_offered_without_a_mail_server(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    assert "A notice when there is news" not in client.get("/track/case").get_data(as_text=True)
    assert client.post("/track/notice", data={"csrf_token": csrf_token(client, "/track/case"),
                                              "address": "me@example.org", "understood": "y"}).status_code == 404
