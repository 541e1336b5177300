"""The backup file format. No Flask, no database.

    COMPLAINTS-BACKUP 1\\n
    {"backup_id": ..., "created_at": ..., "kek_id": ..., "wrapped_key": ...}\\n   (clear header)
    sealed gzip'd tar, in crypto.encrypt_stream's chunked format

The tar holds ``manifest.json``, the database (``database.sqlite`` from SQLite's online backup
API, or ``database.pgdump`` from pg_dump's custom format) and ``attachments/<id>``, the evidence
files exactly as stored (already encrypted with their cases' keys). It never holds the key
file or the session secret. The archive itself is sealed with a fresh key wrapped under the
key ring's active KEK, so a stolen backup without the key file reveals nothing, not even the
clear metadata, and a restore without the key file fails before it changes anything.
"""
from __future__ import annotations

import base64
import io
import json
import tarfile
import uuid
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from .crypto import (IntegrityFailure, Keyring, KeyringError, StreamSealer, decrypt_stream,
                     new_data_key)

MAGIC = b"COMPLAINTS-BACKUP 1\n"
PLACE = ("backups", "archive")
MAX_HEADER = 4096


class BackupError(Exception):
    """The file is not a backup this key ring can open; the message says why."""


@dataclass(frozen=True)
class Header:
    backup_id: uuid.UUID
    created_at: str
    kek_id: str
    wrapped_key: bytes


class ArchiveWriter:
    """``with ArchiveWriter(sink, keyring, created_at) as tar: tar.add(...)``"""

    def __init__(self, sink: BinaryIO, keyring: Keyring, created_at: str):
        self.backup_id = uuid.uuid4()
        key = new_data_key()
        kek_id, wrapped = keyring.wrap(self.backup_id, key)
        header = {"backup_id": str(self.backup_id), "created_at": created_at, "kek_id": kek_id,
                  "wrapped_key": base64.b64encode(wrapped).decode("ascii")}
        sink.write(MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n")
        self.sealer = StreamSealer(key, self.backup_id, sink, PLACE)
        self.tar = tarfile.open(fileobj=self.sealer, mode="w|gz")  # type: ignore[arg-type]

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(data))

    def add_file(self, name: str, path: str) -> None:
        info = self.tar.gettarinfo(path, arcname=name)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        with open(path, "rb") as handle:
            self.tar.addfile(info, handle)

    def __enter__(self) -> "ArchiveWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.tar.close()
        self.sealer.close()


def read_header(source: BinaryIO) -> Header:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("this file is not a complaints backup")
    line = source.readline(MAX_HEADER)
    try:
        data = json.loads(line)
        return Header(uuid.UUID(data["backup_id"]), str(data["created_at"]), str(data["kek_id"]),
                      base64.b64decode(data["wrapped_key"]))
    except (ValueError, KeyError, TypeError):
        raise BackupError("the backup's header is damaged") from None


def archive_key(header: Header, keyring: Keyring) -> bytes:
    if header.kek_id not in keyring.keks:
        raise BackupError(
            f"this backup was sealed under KEK '{header.kek_id}', which the key ring does not "
            "hold: use the key file that was in use when the backup was made")
    try:
        return keyring.unwrap(header.backup_id, header.kek_id, header.wrapped_key)
    except (IntegrityFailure, KeyringError):
        raise BackupError("the key ring does not open this backup (another key file, or the "
                          "backup's header was altered)") from None


class _ChunkReader(io.RawIOBase):
    """A readable file over decrypt_stream's chunks (tarfile reads it as a stream)."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks = chunks
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        while not self.buffer:
            try:
                self.buffer = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def open_archive(source: BinaryIO, keyring: Keyring) -> tuple[Header, tarfile.TarFile]:
    """The header and the tar, read as a stream. Any tampering raises IntegrityFailure while
    reading (wrapped as BackupError by the caller)."""
    header = read_header(source)
    key = archive_key(header, keyring)
    reader = io.BufferedReader(_ChunkReader(decrypt_stream(key, header.backup_id, source, PLACE)))
    return header, tarfile.open(fileobj=reader, mode="r|gz")
