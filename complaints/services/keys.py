"""Key operations: status, rotation (re-wrap every data key), retiring old KEKs.

Rotation writes the new KEK to the key file FIRST, then re-wraps every data key in one
transaction. If it stops half-way, the transaction rolls back and every data key is still
wrapped under a KEK the file holds, so every case stays readable.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..crypto import Keyring, KeyringError, load_keyring, write_keyring
from ..extensions import db
from ..instance import KEYRING_EXTENSION
from ..models import DataKey
from . import auditing


@dataclass(frozen=True)
class KeyStatus:
    active: str
    keks: list[tuple[str, str, int]]  # (id, created, data keys wrapped under it)
    shredded: int
    source: str


def _keyring() -> Keyring:
    return current_app.extensions[KEYRING_EXTENSION]


def status() -> KeyStatus:
    counts = Counter(dict(db.session.execute(
        select(DataKey.kek_id, func.count()).where(DataKey.wrapped.is_not(None))
        .group_by(DataKey.kek_id)).all()))
    shredded = db.session.execute(select(func.count()).select_from(DataKey)
                                  .where(DataKey.wrapped.is_(None))).scalar_one()
    ring = _keyring()
    source = "COMPLAINTS_KEYS" if current_app.config.get("KEYS") else current_app.config["KEY_FILE"]
    return KeyStatus(ring.active_id,
                     [(kid, ring.created.get(kid, ""), counts.get(kid, 0)) for kid in ring.keks],
                     shredded, source)


def _writable_key_file() -> str:
    if current_app.config.get("KEYS"):
        raise KeyringError(
            "the keys come from COMPLAINTS_KEYS, which this command can't change. Generate the "
            "new keyring with your secrets manager process, or move the keys to the key file.")
    return current_app.config["KEY_FILE"]


def rotate(fail_after: int | None = None) -> tuple[str, int]:
    """Add a KEK, make it active, re-wrap every data key under it. Returns (new id, count).

    ``fail_after`` simulates a crash after that many re-wrapped keys (for tests).
    """
    key_file = _writable_key_file()
    old = load_keyring(key_file, None)
    new = old.with_new_kek()
    write_keyring(key_file, new)            # 1. the file holds old and new KEKs
    current_app.extensions[KEYRING_EXTENSION] = new
    count = 0
    try:
        for row in db.session.execute(select(DataKey).where(DataKey.wrapped.is_not(None))).scalars():
            key = new.unwrap(row.id, row.kek_id or "", row.wrapped)
            row.kek_id, row.wrapped = new.wrap(row.id, key)
            count += 1
            if fail_after is not None and count >= fail_after:
                raise RuntimeError("simulated interruption during rotation")
        auditing.record("keys.rotate", actor=auditing.CLI,
                        detail={"new_kek": new.active_id, "rewrapped": count})
        db.session.commit()                 # 2. all data keys move at once
    except BaseException:
        db.session.rollback()
        raise
    return new.active_id, count


def retire(kek_id: str) -> None:
    key_file = _writable_key_file()
    in_use = db.session.execute(select(func.count()).select_from(DataKey).where(
        DataKey.kek_id == kek_id, DataKey.wrapped.is_not(None))).scalar_one()
    if in_use:
        raise KeyringError(f"KEK '{kek_id}' still wraps {in_use} data key(s); run `complaints keys rotate` first")
    ring = load_keyring(key_file, None).without_kek(kek_id)
    write_keyring(key_file, ring)
    current_app.extensions[KEYRING_EXTENSION] = ring
    auditing.record("keys.retire", actor=auditing.CLI, detail={"kek": kek_id})
    db.session.commit()


def check_keyring_covers_database(ring: Keyring, session: Any) -> None:
    """Start-up check: every KEK a data key needs must be in the keyring."""
    needed = set(session.execute(select(DataKey.kek_id).where(DataKey.wrapped.is_not(None))
                                 .distinct()).scalars())
    missing = sorted(k for k in needed - set(ring.keks) if k)
    if missing:
        raise KeyringError(
            f"the keyring lacks KEK(s) {', '.join(missing)} that the database's data keys are "
            "wrapped under; restore the key file from your backup")
