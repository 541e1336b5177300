"""Sign-in under concurrency and lock-out abuse (issue 12), through real requests in threads,
each with its own database connection; on PostgreSQL with COMPLAINTS_TEST_DATABASE_URL.

Before: on PostgreSQL 30 wrong passwords at once left the failure counter at 3 and locked
nothing, a burst of 60 codes got 38 checked (limit 5), and one correct code was accepted 9
times. And five wrong passwords from anyone locked a case handler out for an hour.
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from complaints.extensions import db
from complaints.models import AuditEntry
from complaints.services import accounts
from tests.web.conftest import PASSWORD, csrf_token, fresh_code

WRONG = "a wrong password guess"


def at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; their results in a list."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def clients_with_session(app, source_client, count):
    """``count`` clients sharing the signed session cookie of ``source_client``."""
    with source_client.session_transaction() as saved:
        values = dict(saved)
    clients = []
    for _ in range(count):
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(values)
        clients.append(client)
    return clients


def failure_reasons(app):
    import json

    with app.app_context():
        return Counter(json.loads(e.detail or "{}").get("reason")
                       for e in db.session.query(AuditEntry).filter_by(action="auth.login_failed"))


@pytest.fixture()
def no_address_limit(app):
    app.config["RATELIMIT_ENABLED"] = False  # the account's own counting is under test here
    from complaints.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True


def post_password(client, token, username="olga", password=WRONG):
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def test_thirty_wrong_passwords_at_once_are_all_counted(app, make_user, no_address_limit):
    make_user("olga", ["officer"])
    clients = [app.test_client() for _ in range(30)]
    tokens = [csrf_token(c, "/login") for c in clients]
    statuses = at_once(30, lambda i: post_password(clients[i], tokens[i]).status_code)
    assert set(statuses) == {401}
    threshold = app.config["LOCKOUT_THRESHOLD"]
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.failed_logins == threshold and user.locked_until is not None
    reasons = failure_reasons(app)
    assert reasons["password"] == threshold  # only these were checked...
    assert reasons["locked"] == 30 - threshold  # ...the rest refused without a check


def pending_code_session(app, username="olga"):
    client = app.test_client()
    response = post_password(client, csrf_token(client, "/login"), username, PASSWORD)
    assert response.headers["Location"].endswith("/login/code")
    return client, csrf_token(client, "/login/code")


def test_a_burst_of_sixty_codes_gets_only_five_checked(app, make_user, no_address_limit):
    make_user("olga", ["officer"])
    source, token = pending_code_session(app)
    clients = clients_with_session(app, source, 60)
    codes = [f"{(i * 7919) % 1000000:06d}" for i in range(60)]
    at_once(60, lambda i: clients[i].post("/login/code", data={"csrf_token": token, "code": codes[i]}))
    reasons = failure_reasons(app)
    assert reasons["code"] <= app.config["LOCKOUT_THRESHOLD"], reasons
    assert reasons["code"] + reasons["code_after_lock"] == 60


def test_one_correct_code_sent_nine_times_at_once_is_accepted_once(app, make_user, no_address_limit):
    _, secret = make_user("olga", ["officer"])
    source, token = pending_code_session(app)
    clients = clients_with_session(app, source, 9)
    code = fresh_code(app, "olga", secret)
    statuses = at_once(9, lambda i: clients[i].post(
        "/login/code", data={"csrf_token": token, "code": code}).headers.get("Location", ""))
    signed_in = [location for location in statuses if "/login" not in location]
    assert len(signed_in) == 1, statuses
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="auth.login").count() == 1


# --- lock-out abuse ----------------------------------------------------------------------


def known_browser(app, login, username, secret):
    """A browser where the person signed in before: it holds their device token."""
    client = app.test_client()
    assert login(client, username, secret).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    return client


def test_a_colleague_cannot_lock_a_case_handler_out(app, make_user, login):
    _, secret = make_user("olga", ["officer"])
    olga = known_browser(app, login, "olga", secret)
    attacker = app.test_client()
    for _ in range(40):  # far past the back-off and the per-address limit of 10 a minute
        post_password(attacker, csrf_token(attacker, "/login"))
    with app.app_context():
        assert accounts.find_user("olga").locked_until is not None  # unknown browsers wait
    # Olga, from the same address, on the browser she always uses, signs in at once.
    assert login(olga, "olga", secret).status_code == 302
    assert olga.get("/cases").status_code == 200


def test_unknown_browsers_still_wait_so_guessing_stays_slow(app, make_user, login):
    make_user("olga", ["officer"])
    attacker = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_password(attacker, csrf_token(attacker, "/login"))
    fresh = app.test_client()
    response = post_password(fresh, csrf_token(fresh, "/login"), password=PASSWORD)
    assert response.status_code == 401  # even the right password waits on an unknown browser


def test_a_stolen_device_token_has_its_own_small_budget(app, make_user, login):
    _, secret = make_user("olga", ["officer"])
    thief = known_browser(app, login, "olga", secret)
    for _ in range(30):
        post_password(thief, csrf_token(thief, "/login"))
    # Ten on the browser's own budget, then counted like any unknown browser, then held back.
    assert failure_reasons(app)["password"] == 10 + app.config["LOCKOUT_THRESHOLD"]
    response = post_password(thief, csrf_token(thief, "/login"), password=PASSWORD)
    assert response.status_code in (401, 429)  # held back, or throttled by address


def test_a_device_token_ends_with_a_password_change(app, make_user, login):
    _, secret = make_user("olga", ["officer"])
    olga = known_browser(app, login, "olga", secret)
    with app.app_context():
        accounts.change_password(accounts.find_user("olga").id, PASSWORD, "a brand new long passphrase")
    attacker = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_password(attacker, csrf_token(attacker, "/login"))
    response = post_password(olga, csrf_token(olga, "/login"), password="a brand new long passphrase")
    assert response.status_code == 401
