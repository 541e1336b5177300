"""The one "system" data key that seals staff secrets (TOTP seeds), wrapped like case keys."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from ..crypto import FieldCipher, new_data_key
from ..extensions import db
from ..instance import keyring
from ..models import DataKey


def system_cipher() -> FieldCipher:
    row = db.session.execute(select(DataKey).where(DataKey.purpose == "system")
                             .order_by(DataKey.created_at).limit(1)).scalar_one_or_none()
    if row is None:
        key = new_data_key()
        row = DataKey(id=uuid.uuid4(), purpose="system")
        row.kek_id, row.wrapped = keyring().wrap(row.id, key)
        db.session.add(row)
        db.session.flush()
        return FieldCipher(key)
    return FieldCipher(keyring().unwrap(row.id, row.kek_id or "", row.wrapped or b""))
