"""Accounts in Chromium: an invitation used end to end, the enrolment QR code that a reader
decodes from the screen, and the administrator who never sees the credentials."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from complaints import auth
from complaints.extensions import db
from complaints.models import AccountLink
from complaints.services import accounts
from tests.e2e.test_procedure_e2e import sign_in, staff

pytestmark = pytest.mark.e2e

PERSON_PASSWORD = "violet ferry under the old bridge"


def decode_qr(png_path) -> str:
    """What a QR reader finds in a screenshot (zbarimg, Debian's zbar-tools)."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: install Debian's zbar-tools (bash .ci/run does)"
    result = subprocess.run([zbarimg, "--quiet", "--raw", str(png_path)], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, f"no QR code decoded from {png_path}: {result.stderr}"
    return result.stdout.strip()


def create_account(page, base, username, role_label):
    page.goto(f"{base}/admin/accounts/new")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Name shown to colleagues").fill(username.title())
    page.get_by_label(role_label, exact=True).check()
    page.get_by_role("button", name="Create account and invitation link").click()
    return page.locator("#account-link").inner_text().strip()


def read_enrolment_secret(page, tmp_path, name="qr.png") -> str:
    shot = tmp_path / name
    page.locator(".qr").screenshot(path=str(shot))
    uri = decode_qr(shot)
    assert uri.startswith("otpauth://totp/")
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    shown = page.locator(".secret-key").inner_text().replace(" ", "")
    assert secret == shown  # the code and the key typed by hand are the same
    return secret


def test_an_invitation_from_creation_to_first_sign_in(app, live_server, browser, tmp_path):
    admin_secret = staff(app, "adina", "admin")
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    sign_in(admin, live_server, app, "adina", admin_secret)
    link = create_account(admin, live_server, "nadia", "Gender equality mechanism analyst")
    assert "/welcome?t=" in link and "otpauth" not in admin.content()
    assert admin.locator("input[type=password]").count() == 0

    person_context = browser.new_context()
    person = person_context.new_page()
    person.goto(link)
    assert person.url == f"{live_server}/welcome"  # the token left the address bar
    secret = read_enrolment_secret(person, tmp_path)
    person.get_by_label("Choose a password").fill(PERSON_PASSWORD)
    person.get_by_label("The same password again").fill(PERSON_PASSWORD)
    person.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(secret).now())
    person.get_by_role("button", name="Finish set-up and sign in").click()
    assert person.get_by_text("Your account is ready: you are signed in.").is_visible()
    assert person.get_by_role("link", name="Statistics").is_visible()
    assert any(c["name"] == "complaints_device" and c["httpOnly"] for c in person_context.cookies())

    # Used once: the same link, in any browser, is refused.
    again = browser.new_context()
    retry = again.new_page()
    retry.goto(link)
    assert retry.get_by_role("heading", name="This link can no longer be used").is_visible()
    again.close()

    # The administrator's pages show neither the password nor the secret nor the link.
    for path in ("/admin/accounts", f"/admin/accounts/{_user_id(app, 'nadia')}"):
        admin.goto(f"{live_server}{path}")
        text = admin.content()
        assert secret not in text and PERSON_PASSWORD not in text and link not in text
    person_context.close()
    admin_context.close()


def test_an_expired_invitation_is_refused(app, live_server, browser):
    admin_secret = staff(app, "adina", "admin")
    context = browser.new_context()
    admin = context.new_page()
    sign_in(admin, live_server, app, "adina", admin_secret)
    link = create_account(admin, live_server, "late", "Auditor")
    with app.app_context():
        row = db.session.query(AccountLink).one()
        row.expires_at = auth.utcnow() - timedelta(minutes=1)
        db.session.commit()
    person = context.browser.new_context()
    page = person.new_page()
    page.goto(link)
    assert page.get_by_role("heading", name="This link can no longer be used").is_visible()
    person.close()
    context.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}])
def test_the_enrolment_qr_code_scans_from_the_screen(app, live_server, browser, tmp_path, viewport):
    """Issue 20 (3.3.8): CSS squeezed segno's fixed-size SVG and cut off two finder squares."""
    with app.app_context():
        invitation = accounts.invite_user(None, "qrtest", ["gem"])
        token = invitation.link.token
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server}/welcome?t={token}")
    box = page.locator(".qr svg").bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 1
    read_enrolment_secret(page, tmp_path, f"qr-{viewport['width']}.png")
    context.close()


def _user_id(app, username):
    with app.app_context():
        return accounts.find_user(username).id


def test_the_user_name_field_and_passwords_tell_their_purpose(app, live_server, browser):
    """Issue 20 (1.3.5): password managers and assistive technology know each field."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.get_by_label("User name").get_attribute("autocomplete") == "username"
    assert page.get_by_label("Password").get_attribute("autocomplete") == "current-password"
    with app.app_context():
        token = accounts.invite_user(None, "fields", ["gem"]).link.token
    page.goto(f"{live_server}/welcome?t={token}")
    assert page.get_by_label("Choose a password").get_attribute("autocomplete") == "new-password"
    assert page.get_by_label("Six-digit code from your authenticator app").get_attribute(
        "autocomplete") == "one-time-code"
    assert re.search(r'autocomplete="username"', page.content())
    context.close()


def test_a_passkey_added_and_used_in_chromium(app, live_server, browser):
    """Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for a security
    key: add a passkey on the security page, then sign in with it instead of the code."""
    from tests.web.conftest import PASSWORD

    secret = staff(app, "petra", "officer")
    base = live_server.replace("127.0.0.1", "localhost")  # WebAuthn needs a host name
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False,
        "hasUserVerification": True, "isUserVerified": True}})
    sign_in(page, base, app, "petra", secret)
    page.get_by_role("link", name="My sign-in").click()
    page.get_by_label("A name for this passkey (for example: work laptop)").fill("test key")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Passkey added.").wait_for()
    assert page.get_by_role("button", name="Remove test key").is_visible()
    page.get_by_role("button", name=re.compile("Sign out")).click()

    page.goto(f"{base}/login")
    page.get_by_label("User name").fill("petra")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(f"{base}/cases")
    assert page.get_by_role("link", name="My cases").is_visible()
    context.close()


def test_the_code_step_works_without_javascript(app, live_server, browser):
    from tests.web.conftest import fresh_code, PASSWORD

    secret = staff(app, "nojs", "officer")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("User name").fill("nojs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Six-digit code from your authenticator app").fill(fresh_code(app, "nojs", secret))
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("link", name="My cases").is_visible()
    context.close()
