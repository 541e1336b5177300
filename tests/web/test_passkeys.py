"""Passkeys (WebAuthn) as a second factor, tested with a software authenticator that signs
with its own keys, as an attacker would try them: replays, another site, another person's
passkey, a cloned key, and removing the last factor."""
from __future__ import annotations

import json

import pytest

from complaints.extensions import db
from complaints.models import AuditEntry, Passkey
from complaints.services import accounts
from tests.softauthn import SoftAuthenticator
from tests.web.conftest import PASSWORD, csrf_token

ORIGIN = "http://localhost"


def json_post(client, url, body, token):
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": token})


def add_passkey(client, key=None, name="work key"):
    key = key or SoftAuthenticator(ORIGIN)
    token = csrf_token(client, "/account/security")
    options = json_post(client, "/account/passkeys/options", {}, token).get_json()
    response = json_post(client, "/account/passkeys", {"credential": key.register(options), "name": name}, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return key


def password_step(client, username="olga"):
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "username": username, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    return csrf_token(client, "/login/code")


def passkey_step(client, key, token, **kwargs):
    options = json_post(client, "/login/passkey/options", {}, token).get_json()
    credential = key.sign_in(options, **kwargs)
    return json_post(client, "/login/passkey", {"credential": credential}, token), credential


@pytest.fixture()
def olga(staff_client):
    return staff_client("officer", username="olga")


def test_add_a_passkey_and_sign_in_with_it_instead_of_the_code(app, olga):
    client, user = olga
    key = add_passkey(client)
    page = client.get("/account/security").get_data(as_text=True)
    assert "work key" in page
    browser = app.test_client()
    token = password_step(browser)
    code_page = browser.get("/login/code").get_data(as_text=True)
    assert "Use my passkey" in code_page and 'name="code"' in code_page  # both ways offered
    response, _ = passkey_step(browser, key, token)
    assert response.status_code == 200 and response.get_json()["redirect"].endswith("/cases")
    assert "complaints_device=" in " ".join(response.headers.getlist("Set-Cookie"))
    assert browser.get("/cases").status_code == 200
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="account.passkey_added").count() == 1


def test_a_replayed_answer_is_refused(app, olga):
    client, _ = olga
    key = add_passkey(client)
    first = app.test_client()
    token = password_step(first)
    response, credential = passkey_step(first, key, token)
    assert response.status_code == 200
    second = app.test_client()
    token = password_step(second)
    replay = json_post(second, "/login/passkey", {"credential": credential}, token)
    assert replay.status_code == 400 and second.get("/cases").status_code == 302


def test_an_answer_made_for_another_site_is_refused(app, olga):
    client, _ = olga
    key = add_passkey(client)
    browser = app.test_client()
    token = password_step(browser)
    response, _ = passkey_step(browser, key, token, origin="https://complaints-login.example")
    assert response.status_code == 400
    response, _ = passkey_step(browser, key, token, rp_id="complaints-login.example")
    assert response.status_code == 400 and browser.get("/cases").status_code == 302


def test_someone_elses_passkey_does_not_sign_me_in(app, olga, staff_client):
    client, _ = olga
    add_passkey(client)
    mallory_client, _ = staff_client("officer", username="mallory")
    mallory_key = add_passkey(mallory_client)
    browser = app.test_client()
    token = password_step(browser, "olga")
    response, _ = passkey_step(browser, mallory_key, token)
    assert response.status_code == 400 and browser.get("/cases").status_code == 302


def test_a_cloned_passkey_is_refused(app, olga):
    client, _ = olga
    key = add_passkey(client)
    browser = app.test_client()
    assert passkey_step(browser, key, password_step(browser))[0].status_code == 200
    key.sign_count -= 1  # a copy of the key that never saw the last sign-in
    browser = app.test_client()
    assert passkey_step(browser, key, password_step(browser))[0].status_code == 400


def test_passkey_failures_count_like_wrong_codes(app, olga):
    client, _ = olga
    key = add_passkey(client)
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        browser = app.test_client()
        passkey_step(browser, key, password_step(browser), origin="https://phish.example")
    with app.app_context():
        assert accounts.find_user("olga").locked_until is not None


def test_passkeys_instead_of_the_app_but_never_without_a_second_factor(app, olga):
    client, _ = olga
    token = csrf_token(client, "/account/security")
    refused = client.post("/account/authenticator/off", data={"csrf_token": token, "password": PASSWORD},
                          follow_redirects=True)
    assert "Add a passkey first" in refused.get_data(as_text=True)
    key = add_passkey(client)
    wrong = client.post("/account/authenticator/off", data={"csrf_token": token, "password": "not mine at all"},
                        follow_redirects=True)
    assert "not right" in wrong.get_data(as_text=True)
    client.post("/account/authenticator/off", data={"csrf_token": token, "password": PASSWORD})
    with app.app_context():
        user = accounts.find_user("olga")
        assert not user.totp_enrolled and not user.totp_secret_enc
        passkey_id = db.session.query(Passkey).one().id
    response = client.post(f"/account/passkeys/{passkey_id}/remove", data={"csrf_token": token},
                           follow_redirects=True)
    assert "only second factor" in response.get_data(as_text=True)
    browser = app.test_client()
    token = password_step(browser)
    page = browser.get("/login/code").get_data(as_text=True)
    assert 'name="code"' not in page and "Use my passkey" in page
    assert passkey_step(browser, key, token)[0].status_code == 200


def test_a_registration_answer_is_used_once(app, olga):
    client, _ = olga
    key = SoftAuthenticator(ORIGIN)
    token = csrf_token(client, "/account/security")
    options = json_post(client, "/account/passkeys/options", {}, token).get_json()
    credential = key.register(options)
    assert json_post(client, "/account/passkeys", {"credential": credential}, token).status_code == 200
    other = SoftAuthenticator(ORIGIN)
    forged = other.register(options)
    assert json_post(client, "/account/passkeys", {"credential": forged}, token).status_code == 400


@pytest.mark.parametrize("body", [{}, {"credential": None}, {"credential": "x" * 20000},
                                  {"credential": {"response": {"clientDataJSON": "!!"}}}])
def test_malformed_answers_are_refused_clearly(app, olga, body):
    client, _ = olga
    token = csrf_token(client, "/account/security")
    json_post(client, "/account/passkeys/options", {}, token)
    response = json_post(client, "/account/passkeys", body, token)
    assert response.status_code == 400 and response.get_json()["error"]


def test_the_json_endpoints_need_the_csrf_token(app, olga):
    client, _ = olga
    response = client.post("/account/passkeys/options", data="{}", content_type="application/json")
    assert response.status_code == 400
