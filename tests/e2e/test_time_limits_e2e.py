"""Time limits never cost a person their text (WCAG 2.2.1), in Chromium.

- The report form has no time limit a person could run into: it works hours after it was
  opened, and if its session was lost all the same (a restarted browser, a sign-in in
  another window) it comes back with everything typed and can be sent again.
- Staff: two minutes before the idle limit a warning is read out with a "More time" button
  that renews the session; typing renews it too. A form sent after the limit is kept and
  put back after signing in again. Without JavaScript the page says the limit in words.
- The second sign-in step warns and can be extended the same way; when it has run out, the
  sign-in page says so and keeps the user name.

The page's clock is Playwright's fake clock; the server's clocks are moved by rewriting the
signed session cookie (tests/e2e/sessions.py). Nothing waits for real minutes to pass.
"""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from complaints.extensions import db
from tests.e2e import ax
from tests.e2e import world as demo_world
from tests.e2e.axe_check import violations
from tests.e2e.people import staff_account
from tests.e2e.sessions import allow_another_code, minutes_pass, rewrite_session

pytestmark = pytest.mark.e2e

NARRATIVE = "Since March my superior comments on my body in front of the platoon.\nTwice in the mess."


def wait_for_renewal(page, count: int) -> None:  # type: ignore[no-untyped-def]
    """Until the page has applied its ``count``-th renewal (the script counts on its bar)."""
    page.wait_for_function(f"() => document.querySelector('.time-limit').dataset.renewals === '{count}'")


def kept_forms(app) -> int:  # type: ignore[no-untyped-def]
    from complaints.models import KeptForm

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(KeptForm))


