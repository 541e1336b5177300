"""The officers' and coordinators' day on the case page, in Chromium: files with messages and
notes, confirmed recusals, what the complainant gave, who acts next, notifications."""
from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Attachment, Message
from complaints.services import accounts
from tests.factories import assign, make_case
from tests.web.conftest import PASSWORD, fresh_code

pytestmark = pytest.mark.e2e


def staff(app, username: str, *roles: str) -> str:
    with app.app_context():
        user, uri = accounts.create_user(username, PASSWORD, list(roles), display_name=username.title())
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


def test_officer_sends_a_message_and_a_note_with_files(app, live_server, browser) -> None:
    secret = staff(app, "olivera", "officer")
    with app.app_context():
        case, _ = make_case(category="SH_VERBAL")
        assign(case, accounts.find_user("olivera"), "intake")
        case_id = case.id
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, live_server, app, "olivera", secret)
        page.goto(f"{live_server}/cases/{case_id}")
        message = page.locator("form[action$='/messages']")
        message.locator("textarea").fill("Here is the summons for the interview.")
        message.locator("input[type=file]").set_input_files(
            [{"name": "summons.txt", "mimeType": "text/plain", "buffer": b"Interview on Monday."}])
        with page.expect_navigation():
            message.get_by_role("button", name="Send to the complainant", exact=True).click()
        assert page.get_by_text("Message sent.").is_visible()
        assert page.get_by_text("Here is the summons for the interview.").is_visible()

        note = page.locator("form[action$='/notes']")
        note.locator("textarea").fill("Witness list attached; do not share.")
        note.locator("input[type=file]").set_input_files(
            [{"name": "witnesses.txt", "mimeType": "text/plain", "buffer": b"W1, W2"}])
        with page.expect_navigation():
            note.get_by_role("button", name="Save the note").click()
        assert page.get_by_text("Note saved.").is_visible()
        entry = page.locator(".timeline li", has_text="Witness list attached; do not share.")
        assert entry.get_by_role("link", name="witnesses.txt").is_visible()
    finally:
        context.close()
    with app.app_context():
        messages = {m.id: m for m in db.session.execute(select(Message)).scalars()}
        files = list(db.session.execute(select(Attachment)).scalars())
        assert len(messages) == 2 and len(files) == 2
        assert {messages[f.message_id].internal for f in files} == {True, False}
