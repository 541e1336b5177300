"""Keyring, envelope encryption and receipts. No Flask imports.

Layers:
- A **keyring** of key-encryption keys (KEKs), each with an id, one active, plus two
  separate HMAC keys: the receipt index key and the audit key. It lives outside the database
  (instance key file, mode 0600, or ``COMPLAINTS_KEYS``).
- Each case has its own random 256-bit **data key**, stored only wrapped under a KEK
  (``models.DataKey``). Staff secrets (TOTP) use one "system" data key the same way.
- Every value is sealed with AES-256-GCM, a fresh 96-bit nonce, and associated data naming
  its place (table, column, row id), so a ciphertext moved to another row or column fails.

Ciphertext format (version 1): ``b"\\x01" || nonce(12) || ciphertext || tag(16)``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32

# The whole field-level encryption policy in one place: (table, column, what the associated
# data binds). Every sealed value's AD is "table|column|row id" (plus the extra binding named).
ENCRYPTED_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("cases", "narrative_enc", "case id"),
    ("cases", "incident_when_enc", "case id"),
    ("cases", "location_enc", "case id"),
    ("cases", "respondent_enc", "case id"),
    ("cases", "witnesses_enc", "case id"),
    ("cases", "complainant_name_enc", "case id"),
    ("cases", "complainant_contact_enc", "case id"),
    ("cases", "excluded_persons_enc", "case id"),
    ("cases", "protection_details_enc", "case id"),
    ("cases", "mediation_agreement_enc", "case id"),
    ("cases", "investigation_report_enc", "case id"),
    ("cases", "extension_reason_enc", "case id"),
    ("cases", "decision_reasoning_enc", "case id"),
    ("cases", "complainant_notice_enc", "case id"),
    ("cases", "appeal_grounds_enc", "case id"),
    ("cases", "appeal_reasoning_enc", "case id"),
    ("cases", "disciplinary_waiver_enc", "case id"),
    ("cases", "reply_notice_enc", "case id"),
    ("track_sessions", "draft_enc", "session id"),
    ("receipt_handoffs", "receipt_enc", "token hash (under a key derived from the browser's token)"),
    ("protective_measures", "details_enc", "measure id"),
    ("assignment_exceptions", "reason_enc", "exception id"),
    ("case_parties", "details_enc", "party id"),
    ("messages", "body_enc", "message id"),
    ("attachments", "filename_enc", "attachment id"),
    ("attachments", "content", "attachment id, chunk number and last-chunk flag"),
    ("transitions", "reason_enc", "transition id"),
    ("transitions", "notice_enc", "transition id"),
    ("deadline_pauses", "reason_enc", "pause id"),
    ("pending_steps", "reason_enc", "pending step id"),
    ("pending_steps", "notice_enc", "pending step id"),
    ("external_referrals", "reference_enc", "referral id"),
    ("case_records", "text_enc", "record id"),
    ("case_records", "remarks_enc", "record id"),
    ("assignments", "end_note_enc", "assignment id"),
    ("category_changes", "reason_enc", "change id"),
    ("risk_assessments", "note_enc", "assessment id"),
    ("data_keys", "wrapped", "data key id and KEK id (under the KEK, not a data key)"),
    ("users", "totp_secret_enc", "user id (under the system data key)"),
    ("account_links", "totp_secret_enc", "link id (under the system data key)"),
    ("legal_holds", "reason_enc", "hold id (under the system data key)"),
    ("kept_forms", "fields_enc", "kept form id, user id and the form's address (under a key held "
                                 "only in the person's browser, services/kept_forms.py)"),
)


class KeyringError(Exception):
    """The keyring is missing or unusable; the message says what and where."""


class IntegrityFailure(Exception):
    """A ciphertext failed authentication: tampered, truncated or moved to another place."""

    def __init__(self, place: str):
        super().__init__(f"integrity check failed for {place}")
        self.place = place


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise KeyringError(f"{what} is not valid base64") from None


def associated_data(table: str, column: str, row_id: object, *extra: object) -> bytes:
    parts = [table, column, str(row_id), *(str(e) for e in extra)]
    return "|".join(parts).encode("utf-8")


# --- sealing -----------------------------------------------------------------------------


def seal_bytes(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def open_bytes(key: bytes, blob: bytes, ad: bytes) -> bytes:
    place = ad.decode("utf-8", "replace")
    if not blob or blob[:1] != FORMAT_V1 or len(blob) < 1 + NONCE_BYTES + 16:
        raise IntegrityFailure(place)
    nonce = blob[1 : 1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[1 + NONCE_BYTES :], ad)
    except InvalidTag:
        raise IntegrityFailure(place) from None


@dataclass(frozen=True)
class FieldCipher:
    """Seals and opens the fields of one data key (one case, or the system key)."""

    key: bytes

    def seal(self, table: str, column: str, row_id: object, text: str) -> bytes:
        return seal_bytes(self.key, text.encode("utf-8"), associated_data(table, column, row_id))

    def open(self, table: str, column: str, row_id: object, blob: bytes | None) -> str:
        if blob is None:
            return ""
        return open_bytes(self.key, blob, associated_data(table, column, row_id)).decode("utf-8")


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


# --- streamed files ----------------------------------------------------------------------

CHUNK_BYTES = 64 * 1024
_LAST_FLAG = 0x80000000  # top bit of the 4-byte chunk header marks the last chunk


def encrypt_stream(key: bytes, file_id: object, source: BinaryIO, sink: BinaryIO,
                   max_bytes: int | None = None,
                   place: tuple[str, str] = ("attachments", "content")) -> int:
    """Encrypt ``source`` into ``sink`` chunk by chunk; returns the plaintext size.

    Each chunk is ``header(4) || sealed chunk``; the header holds the sealed length and a
    last-chunk flag. The AD names the place, the file, the chunk number and the flag, so
    chunks can't be reordered, swapped between files or cut off. Memory stays at two chunks.
    Raises ``FileTooLarge`` past ``max_bytes`` (the caller removes the partial output).
    """
    sealer = StreamSealer(key, file_id, sink, place)
    total = 0
    while chunk := source.read(CHUNK_BYTES):
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise FileTooLarge(max_bytes)
        sealer.write(chunk)
    sealer.close()
    return total


class StreamSealer:
    """The chunked format of ``encrypt_stream`` as a writable file: bytes written are sealed
    in CHUNK_BYTES chunks; ``close`` seals what is left as the last chunk (an empty one if
    nothing is left), so a reader can tell a whole stream from a cut one."""

    def __init__(self, key: bytes, file_id: object, sink: BinaryIO,
                 place: tuple[str, str] = ("attachments", "content")):
        self.key, self.file_id, self.sink, self.place = key, file_id, sink, place
        self.pending = bytearray()
        self.index = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.pending += data
        # Keep at least one byte back: only close() knows which chunk is the last.
        while len(self.pending) > CHUNK_BYTES:
            self._seal(bytes(self.pending[:CHUNK_BYTES]), last=False)
            del self.pending[:CHUNK_BYTES]
        return len(data)

    def flush(self) -> None:
        self.sink.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.pending), last=True)
            self.pending.clear()
            self.closed = True

    def _seal(self, chunk: bytes, last: bool) -> None:
        ad = associated_data(*self.place, self.file_id, self.index, int(last))
        sealed = seal_bytes(self.key, chunk, ad)
        self.sink.write((len(sealed) | (_LAST_FLAG if last else 0)).to_bytes(4, "big"))
        self.sink.write(sealed)
        self.index += 1


def decrypt_stream(key: bytes, file_id: object, source: BinaryIO,
                   place: tuple[str, str] = ("attachments", "content")) -> Iterator[bytes]:
    """Yield plaintext chunks; raises IntegrityFailure on any tampering or truncation."""
    where = "|".join((*place, str(file_id)))
    index = 0
    while True:
        header = source.read(4)
        if len(header) != 4:
            raise IntegrityFailure(where)  # cut off before the last chunk
        value = int.from_bytes(header, "big")
        last = bool(value & _LAST_FLAG)
        length = value & ~_LAST_FLAG
        if length > CHUNK_BYTES + 64:
            raise IntegrityFailure(where)
        sealed = source.read(length)
        ad = associated_data(*place, file_id, index, int(last))
        yield open_bytes(key, sealed, ad)
        if last:
            if source.read(1):
                raise IntegrityFailure(where)  # data after the last chunk
            return
        index += 1


class FileTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"file larger than {limit} bytes")
        self.limit = limit


# --- receipts ----------------------------------------------------------------------------

# Crockford's base32: no I, L, O, U, so a receipt read aloud or handwritten is unambiguous.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_CHARS = 20  # 20 x 5 bits = 100 bits of entropy
_RECEIPT_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_CHARS, 4))


def normalise_receipt(text: str) -> str | None:
    """Canonical form of what a person typed, or None when it can't be a receipt."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_RECEIPT_ALIASES)
    if len(cleaned) != RECEIPT_CHARS or any(ch not in RECEIPT_ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + 4] for i in range(0, RECEIPT_CHARS, 4))


