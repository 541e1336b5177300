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
        user, uri = accounts.provision_user(username, PASSWORD, [role], display_name=username.title())
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


def take_step(page, label, reason=None, outcome=None, disciplinary=None, notice=None):
    page.locator("summary", has_text=label).click()
    form = page.locator("details[open] form")
    if outcome:
        form.locator("select[name=outcome]").select_option(outcome)
    if disciplinary:
        form.get_by_label(disciplinary).check()
    if notice:
        form.locator("textarea[name=complainant_notice]").fill(notice)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.get_by_role("button", name=label).click()
    assert page.get_by_text(f"Done: {label}.", exact=True).is_visible()


def test_a_case_through_the_procedure(app, live_server, new_page):
    secrets = {name: staff(app, name, role) for name, role in [
        ("coco", "coordinator"), ("olivera", "officer"), ("ivan", "investigator"), ("dragana", "decision")]}

    complainant = new_page()
    complainant.goto(f"{live_server}/report")
    complainant.get_by_label("Sexual harassment: unwanted touching").check()
    complainant.get_by_label("Tell us what happened, in your own words").fill("He grabbed me in the corridor.")
    complainant.get_by_label("A formal investigation").check()
    complainant.get_by_role("button", name="Send my report").click()
    receipt = complainant.locator(".receipt").inner_text().strip()

    coordinator = new_page()
    sign_in(coordinator, live_server, app, "coco", secrets["coco"])
    coordinator.get_by_role("link", name="Register").click()
    coordinator.locator("table tbody a").first.click()
    # Intake, investigation and decision in one step; each list offers the people of its role.
    form = coordinator.locator("form", has=coordinator.get_by_role("button", name="Assign", exact=True))
    for label, name in [("Complaint officer (intake)", "Olivera"), ("Investigator", "Ivan"),
                        ("Decision maker", "Dragana")]:
        form.get_by_label(label, exact=True).select_option(label=f"{name}, 0 open cases")
    form.get_by_role("button", name="Assign", exact=True).click()
    assert coordinator.get_by_text("3 assignments made.", exact=True).is_visible()

    officer = new_page()
    sign_in(officer, live_server, app, "olivera", secrets["olivera"])
    officer.locator("table tbody a").first.click()
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

    investigator = new_page()
    sign_in(investigator, live_server, app, "ivan", secrets["ivan"])
    investigator.locator("table tbody a").first.click()
    take_step(investigator, "Submit the investigation report", reason="Three witnesses confirm the account.")

    decider = new_page()
    sign_in(decider, live_server, app, "dragana", secrets["dragana"])
    decider.locator("table tbody a").first.click()
    take_step(decider, "Take the decision", reason="Established by witnesses.", outcome="substantiated",
              disciplinary="Disciplinary proceedings started",
              notice="Your report was found substantiated; disciplinary proceedings were started.")
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
