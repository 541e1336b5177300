"""Tamper-evident, append-only audit log. No Flask imports.

Each entry's ``mac = HMAC(audit_key, previous mac || canonical entry)``. The audit key lives
in the keyring, outside the database, so someone who can write the database can't forge a
consistent chain. Writers serialise on the single ``audit_head`` row (``FOR UPDATE`` on
PostgreSQL; SQLite transactions are BEGIN IMMEDIATE, see extensions.Database).

Never put case content, names or addresses into ``detail``: it is stored in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from .models import AuditEntry, AuditHead

GENESIS_MAC = "0" * 64
HEAD_ROW_ID = 1


def canonical(seq: int, at: datetime, actor: str, action: str,
              case_id: uuid.UUID | None, detail: str) -> bytes:
    return json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "case_id": str(case_id) if case_id else None,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")


def compute_mac(audit_key: bytes, previous_mac: str, entry_bytes: bytes) -> str:
    return hmac.new(audit_key, previous_mac.encode("ascii") + b"\n" + entry_bytes,
                    hashlib.sha256).hexdigest()


def encode_detail(detail: Mapping[str, Any] | None) -> str:
    if not detail:
        return ""
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), default=str)


_ENTRIES, _HEAD = AuditEntry.__table__, AuditHead.__table__
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ROW_ID).values(
    seq=bindparam("seq", type_=_HEAD.c.seq.type), mac=bindparam("mac", type_=_HEAD.c.mac.type))
# PostgreSQL: the entry and the new head in one statement (a data-modifying WITH), values as
# parameters so that it is compiled once.
_WRITE_ENTRY_AND_HEAD = _MOVE_HEAD.add_cte(insert(_ENTRIES).values(
    {column.key: bindparam(column.key, type_=column.type) for column in _ENTRIES.columns}).cte("entry"))


_READ_AND_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.mac).where(_HEAD.c.id == HEAD_ROW_ID).with_for_update()


def append(session: Session, audit_key: bytes, *, actor: str, action: str,
           case_id: uuid.UUID | None = None, detail: Mapping[str, Any] | None = None,
           at: datetime | None = None) -> AuditEntry:
    """Add one entry inside the caller's transaction (committed or rolled back with it).

    Two round trips: the head is read and locked (the caller's pending changes are flushed
    first, so the lock comes last and is held only until the commit), then the entry and
    the new head are written together: one statement on PostgreSQL, two on SQLite.
    """
    session.flush()
    connection = session.connection()
    head = connection.execute(_READ_AND_LOCK_HEAD).one_or_none()
    if head is None:  # first entry ever (the migration normally creates the row)
        connection.execute(insert(_HEAD), {"id": HEAD_ROW_ID, "seq": 0, "mac": GENESIS_MAC})
        head_seq, head_mac = 0, GENESIS_MAC
    else:
        head_seq, head_mac = head
    at = at or datetime.now(timezone.utc)
    seq = head_seq + 1
    detail_text = encode_detail(detail)
    mac = compute_mac(audit_key, head_mac, canonical(seq, at, actor, action, case_id, detail_text))
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, case_id=case_id,
                       detail=detail_text, mac=mac)
    values = {"seq": seq, "at": at, "actor": actor, "action": action, "case_id": case_id,
              "detail": detail_text, "mac": mac}
    if connection.dialect.name == "postgresql":
        connection.execute(_WRITE_ENTRY_AND_HEAD, values)
    else:
        connection.execute(insert(_ENTRIES), values)
        connection.execute(_MOVE_HEAD, values)
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_seq: int
    head_mac: str
    first_broken_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries, head {self.head_seq} {self.head_mac}"
        return f"audit log BROKEN at entry {self.first_broken_seq}: {self.problem}"


def verify_entries(audit_key: bytes, entries: Iterable[AuditEntry],
                   kept_head: tuple[int, str] | None = None) -> Verification:
    """Walk the chain in sequence order; name the first entry that doesn't fit.

    Catches edits (MAC mismatch), deletions (a gap in sequence numbers), insertions and
    reordering (MAC mismatch), and, given a head kept outside the system, a cut-off tail.
    """
    previous_mac = GENESIS_MAC
    expected_seq = 1
    count = 0
    kept_seen = False
    for entry in entries:
        if entry.seq != expected_seq:
            return Verification(False, count, expected_seq - 1, previous_mac, expected_seq,
                                f"entry {expected_seq} is missing (next found is {entry.seq})")
        body = canonical(entry.seq, entry.at, entry.actor, entry.action, entry.case_id, entry.detail)
        mac = compute_mac(audit_key, previous_mac, body)
        if not hmac.compare_digest(mac, entry.mac):
            return Verification(False, count, expected_seq - 1, previous_mac, entry.seq,
                                "its content or position was changed, or it was inserted")
        if kept_head and entry.seq == kept_head[0]:
            if not hmac.compare_digest(entry.mac, kept_head[1]):
                return Verification(False, count, entry.seq, entry.mac, entry.seq,
                                    "it does not match the head kept outside the system")
            kept_seen = True
        previous_mac = mac
        expected_seq += 1
        count += 1
    if kept_head and not kept_seen and kept_head[0] > 0:
        return Verification(False, count, expected_seq - 1, previous_mac, expected_seq,
                            f"the log ends before the kept head (entry {kept_head[0]}): "
                            "entries were removed from the end")
    return Verification(True, count, expected_seq - 1, previous_mac)


def verify(session: Session, audit_key: bytes,
           kept_head: tuple[int, str] | None = None) -> Verification:
    entries = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    ).scalars()
    result = verify_entries(audit_key, entries, kept_head)
    if not result.ok:
        return result
    head = session.execute(select(AuditHead.seq, AuditHead.mac).where(AuditHead.id == HEAD_ROW_ID)).first()
    if head is not None and (head.seq != result.head_seq or head.mac != result.head_mac):
        return Verification(False, result.entries, result.head_seq, result.head_mac,
                            result.head_seq + 1,
                            f"the stored head says entry {head.seq}, the log ends at "
                            f"{result.head_seq}: entries were removed from the end")
    return result
