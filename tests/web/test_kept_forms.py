"""A staff form sent after the session timed out is kept and put back after signing in again
(views/kept_forms.py, services/kept_forms.py), and the promises around it hold: only for the
same person, only from our own pages, never a password, never readable from the database or
the cookie alone, gone once sent, discarded or expired."""
from __future__ import annotations

import base64
import html
import time
import uuid
from datetime import timedelta

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import KeptForm, Message
from complaints.services import kept_forms
from tests.factories import assign, make_case
from tests.web.conftest import PASSWORD, csrf_token

OURS = {"Sec-Fetch-Site": "same-origin"}
CANARY = "Kept text CANARY-kept-3c9e about the shift plan"


def officer_with_case(app, staff_client, username="olga"):  # type: ignore[no-untyped-def]
    client, user = staff_client("officer", username=username)
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.merge(user), "intake")
        return client, user, case.id


def time_out(client, app) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5


def send_message_late(client, app, case_id, headers=OURS, body=CANARY):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/cases/{case_id}")
    time_out(client, app)
    return client.post(f"/cases/{case_id}/notes", headers=headers,
                       data={"note-csrf_token": token, "note-body": body})


def sign_in_again(app, client, login, username="olga"):  # type: ignore[no-untyped-def]
    from complaints.services import accounts

    with app.app_context():
        secret = accounts.totp_secret(accounts.find_user(username))
    return login(client, username, secret)


def kept_rows(app) -> list[KeptForm]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.execute(select(KeptForm)).scalars())


def test_a_message_sent_after_the_time_out_is_put_back_after_signing_in(app, staff_client, login) -> None:
    client, user, case_id = officer_with_case(app, staff_client)
    response = send_message_late(client, app, case_id)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = html.unescape(client.get("/login").get_data(as_text=True))
    assert "What you were sending is kept" in page
    (row,) = kept_rows(app)
    assert row.user_id == user.id and row.action == f"/cases/{case_id}/notes"

    signed_in = sign_in_again(app, client, login)
    assert signed_in.headers["Location"] == "/continue"
    page = client.get("/continue").get_data(as_text=True)
    assert CANARY in page and f'action="/cases/{case_id}/notes"' in page  # an internal note again

    sent = client.post(f"/cases/{case_id}/notes", headers=OURS,
                       data={"note-csrf_token": csrf_token(client, "/continue"), "note-body": CANARY})
    assert sent.status_code == 302
    assert kept_rows(app) == []
    assert "complaints_kept=;" in " ".join(sent.headers.getlist("Set-Cookie"))
    with app.app_context():
        assert db.session.execute(select(Message).where(Message.case_id == case_id)).scalar_one().internal


def test_the_text_is_readable_neither_from_the_database_nor_from_the_cookies(app, staff_client) -> None:
    client, _, case_id = officer_with_case(app, staff_client)
    response = send_message_late(client, app, case_id)
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    kept_cookie = client.get_cookie("complaints_kept")
    assert kept_cookie is not None
    assert "HttpOnly" in cookies and "SameSite=Strict" in cookies
    (row,) = kept_rows(app)
    assert b"CANARY" not in row.fields_enc
    assert "CANARY" not in kept_cookie.value  # an id and a key
    session = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("complaints_session").value)
    assert "CANARY" not in repr(session)
    # The key is in the browser only: the row can't be opened without it.
    with app.app_context():
        assert kept_forms.restore(row.user_id, row.id, b"\x00" * 32) is None


def test_someone_else_signing_in_on_that_browser_never_sees_it(app, staff_client, make_user, login) -> None:
    client, _, case_id = officer_with_case(app, staff_client)
    send_message_late(client, app, case_id)
    _, secret = make_user("petar", ["officer"])
    response = login(client, "petar", secret)
    assert response.headers["Location"] != "/continue"
    page = client.get("/continue", follow_redirects=True).get_data(as_text=True)
    assert CANARY not in page
    assert len(kept_rows(app)) == 1  # still there for the person who wrote it


def test_a_planted_kept_cookie_opens_nothing_for_its_victim(app, staff_client, make_user, login) -> None:
    attacker, _, case_id = officer_with_case(app, staff_client, username="mallory")
    send_message_late(attacker, app, case_id, body="Pre-filled by the attacker")
    planted = attacker.get_cookie("complaints_kept").value
    _, secret = make_user("victim", ["officer"])
    victim = app.test_client()
    victim.set_cookie("complaints_kept", planted)
    assert login(victim, "victim", secret).headers["Location"] != "/continue"
    assert "Pre-filled" not in victim.get("/continue", follow_redirects=True).get_data(as_text=True)


