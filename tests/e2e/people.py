"""Staff accounts for browser tests, made directly (no demo cases) and signed in through the
real pages with tests.e2e.world.sign_in."""
from __future__ import annotations

from complaints.extensions import db
from complaints.services import accounts
from complaints.services.demo import DemoAccount

PASSWORD = "river lantern copper autumn"


def staff_account(app, role: str, username: str | None = None, enrolled: bool = True) -> DemoAccount:  # type: ignore[no-untyped-def]
    username = username or f"{role}.tester"
    with app.app_context():
        user, uri = accounts.provision_user(username, PASSWORD, [role], display_name=username.title())
        user.totp_enrolled = enrolled
        db.session.commit()
    return DemoAccount(role=role, username=username, password=PASSWORD, otpauth_uri=uri)
