"""The time limits through real requests (views/time_limits.py): what the pages say about
them, the renew endpoints behind "More time", the second sign-in step running out, and
how long a signed session cookie opens anything at all."""
from __future__ import annotations

import html
import re
import time
from unittest import mock

from itsdangerous import TimestampSigner

from tests.web.conftest import PASSWORD, csrf_token, fresh_code


def signed_earlier(app, client, seconds: int) -> None:  # type: ignore[no-untyped-def]
    """The session cookie, as if it had been signed ``seconds`` ago."""
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(client.get_cookie("complaints_session").value)
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=int(time.time()) - seconds):
        client.set_cookie("complaints_session", serializer.dumps(data))


def limit_of(page: str) -> dict[str, str]:
    main = re.search(r"<main [^>]*>", page).group(0)
    return {name: html.unescape(value) for name, value in re.findall(r'data-time-limit-(\w+)="([^"]*)"', main)}


def password_step(client, username: str = "olga"):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": username,
                                       "password": PASSWORD})


# --- staff sessions ---------------------------------------------------------------------------


def test_staff_pages_carry_their_idle_limit_and_say_it_in_words(staff_client) -> None:
    client, _ = staff_client("officer")
    page = client.get("/cases").get_data(as_text=True)
    assert limit_of(page)["seconds"] == "1800" and limit_of(page)["renew"] == "/session/renew"
    assert "signed out in 2 minutes" in limit_of(page)["warning"]
    assert "30 minutes without activity" in html.unescape(re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1))


def test_public_pages_have_no_time_limit(client) -> None:
    for path in ("/", "/report", "/track", "/login"):
        page = client.get(path).get_data(as_text=True)
        assert limit_of(page) == {} and "<noscript>" not in page, path


def test_more_time_renews_the_staff_session(app, staff_client) -> None:
    client, _ = staff_client("officer")
    token = csrf_token(client, "/cases")
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 29 * 60
    response = client.post("/session/renew", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json() == {"seconds": 1800}
    with client.session_transaction() as session:
        assert time.time() - session["seen"] < 5


def test_more_time_needs_the_token_and_a_live_session(app, staff_client) -> None:
    client, _ = staff_client("officer")
    assert client.post("/session/renew").status_code == 400  # no CSRF token
    token = csrf_token(client, "/cases")
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    response = client.post("/session/renew", headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json() == {"seconds": 0}
    assert client.get("/cases").status_code == 302  # too late: signed out, not brought back
    assert app.test_client().post("/session/renew", headers={"X-CSRFToken": token}).status_code == 400


def test_a_session_cookie_signed_more_than_a_day_ago_opens_nothing(app, staff_client) -> None:
    client, _ = staff_client("officer")
    signed_earlier(app, client, 23 * 3600)
    assert client.get("/cases").status_code == 200  # its own idle clock is what ends a session
    signed_earlier(app, client, 25 * 3600)
    assert client.get("/cases").status_code == 302


def test_staff_session_cookies_end_with_the_browser(app, make_user, login) -> None:
    _, secret = make_user("olga", ["officer"])
    client = app.test_client()
    response = login(client, "olga", secret)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("complaints_session"))
    assert "Expires" not in cookie and "Max-Age" not in cookie


# --- the second sign-in step ---------------------------------------------------------------------


def test_the_code_page_carries_its_limit(app, client, make_user) -> None:
    make_user("olga", ["officer"])
    password_step(client)
    limit = limit_of(client.get("/login/code").get_data(as_text=True))
    assert 295 <= int(limit["seconds"]) <= 300 and limit["renew"] == "/login/renew"


def test_more_time_renews_the_sign_in_step(app, client, make_user) -> None:
    make_user("olga", ["officer"])
    password_step(client)
    token = csrf_token(client, "/login/code")
    with client.session_transaction() as session:
        session["pending_since"] = time.time() - 280
    response = client.post("/login/renew", headers={"X-CSRFToken": token})
    assert response.get_json() == {"seconds": 300}
    with client.session_transaction() as session:
        assert time.time() - session["pending_since"] < 5


def test_no_more_time_once_the_step_has_run_out_or_without_one(app, client, make_user) -> None:
    make_user("olga", ["officer"])
    assert client.post("/login/renew", headers={"X-CSRFToken": csrf_token(client, "/login")}).status_code == 401
    password_step(client)
    token = csrf_token(client, "/login/code")
    with client.session_transaction() as session:
        session["pending_since"] = time.time() - 301
    assert client.post("/login/renew", headers={"X-CSRFToken": token}).status_code == 401


def test_when_the_code_step_runs_out_the_sign_in_page_says_so_and_keeps_the_name(app, client, make_user) -> None:
    _, secret = make_user("olga", ["officer"])
    password_step(client)
    token = csrf_token(client, "/login/code")
    with client.session_transaction() as session:
        session["pending_since"] = time.time() - 301
    response = client.post("/login/code", data={"csrf_token": token, "code": fresh_code(app, "olga", secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = html.unescape(client.get("/login").get_data(as_text=True))
    assert "not finished within 5 minutes" in page
    assert 'value="olga"' in page
    assert client.get("/cases").status_code == 302  # and nobody is signed in
    assert 'value="olga"' not in client.get("/login").get_data(as_text=True)  # said once


def test_the_limits_are_settings(app, client, make_user) -> None:
    app.config["SIGN_IN_CODE_MINUTES"] = 3
    make_user("olga", ["officer"])
    password_step(client)
    assert 175 <= int(limit_of(client.get("/login/code").get_data(as_text=True))["seconds"]) <= 180


# --- the report form -----------------------------------------------------------------------------


def test_a_stale_report_from_another_site_is_refused_and_not_shown_back(client) -> None:
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {}):
        response = client.post("/report", headers=headers, data={
            "csrf_token": "stale", "category": "SH_VERBAL", "narrative": "Planted CANARY-planted-91",
            "wants": "formal"})
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400 and "This form has expired" in page
        assert "CANARY-planted-91" not in page
