"""Complainant sessions that the server controls, and the receipt's one-time handoff.

A receipt opens its case on one device: a random token goes into the browser's session
cookie and only its SHA-256 into ``track_sessions``. Every request looks the token up, so
an unknown token (a cookie forged with the secret key), a closed one ("close my case on this
device" deletes the row) or an idle one opens nothing. The receipt itself is never in the
cookie: between the report's POST and the receipt page it waits in ``receipt_handoffs``,
sealed under a key derived from a token only the cookie holds, and is erased when shown.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from ..crypto import IntegrityFailure, associated_data, open_bytes, seal_bytes
from ..extensions import db
from ..models import Case, ReceiptHandoff, TrackSession
from ..pipeline import one_round_trip
from . import auditing
from .case_access import case_id_for_receipt, cipher_for

TOKEN_BYTES = 32
HANDOFF_MINUTES = 30
DRAFT_KINDS = ("message", "retaliation")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Opened:
    token: str
    case_id: uuid.UUID


@dataclass(frozen=True)
class Current:
    """The case a request's token opens, or why it opens none."""

    case_id: uuid.UUID | None
    expired: bool = False        # it was open, and ended for lack of activity
    seconds_left: int = 0


NONE = Current(None)


def open_with_receipt(receipt_text: str, idle_minutes: int, draft_kind: str = "",
                      draft: str = "") -> Opened | None:
    """A new session for the case this receipt opens, or None. ``draft`` is text the person
    typed (in the form ``draft_kind``) before their previous session ended; it waits, sealed
    with the case's key, until it is sent or the session ends."""
    case_id = case_id_for_receipt(receipt_text)
    if case_id is None:
        return None
    now = _now()
    db.session.execute(delete(TrackSession).where(
        TrackSession.last_seen_at < now - timedelta(minutes=idle_minutes)))
    token = new_token()
    row = TrackSession(id=uuid.uuid4(), token_hash=_hash(token), case_id=case_id,
                       created_at=now, last_seen_at=now)
    if draft.strip() and draft_kind in DRAFT_KINDS:
        case = db.session.get(Case, case_id)
        value = json.dumps({"kind": draft_kind, "text": draft.strip()})
        row.draft_enc = cipher_for(case).seal("track_sessions", "draft_enc", row.id, value)
    db.session.add(row)
    auditing.record("complainant.session_opened", case_id=case_id, actor=auditing.COMPLAINANT)
    db.session.commit()
    return Opened(token, case_id)


def current(token: str | None, idle_minutes: int, touch: bool = True) -> Current:
    """Look the token up; an idle session is deleted. ``touch`` counts this request as
    activity (the case page, a form sent, "more time")."""
    row = _row(token)
    if row is None:
        return NONE
    now = _now()
    limit = timedelta(minutes=idle_minutes)
    if now - row.last_seen_at > limit:
        db.session.delete(row)
        db.session.commit()
        return Current(None, expired=True)
    if touch:
        row.last_seen_at = now
        db.session.commit()
    return Current(row.case_id, seconds_left=int((row.last_seen_at + limit - now).total_seconds()))


def draft(token: str | None) -> tuple[str, str]:
    """(kind, text) kept through a new sign-in, until it is sent; ("", "") when none."""
    row = _row(token)
    if row is None or row.draft_enc is None:
        return "", ""
    case = db.session.get(Case, row.case_id)
    value = json.loads(cipher_for(case).open("track_sessions", "draft_enc", row.id, row.draft_enc))
    return value["kind"], value["text"]


def clear_draft(token: str | None, kind: str) -> None:
    row = _row(token)
    if row is not None and row.draft_enc is not None and draft(token)[0] == kind:
        row.draft_enc = None
        db.session.commit()


def _row(token: str | None) -> TrackSession | None:
    if not token:
        return None
    return db.session.execute(select(TrackSession).where(
        TrackSession.token_hash == _hash(token))).scalar_one_or_none()


def close(token: str | None) -> None:
    """End the session on this device: the cookie, kept or copied, opens nothing any more."""
    if not token:
        return
    db.session.execute(delete(TrackSession).where(TrackSession.token_hash == _hash(token)))
    db.session.commit()


# --- the receipt, once ------------------------------------------------------------------


def handoff_token(server_key: bytes, form_secret: str, challenge_salt: str) -> str:
    """The handoff token of one report form as this browser sent it: the same for a second
    press of Send (a double click), so that press finds the receipt instead of a duplicate."""
    return hmac.new(server_key, f"handoff|{form_secret}|{challenge_salt}".encode(),
                    hashlib.sha256).hexdigest()


def _handoff_key(token: str) -> bytes:
    return hmac.new(token.encode("utf-8"), b"receipt-handoff", hashlib.sha256).digest()


