"""Session fixation and replay: a cookie an attacker planted before sign-in (or before the
receipt was entered) never becomes the victim's session; a forged or replayed cookie opens
nothing."""
from __future__ import annotations

from tests.web.conftest import PASSWORD, csrf_token
from tests.web.test_track import filed, open_case

COOKIE = "complaints_session"


def cookie_of(client) -> str:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else ""


def test_a_planted_staff_cookie_is_not_signed_in_by_the_victim(app, make_user, login):
    _, secret = make_user("victim", ["officer"])
    attacker = app.test_client()
    attacker.get("/login")
    planted = cookie_of(attacker)
    assert planted

    victim = app.test_client()
    victim.set_cookie(COOKIE, planted)
    assert login(victim, "victim", secret).status_code == 302
    assert victim.get("/cases").status_code == 200
    assert cookie_of(victim) != planted  # a new session at sign-in

    # The attacker still holds the planted cookie: it opens nothing.
    attacker.set_cookie(COOKIE, planted)
    assert attacker.get("/cases").status_code == 302
    assert "/login" in attacker.get("/cases").headers["Location"]


def test_a_half_signed_in_cookie_cannot_skip_the_code(app, make_user):
    # After the password step the session waits for the code; replaying it elsewhere
    # without a code gets nowhere.
    make_user("victim", ["officer"])
    victim = app.test_client()
    victim.post("/login", data={"csrf_token": csrf_token(victim, "/login"), "username": "victim",
                                "password": PASSWORD})
    stolen = cookie_of(victim)
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/cases").status_code == 302


def test_a_signed_in_cookie_replayed_after_sign_out_is_refused(app, make_user, login):
    _, secret = make_user("victim", ["officer"])
    victim = app.test_client()
    login(victim, "victim", secret)
    stolen = cookie_of(victim)
    victim.post("/logout", data={"csrf_token": csrf_token(victim, "/cases")})
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/cases").status_code == 302


def test_a_forged_cookie_is_ignored(app, make_user, login):
    _, secret = make_user("victim", ["officer"])
    victim = app.test_client()
    login(victim, "victim", secret)
    payload, _, signature = cookie_of(victim).partition(".")
    forged = app.test_client()
    forged.set_cookie(COOKIE, payload + "." + signature[::-1])
    assert forged.get("/cases").status_code == 302


def test_a_planted_cookie_never_carries_the_complainants_case(app, client):
    receipt = filed(client)
    attacker = app.test_client()
    attacker.get("/track")
    planted = cookie_of(attacker)

    victim = app.test_client()
    victim.set_cookie(COOKIE, planted)
    assert open_case(victim, receipt).status_code == 302
    assert victim.get("/track/case").status_code == 200
    assert cookie_of(victim) != planted

    attacker.set_cookie(COOKIE, planted)
    response = attacker.get("/track/case")
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")


def test_a_receipt_session_is_not_a_staff_session(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    for path in ("/cases", "/register", "/audit", "/admin/accounts"):
        assert client.get(path).status_code == 302  # to sign-in, nothing shown
