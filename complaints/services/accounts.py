"""Staff accounts and sign-in. Every change is one transaction with its audit entry.

Disabling an account, changing its password or its roles rotates its session nonce, which
ends all of that user's sessions at once (auth checks the nonce on every request).
Administrators never set or see a colleague's password or authenticator: new accounts get
an invitation link and lost credentials a reset link (services/account_links); roles follow
the separation of duties (services/roles). Sign-in itself is services/signin.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import auth, duties
from ..extensions import db
from ..models import Unit, User, UserRole
from . import account_links, auditing
from . import roles as roles_service
from .system_key import system_cipher


def describe_problems(problems: list[str]) -> str:
    """auth.password_problems' reasons as one translated sentence list."""
    return " ".join(gettext(p, min=auth.MIN_PASSWORD_LENGTH, max=auth.MAX_PASSWORD_LENGTH)
                    for p in problems)


NO_PASSWORD = "!"  # not an argon2 hash: no password verifies against it


class AccountError(Exception):
    """The change can't be made; the message says why in plain words."""


def _testing() -> bool:
    return bool(current_app.config.get("TESTING"))


def _seal_totp(user: User, secret: str) -> None:
    user.totp_secret_enc = system_cipher().seal("users", "totp_secret_enc", user.id, secret)


def totp_secret(user: User) -> str:
    return system_cipher().open("users", "totp_secret_enc", user.id, user.totp_secret_enc)


def _check_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError(gettext("User names use letters, digits, dots, dashes and underscores (at most 64)."))
    if find_user(username) is not None:
        raise AccountError(gettext("That user name is taken."))
    return username


def find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def signed_in(user_id: int) -> User | None:
    """The account of a signed-in session, with its roles, in one statement (every staff
    request starts here; the roles' own select-in load was a second round trip)."""
    return db.session.get(User, user_id, options=_WITH_ROLES)


_WITH_ROLES = (joinedload(User.role_rows),)  # built once (performance.md)


def _new_user(username: str, display_name: str, email: str, unit_id: int | None) -> User:
    if unit_id and db.session.get(Unit, unit_id) is None:
        raise AccountError(gettext("Choose the unit from the list."))
    # No usable password until the person sets one on their invitation link.
    user = User(username=username, display_name=display_name.strip() or username,
                email=email.strip(), unit_id=unit_id, password_hash=NO_PASSWORD,
                totp_secret_enc=b"", session_nonce=auth.new_session_nonce())
    db.session.add(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class Invitation:
    user: User
    link: account_links.IssuedLink
    roles: roles_service.RoleChange


def invite_user(actor: Any, username: str, roles: Iterable[str], display_name: str = "",
                email: str = "", unit_id: int | None = None) -> Invitation:
    """A new staff account and its invitation link (shown once). The person sets their own
    password and authenticator on the link; roles that need approval wait for a second
    administrator (``actor`` None: the operator at the command line)."""
    username = _check_username(username)
    try:
        user = _new_user(username, display_name, email, unit_id)
        change = roles_service.grant_initial_roles(actor, user, roles)
    except (AccountError, roles_service.RoleRefused):
        db.session.rollback()
        raise
    auditing.record("account.create", detail={"user": user.id, "username": username,
                                              "roles": sorted(change.added),
                                              "roles_waiting": sorted(change.requested)})
    link = account_links.issue(actor, user, "invite")
    return Invitation(user, link, change)


def provision_user(username: str, password: str, roles: Iterable[str], display_name: str = "",
                   email: str = "", unit_id: int | None = None) -> tuple[User, str]:
    """An account with a password and its roles at once, for the demo, benchmarks and tests
    only (never reachable from the administration pages or the command line, which invite).
    Returns the account and its otpauth:// URI."""
    username = _check_username(username)
    problems = auth.password_problems(password, username)
    if problems:
        raise AccountError(describe_problems(problems))
    roles = roles_service.known_roles(roles)
    try:
        duties.check_combination(roles)
    except duties.DutyRefused as refusal:
        raise AccountError(gettext(refusal.message, **refusal.values)) from None
    user = _new_user(username, display_name, email, unit_id)
    user.password_hash = auth.hash_password(password, _testing())
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    secret = auth.new_totp_secret()
    _seal_totp(user, secret)
    auditing.record("account.create", detail={"user": user.id, "username": username,
                                              "roles": sorted(roles), "provisioned": True})
    db.session.commit()
    return user, auth.provisioning_uri(secret, username)


def _get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError(gettext("No such account."))
    return user


def set_active(actor: Any, user_id: int, active: bool) -> User:
    user = _get(user_id)
    if not active and actor is not None and user.id == getattr(actor, "id", None):
        raise AccountError(gettext("You can't disable your own account."))
    user.is_active_account = active
    user.session_nonce = auth.new_session_nonce()
    if active:
        user.failed_logins = 0
        user.locked_until = None
    auditing.record("account.enable" if active else "account.disable", detail={"user": user.id})
    db.session.commit()
    return user


def update_profile(user_id: int, display_name: str, email: str, unit_id: int | None) -> User:
    user = _get(user_id)
    user.display_name = display_name.strip() or user.username
    user.email = email.strip()
    user.unit_id = unit_id
    auditing.record("account.profile", detail={"user": user.id, "unit": unit_id})
    db.session.commit()
    return user


def change_password(user_id: int, current: str, new: str) -> User:
    """The person changes their own password (administrators never set one: they issue a
    reset link, services/account_links)."""
    user = _get(user_id)
    if not auth.verify_password(user.password_hash, current, _testing()):
        raise AccountError(gettext("The current password is not right."))
    problems = auth.password_problems(new, user.username)
    if problems:
        raise AccountError(describe_problems(problems))
    user.password_hash = auth.hash_password(new, _testing())
    user.password_changed_at = auth.utcnow()
    user.session_nonce = auth.new_session_nonce()
    auditing.record("account.password", detail={"user": user.id, "by": "self"})
    db.session.commit()
    return user


def issue_reset(actor: Any, user_id: int) -> account_links.IssuedLink:
    """A reset link for a forgotten password or a lost authenticator (shown once)."""
    user = _get(user_id)
    if actor is not None and user.id == getattr(actor, "id", None):
        raise AccountError(gettext("You can't reset your own account; another administrator does it."))
    return account_links.issue(actor, user, "reset")


def issue_invitation_again(actor: Any, user_id: int) -> account_links.IssuedLink:
    """A new invitation for an account whose person has not used theirs yet."""
    user = _get(user_id)
    if user.totp_enrolled or user.password_hash != NO_PASSWORD:
        raise AccountError(gettext("This person has already set up their account; send a reset link instead."))
    return account_links.issue(actor, user, "invite")


def unlock(user_id: int) -> User:
    user = _get(user_id)
    user.failed_logins = 0
    user.locked_until = None
    auditing.record("account.unlock", detail={"user": user.id})
    db.session.commit()
    return user


def add_unit(name: str, unit_group: str, parent_id: int | None) -> Unit:
    name, unit_group = name.strip(), unit_group.strip()
    if not name or not unit_group:
        raise AccountError(gettext("Give the unit's name and group."))
    if db.session.execute(select(Unit.id).where(Unit.name == name)).first():
        raise AccountError(gettext("A unit with that name exists."))
    if parent_id and db.session.get(Unit, parent_id) is None:
        raise AccountError(gettext("Choose the unit above from the list."))
    unit = Unit(name=name, unit_group=unit_group, parent_id=parent_id or None)
    db.session.add(unit)
    db.session.flush()
    auditing.record("unit.create", detail={"unit": unit.id})
    db.session.commit()
    return unit
