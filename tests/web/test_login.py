"""Staff sign-in: password plus mandatory TOTP, lockout, sessions that really end."""
from __future__ import annotations

import time

import pyotp
import pytest

from complaints.extensions import db
from complaints.models import AuditEntry
from complaints.services import accounts
from tests.web.conftest import PASSWORD, csrf_token, fresh_code

NEUTRAL = "Sign-in failed. Check your user name, password and code."


def post_password(client, username, password=PASSWORD):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                       "username": username, "password": password})


def test_sign_in_with_a_valid_code(app, client, make_user, login):
    make_user("olivera", ["officer"])
    user, secret = make_user("olga", ["officer"])
    response = login(client, "olga", secret)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    assert client.get("/cases").status_code == 200


def test_sign_in_without_a_valid_code_fails_neutrally(app, client, make_user):
    make_user("olga", ["officer"])
    assert post_password(client, "olga").headers["Location"].endswith("/login/code")
    response = client.post("/login/code", data={"csrf_token": csrf_token(client, "/login/code"),
                                                "code": "000000"}, follow_redirects=True)
    assert NEUTRAL in response.get_data(as_text=True)
    assert client.get("/cases").status_code == 302  # still signed out


def test_the_same_message_for_unknown_user_wrong_password_and_wrong_code(app, client, make_user):
    make_user("olga", ["officer"])
    unknown = post_password(client, "nobody").get_data(as_text=True)
    wrong = post_password(client, "olga", "wrong password here").get_data(as_text=True)
    assert NEUTRAL in unknown and NEUTRAL in wrong
    assert unknown.count(NEUTRAL) == wrong.count(NEUTRAL) == 1


def test_a_code_is_accepted_once_only(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    first = app.test_client()
    assert login(first, "olga", secret).status_code == 302
    with app.app_context():
        used_step = accounts.find_user("olga").totp_last_step
    replayed = pyotp.TOTP(secret).at(used_step * 30)
    second = app.test_client()
    post_password(second, "olga")
    response = second.post("/login/code", data={"csrf_token": csrf_token(second, "/login/code"),
                                                "code": replayed}, follow_redirects=True)
    assert NEUTRAL in response.get_data(as_text=True)
    assert second.get("/cases").status_code == 302


def test_sign_in_never_enrols_an_authenticator(app, client, make_user):
    """Before, the first sign-in showed the QR code: whoever knew the password (the
    administrator who set it) enrolled the authenticator. Now only the invitation link does."""
    make_user("newbie", ["officer"], enrolled=False)
    response = post_password(client, "newbie")
    assert response.status_code == 401
    assert "not set up yet" in response.get_data(as_text=True)
    assert client.get("/login/enrol").status_code == 404
    assert client.get("/login/code").status_code == 302  # no half-signed-in session either
    with app.app_context():
        assert not accounts.find_user("newbie").totp_enrolled


def test_lockout_after_repeated_failures_with_back_off(app, client, make_user, login):
    user, secret = make_user("olga", ["officer"])
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_password(client, "olga", "wrong password here")
    with app.app_context():
        locked = accounts.find_user("olga")
        first_lock = locked.locked_until
        assert first_lock is not None
    # Even the right password is refused while locked, with the same neutral message.
    assert NEUTRAL in post_password(client, "olga").get_data(as_text=True)
    with app.app_context():
        user = accounts.find_user("olga")
        user.locked_until = None
        db.session.commit()
    post_password(client, "olga", "wrong again wrong")
    with app.app_context():
        second_lock = accounts.find_user("olga").locked_until
    assert (second_lock - first_lock).total_seconds() > 60  # doubled back-off
    with app.app_context():
        actions = {e.action for e in db.session.query(AuditEntry)}
    assert {"auth.login_failed", "auth.locked"} <= actions


def test_session_is_rotated_at_sign_in(app, client, make_user, login):
    user, secret = make_user("olga", ["officer"])
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    login(client, "olga", secret)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_every_session_of_the_user(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "olga", secret)
    login(phone, "olga", secret)
    assert phone.get("/cases").status_code == 200
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/cases")})
    assert laptop.get("/cases").status_code == 302
    assert phone.get("/cases").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    client = app.test_client()
    login(client, "olga", secret)
    with app.app_context():
        accounts.set_active(None, user.id, False)
    assert client.get("/cases").status_code == 302


def test_password_change_ends_sessions_and_needs_a_code(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    client, other = app.test_client(), app.test_client()
    login(client, "olga", secret)
    login(other, "olga", secret)
    new = "a different long passphrase"
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(client, "/account/password"), "current": PASSWORD,
        "new": new, "confirm": new, "code": fresh_code(app, "olga", secret)})
    assert response.status_code == 302
    assert other.get("/cases").status_code == 302
    assert login(app.test_client(), "olga", secret, password=new).status_code == 302


def test_idle_sessions_time_out(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    client = app.test_client()
    login(client, "olga", secret)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    assert client.get("/cases").status_code == 302


def test_csrf_is_enforced_on_the_login_form(client, make_user):
    make_user("olga", ["officer"])
    response = client.post("/login", data={"username": "olga", "password": PASSWORD})
    assert response.status_code == 400


def test_session_cookie_flags_on_sign_in(app, make_user, login):
    user, secret = make_user("olga", ["officer"])
    client = app.test_client()
    response = login(client, "olga", secret)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("complaints_session"))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.parametrize("password,problem", [
    ("short", "at least 12"), ("password1234", "too common"), ("olgaolgaolga1", "user name"),
])
def test_password_policy(app, password, problem):
    with app.app_context():
        with pytest.raises(accounts.AccountError, match=problem):
            accounts.provision_user("olga", password, ["officer"])


def test_no_password_or_code_in_the_audit_log(app, client, make_user):
    make_user("olga", ["officer"])
    post_password(client, "olga", "my secret attempt 123")
    with app.app_context():
        assert not any("my secret attempt" in e.detail for e in db.session.query(AuditEntry))
