"""Forms work over HTTPS (COMPLAINTS_HTTPS=true, as in production).

Pages send no Referer (Referrer-Policy: no-referrer, so nothing of a case's address leaks),
and browsers then send "Origin: null" with a form: a CSRF check that wants a Referer on
HTTPS refused every form, the report and the staff sign-in included ("This form has
expired"). The browser's own Sec-Fetch-Site header proves a request came from our pages.
"""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from complaints import create_app
from tests.e2e import world as demo_world
from tests.e2e.people import staff_account

pytestmark = pytest.mark.e2e


@pytest.fixture()
def https_app(app_config):  # type: ignore[no-untyped-def]
    application = create_app({**app_config, "HTTPS": True})
    yield application
    from complaints.extensions import db

    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture()
def https_server(https_app):  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, https_app, threaded=True, ssl_context="adhoc")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def https_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(ignore_https_errors=True)  # the test server's own certificate
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_a_report_can_be_sent_over_https(https_server, https_page) -> None:
    page = https_page
    page.goto(f"{https_server}/report")
    page.locator("input[name=category]").first.check()
    page.fill("#narrative", "He keeps sending me messages about my body.")
    page.locator("input[name=wants][value=formal]").check()
    with page.expect_navigation():
        page.click("form.report-form button[type=submit]")
    assert page.url == f"{https_server}/report/sent", page.title()
    assert page.locator(".receipt").inner_text().strip()


def test_staff_sign_in_and_send_a_form_over_https(https_app, https_server, https_page) -> None:
    page = https_page
    demo_world.sign_in(page, https_server, staff_account(https_app, "admin"))
    page.goto(f"{https_server}/admin/units")
    page.fill("#name", "3rd Logistics Battalion")
    page.fill("#unit_group", "logistics")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert "3rd Logistics Battalion" in page.content(), page.title()
