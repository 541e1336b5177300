"""Passkeys (WebAuthn) as a second factor, with the ``webauthn`` package's server side.

A person adds passkeys on their security page once signed in; at sign-in, after the
password, a passkey may stand in for the six-digit code. Phishing-resistant: the browser
binds each answer to this site's address, which the server checks.

Every challenge is random, kept server-side (as a hash) for five minutes and used once:
the row is deleted by the request that uses it, so a replayed answer finds nothing.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import webauthn
from flask_babel import gettext
from sqlalchemy import delete, select
from webauthn.helpers import structs
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse

from .. import auth
from ..extensions import db
from ..models import Passkey, User, WebAuthnChallenge
from . import auditing, signin

CHALLENGE_LIFETIME = timedelta(minutes=5)
RP_NAME = "Complaints"
MAX_CREDENTIAL_CHARS = 16_000  # a registration answer is a few kilobytes at most


class PasskeyError(Exception):
    """The passkey could not be added or used; the message says why in plain words."""


@dataclass(frozen=True)
class RelyingParty:
    """This site as WebAuthn sees it: its host name and its exact origin."""

    id: str
    origin: str

    @classmethod
    def from_url(cls, url: str) -> RelyingParty:
        parts = urlsplit(url)
        return cls(id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")


def _hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _new_challenge(user: User, purpose: str) -> bytes:
    now = auth.utcnow()
    db.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now))
    challenge = secrets.token_bytes(32)
    db.session.add(WebAuthnChallenge(challenge_hash=_hash(challenge), user_id=user.id,
                                     purpose=purpose, expires_at=now + CHALLENGE_LIFETIME))
    db.session.commit()
    return challenge


def _parse(credential_json: str) -> dict[str, Any]:
    if not credential_json or len(credential_json) > MAX_CREDENTIAL_CHARS:
        raise PasskeyError(gettext("The passkey's answer could not be read. Try again."))
    try:
        credential = json.loads(credential_json)
        client_data = json.loads(_b64decode(credential["response"]["clientDataJSON"]))
        credential["_challenge"] = _b64decode(client_data["challenge"])
        return credential
    except (ValueError, KeyError, TypeError):
        raise PasskeyError(gettext("The passkey's answer could not be read. Try again.")) from None


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _use_challenge(user: User, purpose: str, challenge: bytes) -> bool:
    """Delete the challenge if it is this user's, for this purpose and still valid: one
    request only can do that (the DELETE's row count says which)."""
    return db.session.execute(delete(WebAuthnChallenge).where(
        WebAuthnChallenge.challenge_hash == _hash(challenge), WebAuthnChallenge.user_id == user.id,
        WebAuthnChallenge.purpose == purpose,
        WebAuthnChallenge.expires_at > auth.utcnow())).rowcount == 1


def _descriptors(user: User) -> list[structs.PublicKeyCredentialDescriptor]:
    return [structs.PublicKeyCredentialDescriptor(id=p.credential_id)
            for p in passkeys_of(user.id)]


def passkeys_of(user_id: int) -> list[Passkey]:
    return list(db.session.execute(select(Passkey).where(Passkey.user_id == user_id)
                                   .order_by(Passkey.created_at)).scalars())


# --- adding a passkey --------------------------------------------------------------------


def registration_options(user: User, rp: RelyingParty) -> str:
    options = webauthn.generate_registration_options(
        rp_id=rp.id, rp_name=RP_NAME, user_name=user.username,
        user_id=hashlib.sha256(f"complaints-user:{user.id}".encode()).digest(),
        user_display_name=user.display_name or user.username,
        challenge=_new_challenge(user, "register"), exclude_credentials=_descriptors(user),
        authenticator_selection=structs.AuthenticatorSelectionCriteria(
            resident_key=structs.ResidentKeyRequirement.DISCOURAGED,
            user_verification=structs.UserVerificationRequirement.PREFERRED))
    return webauthn.options_to_json(options)


def register(user: User, credential_json: str, name: str, rp: RelyingParty) -> Passkey:
    credential = _parse(credential_json)
    if not _use_challenge(user, "register", credential["_challenge"]):
        db.session.rollback()
        raise PasskeyError(gettext("This request has expired. Try again."))
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=credential["_challenge"],
            expected_rp_id=rp.id, expected_origin=rp.origin)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        db.session.commit()  # the challenge stays used
        raise PasskeyError(gettext("The passkey could not be checked. Try again.")) from None
    if db.session.execute(select(Passkey.id).where(
            Passkey.credential_id == verified.credential_id)).first():
        db.session.commit()
        raise PasskeyError(gettext("This passkey is already registered."))
    passkey = Passkey(user_id=user.id, credential_id=verified.credential_id,
                      public_key=verified.credential_public_key, sign_count=verified.sign_count,
                      name=(name or "").strip()[:60] or gettext("Passkey"), created_at=auth.utcnow())
    db.session.add(passkey)
    db.session.flush()
    auditing.record("account.passkey_added", actor=auditing.actor_for(user),
                    detail={"user": user.id, "passkey": passkey.id})
    db.session.commit()
    return passkey


