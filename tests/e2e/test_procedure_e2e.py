"""The whole procedure in a browser: filing, assignment, acknowledgement, messages both
ways, investigation, decision, delivery, and monitoring."""
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, Deadline
from complaints.services import accounts
from tests.web.conftest import PASSWORD, fresh_code

pytestmark = pytest.mark.e2e


def staff(app, username, role):
    with app.app_context():
        user, uri = accounts.create_user(username, PASSWORD, [role], display_name=username.title())
        user.totp_enrolled = True
        db.session.commit()
    return pyotp.parse_uri(uri).secret


def sign_in(page, base, app, username, secret):
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Six-digit code from your authenticator app").fill(fresh_code(app, username, secret))
    page.get_by_role("button", name="Sign in").click()


def take_step(page, label, reason=None, outcome=None):
    page.locator("summary", has_text=label).click()
    form = page.locator("details[open] form")
    if outcome:
        form.locator("select[name=outcome]").select_option(outcome)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.get_by_role("button", name=label).click()
    assert page.get_by_text(f"Done: {label}.", exact=True).is_visible()


def test_a_case_through_the_procedure(app, live_server, browser):
    secrets = {name: staff(app, name, role) for name, role in [
        ("coco", "coordinator"), ("olivera", "officer"), ("ivan", "investigator"), ("dragana", "decision")]}

    complainant = browser.new_context().new_page()
    complainant.goto(f"{live_server}/report")
    complainant.get_by_label("Sexual harassment: unwanted touching").check()
    complainant.get_by_label("Tell us what happened, in your own words").fill("He grabbed me in the corridor.")
    complainant.get_by_label("A formal investigation").check()
    complainant.get_by_role("button", name="Send my report").click()
    receipt = complainant.locator(".receipt").inner_text().strip()

    coordinator = browser.new_context().new_page()
    sign_in(coordinator, live_server, app, "coco", secrets["coco"])
    coordinator.get_by_role("link", name="Register").click()
    coordinator.locator("table a").first.click()
    for capacity, name in [("intake", "Olivera"), ("investigator", "Ivan"), ("decision", "Dragana")]:
        form = coordinator.locator("form", has=coordinator.get_by_role("button", name="Assign", exact=True))
        form.get_by_label("Capacity").select_option(capacity)
        form.get_by_label("Staff member").select_option(label=name)
        form.get_by_role("button", name="Assign", exact=True).click()
        assert coordinator.get_by_text("Assigned.", exact=True).is_visible()

    officer = browser.new_context().new_page()
    sign_in(officer, live_server, app, "olivera", secrets["olivera"])
    officer.locator("table a").first.click()
    assert officer.get_by_text("He grabbed me in the corridor.").is_visible()
    take_step(officer, "Acknowledge receipt")
    officer.get_by_label("Message to the complainant", exact=True).fill("I am handling your report. Are you safe at work?")
    officer.get_by_role("button", name="Send to the complainant", exact=True).click()
    take_step(officer, "Open a formal investigation")

    complainant.goto(f"{live_server}/track")
    complainant.get_by_label("Your receipt code").fill(receipt)
    complainant.get_by_role("button", name="Open my case").click()
    assert complainant.get_by_text("Are you safe at work?").is_visible()
    assert complainant.get_by_role("heading", name="Under investigation").is_visible()
    complainant.get_by_label("Your message or new information").fill("Yes, but he is still on my shift.")
    complainant.get_by_role("button", name="Send", exact=True).click()

    officer.reload()
    assert officer.get_by_text("Yes, but he is still on my shift.").is_visible()

    investigator = browser.new_context().new_page()
    sign_in(investigator, live_server, app, "ivan", secrets["ivan"])
    investigator.locator("table a").first.click()
    take_step(investigator, "Submit the investigation report", reason="Three witnesses confirm the account.")

    decider = browser.new_context().new_page()
    sign_in(decider, live_server, app, "dragana", secrets["dragana"])
    decider.locator("table a").first.click()
    take_step(decider, "Take the decision", reason="Established by witnesses.", outcome="substantiated")
    take_step(decider, "Decision delivered to both parties")

    with app.app_context():  # the 15-day appeal window passes
        for deadline in db.session.execute(select(Deadline).where(Deadline.kind == "appeal_window")).scalars():
            deadline.due_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    officer.reload()
    take_step(officer, "No appeal lodged: start monitoring")

    complainant.reload()
    assert complainant.get_by_role("heading", name="Follow-up").is_visible()
    with app.app_context():
        assert db.session.execute(select(Case)).scalar_one().state == "monitoring"
