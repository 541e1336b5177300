"""Open everything once: the check after a restore, an upgrade or a key change.

Walks crypto.ENCRYPTED_FIELDS (the one list of sealed columns) over every row, opens each
value with its case's data key and the associated data of its place, decrypts every evidence
file, and verifies the audit chain. Nothing decrypted is kept or shown: only counts, and the
places (table, column, row id) that failed. Shredded cases are counted, not opened.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, table as sql_table, column as sql_column

from .. import attachments as attachment_store
from .. import audit
from ..crypto import ENCRYPTED_FIELDS, FieldCipher, IntegrityFailure, KeyringError
from ..extensions import db
from ..instance import keyring
from ..models import Attachment, Case, DataKey
from .system_key import system_cipher

# Sealed under something other than a case's data key: the data keys themselves (under the
# KEKs, opened above) and the files (opened below). Fields whose binding says "system data key"
# (staff secrets) are opened with the system key.
_NOT_CASE_FIELDS = {("data_keys", "wrapped"), ("attachments", "content")}


def _under_system_key(binding: str) -> bool:
    return "system data key" in binding


def _openable_here(binding: str) -> bool:
    """Values sealed under a key only the person's browser holds (the receipt waiting for its
    page, a form kept after a time-out) can't be opened by the server, by design."""
    return "browser" not in binding


@dataclass
class InstanceCheck:
    cases: int = 0
    shredded_cases: int = 0
    values: int = 0
    files: int = 0
    staff_secrets: int = 0
    audit_entries: int = 0
    audit_ok: bool = False
    audit_problem: str = ""
    failures: list[str] = field(default_factory=list)
    opened_per_table: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.audit_ok and not self.failures


def check_instance() -> InstanceCheck:
    result = InstanceCheck()
    ring = keyring()
    ciphers: dict[uuid.UUID, FieldCipher | None] = {}
    for case in db.session.execute(select(Case)).scalars():
        result.cases += 1
        data_key = db.session.get(DataKey, case.data_key_id)
        if case.shredded_at is not None or data_key is None or data_key.wrapped is None:
            result.shredded_cases += 1
            ciphers[case.id] = None
            continue
        try:
            ciphers[case.id] = FieldCipher(ring.unwrap(data_key.id, data_key.kek_id or "",
                                                       data_key.wrapped))
        except (IntegrityFailure, KeyringError) as error:
            result.failures.append(f"data_keys|wrapped|{data_key.id}: {error}")
            ciphers[case.id] = None
    for table_name, column_name, binding in ENCRYPTED_FIELDS:
        if (table_name, column_name) in _NOT_CASE_FIELDS or not _openable_here(binding):
            continue
        if _under_system_key(binding):
            _open_system_column(result, table_name, column_name)
        else:
            _open_column(result, ciphers, table_name, column_name)
    _open_files(result, ciphers)
    verification = audit.verify(db.session, ring.audit_key)
    result.audit_ok, result.audit_entries = verification.ok, verification.entries
    result.audit_problem = "" if verification.ok else verification.describe()
    return result


def _open_column(result: InstanceCheck, ciphers: dict, table_name: str, column_name: str) -> None:
    case_column = "id" if table_name == "cases" else "case_id"
    rows = db.session.execute(
        select(sql_column("id"), sql_column(case_column), sql_column(column_name))
        .select_from(sql_table(table_name))
        .where(sql_column(column_name).is_not(None))
    )
    for row_id, case_id, blob in rows:
        case_key = _uuid(case_id)
        cipher = ciphers.get(case_key)
        if cipher is None:
            continue  # shredded (counted above) or its key failed (reported above)
        try:
            cipher.open(table_name, column_name, _uuid(row_id), blob)
        except IntegrityFailure:
            result.failures.append(f"{table_name}|{column_name}|{row_id}")
            continue
        result.values += 1
        result.opened_per_table[table_name] += 1


def _open_files(result: InstanceCheck, ciphers: dict) -> None:
    directory = current_app.config["ATTACHMENTS_DIR"]
    for attachment in db.session.execute(select(Attachment)).scalars():
        cipher = ciphers.get(attachment.case_id)
        if cipher is None:
            continue
        try:
            attachment_store.verify(directory, attachment.id, cipher.key)
        except IntegrityFailure:
            result.failures.append(f"attachments|content|{attachment.id}")
            continue
        result.files += 1


def _open_system_column(result: InstanceCheck, table_name: str, column_name: str) -> None:
    rows = list(db.session.execute(
        select(sql_column("id"), sql_column(column_name)).select_from(sql_table(table_name))))
    if not any(blob for _, blob in rows):
        return
    cipher = system_cipher()
    for row_id, blob in rows:
        if not blob:
            continue  # a secret not set yet (an invitation not used)
        try:
            cipher.open(table_name, column_name, _uuid(row_id), blob)
        except IntegrityFailure:
            result.failures.append(f"{table_name}|{column_name}|{row_id}")
            continue
        result.staff_secrets += 1


def _uuid(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value
