"""A coordinator's and an officer's day in Chromium, on the demo world: a new report is
found in the register by its reference, assigned to intake and decision in one step, found
by the officer with the same search, opened and exported as a PDF; the register fits 12
cases on a 1366x768 screen; the pages are axe-clean; a printed case page has no forms."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import User
from tests.e2e import world as demo_world
from tests.e2e.axe_check import violations as axe_violations

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe opens every <details> (the language menu too): close them again after the check."""
    found = axe_violations(page)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = false; })")
    return found


def go(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def file_report(browser, base: str) -> str:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}/report")
        page.locator("input[name=category]").first.check()
        page.fill("#narrative", "My section chief keeps touching my shoulder in meetings.")
        page.locator("input[name=wants][value=formal]").check()
        go(page, "form.report-form button[type=submit]")
        receipt = page.locator(".receipt").inner_text().strip()
        assert receipt
    finally:
        context.close()
    with_reference = None
    return with_reference or receipt


def newest_reference(app) -> str:  # type: ignore[no-untyped-def]
    from complaints.models import Case

    with app.app_context():
        return db.session.execute(select(Case.reference).order_by(Case.submitted_at.desc())).scalars().first()


def user_id(app, username: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


def test_a_coordinators_and_an_officers_day(app, live_server, browser) -> None:
    world = demo_world.build(app, case_count=40)
    file_report(browser, live_server)
    reference = newest_reference(app)
    officer, decider = world.accounts["officer"], world.accounts["decision"]
    found: list[str] = []

    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        demo_world.sign_in(page, live_server, world.accounts["coordinator"])
        page.goto(f"{live_server}/register")
        found += violations(page)
        # A real office's register: at least 12 cases on one 1366x768 screen.
        page.locator("table.compact thead").scroll_into_view_if_needed()
        page.evaluate("() => window.scrollTo(0, document.querySelector('table.compact').getBoundingClientRect().top + window.scrollY)")
        visible = page.evaluate("""() => [...document.querySelectorAll('table.compact tbody tr')]
            .filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; }).length""")
        heights = page.evaluate("() => [...document.querySelectorAll('table.compact tbody tr')].slice(0, 20).map(r => Math.round(r.getBoundingClientRect().height))")
        assert visible >= 12, (visible, heights)
        # The new report: new, unassigned, found by its reference (typed in lower case).
        page.check("#new")
        page.check("#unassigned")
        go(page, "form.filters button[type=submit]")
        assert page.get_by_role("link", name=reference).is_visible()
        page.fill("#q", reference.lower())
        go(page, "form.filters button[type=submit]")
        found += violations(page)
        assert page.locator("table.compact tbody tr").count() == 1
        go(page, f"text={reference}")
        found += violations(page)
        # Assigned to intake and decision in one step; conflicts would be marked in the lists.
        page.select_option("#intake", value=str(user_id(app, officer.username)))
        page.select_option("#decision", value=str(user_id(app, decider.username)))
        go(page, "form.assign-grid button[type=submit]")
        assert page.get_by_text("2 assignments made.").is_visible()
        go(page, "form.assign-grid button[type=submit]")  # nothing chosen: a clear error
        assert page.locator("#error-summary").is_visible()
        found += violations(page)
        page.goto(f"{live_server}/register/workload")
        found += violations(page)
        page.goto(f"{live_server}/register/exceptions")
        found += violations(page)
    finally:
        context.close()

    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        page = context.new_page()
        demo_world.sign_in(page, live_server, officer)
        page.goto(f"{live_server}/cases")
        found += violations(page)
        page.fill("#q", reference)
        go(page, "form.filters button[type=submit]")
        go(page, f"text={reference}")
        assert page.get_by_text("keeps touching my shoulder").is_visible()
        found += violations(page)
        page.check("#include_notes")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the case file (PDF)").click()
        assert download.value.suggested_filename == f"{reference}.pdf"
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
        assert "keeps touching my shoulder" in text and f"CONFIDENTIAL: case file {reference}" in text
        # The browser's print of the case page: no forms, buttons or navigation; confidential.
        page.emulate_media(media="print")
        shown = page.evaluate("""() => [...document.querySelectorAll('form, button, input, select, textarea, nav, details.action')]
            .filter(e => e.offsetParent !== null || e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))""")
        assert shown == []
        assert page.locator(".print-confidential").is_visible()
        assert page.get_by_text("keeps touching my shoulder").is_visible()
    finally:
        context.close()
    assert found == []


def test_phone_width_and_another_language(app, live_server, browser) -> None:
    world = demo_world.build(app, case_count=24)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sq")
    try:
        page = context.new_page()
        demo_world.sign_in(page, live_server, world.accounts["coordinator"])
        page.goto(f"{live_server}/register?sort=received&dir=desc")
        assert page.evaluate("() => document.documentElement.lang") == "sq"
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert violations(page) == []
    finally:
        context.close()
