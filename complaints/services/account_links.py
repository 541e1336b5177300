"""One-time links: a new account's invitation, and the reset of a forgotten password or a
lost authenticator. The person sets their own password and second factor on the link's
page; the administrator who issued it sees neither.

A link is a random token shown once (or e-mailed); only its SHA-256 is stored. It works
once, until it expires; issuing a new link for the same account revokes the older ones.
Using it is one transaction: the link is marked used only if it was still usable at that
instant (a conditional UPDATE), so two submissions at once can't both use it.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, select, update

from .. import auth
from ..extensions import db
from ..models import AccountLink, Passkey, User
from . import auditing, roles
from .system_key import system_cipher

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=24)}
PATH = "/welcome"


class LinkError(Exception):
    """The link's form can't be completed; the message says why in plain words."""


@dataclass(frozen=True)
class IssuedLink:
    token: str
    expires_at: datetime
    purpose: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def url_for_token(token: str, base_url: str) -> str:
    """The full link (``base_url`` is the site's address, e.g. https://complaints.example)."""
    return f"{base_url.rstrip('/')}{PATH}?t={token}"


def issue(actor: Any, user: User, purpose: str, commit: bool = True) -> IssuedLink:
    """A new link for ``user``; older unused links of the account stop working."""
    now = auth.utcnow()
    db.session.execute(update(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.used_at.is_(None),
        AccountLink.revoked_at.is_(None)).values(revoked_at=now))
    token = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user.id, purpose=purpose, token_hash=token_hash(token),
                       created_by_id=getattr(actor, "id", None), created_at=now,
                       expires_at=now + LIFETIME[purpose])
    db.session.add(link)
    db.session.flush()
    auditing.record(f"account.{purpose}_issued", detail={"user": user.id, "link": link.id})
    if commit:
        db.session.commit()
    return IssuedLink(token, link.expires_at, purpose)


def _usable(link: AccountLink | None, now: datetime) -> bool:
    return (link is not None and link.used_at is None and link.revoked_at is None
            and link.expires_at > now)


def find(token: str) -> AccountLink | None:
    """The link for ``token`` if it can still be used, else None (no reason is given away)."""
    if not token or len(token) > 100:
        return None
    link = db.session.execute(select(AccountLink).where(
        AccountLink.token_hash == token_hash(token))).scalar_one_or_none()
    return link if _usable(link, auth.utcnow()) else None


def usable_link(link_id: int | None) -> AccountLink | None:
    link = db.session.get(AccountLink, link_id) if link_id is not None else None
    return link if _usable(link, auth.utcnow()) else None


def enrolment_secret(link: AccountLink) -> str:
    """The authenticator secret offered on the link's page: made when the page is first
    shown, kept (sealed) with the link so that reloading the page shows the same code."""
    cipher = system_cipher()
    if link.totp_secret_enc:
        return cipher.open("account_links", "totp_secret_enc", link.id, link.totp_secret_enc)
    secret = auth.new_totp_secret()
    link.totp_secret_enc = cipher.seal("account_links", "totp_secret_enc", link.id, secret)
    db.session.commit()
    return secret


def complete(link_id: int, password: str, code: str) -> User:
    """Set the person's password and authenticator from the link, in one transaction."""
    link = usable_link(link_id)
    if link is None:
        raise LinkError(gettext("This link can no longer be used. Ask an administrator for a new one."))
    user = db.session.get(User, link.user_id)
    if user is None or not user.is_active_account:
        raise LinkError(gettext("This account is disabled. Ask an administrator."))
    from .accounts import describe_problems

    problems = auth.password_problems(password, user.username)
    if problems:
        raise LinkError(describe_problems(problems))
    secret = enrolment_secret(link)
    now = auth.utcnow()
    step = auth.accepted_step(secret, code, 0, now)
    if step is None:
        raise LinkError(gettext("The code is not right. Check the time on your phone and try the "
                                "newest code."))
    claimed = db.session.execute(update(AccountLink).where(
        AccountLink.id == link.id, AccountLink.used_at.is_(None), AccountLink.revoked_at.is_(None),
        AccountLink.expires_at > now).values(used_at=now)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise LinkError(gettext("This link can no longer be used. Ask an administrator for a new one."))
    testing = bool(current_app.config.get("TESTING"))
    user.password_hash = auth.hash_password(password, testing)
    user.password_changed_at = now
    user.totp_secret_enc = system_cipher().seal("users", "totp_secret_enc", user.id, secret)
    user.totp_enrolled, user.totp_last_step = True, step
    user.failed_logins, user.locked_until = 0, None
    user.session_nonce = auth.new_session_nonce()
    user.last_login_at = now
    suspended: set[str] = set()
    if link.purpose == "reset":
        db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
        suspended = roles.suspend_for_new_credentials(link.created_by_id, user)
    link.totp_secret_enc = None
    auditing.record(f"account.{link.purpose}_used", actor=auditing.actor_for(user),
                    detail={"user": user.id, "link": link.id, "roles_waiting": sorted(suspended)})
    auditing.record("auth.login", actor=auditing.actor_for(user), detail={"enrolled": True})
    db.session.commit()
    return user
