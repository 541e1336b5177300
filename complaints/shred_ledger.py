"""The shred ledger: which data keys retention destroyed, kept beside the key file.

Shredding clears a case's wrapped data key in the database, but a database backup taken
before that still holds the wrapped key, and the key file still opens it. So every shred is
also written here, outside the database, and is applied again to any database that is
restored (``complaints restore``) or started (``complaints init`` / ``run``): a case
shredded after a backup stays unreadable in the restored copy.

Back the ledger up with the key file, and again after every retention run: a key file and
ledger older than a shred, together with a database backup older than it, could still open
that case (see docs/manual/security.md). No Flask imports.
"""
from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Case, DataKey

LEDGER_NAME = "shred-ledger.json"


def ledger_path(key_file: str | Path) -> Path:
    return Path(key_file).with_name(LEDGER_NAME)


def read(path: Path) -> dict[str, str]:
    """data key id -> when it was shredded (ISO time)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(entry["data_key"]): str(entry["shredded_at"]) for entry in data.get("shredded", [])}


def record(path: Path, data_key_ids: list[uuid.UUID], at: datetime) -> None:
    """Add entries, written atomically with mode 0600 (a crash leaves the old or new file)."""
    entries = read(path)
    for data_key_id in data_key_ids:
        entries.setdefault(str(data_key_id), at.isoformat())
    body = json.dumps({"version": 1, "shredded": [
        {"data_key": key, "shredded_at": when} for key, when in sorted(entries.items())]}, indent=1)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def apply(session: Session, entries: dict[str, str]) -> list[uuid.UUID]:
    """Destroy again every ledger key the database still holds; returns the cases affected."""
    if not entries:
        return []
    ids = [uuid.UUID(key) for key in entries]
    live = list(session.execute(select(DataKey.id).where(
        DataKey.id.in_(ids), DataKey.wrapped.is_not(None))).scalars())
    if not live:
        return []
    now = datetime.now().astimezone()
    session.execute(update(DataKey).where(DataKey.id.in_(live))
                    .values(wrapped=None, shredded_at=now))
    cases = list(session.execute(select(Case).where(Case.data_key_id.in_(live))).scalars())
    for case in cases:
        if case.shredded_at is None:
            case.shredded_at = now
    return [case.id for case in cases]