def send(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def fill_report(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("input[name=category]").nth(1).check()
    page.fill("#narrative", NARRATIVE)
    page.locator("input[name=wants][value=formal]").check()
    page.locator("input[name=protection_needed][value=yes]").check()
    page.fill("#protection_details", "Not to share a shift with him.")


# --- the report form ---------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0.6, 19])
def test_the_report_form_still_works_hours_after_it_was_opened(app, live_server, page, hours) -> None:
    page.goto(f"{live_server}/report")
    fill_report(page)
    rewrite_session(page.context, app, signed_seconds_ago=int(hours * 3600))  # the page stayed open
    send(page, "form.report-form button[type=submit]")
    assert page.url == f"{live_server}/report/sent", page.title()


@pytest.mark.parametrize("code", ["en", "sr-Cyrl"])
def test_a_report_whose_session_was_lost_comes_back_with_everything_typed(live_server, page, code) -> None:
    page.goto(f"{live_server}/language/{code}?next=/report")
    fill_report(page)
    page.context.clear_cookies()  # a restarted browser, or another window ended the session
    page.context.add_cookies([{"name": "complaints_lang", "value": code, "url": live_server}])
    send(page, "form.report-form button[type=submit]")

    assert page.url == f"{live_server}/report"
    notice = page.locator(".flash[role=alert]")
    assert notice.is_visible()
    if code == "sr-Cyrl":
        assert re.search("[а-я]", notice.inner_text())
    assert page.input_value("#narrative") == NARRATIVE
    assert page.locator("input[name=category]").nth(1).is_checked()
    assert page.locator("input[name=wants][value=formal]").is_checked()
    assert page.input_value("#protection_details") == "Not to share a shift with him."
    assert violations(page) == []
    send(page, "form.report-form button[type=submit]")
    assert page.url == f"{live_server}/report/sent"


def test_a_report_can_be_sent_without_javascript(app, browser, live_server) -> None:
    app.config["NOJS_REPORT_WAIT_SECONDS"] = 2  # without JavaScript a report form must be open that long
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/report")
        fill_report(page)
        page.wait_for_timeout(2100)
        send(page, "form.report-form button[type=submit]")
        assert page.url == f"{live_server}/report/sent"
    finally:
        context.close()


# --- staff: the idle limit ----------------------------------------------------------------


@pytest.fixture()
def officer(app):  # type: ignore[no-untyped-def]
    world = demo_world.build(app)
    return world.accounts["officer"], world.cases["officer"]


def test_staff_are_warned_before_the_idle_limit_and_get_more_time(app, live_server, page, officer) -> None:
    account, case_id = officer
    page.clock.install()
    demo_world.sign_in(page, live_server, account)
    page.goto(f"{live_server}/cases/{case_id}")
    main = page.locator("main")
    assert main.get_attribute("data-time-limit-seconds") == str(30 * 60)
    assert main.get_attribute("data-time-limit-renew") == "/session/renew"
    more = page.get_by_role("button", name="More time")
    assert not more.is_visible()

    page.focus("#body")
    page.keyboard.type("A first line of a message")
    page.clock.fast_forward("28:30")  # nothing typed for 28 and a half minutes
    assert more.is_visible()
    message = page.locator(".time-limit-message")
    assert ax.node(page, ".time-limit-message").role == "alert"
    assert "2 minutes" in message.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "body"  # the typing is left alone
    assert violations(page) == []

    with page.expect_response("**/session/renew") as renewal:
        more.click()
    assert renewal.value.status == 200 and renewal.value.json() == {"seconds": 30 * 60}
    wait_for_renewal(page, 1)
    expect(more).to_be_hidden()
    expect(message).to_contain_text(re.compile("more time", re.I))
    assert page.evaluate("() => document.activeElement.id") == "body"  # focus goes back

    page.clock.fast_forward("20:00")
    with page.expect_request("**/session/renew"):
        page.type("#body", ", typing is activity too")
    wait_for_renewal(page, 2)
    page.clock.fast_forward("15:00")
    assert not more.is_visible()  # the countdown started again when typing renewed it


def test_a_short_idle_limit_warns_two_minutes_before_its_end(app, live_server, page) -> None:
    app.config["STAFF_IDLE_MINUTES"] = 3
    page.clock.install()
    demo_world.sign_in(page, live_server, staff_account(app, "officer"))
    assert page.locator("main").get_attribute("data-time-limit-seconds") == "180"
    more = page.get_by_role("button", name="More time")
    page.clock.fast_forward("00:50")
    assert not more.is_visible()
    page.clock.fast_forward("00:15")
    assert more.is_visible()
    assert page.evaluate("() => document.activeElement.className").startswith("time-limit-more")  # not typing
    page.keyboard.press("Enter")
    wait_for_renewal(page, 1)
    expect(more).to_be_hidden()
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_when_staff_reach_the_limit_the_warning_says_their_text_is_safe(app, live_server, page, officer) -> None:
    account, case_id = officer
    page.clock.install()
    demo_world.sign_in(page, live_server, account)
    page.goto(f"{live_server}/cases/{case_id}")
    page.clock.fast_forward("30:05")
    message = page.locator(".time-limit-message")
    assert "signed out" in message.inner_text() and "kept" in message.inner_text()
    assert not page.get_by_role("button", name="More time").is_visible()


@pytest.mark.parametrize("code", ["en", "sr-Cyrl"])
def test_a_form_sent_after_the_idle_limit_is_put_back_after_signing_in_again(
        app, live_server, page, officer, code) -> None:
    account, case_id = officer
    page.goto(f"{live_server}/language/{code}?next=/")
    demo_world.sign_in(page, live_server, account)
    page.goto(f"{live_server}/cases/{case_id}")
    text = f"Please call me back about the shift plan.\nThanks. ({code})"
    page.fill("#note-body", text)  # an internal note
    minutes_pass(page.context, app, 31, "seen")
    send(page, "form.note-form button[type=submit]")

    assert "/login" in page.url
    assert page.locator(".flash-warning").is_visible()
    assert kept_forms(app) == 1
    allow_another_code(app, account.username)
    demo_world.sign_in(page, live_server, account)

    assert page.url == f"{live_server}/continue"
    assert page.input_value("textarea") == text
    assert violations(page) == []
    send(page, "form.kept-form button[type=submit]")
    assert page.url.startswith(f"{live_server}/cases/{case_id}")
    assert "Please call me back about the shift plan." in page.locator("#messages").inner_text()
    assert kept_forms(app) == 0


def test_without_javascript_the_idle_limit_is_said_in_words(app, browser, live_server, officer) -> None:
    account, case_id = officer
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        demo_world.sign_in(page, live_server, account)
        page.goto(f"{live_server}/cases/{case_id}")
        note = page.locator(".time-limit-note")
        assert note.is_visible() and "30 minutes" in note.inner_text()
    finally:
        context.close()


# --- the script's contract, as another page uses it ----------------------------------------

CONTRACT_PAGE = """<!doctype html><html lang="en"><head><title>Contract</title>
<script src="/static/js/time-limit.js" defer></script></head><body>
<form method="post" data-time-limit-seconds="600" data-time-limit-renew="/elsewhere/renew"
      data-time-limit-expired="Your case was closed on this device.">
<input type="hidden" name="csrf_token" value="token-123"><label for="t">Text</label><textarea id="t"></textarea>
</form></body></html>"""


def test_the_script_needs_only_the_two_attributes(live_server, page) -> None:
    """Any page (the complainant's follow-up page, say) gets the warning from the contract alone:
    the element's attributes and its CSRF token input; texts fall back to English."""
    renewals_seen = []

    def renew(route) -> None:  # type: ignore[no-untyped-def]
        renewals_seen.append(route.request.headers.get("x-csrftoken"))
        route.fulfill(json={"seconds": 600})

    page.route(f"{live_server}/contract", lambda route: route.fulfill(body=CONTRACT_PAGE, content_type="text/html"))
    page.route(f"{live_server}/elsewhere/renew", renew)
    page.clock.install()
    page.goto(f"{live_server}/contract")
    more = page.get_by_role("button", name="More time")
    page.clock.fast_forward("08:01")
    expect(more).to_be_visible()
    assert "2 minutes" in page.locator(".time-limit-message").inner_text()
    more.click()
    wait_for_renewal(page, 1)
    assert renewals_seen == ["token-123"]
    page.clock.fast_forward("10:01")
    expect(page.locator(".time-limit-message")).to_have_text("Your case was closed on this device.")
    expect(more).to_be_hidden()


# --- the second sign-in step --------------------------------------------------------------


def password_step(page, base: str, account) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    send(page, "form.stacked button[type=submit]")


def test_the_code_step_warns_and_gives_more_time(app, live_server, page) -> None:
    account = staff_account(app, "officer")
    page.clock.install()
    password_step(page, live_server, account)
    assert page.url.endswith("/login/code")
    seconds = int(page.locator("main").get_attribute("data-time-limit-seconds"))
    assert 290 <= seconds <= 300
    page.clock.fast_forward("03:30")
    more = page.get_by_role("button", name="More time")
    assert more.is_visible()
    with page.expect_response("**/login/renew") as renewal:
        more.click()
    assert renewal.value.json() == {"seconds": 300}
    wait_for_renewal(page, 1)
    page.fill("#code", pyotp.TOTP(pyotp.parse_uri(account.otpauth_uri).secret).now())
    send(page, "form.stacked button[type=submit]")
    assert "/login" not in page.url


@pytest.mark.parametrize("code", ["en", "sr-Cyrl"])
def test_when_the_code_step_has_run_out_the_sign_in_page_says_so(app, live_server, page, code) -> None:
    account = staff_account(app, "officer")
    page.goto(f"{live_server}/language/{code}?next=/")
    password_step(page, live_server, account)
    minutes_pass(page.context, app, 6, "pending_since")
    page.fill("#code", pyotp.TOTP(pyotp.parse_uri(account.otpauth_uri).secret).now())
    send(page, "form.stacked button[type=submit]")

    assert page.url.endswith("/login")
    notice = page.locator(".flash-warning")
    assert notice.is_visible() and "5" in notice.inner_text()
    assert page.input_value("#username") == account.username
    assert not re.match(r"\d", page.title())  # running out of time is no error of theirs
