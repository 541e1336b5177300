"""Staff forms sent after the session had timed out, kept until the person signs in again.

What was typed is sealed (AES-256-GCM) under a fresh random key that is never stored here:
the key goes back to the person's browser in a cookie (views/time_limits.py), so neither the
database nor the cookie alone can open it. A kept form belongs to the user whose session
timed out and opens only for them; there is at most one per person, it is deleted when sent
or discarded, and it expires after KEEP_MINUTES. It never holds passwords or codes (the
caller leaves them out) and never files.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete

from ..crypto import KEY_BYTES, IntegrityFailure, associated_data, open_bytes, seal_bytes
from ..extensions import db
from ..models import KeptForm

log = logging.getLogger("complaints")

KEEP_MINUTES = 60


@dataclass(frozen=True)
class Kept:
    id: uuid.UUID
    action: str                      # the address the form was sent to
    fields: list[tuple[str, str]]    # (name, value) as sent, in order
    files_left_out: int              # files chosen in the form (never kept)
    kept_at: datetime


def _place(kept_id: uuid.UUID, user_id: int, action: str) -> bytes:
    return associated_data("kept_forms", "fields_enc", kept_id, user_id, action)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def keep(user_id: int, action: str, fields: list[tuple[str, str]], files_left_out: int = 0) -> tuple[uuid.UUID, bytes]:
    """Seal ``fields`` for ``user_id``; returns the kept form's id and the key to give the browser.
    An earlier kept form of the same person is replaced."""
    now = _now()
    key = os.urandom(KEY_BYTES)
    kept_id = uuid.uuid4()
    payload = json.dumps({"fields": fields, "files": files_left_out}, ensure_ascii=False).encode("utf-8")
    db.session.execute(delete(KeptForm).where((KeptForm.user_id == user_id) | (KeptForm.expires_at < now)))
    db.session.add(KeptForm(id=kept_id, user_id=user_id, action=action, kept_at=now,
                            expires_at=now + timedelta(minutes=KEEP_MINUTES),
                            fields_enc=seal_bytes(key, payload, _place(kept_id, user_id, action))))
    db.session.commit()
    return kept_id, key


def _row(user_id: int, kept_id: uuid.UUID) -> KeptForm | None:
    row = db.session.get(KeptForm, kept_id)
    if row is None or row.user_id != user_id or row.expires_at < _now():
        return None
    return row


def is_kept_for(user_id: int, kept_id: uuid.UUID) -> bool:
    return _row(user_id, kept_id) is not None


def restore(user_id: int, kept_id: uuid.UUID, key: bytes) -> Kept | None:
    """The kept form, if it is this user's, not expired, and the key opens it."""
    row = _row(user_id, kept_id)
    if row is None:
        return None
    try:
        data = json.loads(open_bytes(key, row.fields_enc, _place(row.id, row.user_id, row.action)))
    except IntegrityFailure:
        log.warning("a kept form could not be opened")  # a wrong key or a changed row: nothing to show
        return None
    return Kept(id=row.id, action=row.action, fields=[(str(n), str(v)) for n, v in data["fields"]],
                files_left_out=int(data.get("files", 0)), kept_at=row.kept_at)


def forget(user_id: int, kept_id: uuid.UUID, action: str | None = None) -> bool:
    """Delete the kept form (only this user's; only for ``action`` when given)."""
    condition = (KeptForm.id == kept_id) & (KeptForm.user_id == user_id)
    if action is not None:
        condition &= KeptForm.action == action
    deleted = db.session.execute(delete(KeptForm).where(condition)).rowcount
    db.session.commit()
    return bool(deleted)