def remove(user: User, passkey_id: int) -> None:
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise PasskeyError(gettext("No such passkey."))
    if not user.totp_enrolled and len(passkeys_of(user.id)) == 1:
        raise PasskeyError(gettext("This is your only second factor. Set up the authenticator app "
                                   "or add another passkey before you remove it."))
    db.session.delete(passkey)
    auditing.record("account.passkey_removed", actor=auditing.actor_for(user),
                    detail={"user": user.id, "passkey": passkey_id})
    db.session.commit()


def turn_off_totp(user: User, password: str) -> None:
    """Passkeys instead of the app: allowed once at least one passkey is registered."""
    from flask import current_app

    if not auth.verify_password(user.password_hash, password, bool(current_app.config.get("TESTING"))):
        raise PasskeyError(gettext("The current password is not right."))
    if not passkeys_of(user.id):
        raise PasskeyError(gettext("Add a passkey first: you always need a second factor."))
    user.totp_enrolled = False
    user.totp_secret_enc = b""
    auditing.record("account.totp_off", actor=auditing.actor_for(user), detail={"user": user.id})
    db.session.commit()


# --- signing in with a passkey -----------------------------------------------------------


def authentication_options(user: User, rp: RelyingParty) -> str:
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, challenge=_new_challenge(user, "authenticate"),
        allow_credentials=_descriptors(user),
        user_verification=structs.UserVerificationRequirement.PREFERRED)
    return webauthn.options_to_json(options)


def authenticate(user_id: int, credential_json: str, rp: RelyingParty,
                 device: signin.Device) -> User | None:
    """The second step with a passkey: the account when the answer is right, else None
    (counted as a failure, like a wrong code)."""
    if signin.held_back(user_id, device):
        signin.second_factor_failed(user_id, "passkey_after_lock", device)
        return None
    user = db.session.get(User, user_id)
    try:
        credential = _parse(credential_json)
        raw_id = _b64decode(credential["rawId"])
    except (PasskeyError, KeyError, TypeError, ValueError):
        signin.second_factor_failed(user_id, "passkey", device)
        return None
    passkey = db.session.execute(select(Passkey).where(
        Passkey.credential_id == raw_id, Passkey.user_id == user_id).with_for_update()).scalar_one_or_none()
    if passkey is None or not _use_challenge(user, "authenticate", credential["_challenge"]):
        db.session.rollback()
        signin.second_factor_failed(user_id, "passkey", device)
        return None
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=credential["_challenge"],
            expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count)
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        db.session.commit()  # the challenge stays used
        signin.second_factor_failed(user_id, "passkey", device)
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = auth.utcnow()
    signin.signed_in(user, "passkey")
    return user
