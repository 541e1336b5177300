"""Is this instance able to serve? Three checks, nothing about any case.

- the database answers a trivial query;
- the key ring is loaded and opens the system data key (a wrong key file fails here);
- the attachment store accepts a file (created, synced and removed at once).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..crypto import IntegrityFailure, KeyringError
from ..extensions import db


@dataclass(frozen=True)
class Health:
    checks: dict[str, bool]

    @property
    def ok(self) -> bool:
        return all(self.checks.values())


def check() -> Health:
    database = _database()
    return Health({"database": database, "keys": database and _keys(), "attachments": _store()})


def _database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False
    finally:
        db.session.rollback()  # end the read transaction: nothing is written here


def _keys() -> bool:
    from .system_key import system_cipher

    try:
        system_cipher()  # unwraps the system data key with the key ring (creates it if new)
        return True
    except (KeyringError, IntegrityFailure, SQLAlchemyError):
        return False
    finally:
        db.session.rollback()  # a system key created just now is made again when needed


def _store() -> bool:
    probe = Path(current_app.config["ATTACHMENTS_DIR"]) / f".health-{secrets.token_hex(8)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
        probe.unlink()
        return True
    except OSError:
        return False
