"""Abuse control for the public forms that lets many people behind one address through.

Nothing here keys on the client's address: a barracks network or an onion service puts
everyone behind one. Instead (docs/manual/security.md, "Abuse control"):

- **Proof of work.** Each report and sign-in form carries a signed challenge (complaints.proof);
  the browser solves it while the person writes. Its difficulty rises with the number of
  forms of that kind served in the last ten minutes, so a flood makes every further form
  dearer to send, while a person who is writing has minutes to spare.
- **Spent once.** A solved challenge is remembered in the limiter storage until it expires:
  the only shared state, and the one storage round trip of a POST.
- **Without JavaScript** a form can't be solved. It is accepted once it has been open long
  enough for a person to have written it (a report: ``NOJS_REPORT_WAIT_SECONDS``), spent once
  like a solved one, and while fewer than a ceiling of such forms arrived in this window (a
  second round trip); past the ceiling the person is told when to send again, and keeps what
  they wrote.
- **Per case**, not per address: messages and retaliation reports from a receipt session.

Every refusal says when to try again; the views re-render the form with everything typed.
If the limiter storage (Redis) fails, each worker counts in its own memory meanwhile.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

from flask import current_app
from limits.storage import MemoryStorage

from .. import proof
from ..extensions import limiter

log = logging.getLogger("complaints")

CHALLENGE_LIFETIME = 24 * 3600   # a long report may take an evening to write
PRESSURE_WINDOW = 600            # forms served in the last ten minutes set the difficulty
PREFIX = "complaints:"

_fallback: MemoryStorage | None = None  # made when first needed, in the worker that needs it


def _memory() -> MemoryStorage:
    global _fallback
    if _fallback is None:
        _fallback = MemoryStorage()
    return _fallback


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reason: str = "ok"  # ok | invalid | expired | replayed | too_early | busy | limited | shown
    retry_after: int = 0        # seconds until sending again can work


ACCEPTED = Verdict(True)


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret_bytes, b"proof-of-work", hashlib.sha256).digest()


def _incr(key: str, expiry: int) -> int:
    """One round trip to the limiter storage; this worker's memory while it is down."""
    try:
        return limiter.storage.incr(PREFIX + key, expiry)
    except Exception as error:  # Redis down or unreachable: never a 500 for a person writing
        log.warning("limiter storage unavailable (%s); counting in memory", type(error).__name__)
        return _memory().incr(PREFIX + key, expiry)


def _window_count(name: str, window: int, now: float) -> tuple[int, int]:
    """Count one more event in the current clock-aligned window: (count, seconds left)."""
    index = int(now // window)
    return _incr(f"{name}:{index}", window), int(window - now % window) + 1


# --- challenges --------------------------------------------------------------------------

BASE_BITS = {"report": "REPORT_PROOF_BITS", "track": "TRACK_PROOF_BITS"}


def forms_served(purpose: str, now: float) -> int:
    """Forms of this kind served in the last ten minutes, this one included: the current
    window's count plus the share of the previous window still inside the ten minutes (so a
    flood gets no cheap forms when a window turns). One round trip: the previous window's
    count no longer changes once it has ended, so each worker reads it once per window."""
    index = int(now // PRESSURE_WINDOW)
    current = _incr(f"forms:{purpose}:{index}", 2 * PRESSURE_WINDOW)
    share = 1 - (now % PRESSURE_WINDOW) / PRESSURE_WINDOW
    return current + int(_ended_window(purpose, index - 1) * share)


def _ended_window(purpose: str, index: int) -> int:
    """The count of forms served in a window that has ended, read from the storage once per
    worker and window."""
    ended: dict[str, tuple[int, int]] = current_app.extensions.setdefault("complaints.ended_windows", {})
    if purpose not in ended or ended[purpose][0] != index:
        key = f"{PREFIX}forms:{purpose}:{index}"
        try:
            ended[purpose] = (index, limiter.storage.get(key))
        except Exception:  # Redis down: this worker's own count, asked again next time
            return _memory().get(key)
    return ended[purpose][1]


def challenge_for(purpose: str, now: float | None = None) -> proof.Challenge:
    """A new challenge for a form being served, as hard as the recent rate of forms asks."""
    now = time.time() if now is None else now
    served = forms_served(purpose, now)
    extra = min(proof.pressure_bits(served, _setting("PROOF_NORMAL_FORMS")), _setting("PROOF_EXTRA_BITS_MAX"))
    return proof.issue(_key(), purpose, _setting(BASE_BITS[purpose]) + extra, now)


def renewed(purpose: str, token: str | None) -> str:
    """The challenge a re-rendered form keeps: the one it had while still good, else a new one."""
    challenge = proof.parse(_key(), purpose, token)
    if challenge is not None and challenge.age(time.time()) < CHALLENGE_LIFETIME / 2:
        return challenge.token
    return challenge_for(purpose).token


def admit(purpose: str, token: str | None, nonce: str | None, now: float | None = None) -> Verdict:
    """May this form be acted on? One storage round trip with a proof of work; without one
    (no JavaScript), one more for the ceiling once the form has been open long enough."""
    now = time.time() if now is None else now
    challenge = proof.parse(_key(), purpose, token)
    if challenge is None:
        return Verdict(False, "invalid")
    if not 0 <= challenge.age(now) <= CHALLENGE_LIFETIME:
        return Verdict(False, "expired")
    if nonce and not proof.solved(challenge, nonce):
        return Verdict(False, "invalid")
    if not nonce:
        wait = _setting("NOJS_REPORT_WAIT_SECONDS") if purpose == "report" else NOJS_SIGNIN_WAIT
        if challenge.age(now) < wait:
            return Verdict(False, "too_early", int(wait - challenge.age(now)) + 1)
    if _incr(f"spent:{challenge.salt}", CHALLENGE_LIFETIME) > 1:
        return Verdict(False, "replayed")
    if not nonce:
        if purpose == "report":
            count, left = _window_count("nojs:report", 3600, now)
            ceiling = _setting("NOJS_REPORTS_PER_HOUR")
        else:
            count, left = _window_count("nojs:track", 60, now)
            ceiling = _setting("NOJS_SIGNINS_PER_MINUTE")
        if count > ceiling:
            return Verdict(False, "busy", left)
    return ACCEPTED


def salt_of(purpose: str, token: str | None) -> str:
    """The salt of a challenge this server signed (the key of a double press of Send)."""
    challenge = proof.parse(_key(), purpose, token)
    return challenge.salt if challenge else ""


def handoff_key() -> bytes:
    return hmac.new(_key(), b"receipt-handoff", hashlib.sha256).digest()


NOJS_SIGNIN_WAIT = 3  # seconds: typing a receipt takes longer


# --- per case ----------------------------------------------------------------------------

CASE_ACTIONS = {"message": "CASE_MESSAGES_PER_HOUR", "retaliation": "CASE_MESSAGES_PER_HOUR"}


def allow_case_action(case_id: uuid.UUID, action: str, now: float | None = None) -> Verdict:
    """Messages and retaliation reports from a receipt session: counted per case (one
    storage round trip), so neighbours behind one address never share a budget."""
    now = time.time() if now is None else now
    keyed = hmac.new(_key(), f"case:{case_id}".encode(), hashlib.sha256).hexdigest()[:32]
    count, left = _window_count(f"case:{action}:{keyed}", 3600, now)
    if count > _setting(CASE_ACTIONS[action]):
        return Verdict(False, "limited", left)
    return ACCEPTED