def receipt_index(index_key: bytes, receipt: str) -> str:
    return hmac.new(index_key, b"receipt:" + receipt.encode("ascii"), hashlib.sha256).hexdigest()


# --- keyring -----------------------------------------------------------------------------


@dataclass
class Keyring:
    keks: dict[str, bytes]
    active_id: str
    index_key: bytes
    audit_key: bytes
    created: dict[str, str] = field(default_factory=dict)

    @property
    def active_kek(self) -> bytes:
        return self.keks[self.active_id]

    def wrap(self, data_key_id: uuid.UUID, data_key: bytes) -> tuple[str, bytes]:
        ad = associated_data("data_keys", "wrapped", data_key_id, self.active_id)
        return self.active_id, seal_bytes(self.active_kek, data_key, ad)

    def unwrap(self, data_key_id: uuid.UUID, kek_id: str, wrapped: bytes) -> bytes:
        kek = self.keks.get(kek_id)
        if kek is None:
            raise KeyringError(
                f"data key {data_key_id} is wrapped under KEK '{kek_id}', which is not in the "
                "keyring; restore the key file from backup"
            )
        return open_bytes(kek, wrapped, associated_data("data_keys", "wrapped", data_key_id, kek_id))

    # serialisation --------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "active": self.active_id,
                "keks": [
                    {"id": kid, "key": _b64(key), "created": self.created.get(kid, "")}
                    for kid, key in self.keks.items()
                ],
                "index_key": _b64(self.index_key),
                "audit_key": _b64(self.audit_key),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, source: str) -> Keyring:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise KeyringError(f"{source} is not valid JSON") from None
        if not isinstance(data, dict):
            raise KeyringError(f"{source} must hold a JSON object")
        missing = [name for name in ("active", "keks", "index_key", "audit_key") if name not in data]
        if missing:
            raise KeyringError(f"{source} is missing: {', '.join(missing)}")
        keks: dict[str, bytes] = {}
        created: dict[str, str] = {}
        for entry in data["keks"]:
            kid = str(entry.get("id", ""))
            key = _unb64(str(entry.get("key", "")), f"{source}: KEK '{kid}'")
            if not kid or len(key) != KEY_BYTES:
                raise KeyringError(f"{source}: KEK '{kid}' must have an id and a 32-byte key")
            keks[kid] = key
            created[kid] = str(entry.get("created", ""))
        if data["active"] not in keks:
            raise KeyringError(f"{source}: the active KEK '{data['active']}' is not in the keyring")
        index_key = _unb64(str(data["index_key"]), f"{source}: index_key")
        audit_key = _unb64(str(data["audit_key"]), f"{source}: audit_key")
        if len(index_key) < KEY_BYTES or len(audit_key) < KEY_BYTES:
            raise KeyringError(f"{source}: index_key and audit_key must be 32 bytes")
        return cls(keks, str(data["active"]), index_key, audit_key, created)

    @classmethod
    def generate(cls) -> Keyring:
        kid = new_kek_id()
        return cls(
            keks={kid: os.urandom(KEY_BYTES)},
            active_id=kid,
            index_key=os.urandom(KEY_BYTES),
            audit_key=os.urandom(KEY_BYTES),
            created={kid: _now()},
        )

    def with_new_kek(self) -> Keyring:
        kid = new_kek_id()
        keks = dict(self.keks)
        keks[kid] = os.urandom(KEY_BYTES)
        return Keyring(keks, kid, self.index_key, self.audit_key, {**self.created, kid: _now()})

    def without_kek(self, kek_id: str) -> Keyring:
        if kek_id == self.active_id:
            raise KeyringError("the active KEK can't be retired; rotate first")
        if kek_id not in self.keks:
            raise KeyringError(f"no KEK '{kek_id}' in the keyring")
        keks = {k: v for k, v in self.keks.items() if k != kek_id}
        created = {k: v for k, v in self.created.items() if k != kek_id}
        return Keyring(keks, self.active_id, self.index_key, self.audit_key, created)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_kek_id() -> str:
    return "kek-" + datetime.now(timezone.utc).strftime("%Y%m%d") + "-" + secrets.token_hex(3)


def load_keyring(key_file: str | Path, env_value: str | None) -> Keyring:
    """The keyring from ``COMPLAINTS_KEYS`` when set, else from the key file."""
    if env_value:
        return Keyring.from_json(env_value, "COMPLAINTS_KEYS")
    path = Path(key_file)
    if not path.exists():
        raise KeyringError(
            f"the key file {path} is missing. Restore it from your backup, or set "
            "COMPLAINTS_KEYS. Without it no case can be opened."
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyringError(
            f"the key file {path} can be read by other users (mode {mode:o}); "
            f"run: chmod 600 {path}"
        )
    return Keyring.from_json(path.read_text(encoding="utf-8"), f"the key file {path}")


def write_keyring(key_file: str | Path, keyring: Keyring) -> None:
    """Write the key file atomically with mode 0600 (a crash leaves the old or the new file)."""
    path = Path(key_file)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
