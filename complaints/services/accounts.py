"""Staff accounts and sign-in. Every change is one transaction with its audit entry.

Disabling an account, changing its password or its roles rotates its session nonce, which
ends all of that user's sessions at once (auth checks the nonce on every request).
"""
from __future__ import annotations

from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from .. import auth
from ..extensions import db
from ..models import ROLES, Unit, User, UserRole
from . import auditing
from .system_key import system_cipher


def describe_problems(problems: list[str]) -> str:
    """auth.password_problems' reasons as one translated sentence list."""
    return " ".join(gettext(p, min=auth.MIN_PASSWORD_LENGTH, max=auth.MAX_PASSWORD_LENGTH)
                    for p in problems)


class AccountError(Exception):
    """The change can't be made; the message says why in plain words."""


def _testing() -> bool:
    return bool(current_app.config.get("TESTING"))


def _seal_totp(user: User, secret: str) -> None:
    user.totp_secret_enc = system_cipher().seal("users", "totp_secret_enc", user.id, secret)


def totp_secret(user: User) -> str:
    return system_cipher().open("users", "totp_secret_enc", user.id, user.totp_secret_enc)


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise AccountError(gettext("Choose roles from: %(roles)s.", roles=", ".join(ROLES)))
    return roles


def find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def create_user(username: str, password: str, roles: Iterable[str], display_name: str = "",
                email: str = "", unit_id: int | None = None) -> tuple[User, str]:
    """A new staff account; returns it with its otpauth:// URI (shown once)."""
    username = username.strip()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError(gettext("User names use letters, digits, dots, dashes and underscores (at most 64)."))
    if find_user(username) is not None:
        raise AccountError(gettext("That user name is taken."))
    problems = auth.password_problems(password, username)
    if problems:
        raise AccountError(describe_problems(problems))
    roles = _check_roles(roles)
    if unit_id and db.session.get(Unit, unit_id) is None:
        raise AccountError("Choose the unit from the list.")
    user = User(username=username, display_name=display_name.strip() or username,
                email=email.strip(), unit_id=unit_id,
                password_hash=auth.hash_password(password, _testing()),
                totp_secret_enc=b"", session_nonce=auth.new_session_nonce(),
                role_rows=[UserRole(role=r) for r in roles])
    db.session.add(user)
    db.session.flush()
    secret = auth.new_totp_secret()
    _seal_totp(user, secret)
    auditing.record("account.create", detail={"user": user.id, "username": username, "roles": roles})
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


def set_roles(actor: Any, user_id: int, roles: Iterable[str]) -> User:
    user = _get(user_id)
    roles = _check_roles(roles)
    if actor is not None and user.id == getattr(actor, "id", None) and "admin" not in roles:
        raise AccountError(gettext("You can't remove your own administrator role."))
    user.role_rows = [UserRole(role=r) for r in roles]
    user.session_nonce = auth.new_session_nonce()
    auditing.record("account.roles", detail={"user": user.id, "roles": roles})
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


def change_password(user_id: int, current: str | None, new: str) -> User:
    """Change a password (``current`` is None when an administrator resets it)."""
    user = _get(user_id)
    if current is not None and not auth.verify_password(user.password_hash, current, _testing()):
        raise AccountError(gettext("The current password is not right."))
    problems = auth.password_problems(new, user.username)
    if problems:
        raise AccountError(describe_problems(problems))
    user.password_hash = auth.hash_password(new, _testing())
    user.password_changed_at = auth.utcnow()
    user.session_nonce = auth.new_session_nonce()
    auditing.record("account.password", detail={"user": user.id,
                                                "by": "self" if current is not None else "admin"})
    db.session.commit()
    return user


def reset_totp(user_id: int) -> tuple[User, str]:
    user = _get(user_id)
    secret = auth.new_totp_secret()
    _seal_totp(user, secret)
    user.totp_enrolled = False
    user.totp_last_step = 0
    user.session_nonce = auth.new_session_nonce()
    auditing.record("account.totp_reset", detail={"user": user.id})
    db.session.commit()
    return user, auth.provisioning_uri(secret, user.username)


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


# --- sign-in -----------------------------------------------------------------------------


def _failure(user: User | None, reason: str) -> None:
    now = auth.utcnow()
    if user is not None:
        user.failed_logins += 1
        until = auth.lockout_until(user.failed_logins, current_app.config["LOCKOUT_THRESHOLD"], now)
        if until is not None:
            user.locked_until = until
            auditing.record("auth.locked", actor=auditing.actor_for(user),
                            detail={"user": user.id, "minutes": int((until - now).total_seconds() // 60)})
    auditing.record("auth.login_failed", actor=auditing.actor_for(user) if user else "anonymous",
                    detail={"reason": reason})
    db.session.commit()


def check_password(username: str, password: str) -> User | None:
    """First step: the user if the password is right and the account may sign in."""
    user = find_user(username) if username else None
    now = auth.utcnow()
    if user is None:
        auth.dummy_verify(password, _testing())
        _failure(None, "unknown_user")
        return None
    if auth.is_locked(user.locked_until, now):
        auth.dummy_verify(password, _testing())
        _failure(None, "locked")
        return None
    if not auth.verify_password(user.password_hash, password, _testing()):
        _failure(user, "password")
        return None
    if not user.is_active_account:
        _failure(user, "disabled")
        return None
    if auth.needs_rehash(user.password_hash, _testing()):
        user.password_hash = auth.hash_password(password, _testing())
        db.session.commit()
    return user


def check_code(user_id: int, code: str, enrolling: bool = False) -> User | None:
    """Second step: the TOTP code; completes the sign-in (and enrolment) when right."""
    user = db.session.get(User, user_id)
    now = auth.utcnow()
    if user is None or not user.is_active_account or auth.is_locked(user.locked_until, now):
        _failure(None, "code_after_lock")
        return None
    if enrolling and user.totp_enrolled:
        _failure(user, "enrolment_repeat")
        return None
    step = auth.accepted_step(totp_secret(user), code, user.totp_last_step, now)
    if step is None:
        _failure(user, "code")
        return None
    user.totp_last_step = step
    user.totp_enrolled = True
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    auditing.record("auth.login", actor=auditing.actor_for(user),
                    detail={"enrolled": True} if enrolling else None)
    db.session.commit()
    return user


def sign_out_everywhere(user: User) -> None:
    user.session_nonce = auth.new_session_nonce()
    auditing.record("auth.logout", actor=auditing.actor_for(user))
    db.session.commit()
