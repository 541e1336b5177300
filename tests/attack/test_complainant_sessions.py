"""Complainant sessions the server controls (issue 12): an attacker holding the secret key file
forges cookies; a cookie kept after "close my case on this device" is replayed; the receipt
is looked for in the cookie. None of it opens a case or shows a receipt."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import select

from complaints import create_app
from complaints.config import SettingsError
from complaints.extensions import db
from complaints.models import AuditEntry, Case
from tests.web.conftest import csrf_token
from tests.web.test_report import receipt_in, report_data
from tests.web.test_track import filed, open_case

COOKIE = "complaints_session"


def forged_cookie(app, payload: dict) -> str:
    """A session cookie signed with the app's secret key, as whoever stole the key file makes."""
    return app.session_interface.get_signing_serializer(app).dumps(payload)


def session_of(app, client) -> dict:
    cookie = client.get_cookie(COOKIE)
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_a_cookie_forged_with_the_secret_key_opens_no_case(app, client):
    filed(client)
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
        entries_before = db.session.execute(select(AuditEntry.seq)).scalars().all()
    attacker = app.test_client()
    for payload in ({"track_case": str(case_id)},
                    {"track_case": str(case_id), "track_seen": 9_999_999_999},
                    {"track": "a-guessed-token"}, {"track": str(case_id)}):
        attacker.set_cookie(COOKIE, forged_cookie(app, payload))
        response = attacker.get("/track/case")
        assert response.status_code == 302 and response.headers["Location"].endswith("/track")
        assert attacker.post("/track/message", data={"csrf_token": csrf_token(attacker, "/track"),
                                                     "body": "forged"}).status_code in (200, 302)
    with app.app_context():
        new = db.session.execute(select(AuditEntry).where(AuditEntry.seq.not_in(entries_before))).scalars().all()
        assert not [e for e in new if e.actor == "complainant"]  # nothing done "as the complainant"
        assert db.session.execute(select(Case)).scalar_one().state == "submitted"


def test_closing_on_a_device_revokes_the_cookie_everywhere(app, client):
    receipt = filed(client)
    assert open_case(client, receipt).status_code == 302
    kept = client.get_cookie(COOKIE).value  # copied before closing (a second tab, a thief)
    assert client.get("/track/case").status_code == 200
    client.post("/track/close", data={"csrf_token": csrf_token(client, "/track/case")})
    thief = app.test_client()
    thief.set_cookie(COOKIE, kept)
    response = thief.get("/track/case")
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")


def test_the_receipt_is_never_in_the_cookie_and_is_shown_once(app, client):
    response = client.post("/report", data=report_data(client))
    assert response.status_code == 302
    cookie = client.get_cookie(COOKIE).value
    stored = session_of(app, client)
    page = client.get("/report/sent").get_data(as_text=True)
    receipt = receipt_in(page)
    assert receipt
    compact = receipt.replace("-", "")
    assert receipt not in str(stored) and compact not in str(stored)
    # The cookie as it was before the receipt page, replayed: the receipt is gone.
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    again = replay.get("/report/sent")
    assert again.status_code == 302 and receipt not in again.get_data(as_text=True)
    with app.app_context():  # nothing left in the database that shows it either
        from complaints.models import ReceiptHandoff

        assert db.session.execute(select(ReceiptHandoff.receipt_enc)).scalars().all() == [None]


def test_a_stolen_database_row_does_not_show_the_waiting_receipt(app, client):
    from complaints.models import ReceiptHandoff

    client.post("/report", data=report_data(client))
    with app.app_context():
        row = db.session.execute(select(ReceiptHandoff)).scalar_one()
        blob = row.receipt_enc
    receipt = receipt_in(client.get("/report/sent").get_data(as_text=True))
    assert receipt and receipt.encode() not in blob and receipt.replace("-", "").encode() not in blob


def test_sessions_of_two_devices_are_separate(app, client):
    receipt = filed(client)
    phone, laptop = app.test_client(), app.test_client()
    open_case(phone, receipt)
    open_case(laptop, receipt)
    phone.post("/track/close", data={"csrf_token": csrf_token(phone, "/track/case")})
    assert phone.get("/track/case").status_code == 302
    assert laptop.get("/track/case").status_code == 200


def test_a_readable_secret_key_file_stops_the_app(tmp_path, app_config):
    instance = tmp_path / "other-instance"
    instance.mkdir()
    secret = instance / "secret_key"
    secret.write_text(uuid.uuid4().hex)
    os.chmod(secret, 0o644)
    config = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    config["INSTANCE"] = str(instance)
    with pytest.raises(SettingsError, match="chmod 600"):
        create_app(config)
    os.chmod(secret, 0o600)
    assert create_app(config).config["SECRET_KEY"]
