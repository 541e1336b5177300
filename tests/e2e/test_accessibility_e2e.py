"""WCAG 2.1 AA: axe-core finds nothing on any page of any role, forms with their errors shown
included; keyboard alone files a report; nothing scrolls sideways on a 360 px wide phone."""
from __future__ import annotations

import pytest

from tests.e2e import world as demo_world
from tests.e2e.axe_check import violations

pytestmark = pytest.mark.e2e


def go(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click a link or button and wait for the page it leads to (not only for the click)."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def check(page, found: list[str], url: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if url is not None:
        page.goto(url)
    found.extend(violations(page))


def submit_empty(page, found: list[str], form: str = "form.stacked") -> None:  # type: ignore[no-untyped-def]
    """Send a form without filling it in, so its error summary and field errors are checked."""
    go(page, f"{form} button[type=submit]")
    found.extend(violations(page))


def file_report(page, base: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/report")
    page.locator("input[name=category]").first.check()
    page.fill("#narrative", "He keeps sending me messages about my body.")
    page.locator("input[name=wants][value=formal]").check()
    go(page, "form.report-form button[type=submit]")
    return page.locator(".receipt").inner_text().strip()


def test_complainant_pages(app, live_server, page) -> None:
    found: list[str] = []
    for path in ("/", "/report", "/track", "/login", "/no-such-page"):
        check(page, found, live_server + path)
    page.goto(f"{live_server}/track")
    page.evaluate("() => { document.querySelector('input[name=csrf_token]').value = 'stale'; }")
    go(page, "form.stacked button[type=submit]")
    assert "/track" in page.url
    check(page, found)  # "This form has expired" (400)
    page.goto(f"{live_server}/report")
    submit_empty(page, found, "form.report-form")
    receipt = file_report(page, live_server)
    check(page, found)  # the receipt page
    page.goto(f"{live_server}/track")
    page.fill("#receipt", "AAAA-BBBB-CCCC-DDDD-EEEE")
    go(page, "form.stacked button[type=submit]")
    check(page, found)  # wrong code: the error message
    page.fill("#receipt", receipt)
    go(page, "form.stacked button[type=submit]")
    check(page, found)  # the case as the complainant sees it
    go(page, "form[action$='/track/message'] button[type=submit]")
    check(page, found)  # a message without text: errors shown
    check(page, found, f"{live_server}/track/withdraw")
    with app.app_context():  # damage the stored report: the integrity alarm page
        from complaints.extensions import db
        from complaints.models import Case

        case = db.session.query(Case).one()
        case.narrative_enc = case.narrative_enc[:-1] + bytes([case.narrative_enc[-1] ^ 1])
        db.session.commit()
    response = page.goto(f"{live_server}/track/case")
    assert response.status == 409
    check(page, found)
    assert found == []


@pytest.mark.parametrize("role", ["officer", "decision", "investigator"])
def test_case_handler_pages(app, live_server, page, role: str) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts[role], on_code_page=lambda: check(page, found))
    check(page, found, f"{live_server}/cases")
    check(page, found, f"{live_server}/cases?overdue=y&page=1")
    check(page, found, f"{live_server}/cases/{world.cases[role]}")
    go(page, "form[action$='/messages'] button[type=submit]")  # empty message
    check(page, found)
    check(page, found, f"{live_server}/account/password")
    submit_empty(page, found)
    assert found == []


def test_coordinator_pages(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts["coordinator"])
    check(page, found, f"{live_server}/register")
    check(page, found, f"{live_server}/register?state=triage")
    check(page, found, f"{live_server}/register/{world.cases['register']}")
    go(page, "form[action$='/exception'] button[type=submit]")
    check(page, found)  # exception request with its errors
    assert found == []


def test_person_of_trust_pages(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts["trust"])
    check(page, found, f"{live_server}/consultations")
    page.fill("#held_on", "")
    submit_empty(page, found)
    check(page, found, f"{live_server}/cases")
    assert found == []


def test_auditor_pages(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts["auditor"])
    check(page, found, f"{live_server}/audit")
    check(page, found, f"{live_server}/audit?action=case&case_id=not-an-id")
    page.goto(f"{live_server}/audit")
    go(page, "form[action$='/audit/verify'] button")
    check(page, found)
    assert found == []


def test_gem_analyst_pages(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts["gem"])
    check(page, found)  # where the analyst lands
    check(page, found, f"{live_server}/statistics")  # tables, SVG charts, the choice of figures
    check(page, found, f"{live_server}/statistics?show=nonsense")  # the choice explained as an error
    check(page, found, f"{live_server}/statistics/annual")  # the annual report, ready to print
    check(page, found, f"{live_server}/statistics/annual?year=1990")  # a year outside the list
    check(page, found, f"{live_server}/account/password")
    assert found == []


def test_administrator_pages(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    demo_world.sign_in(page, live_server, world.accounts["admin"])
    check(page, found, f"{live_server}/admin/accounts")
    go(page, "table a")
    check(page, found)  # one account
    check(page, found, f"{live_server}/admin/units")
    submit_empty(page, found)
    check(page, found, f"{live_server}/admin/operations")
    submit_empty(page, found, "form[action$='/admin/holds']")
    check(page, found, f"{live_server}/admin/accounts/new")
    submit_empty(page, found)
    page.fill("#username", "new.officer")
    page.locator("input[name=roles][value=officer]").check()
    go(page, "form.stacked button[type=submit]")
    check(page, found)  # the one-time invitation link
    link = page.locator("#account-link").inner_text().strip()
    go(page, "text=Back to the account")
    check(page, found)  # an account with a role waiting for a second administrator
    go(page, "a.button.danger")
    check(page, found)  # "Disable new.officer?" asks first
    page.goto(link)
    check(page, found)  # the invitation's set-up page
    submit_empty(page, found)  # with its errors
    page.goto(f"{live_server}/welcome?t=not-a-real-token")
    check(page, found)  # a link that can no longer be used
    check(page, found, f"{live_server}/account/security")
    assert found == []


def test_coordinator_exclusion_review(app, live_server, page) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    page.goto(f"{live_server}/report")
    page.locator("input[name=category]").first.check()
    page.fill("#narrative", "He keeps sending me messages about my body.")
    page.locator("input[name=wants][value=formal]").check()
    page.fill("#excluded_other", "Nobody by this name")
    go(page, "form.report-form button[type=submit]")
    with app.app_context():
        from sqlalchemy import select

        from complaints.extensions import db
        from complaints.models import Case

        case_id = db.session.execute(select(Case.id).where(Case.exclusions_pending.is_(True))).scalar_one()
    page.context.clear_cookies()
    demo_world.sign_in(page, live_server, world.accounts["coordinator"])
    check(page, found, f"{live_server}/register/{case_id}")  # the notice
    check(page, found, f"{live_server}/register/{case_id}/exclusions")
    assert found == []


@pytest.mark.parametrize("code", ["sr-Latn", "sr-Cyrl", "cnr", "bs", "mk", "sq"])
def test_pages_in_every_language(live_server, page, code: str) -> None:
    found: list[str] = []
    page.goto(f"{live_server}/language/{code}?next=/")
    check(page, found)
    check(page, found, f"{live_server}/report")
    submit_empty(page, found, "form.report-form")
    assert found == []


# --- keyboard only -------------------------------------------------------------------------


def tab_until(page, condition: str, limit: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element satisfies ``condition`` (a JS expression on el)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def focus_is_visible(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    }""")


def test_keyboard_alone_reaches_everything_and_files_a_report(live_server, page) -> None:
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # The language switcher opens and works from the keyboard.
    page.goto(f"{live_server}/")
    tab_until(page, "el.tagName === 'SUMMARY'")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    tab_until(page, "el.getAttribute('hreflang') === 'sq'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.documentElement.lang") == "sq"
    page.goto(f"{live_server}/language/en?next=/")

    tab_until(page, "el.textContent.trim() === 'Make a report'")
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server}/report"
    tab_until(page, "el.name === 'category'")
    page.keyboard.press("Space")
    tab_until(page, "el.id === 'narrative'")
    page.keyboard.type("Since March my superior comments on my body in front of the platoon.")
    tab_until(page, "el.name === 'wants'")
    page.keyboard.press("Space")
    tab_until(page, "el.type === 'submit' && el.closest('form.report-form')")
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server}/report/sent"
    assert len(page.locator(".receipt").inner_text().strip()) == 24


def test_keyboard_reaches_an_officers_case_actions(app, live_server, page) -> None:
    world = demo_world.build(app)
    demo_world.sign_in(page, live_server, world.accounts["officer"])
    page.goto(f"{live_server}/cases/{world.cases['officer']}")
    tab_until(page, "el.tagName === 'SUMMARY' && el.closest('details.action')")
    page.keyboard.press("Enter")
    tab_until(page, "el.tagName === 'TEXTAREA' && el.name === 'reason'")
    tab_until(page, "el.type === 'submit' && el.closest('details.action')")
    assert focus_is_visible(page)


# --- a 360 px wide phone ---------------------------------------------------------------------


def scrolls_sideways(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")


def test_nothing_scrolls_sideways_on_a_small_phone(app, browser, live_server) -> None:
    world = demo_world.build(app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    wide: list[str] = []
    try:
        for path in ("/", "/report", "/track", "/login", "/no-such-page"):
            page.goto(live_server + path)
            if scrolls_sideways(page):
                wide.append(path)
        receipt = file_report(page, live_server)
        if scrolls_sideways(page):
            wide.append("receipt")
        page.goto(f"{live_server}/track")
        page.fill("#receipt", receipt)
        go(page, "form.stacked button[type=submit]")
        if scrolls_sideways(page):
            wide.append("/track/case")
        for role, paths in (
            ("officer", ["/cases", f"/cases/{world.cases['officer']}"]),
            ("coordinator", ["/register", f"/register/{world.cases['register']}"]),
            ("admin", ["/admin/accounts", "/admin/accounts/new", "/admin/units", "/admin/operations", "/account/security"]),
            ("auditor", ["/audit"]),
            ("trust", ["/consultations"]),
        ):
            # Leave the page first: a late response of the old page (its favicon, say) would
            # otherwise bring the previous role's session cookie back after the clearing.
            page.goto("about:blank")
            page.context.clear_cookies()
            demo_world.sign_in(page, live_server, world.accounts[role])
            for path in paths:
                page.goto(live_server + path)
                page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
                if scrolls_sideways(page):
                    wide.append(f"{role} {path}")
    finally:
        context.close()
    assert wide == []
