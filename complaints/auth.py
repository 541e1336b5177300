"""Staff authentication rules. No Flask imports.

- Passwords: argon2id (argon2-cffi), rehashed on sign-in when the parameters change;
  at least 12 characters and not a common password.
- TOTP (pyotp), mandatory for every staff account; a code is accepted once only: the time
  step of the last accepted code is stored and any step at or before it is refused.
- Back-off after repeated failures, for unknown devices only: after ``threshold`` failures
  an account answers unknown browsers with "failed" for 1, 2, 4... minutes without checking,
  while a browser where the person signed in before (a device token, OWASP's "device
  cookie") still gets through. So guessing stays slow, and nobody can lock a colleague out.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .translatable import N_

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
TOTP_INTERVAL = 30
TOTP_WINDOW = 1  # accept one step either side for clock drift
LOCKOUT_CAP_MINUTES = 60
ISSUER = "Complaints"

PRODUCTION_HASHER = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
FAST_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hasher(testing: bool) -> PasswordHasher:
    return FAST_TEST_HASHER if testing else PRODUCTION_HASHER


# --- passwords ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("complaints").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a password is not acceptable, in plain words (empty list when it is fine).

    Each reason is a message template (N_) with %(min)s / %(max)s for the length limits;
    services translate and fill it in (accounts.describe_problems)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(N_("Use at least %(min)s characters."))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(N_("Use at most %(max)s characters."))
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!@#$%^&*.-_ ")
    if lowered in common_passwords() or stripped in common_passwords():
        problems.append(N_("This password is too common; choose another."))
    elif len(set(password)) <= 2:
        problems.append(N_("Use more than two different characters."))
    if username and len(username) >= 3 and username.lower() in lowered:
        problems.append(N_("Don't use your user name in the password."))
    return problems


def hash_password(password: str, testing: bool = False) -> str:
    return hasher(testing).hash(password)


def verify_password(stored_hash: str, password: str, testing: bool = False) -> bool:
    try:
        return hasher(testing).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, testing: bool = False) -> bool:
    try:
        return hasher(testing).check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# A hash of a random password, verified against for unknown users so that a wrong user
# name takes as long as a wrong password.
_DUMMY_HASHES: dict[bool, str] = {}


def dummy_verify(password: str, testing: bool = False) -> None:
    if testing not in _DUMMY_HASHES:
        _DUMMY_HASHES[testing] = hash_password(secrets.token_urlsafe(16), testing)
    verify_password(_DUMMY_HASHES[testing], password, testing)


# --- TOTP --------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).provisioning_uri(name=username,
                                                                       issuer_name=ISSUER)


def current_step(now: datetime) -> int:
    return int(now.timestamp()) // TOTP_INTERVAL


def accepted_step(secret: str, code: str, last_step: int, now: datetime) -> int | None:
    """The time step ``code`` belongs to, if valid and newer than ``last_step``; else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    step_now = current_step(now)
    for step in range(step_now - TOTP_WINDOW, step_now + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code):
            return step if step > last_step else None  # a replayed or older code
    return None


# --- lockout -----------------------------------------------------------------------------


def lockout_until(failed_logins: int, threshold: int, now: datetime) -> datetime | None:
    """After ``threshold`` consecutive failures: locked for 1, 2, 4... minutes, at most 60."""
    if failed_logins < threshold:
        return None
    minutes = min(2 ** (failed_logins - threshold), LOCKOUT_CAP_MINUTES)
    return now + timedelta(minutes=minutes)


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


# --- device tokens -----------------------------------------------------------------------
# "nonce.generic.personal": ``generic`` proves the server issued it (any account), and
# ``personal`` binds it to one account and its current password hash, so a password change
# or reset ends every device's standing.

DEVICE_MAC_CHARS = 32


def _mac(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "|".join(("device", *parts)).encode(), "sha256").hexdigest()[:DEVICE_MAC_CHARS]


def new_device_token(secret: bytes, user_id: int, password_hash: str) -> str:
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_mac(secret, nonce)}.{_mac(secret, nonce, str(user_id), password_hash)}"


def device_nonce(secret: bytes, token: str) -> str | None:
    """The token's nonce if the server issued it (for any account), else None."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0] or len(parts[0]) > 64:
        return None
    return parts[0] if hmac.compare_digest(parts[1], _mac(secret, parts[0])) else None


def device_known_for(secret: bytes, token: str, user_id: int, password_hash: str) -> bool:
    nonce = device_nonce(secret, token)
    return nonce is not None and hmac.compare_digest(
        token.split(".")[2], _mac(secret, nonce, str(user_id), password_hash))


def new_session_nonce() -> str:
    return secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