_HANDOFFS = ReceiptHandoff.__table__
# Statements built once (compiled once per database); each request passes only its values.
_EXPIRED = delete(_HANDOFFS).where(_HANDOFFS.c.created_at < bindparam("expired_before"))
_CLAIM = insert(_HANDOFFS).values(token_hash=bindparam("token_hash"), created_at=bindparam("created_at"))
_HANDOFF_OF = select(_HANDOFFS.c.receipt_enc).where(_HANDOFFS.c.token_hash == bindparam("token_hash"))


def _sealed_receipt_upsert(dialect_name: str):  # type: ignore[no-untyped-def]
    """INSERT the sealed receipt, or put it into the row claimed for it."""
    dialect_insert = postgresql_insert if dialect_name == "postgresql" else sqlite_insert
    statement = dialect_insert(_HANDOFFS).values(token_hash=bindparam("token_hash"),
                                                 receipt_enc=bindparam("receipt_enc"),
                                                 created_at=bindparam("created_at"))
    return statement.on_conflict_do_update(index_elements=[_HANDOFFS.c.token_hash],
                                           set_={"receipt_enc": statement.excluded.receipt_enc})


_SEAL = {name: _sealed_receipt_upsert(name) for name in ("postgresql", "sqlite")}


def claim_handoff(token: str, wait_seconds: int = 15) -> str:
    """Claim the receipt's row for a report about to be filed, in the caller's transaction:
    "claimed", or what became of an earlier press of Send of the same form in the same
    browser: "waiting" (filed, receipt not shown yet) or "shown". A press still being filed
    holds the row uncommitted, so claiming it waits for that transaction to end (a row lock on
    PostgreSQL, the write lock on SQLite), at most ``wait_seconds``: then "busy". One round
    trip when it is claimed."""
    token_hash = _hash(token)
    now = _now()
    try:
        with one_round_trip(db.session) as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_seconds)}s'")
            connection.execute(_EXPIRED, {"expired_before": now - timedelta(minutes=HANDOFF_MINUTES)})
            connection.execute(_CLAIM, {"token_hash": token_hash, "created_at": now})
    except IntegrityError:  # an earlier press of Send, now committed: what became of it?
        db.session.rollback()
        earlier = db.session.execute(_HANDOFF_OF, {"token_hash": token_hash}).first()
        db.session.rollback()
        if earlier is None:  # refused for another reason: say "send again", never "sent"
            return "busy"
        return "shown" if earlier.receipt_enc is None else "waiting"
    except OperationalError as error:
        if not _waited_too_long(error):  # the database itself failed: "try again" (503)
            raise
        db.session.rollback()
        return "busy"
    return "claimed"


def _waited_too_long(error: OperationalError) -> bool:
    """Whether the claim gave up waiting for an earlier press's lock (PostgreSQL's
    lock_timeout, SQLite's busy timeout), as opposed to a database that is down."""
    if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
        return True
    return "database is locked" in str(error.orig)


def seal_receipt(connection: Connection, token: str, receipt: str,
                 not_cleaned: list[str] | tuple[str, ...] = ()) -> None:
    """The sealed receipt in its claimed row (or a new one), committed with the filing: a
    filed report always has its receipt waiting, with the names of any files that could not be
    fully cleaned (the page says so; file names never ride in the cookie)."""
    token_hash = _hash(token)
    payload = json.dumps({"receipt": receipt, "not_cleaned": list(not_cleaned)}).encode("utf-8")
    sealed = seal_bytes(_handoff_key(token), payload,
                        associated_data("receipt_handoffs", "receipt_enc", token_hash))
    connection.execute(_SEAL[connection.dialect.name],
                       {"token_hash": token_hash, "receipt_enc": sealed, "created_at": _now()})


@dataclass(frozen=True)
class Handoff:
    receipt: str
    not_cleaned: tuple[str, ...]


def take_receipt(token: str | None) -> Handoff | None:
    """The receipt waiting for this token, deleted as it is read: shown once."""
    if not token:
        return None
    token_hash = _hash(token)
    row = db.session.get(ReceiptHandoff, token_hash)
    if row is None or row.receipt_enc is None:
        return None
    fresh = _now() - row.created_at <= timedelta(minutes=HANDOFF_MINUTES)
    sealed = row.receipt_enc
    row.receipt_enc = None  # shown: the row stays, receipt-less, until it expires
    db.session.commit()
    if not fresh:
        return None
    try:
        payload = json.loads(open_bytes(_handoff_key(token), sealed, associated_data(
            "receipt_handoffs", "receipt_enc", token_hash)))
    except IntegrityFailure:
        return None
    return Handoff(payload["receipt"], tuple(payload.get("not_cleaned", ())))

