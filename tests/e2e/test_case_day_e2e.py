"""The officers' and coordinators' day in Chromium, as they live it: a new report reaches the
coordinators, who assign it; the officer is told, reads what the complainant gave, assesses the
risks, corrects the category, previews and sends a message with a file, keeps a note with a
file, sees the complainant read it and answer, recuses from another case after confirming, and
closes a case with no deadline left open. The coordinator hears of the recusal, ends an
assignment after confirming, and sees an unacknowledged report escalated. Every page on the
way is checked with axe-core; without JavaScript the preview comes from the server."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assignment, Attachment, Case, Deadline, Message
from complaints.services import accounts, deadline_watch
from tests.e2e.axe_check import violations
from tests.factories import assign, make_case
from tests.web.conftest import PASSWORD, fresh_code

pytestmark = pytest.mark.e2e


def staff(app, username: str, *roles: str) -> str:
    with app.app_context():
        user, uri = accounts.provision_user(username, PASSWORD, list(roles), display_name=username.title())
        user.totp_enrolled = True
        db.session.commit()
    return pyotp.parse_uri(uri).secret


def sign_in(page, base: str, app, username: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("Six-digit code from your authenticator app").fill(fresh_code(app, username, secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login" not in page.url


def click(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Click and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def take_step(page, label: str, reason: str | None = None,  # type: ignore[no-untyped-def]
              notice: str | None = None) -> None:
    page.locator("summary", has_text=label).click()
    form = page.locator("details[open] form", has=page.get_by_role("button", name=label))
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    if notice:  # what the complainant reads on their follow-up page
        form.locator("textarea[name=complainant_notice]").fill(notice)
    click(page, form.get_by_role("button", name=label))
    assert page.get_by_text(f"Done: {label}.", exact=True).is_visible()


def nav_count(page) -> int:  # type: ignore[no-untyped-def]
    badge = page.locator("nav .badge-count")
    return int(re.match(r"\d+", badge.inner_text()).group(0)) if badge.count() else 0


def file_report(browser, base: str) -> str:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}/report")
        page.get_by_label("Bullying at work (mobbing)").check()
        page.get_by_label("Tell us what happened, in your own words").fill(
            "For months my superior has shouted at me in front of the platoon.")
        page.locator("#last_incident_on").fill("2026-10-02")
        page.locator("#ongoing").check()
        page.locator("input[name=protection_needed][value=yes]").check()
        page.locator("#protection_details").fill("Please move me to another shift.")
        page.locator("input[name=wants][value=formal]").check()
        page.locator("input[name=identity][value=identified]").check()
        page.locator("#name").fill("Invented Person")
        page.locator("#contact").fill("person@example.invalid")
        page.locator("#files").set_input_files(
            [{"name": "evidence.txt", "mimeType": "text/plain", "buffer": b"Duty roster, March."}])
        click(page, page.get_by_role("button", name="Send my report"))
        return page.locator(".receipt").inner_text().strip()
    finally:
        context.close()


def test_an_officers_and_a_coordinators_day(app, live_server, browser) -> None:
    secrets = {"coco": staff(app, "coco", "coordinator"), "olivera": staff(app, "olivera", "officer")}
    staff(app, "ivan", "investigator")
    found: list[str] = []
    receipt = file_report(browser, live_server)
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
        reference = db.session.get(Case, case_id).reference

    coordinator_context, officer_context, complainant_context = (browser.new_context() for _ in range(3))
    try:
        # The coordinator: told of the new report, assigns it.
        coordinator = coordinator_context.new_page()
        sign_in(coordinator, live_server, app, "coco", secrets["coco"])
        assert nav_count(coordinator) == 1
        click(coordinator, coordinator.locator("nav a", has_text="Notifications"))
        found += violations(coordinator)
        assert coordinator.get_by_text("New report: assign an intake officer").is_visible()
        click(coordinator, coordinator.get_by_role("link", name=reference))
        form = coordinator.locator("form.assign-grid")  # one person per capacity, in one step
        for capacity, name in [("intake", "Olivera"), ("investigator", "Ivan")]:
            person = form.locator(f"#{capacity} option", has_text=name).get_attribute("value")
            form.locator(f"#{capacity}").select_option(person)
        click(coordinator, form.get_by_role("button", name="Assign", exact=True))
        assert nav_count(coordinator) == 0

        # The officer: told of the assignment, reads what the complainant gave.
        officer = officer_context.new_page()
        sign_in(officer, live_server, app, "olivera", secrets["olivera"])
        assert nav_count(officer) == 1
        row = officer.locator("tr", has_text=reference)
        assert row.locator(".badge-new").is_visible()
        click(officer, row.get_by_role("link", name=reference))
        assert nav_count(officer) == 0
        assert officer.locator(".protection-alert", has_text="Please move me to another shift.").is_visible()
        assert officer.get_by_text("2 October 2026").is_visible()
        report_entry = officer.locator("#report")
        assert report_entry.get_by_text("Report received").is_visible()
        assert report_entry.get_by_role("link", name="evidence.txt").is_visible()
        take_step(officer, "Acknowledge receipt")

        # Risk assessment and a corrected category, both kept on the page.
        officer.locator("#risk summary").click()
        officer.locator("#risk-retaliation-2").check()  # high
        officer.locator("#risk-repeat-1").check()       # medium
        officer.locator("#risk-note").fill("He controls her duty roster.")
        click(officer, officer.get_by_role("button", name="Record the assessment"))
        assert officer.get_by_text("A high risk, and no protective measure is in force").is_visible()
        officer.locator("summary", has_text="Correct the category").click()
        officer.locator("#category-category").select_option("GBD")
        officer.locator("#category-reason").fill("She is treated worse as a woman, not bullied at random.")
        click(officer, officer.get_by_role("button", name="Correct the category"))
        assert officer.get_by_text("Category corrected: Bullying at work (mobbing) → Gender-based discrimination").is_visible()

        # A message previewed in the page (the file stays chosen), then sent with its file.
        message = officer.locator("form.message-form")
        message.locator("textarea").fill("I am handling your report. The shift change is requested.")
        message.locator("input[type=file]").set_input_files(
            [{"name": "summons.txt", "mimeType": "text/plain", "buffer": b"Interview on Monday."}])
        message.get_by_role("button", name="Preview").click()
        preview = officer.locator("#message-preview .message-preview")
        assert preview.get_by_text("The shift change is requested.").is_visible()
        found += violations(officer)
        assert message.locator("input[type=file]").evaluate("input => input.files.length") == 1
        click(officer, message.get_by_role("button", name="Send to the complainant"))
        assert officer.get_by_text("Message sent.").is_visible()
        entry = officer.locator(".timeline li", has_text="The shift change is requested.")
        assert entry.get_by_role("link", name="summons.txt").is_visible()
        assert entry.get_by_text("Not read by the complainant yet").is_visible()

        note = officer.locator("form.note-form")
        note.locator("textarea").fill("Witness list attached; do not share.")
        note.locator("input[type=file]").set_input_files(
            [{"name": "witnesses.txt", "mimeType": "text/plain", "buffer": b"W1, W2"}])
        click(officer, note.get_by_role("button", name="Save the note"))
        assert officer.get_by_text("Note saved.").is_visible()
        assert officer.locator(".timeline li.timeline-note", has_text="Witness list").get_by_role(
            "link", name="witnesses.txt").is_visible()

        # The complainant reads it and answers; the officer is told.
        complainant = complainant_context.new_page()
        complainant.goto(f"{live_server}/track")
        complainant.get_by_label("Your receipt code").fill(receipt)
        click(complainant, complainant.get_by_role("button", name="Open my case"))
        assert complainant.get_by_role("link", name="summons.txt").is_visible()
        assert complainant.get_by_text("Witness list").count() == 0
        complainant.get_by_label("Your message or new information").fill("Thank you. Today was calm.")
        click(complainant, complainant.get_by_role("button", name="Send", exact=True))
        officer.goto(f"{live_server}/cases")
        assert nav_count(officer) == 1
        click(officer, officer.get_by_role("link", name=reference))
        assert officer.get_by_text("Read by the complainant on").is_visible()
        assert officer.get_by_text("Today was calm.").is_visible()

        # The case ends: informal resolution, then closure; no clock keeps running.
        take_step(officer, "Open a preliminary inquiry")
        take_step(officer, "Resolved informally: start monitoring", reason="The roster was changed.")
        take_step(officer, "Close the case", reason="Complainant satisfied; closed early.",
                  notice="Your case is closed: the roster was changed and you said the days are calm.")
        assert officer.locator(".flash-error", has_text="Overdue").count() == 0
        assert officer.get_by_text("not asked: the case ended").first.is_visible()
        found += violations(officer)
        officer.goto(f"{live_server}/cases")
        assert officer.get_by_role("link", name=reference).count() == 0  # closed: not by default

        # A second case: the officer recuses, after confirming and giving a reason.
        with app.app_context():
            other, _ = make_case(category="SH_VERBAL")
            assign(other, accounts.find_user("olivera"), "intake")
            other_id, other_reference = other.id, other.reference
        officer.goto(f"{live_server}/cases/{other_id}")
        click(officer, officer.get_by_role("link", name="Recuse myself (conflict of interest)"))
        click(officer, officer.get_by_role("button", name="Yes, recuse myself"))
        assert officer.get_by_text("Choose the reason for your recusal.").first.is_visible()
        found += violations(officer)
        officer.get_by_label("I know a party personally (family, friendship, a relationship)").check()
        officer.get_by_label("Anything the next person should know (optional, kept encrypted)").fill(
            "The respondent is my brother-in-law.")
        click(officer, officer.get_by_role("button", name="Yes, recuse myself"))
        assert officer.get_by_text("You have stepped away from this case.").is_visible()
        with app.app_context():
            assert db.session.execute(select(Assignment.recused).where(
                Assignment.case_id == other_id)).scalar_one()

        # The coordinator hears of it, and ends the investigator's assignment on the first case.
        coordinator.goto(f"{live_server}/notifications")
        assert coordinator.locator("li", has_text=other_reference).get_by_text(
            "Olivera recused (intake): assign someone else").is_visible()
        coordinator.goto(f"{live_server}/register/{case_id}")
        click(coordinator, coordinator.locator("li", has_text="Ivan").get_by_role("link", name="End this assignment"))
        click(coordinator, coordinator.get_by_role("button", name="Yes, end the assignment"))
        found += violations(coordinator)  # the confirmation with its error
        coordinator.get_by_label("Why does the assignment end?").select_option("work_done")
        click(coordinator, coordinator.get_by_role("button", name="Yes, end the assignment"))
        assert coordinator.get_by_text("Assignment ended; Ivan was told.").is_visible()
        assert coordinator.get_by_text("The work in this capacity is finished").is_visible()

        # An old report nobody acknowledged is escalated by the watch job.
        with app.app_context():
            late, _ = make_case(submitted_at=datetime.now(timezone.utc) - timedelta(days=8))
            late_reference = late.reference
            deadline_watch.sweep()
        coordinator.goto(f"{live_server}/notifications")
        assert coordinator.locator("li", has_text=late_reference).get_by_text(
            "Not acknowledged within 7 days, the most the procedure allows").is_visible()
        found += violations(coordinator)
        coordinator.goto(f"{live_server}/notifications/settings")
        found += violations(coordinator)
    finally:
        for context in (coordinator_context, officer_context, complainant_context):
            context.close()
    with app.app_context():
        assert db.session.execute(select(Deadline).where(
            Deadline.case_id == case_id, Deadline.met_at.is_(None))).first() is None
        files = {f.message_id: f for f in db.session.execute(select(Attachment)).scalars()}
        internal = {m.id: m.internal for m in db.session.execute(select(Message)).scalars()}
        assert sorted(internal.get(mid) for mid in files if mid) == [False, True]
    assert found == []


def test_without_javascript_the_preview_comes_from_the_server(app, live_server, browser) -> None:
    secret = staff(app, "olivera", "officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, accounts.find_user("olivera"), "intake")
        case_id = case.id
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, app, "olivera", secret)
        page.goto(f"{live_server}/cases/{case_id}")
        form = page.locator("form.message-form")
        form.locator("textarea").fill("We will meet on Monday at 10.")
        click(page, form.get_by_role("button", name="Preview"))
        assert page.locator(".message-preview").get_by_text("We will meet on Monday at 10.").is_visible()
        assert page.locator("form.message-form textarea").input_value() == "We will meet on Monday at 10."
        with app.app_context():
            assert db.session.execute(select(Message)).first() is None
        click(page, page.locator("form.message-form").get_by_role("button", name="Send to the complainant"))
        assert page.get_by_text("Message sent.").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390])  # 320 CSS pixels: WCAG 1.4.10 (reflow)
@pytest.mark.parametrize("path", ["case", "notifications", "recuse"])
def test_nothing_scrolls_sideways_on_a_phone(app, live_server, browser, path: str, width: int) -> None:
    secret = staff(app, "olivera", "officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, accounts.find_user("olivera"), "intake")
        case_id = case.id
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, live_server, app, "olivera", secret)
        page.goto(f"{live_server}" + {"case": f"/cases/{case_id}", "notifications": "/notifications",
                                       "recuse": f"/cases/{case_id}/recuse"}[path])
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_on_a_phone_one_tap_reaches_what_the_officer_can_do(app, live_server, browser) -> None:
    """On a phone the procedure panel comes after the whole case (report, timeline, files,
    forms): a link at the top leads to it; beside the case on a desktop, there is none."""
    secret = staff(app, "olivera", "officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, accounts.find_user("olivera"), "intake")
        case_id = case.id
    for width, shown in ((390, True), (1366, False)):
        context = browser.new_context(viewport={"width": width, "height": 844})
        try:
            page = context.new_page()
            sign_in(page, live_server, app, "olivera", secret)
            page.goto(f"{live_server}/cases/{case_id}")
            link = page.locator(".case-head a[href='#h-actions']")
            assert link.is_visible() is shown
            if shown:
                heading = page.locator("#h-actions")
                assert heading.evaluate("h => h.getBoundingClientRect().top") > 844  # far below at first
                link.click()
                page.wait_for_function("() => location.hash === '#h-actions'")
                assert 0 <= heading.evaluate("h => h.getBoundingClientRect().top") < 844
        finally:
            context.close()
