"""A demo world for browser tests: every role's account, cases in every state, sign-in.

Built with services.demo (the same data `complaints demo` creates), so the pages under test
look like the ones people use. Each role signs in through the real pages, password then TOTP.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import pyotp
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assignment, Case, User
from complaints.services import demo


@dataclass(frozen=True)
class World:
    accounts: dict[str, demo.DemoAccount]   # role -> the first demo account of that role
    cases: dict[str, uuid.UUID]             # what to open -> case id


def build(app, case_count: int = 24) -> World:  # type: ignore[no-untyped-def]
    with app.app_context():
        accounts: dict[str, demo.DemoAccount] = {}
        for account in demo.build_demo(case_count):
            accounts.setdefault(account.role, account)
        cases = {
            "officer": _assigned_case(accounts["officer"].username, "intake", "triage"),
            "decision": _assigned_case(accounts["decision"].username, "decision", "decision_pending"),
            "investigator": _assigned_case(accounts["investigator"].username, "investigator",
                                           "formal_investigation"),
            "register": db.session.execute(select(Case.id).order_by(Case.reference)).scalars().first(),
        }
        return World(accounts, cases)


def _assigned_case(username: str, capacity: str, state: str) -> uuid.UUID:
    return db.session.execute(
        select(Case.id).join(Assignment, Assignment.case_id == Case.id).join(User, User.id == Assignment.user_id)
        .where(User.username == username, Assignment.capacity == capacity, Assignment.ended_at.is_(None),
               Case.state == state).order_by(Case.reference)).scalars().first()


def sign_in(page, base: str, account: demo.DemoAccount, on_code_page=None) -> None:  # type: ignore[no-untyped-def]
    """Password, then the authenticator code (enrolment at the first sign-in).
    ``on_code_page`` runs on the code page, before the code is sent."""
    page.goto(f"{base}/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    with page.expect_navigation():  # wait for the response, not only for the click
        page.click("form.stacked button[type=submit]")
    if on_code_page is not None:
        on_code_page()
    page.fill("#code", pyotp.TOTP(pyotp.parse_uri(account.otpauth_uri).secret).now())
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert "/login" not in page.url, page.url
