"""The procedure's records in Chromium: an oral complaint recorded by an officer and its
minutes confirmed by the complainant with the receipt; parties, feedback and hearings on the
case page; every page and every form with its errors checked with axe-core."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseParty, CaseRecord, FeedbackRecord
from tests.e2e import world as demo_world
from tests.e2e.axe_check import violations

pytestmark = pytest.mark.e2e


def go(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def open_everything(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def test_an_oral_complaint_and_its_minutes(app, live_server, browser) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    officer = browser.new_context().new_page()
    complainant = browser.new_context().new_page()
    try:
        demo_world.sign_in(officer, live_server, world.accounts["officer"])
        go(officer, "a[href='/cases/received']")
        found += violations(officer)
        go(officer, "form.stacked button[type=submit]")  # nothing filled in: the errors
        found += violations(officer)
        officer.get_by_label("Orally (by telephone)").check()
        officer.fill("#narrative", "minutes-e2e: My squad leader shouts at me in front of everyone.")
        officer.select_option("#category", "MOBBING")
        go(officer, "form.stacked button[type=submit]")
        assert "/cases/received/done" in officer.url
        found += violations(officer)
        receipt = officer.locator(".receipt").inner_text().strip()

        complainant.goto(f"{live_server}/track")
        complainant.fill("#receipt", receipt)
        go(complainant, "form.stacked button[type=submit]")
        assert complainant.locator("#minutes").get_by_text("minutes-e2e: My squad leader").is_visible()
        found += violations(complainant)
        complainant.fill("textarea[name=minutes-remarks]", "It also happens on the radio.")
        go(complainant, "#minutes button[type=submit]")
        assert complainant.get_by_text("You confirmed these minutes").is_visible()
        found += violations(complainant)
        with app.app_context():
            record = db.session.execute(select(CaseRecord).where(CaseRecord.kind == "report_minutes")
                                        .order_by(CaseRecord.recorded_at.desc())).scalars().first()
            assert record.confirmation == "confirmed_online"
    finally:
        officer.context.close()
        complainant.context.close()
    assert found == []


def test_parties_feedback_and_hearings_on_the_case_page(app, live_server, browser) -> None:
    world = demo_world.build(app)
    found: list[str] = []
    officer = browser.new_context().new_page()
    investigator = browser.new_context().new_page()
    try:
        demo_world.sign_in(officer, live_server, world.accounts["officer"])
        officer.goto(f"{live_server}/cases/{world.cases['officer']}")
        open_everything(officer)
        found += violations(officer)
        go(officer, "form[action$='/feedback'] button[type=submit]")  # empty: errors, nothing sent
        found += violations(officer)
        open_everything(officer)
        officer.select_option("#feedback-action", "assessment")
        officer.fill("#feedback-grounds", "We are checking the duty rosters you mentioned.")
        go(officer, "form[action$='/feedback'] button[type=submit]")
        assert officer.get_by_text("Feedback sent to the complainant.").is_visible()
        open_everything(officer)
        officer.locator("#party-who-2").check()  # not a staff member
        officer.fill("#party-details", "party-e2e: a civilian contractor at the depot")
        go(officer, "form[action$='/parties'] button[type=submit]")
        assert officer.locator("#parties .prose", has_text="party-e2e: a civilian contractor").is_visible()
        found += violations(officer)
        with app.app_context():
            assert db.session.execute(select(FeedbackRecord)).first() is not None
            assert db.session.execute(select(CaseParty).where(CaseParty.staff_status == "not_staff")).first()

        demo_world.sign_in(investigator, live_server, world.accounts["investigator"])
        investigator.goto(f"{live_server}/cases/{world.cases['investigator']}")
        open_everything(investigator)
        found += violations(investigator)
        go(investigator, "form[action$='/hearings'] button[type=submit]")  # empty: errors
        found += violations(investigator)
    finally:
        officer.context.close()
        investigator.context.close()
    assert found == []
