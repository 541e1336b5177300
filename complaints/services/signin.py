"""Staff sign-in: the password, then a second factor (TOTP code or passkey).

Each step locks the account's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE serialises writers) for the whole check-and-count, so concurrent attempts are
counted one by one: 30 wrong passwords at once make 30 failures, a burst of codes is
checked only until the back-off starts, and one code is accepted once.

Back-off (auth.lockout_until) holds back browsers this account never signed in from; a
browser with the person's device token (auth.new_device_token) is never held back, and has
its own budget of failures instead, kept in the limiter's storage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import current_app
from limits import parse
from sqlalchemy import func, select

from .. import auth
from ..extensions import db, limiter
from ..models import Passkey, User
from . import auditing
from .accounts import totp_secret

DEVICE_FAILURES = parse("10/hour")  # wrong passwords or codes from one known browser


@dataclass(frozen=True)
class Device:
    """What the browser showed: its device tokens (may be none)."""

    tokens: tuple[str, ...] = ()

    @classmethod
    def from_cookie(cls, value: str | None) -> Device:
        return cls(tuple(t for t in (value or "").split("~") if t)[:4])


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key.encode() if isinstance(key, str) else key


def _testing() -> bool:
    return bool(current_app.config.get("TESTING"))


def device_nonce_of(device: Device) -> str | None:
    """A nonce of a token this server issued (for any account), with budget left."""
    for token in device.tokens:
        nonce = auth.device_nonce(_secret(), token)
        if nonce is not None and limiter.limiter.test(DEVICE_FAILURES, "device", nonce):
            return nonce
    return None


def _known_nonce(device: Device, user: User) -> str | None:
    """The nonce of this browser's token for ``user``, if it has failures left to spend."""
    for token in device.tokens:
        if auth.device_known_for(_secret(), token, user.id, user.password_hash):
            nonce = token.split(".")[0]
            if limiter.limiter.test(DEVICE_FAILURES, "device", nonce):
                return nonce
    return None


def new_device_token(user: User) -> str:
    return auth.new_device_token(_secret(), user.id, user.password_hash)


def _locked_user(where) -> User | None:  # type: ignore[no-untyped-def]
    return db.session.execute(select(User).where(where).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def _failure(user: User | None, reason: str, known_nonce: str | None) -> None:
    """Count a failure: on the browser's own budget when it is known, else on the account."""
    now = auth.utcnow()
    if known_nonce is not None:
        limiter.limiter.hit(DEVICE_FAILURES, "device", known_nonce)
    elif user is not None:
        user.failed_logins += 1
        until = auth.lockout_until(user.failed_logins, current_app.config["LOCKOUT_THRESHOLD"], now)
        if until is not None:
            user.locked_until = until
            auditing.record("auth.locked", actor=auditing.actor_for(user),
                            detail={"user": user.id, "minutes": int((until - now).total_seconds() // 60)})
    detail = {"reason": reason}
    if known_nonce is not None:
        detail["device"] = "known"
    auditing.record("auth.login_failed", actor=auditing.actor_for(user) if user else "anonymous",
                    detail=detail)
    db.session.commit()


def _held_back(user: User, known_nonce: str | None) -> bool:
    return known_nonce is None and auth.is_locked(user.locked_until, auth.utcnow())


def has_second_factor(user: User) -> bool:
    return user.totp_enrolled or bool(passkey_count(user.id))


def passkey_count(user_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(Passkey)
                              .where(Passkey.user_id == user_id)).scalar_one()


def check_password(username: str, password: str, device: Device = Device()) -> User | None:
    """First step: the account if the password is right and it may sign in."""
    user = _locked_user(func.lower(User.username) == username.strip().lower()) if username else None
    if user is None:
        auth.dummy_verify(password, _testing())
        _failure(None, "unknown_user", None)
        return None
    known = _known_nonce(device, user)
    if _held_back(user, known):
        auth.dummy_verify(password, _testing())  # not checked: the same time as a check
        _failure(None, "locked", None)
        return None
    if not auth.verify_password(user.password_hash, password, _testing()):
        _failure(user, "password", known)
        return None
    if not user.is_active_account:
        _failure(user, "disabled", known)
        return None
    if auth.needs_rehash(user.password_hash, _testing()):
        user.password_hash = auth.hash_password(password, _testing())
    db.session.commit()
    return user


def check_code(user_id: int, code: str, device: Device = Device()) -> User | None:
    """Second step: the TOTP code; completes the sign-in when right (once per code)."""
    user = _locked_user(User.id == user_id)
    if user is None or not user.is_active_account or not user.totp_enrolled:
        _failure(None, "code_refused", None)
        return None
    known = _known_nonce(device, user)
    if _held_back(user, known):
        _failure(None, "code_after_lock", None)
        return None
    now = auth.utcnow()
    step = auth.accepted_step(totp_secret(user), code, user.totp_last_step, now)
    if step is None:
        _failure(user, "code", known)
        return None
    user.totp_last_step = step
    signed_in(user, "totp")
    return user


def signed_in(user: User, factor: str) -> None:
    """A second factor was right: clear the back-off and record the sign-in (commits)."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = auth.utcnow()
    auditing.record("auth.login", actor=auditing.actor_for(user), detail={"factor": factor})
    db.session.commit()


def second_factor_failed(user_id: int, reason: str, device: Device) -> None:
    user = _locked_user(User.id == user_id)
    _failure(user, reason, _known_nonce(device, user) if user else None)


def held_back(user_id: int, device: Device) -> bool:
    user = db.session.get(User, user_id)
    return user is None or not user.is_active_account or _held_back(user, _known_nonce(device, user))


def sign_out_everywhere(user: User) -> None:
    user.session_nonce = auth.new_session_nonce()
    auditing.record("auth.logout", actor=auditing.actor_for(user))
    db.session.commit()


def known_devices(tokens: Iterable[str]) -> str:
    """The cookie value keeping at most four tokens, newest first."""
    return "~".join(list(dict.fromkeys(tokens))[:4])
