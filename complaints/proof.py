"""Proof of work for the public forms, with no state on the server. No Flask imports.

A form carries a challenge the server signed when it served the page:
``v1.<purpose>.<issued>.<bits>.<salt>.<mac>``. The browser looks for a number (the nonce)
such that SHA-256("<salt>:<nonce>") starts with ``bits`` zero bits, while the person writes;
on average that takes 2**bits hashes. Checking a solution costs one HMAC and one hash, in
memory. Whether a solved challenge was already used is the caller's business (the limiter
storage remembers spent salts until the challenge expires): that is the only shared state.

The purpose is signed too, so a cheap challenge of one form can't be spent on another.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

VERSION = "v1"
SALT_BYTES = 16
MAX_BITS = 30          # a bound on what any setting may ask of a phone
MAX_NONCE_DIGITS = 12  # 10**12 tries is far beyond any difficulty we issue


@dataclass(frozen=True)
class Challenge:
    purpose: str
    issued: int     # Unix time, seconds
    bits: int
    salt: str       # hex
    token: str      # the signed text the form carries

    def age(self, now: float) -> float:
        return now - self.issued


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def issue(key: bytes, purpose: str, bits: int, now: float) -> Challenge:
    bits = max(0, min(bits, MAX_BITS))
    salt = secrets.token_hex(SALT_BYTES)
    body = f"{VERSION}.{purpose}.{int(now)}.{bits}.{salt}"
    return Challenge(purpose, int(now), bits, salt, f"{body}.{_mac(key, body)}")


def parse(key: bytes, purpose: str, token: str | None) -> Challenge | None:
    """The challenge in ``token`` if the server signed it for ``purpose``, else None."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 6 or parts[0] != VERSION or parts[1] != purpose:
        return None
    body, mac = ".".join(parts[:5]), parts[5]
    if not hmac.compare_digest(_mac(key, body), mac):
        return None
    try:
        issued, bits = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    if not 0 <= bits <= MAX_BITS or len(parts[4]) != 2 * SALT_BYTES:
        return None
    return Challenge(purpose, issued, bits, parts[4], token)


def _leading_zero_bits_ok(digest: bytes, bits: int) -> bool:
    value = int.from_bytes(digest[:4], "big")
    return bits == 0 or value >> (32 - bits) == 0


def solved(challenge: Challenge, nonce: str | None) -> bool:
    """Whether ``nonce`` (decimal digits) solves the challenge."""
    if not nonce or len(nonce) > MAX_NONCE_DIGITS or not nonce.isascii() or not nonce.isdigit():
        return False
    digest = hashlib.sha256(f"{challenge.salt}:{nonce}".encode("ascii")).digest()
    return _leading_zero_bits_ok(digest, challenge.bits)


def solve(challenge: Challenge) -> str:
    """Find a nonce, as the browser's script does (tests and the benchmark use this)."""
    prefix = f"{challenge.salt}:".encode("ascii")
    nonce = 0
    while True:
        if _leading_zero_bits_ok(hashlib.sha256(prefix + str(nonce).encode("ascii")).digest(),
                                 challenge.bits):
            return str(nonce)
        nonce += 1


def pressure_bits(issued_recently: int, normal: int) -> int:
    """Extra difficulty when forms are being fetched faster than people ever fetch them:
    one bit (twice the work) for every doubling above ``normal`` per window."""
    if normal <= 0 or issued_recently <= normal:
        return 0
    return math.ceil(math.log2(issued_recently / normal))
