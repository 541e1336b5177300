"""One-time links: invitations and resets. The person sets their own password and
authenticator; the administrator who made the link sees neither (issue 12)."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pyotp
import pytest

from complaints import auth
from complaints.extensions import db
from complaints.models import AccountLink, AuditEntry, Passkey, RoleGrant
from complaints.services import accounts
from tests.web.conftest import PASSWORD, csrf_token

NEW_PASSWORD = "my own quiet harbour lantern"


@pytest.fixture()
def admins(staff_client):
    return staff_client("admin", username="first_admin"), staff_client("admin", username="second_admin")


def invite(client, username="olga", roles=("officer",)):
    response = client.post("/admin/accounts/new", data={
        "csrf_token": csrf_token(client, "/admin/accounts/new"), "username": username,
        "display_name": username.title(), "email": "", "unit_id": "0", "roles": list(roles)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r"(/welcome\?t=[\w-]+)", response.get_data(as_text=True)).group(1)


def open_link(client, link):
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    page = client.get("/welcome").get_data(as_text=True)
    secret = re.search(r'class="mono secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return page, secret


def finish(client, secret, password=NEW_PASSWORD, code=None):
    return client.post("/welcome", data={
        "csrf_token": csrf_token(client, "/welcome"), "password": password, "confirm": password,
        "code": code or pyotp.TOTP(secret).now()})


def test_the_invited_person_sets_their_own_password_and_authenticator(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    page, secret = open_link(person, link)
    assert "<svg" in page and "olga" in page
    response = finish(person, secret)
    assert response.status_code == 302
    assert person.get("/account/password").status_code == 200  # signed in
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.totp_enrolled and auth.verify_password(user.password_hash, NEW_PASSWORD, True)
        stored = db.session.query(AccountLink).filter_by(user_id=user.id).one()
        assert stored.used_at is not None and stored.totp_secret_enc is None
        token = link.split("t=")[1]
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        # Nothing in the audit log holds the password, the secret or the token.
        details = " ".join(e.detail for e in db.session.query(AuditEntry))
        assert NEW_PASSWORD not in details and secret not in details and token not in details
    # The administrator's pages never show the password, the secret or the link again.
    for path in ("/admin/accounts", f"/admin/accounts/{user.id}"):
        text = admin.get(path).get_data(as_text=True)
        assert secret not in text and token not in text and "otpauth" not in text


def test_a_link_works_once(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    _, secret = open_link(person, link)
    finish(person, secret)
    again = app.test_client()
    response = again.get(link)
    assert response.status_code == 410 and "can no longer be used" in response.get_data(as_text=True)


def test_an_expired_link_is_refused(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    with app.app_context():
        row = db.session.query(AccountLink).one()
        row.expires_at = auth.utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(link).status_code == 410


def test_a_link_that_expires_while_the_page_is_open_is_refused(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    _, secret = open_link(person, link)
    token = csrf_token(person, "/welcome")
    with app.app_context():
        row = db.session.query(AccountLink).one()
        row.expires_at = auth.utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = person.post("/welcome", data={"csrf_token": token, "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 410
    with app.app_context():
        assert not accounts.find_user("olga").totp_enrolled


def test_a_newer_link_replaces_the_older_one(app, admins):
    (admin, _), _ = admins
    first = invite(admin)
    with app.app_context():
        user_id = accounts.find_user("olga").id
    response = admin.post(f"/admin/accounts/{user_id}/invite",
                          data={"csrf_token": csrf_token(admin, f"/admin/accounts/{user_id}")})
    second = re.search(r"(/welcome\?t=[\w-]+)", response.get_data(as_text=True)).group(1)
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 302


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 5000, "%00", "../../etc"])
def test_made_up_tokens_are_refused_in_bounded_time(client, token):
    assert client.get("/welcome", query_string={"t": token}).status_code == 410


def test_a_wrong_code_keeps_the_link_and_says_why(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    _, secret = open_link(person, link)
    response = finish(person, secret, code="000000")
    assert response.status_code == 400 and "code is not right" in response.get_data(as_text=True)
    response = finish(person, secret, password="short", code=pyotp.TOTP(secret).now())
    assert response.status_code == 400 and "at least 12" in response.get_data(as_text=True)
    assert finish(person, secret).status_code == 302  # the link still works


def test_the_same_secret_survives_a_reload(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    _, secret = open_link(person, link)
    page = person.get("/welcome").get_data(as_text=True)
    assert secret in page.replace(" ", "")


def test_two_submissions_at_once_use_the_link_once(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    person = app.test_client()
    _, secret = open_link(person, link)
    token = csrf_token(person, "/welcome")
    with person.session_transaction() as saved:
        cookie_session = dict(saved)
    results = []

    def submit(password):
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(cookie_session)
        results.append(client.post("/welcome", data={
            "csrf_token": token, "password": password, "confirm": password,
            "code": pyotp.TOTP(secret).now()}).status_code)

    threads = [threading.Thread(target=submit, args=(f"racing password number {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(302) == 1, results
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="account.invite_used").count() == 1


def test_a_reset_replaces_every_credential_and_puts_case_roles_back_to_approval(app, admins, make_user, login):
    (admin, admin_user), (second, _) = admins
    olga, old_secret = make_user("olga", ["officer", "gem"])
    with app.app_context():
        db.session.add(Passkey(user_id=olga.id, credential_id=b"old-key", public_key=b"k", name="old"))
        db.session.commit()
    response = admin.post(f"/admin/accounts/{olga.id}/reset", data={
        "csrf_token": csrf_token(admin, f"/admin/accounts/{olga.id}"), "confirmed": "yes"})
    link = re.search(r"(/welcome\?t=[\w-]+)", response.get_data(as_text=True)).group(1)
    # Until the link is used, nothing changes for Olga.
    assert login(app.test_client(), "olga", old_secret).status_code == 302
    person = app.test_client()
    page, secret = open_link(person, link)
    assert "Set up your sign-in again" in page
    assert finish(person, secret).status_code == 302
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.roles == {"gem"}
        assert db.session.query(Passkey).filter_by(user_id=user.id).count() == 0
        [grant] = db.session.query(RoleGrant).filter_by(user_id=user.id, outcome="").all()
        assert grant.role == "officer" and grant.requested_by_id == admin_user.id
    # The old password no longer works; the administrator who made the link can't approve.
    token = csrf_token(app.test_client(), "/login")
    stranger = app.test_client()
    assert stranger.post("/login", data={"csrf_token": csrf_token(stranger, "/login"),
                                         "username": "olga", "password": PASSWORD}).status_code == 401
    refused = admin.post(f"/admin/grants/{grant.id}/approve", data={"csrf_token": csrf_token(admin, "/admin/accounts")},
                         follow_redirects=True)
    assert "second administrator must approve" in refused.get_data(as_text=True)
    second.post(f"/admin/grants/{grant.id}/approve", data={"csrf_token": csrf_token(second, "/admin/accounts")})
    with app.app_context():
        assert accounts.find_user("olga").roles == {"gem", "officer"}
    del token


def test_reset_asks_first_and_nobody_resets_themselves(app, admins):
    (admin, me), _ = admins
    token = csrf_token(admin, f"/admin/accounts/{me.id}")
    response = admin.post(f"/admin/accounts/{me.id}/reset", data={"csrf_token": token})
    assert response.headers["Location"].endswith(f"/admin/accounts/{me.id}/reset")
    response = admin.post(f"/admin/accounts/{me.id}/reset", data={"csrf_token": token, "confirmed": "yes"},
                          follow_redirects=True)
    assert "reset your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AccountLink).count() == 0


def test_a_disabled_account_cannot_use_its_link(app, admins):
    (admin, _), _ = admins
    link = invite(admin)
    with app.app_context():
        user = accounts.find_user("olga")
        accounts.set_active(None, user.id, False)
    person = app.test_client()
    _, secret = open_link(person, link)
    response = finish(person, secret)
    assert response.status_code == 400 and "disabled" in response.get_data(as_text=True)