def test_nothing_is_kept_from_another_site_or_a_browser_that_does_not_say(app, staff_client) -> None:
    client, _, case_id = officer_with_case(app, staff_client)
    send_message_late(client, app, case_id, headers={})
    assert kept_rows(app) == []
    client2, _, case2 = officer_with_case(app, staff_client, username="ana")
    assert send_message_late(client2, app, case2, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert kept_rows(app) == []


def test_passwords_and_codes_are_never_kept(app, staff_client) -> None:
    admin, _ = staff_client("admin")
    token = csrf_token(admin, "/admin/accounts/new")
    time_out(admin, app)
    admin.post("/admin/accounts/new", headers=OURS, data={
        "csrf_token": token, "username": "new.person", "display_name": "New Person",
        "roles": "officer", "password": "secret initial passphrase", "confirm": "secret initial passphrase"})
    (row,) = kept_rows(app)
    key = base64.urlsafe_b64decode(admin.get_cookie("complaints_kept").value.split(".", 1)[1])
    with app.app_context():
        kept = kept_forms.restore(row.user_id, row.id, key)
    names = [name for name, _ in kept.fields]
    assert "password" not in names and "confirm" not in names and "csrf_token" not in names
    assert ("display_name", "New Person") in kept.fields

    officer, user = staff_client("officer", username="changes.password")
    token = csrf_token(officer, "/account/password")
    time_out(officer, app)
    officer.post("/account/password", headers=OURS, data={"csrf_token": token, "current": PASSWORD,
                                                          "new": "another long passphrase",
                                                          "confirm": "another long passphrase",
                                                          "code": "123456"})
    assert [r.user_id for r in kept_rows(app)] == [row.user_id]  # nothing for the sign-in forms


def test_a_one_click_action_is_never_kept_or_replayed(app, staff_client) -> None:
    client, _, case_id = officer_with_case(app, staff_client)
    token = csrf_token(client, f"/cases/{case_id}")
    time_out(client, app)
    client.post(f"/cases/{case_id}/recuse", headers=OURS, data={"csrf_token": token})
    assert kept_rows(app) == []


def test_a_kept_form_expires(app, staff_client, login) -> None:
    client, user, case_id = officer_with_case(app, staff_client)
    send_message_late(client, app, case_id)
    with app.app_context():
        row = db.session.execute(select(KeptForm)).scalar_one()
        row.expires_at = row.kept_at - timedelta(seconds=1)
        db.session.commit()
    assert sign_in_again(app, client, login).headers["Location"] != "/continue"
    assert CANARY not in client.get("/continue", follow_redirects=True).get_data(as_text=True)


def test_discarding_forgets_it(app, staff_client, login) -> None:
    client, user, case_id = officer_with_case(app, staff_client)
    send_message_late(client, app, case_id)
    sign_in_again(app, client, login)
    response = client.post("/continue/discard", headers=OURS, data={"csrf_token": csrf_token(client, "/continue")})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case_id}"
    assert kept_rows(app) == []


def test_a_page_opened_before_the_last_sign_in_brings_its_text_to_continue(app, staff_client, login) -> None:
    client, user, case_id = officer_with_case(app, staff_client)
    old_token = csrf_token(client, f"/cases/{case_id}")
    client.post("/logout", data={"csrf_token": old_token})
    sign_in_again(app, client, login)  # e.g. in another window
    response = client.post(f"/cases/{case_id}/messages", headers=OURS,
                           data={"csrf_token": old_token, "body": CANARY})
    assert response.status_code == 302 and response.headers["Location"] == "/continue"
    assert CANARY in client.get("/continue").get_data(as_text=True)


def test_a_refused_form_without_a_session_shows_what_was_typed_only_to_our_pages(app, staff_client) -> None:
    client, _, case_id = officer_with_case(app, staff_client)
    stranger = app.test_client()  # a restarted browser: no session cookie
    for headers, shown in ((OURS, True), ({}, False)):
        response = stranger.post(f"/cases/{case_id}/messages", headers=headers,
                                 data={"csrf_token": "stale", "body": CANARY})
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400 and "This form has expired" in page
        assert (CANARY in page) is shown
    response = stranger.post("/login", headers=OURS, data={"csrf_token": "stale", "username": "olga",
                                                          "password": "never shown back"})
    assert "never shown back" not in response.get_data(as_text=True)


def test_only_its_owner_can_forget_or_open_it(app, staff_client, make_user) -> None:
    client, user, case_id = officer_with_case(app, staff_client)
    send_message_late(client, app, case_id)
    other, _ = make_user("petar", ["officer"])
    (row,) = kept_rows(app)
    key = base64.urlsafe_b64decode(client.get_cookie("complaints_kept").value.split(".", 1)[1])
    with app.app_context():
        assert kept_forms.forget(user.id, uuid.uuid4()) is False
        assert kept_forms.forget(other.id, row.id) is False
        assert kept_forms.restore(other.id, row.id, key) is None
        assert kept_forms.restore(user.id, row.id, key).fields[0] == ("note-body", CANARY)


def test_a_receipt_is_never_shown_back_on_the_expired_page(app) -> None:
    stranger = app.test_client()
    response = stranger.post("/track", headers=OURS, data={"csrf_token": "stale",
                                                          "receipt": "7F3K 9QX2 M4TD 8WHC 2N5P"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "7F3K" not in page
