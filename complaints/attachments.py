"""The encrypted attachment store: one file per attachment, named by its UUID. No Flask.

Files are written to a temporary name in the same folder and renamed into place only when
complete, so a crash, a full disk or a refused size never leaves a partial file under a real
name. The caller removes the stored file again if its database transaction fails.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import BinaryIO, Iterator

from .crypto import IntegrityFailure, decrypt_stream, encrypt_stream


class StorageError(Exception):
    """The attachment store could not be written (disk full, read-only, missing)."""


def path_for(directory: str | Path, attachment_id: uuid.UUID) -> Path:
    return Path(directory) / attachment_id.hex


def save(directory: str | Path, attachment_id: uuid.UUID, key: bytes, source: BinaryIO,
         max_bytes: int) -> int:
    """Encrypt ``source`` into the store; returns the plaintext size.

    Raises crypto.FileTooLarge past ``max_bytes`` and StorageError when the disk refuses.
    """
    final = path_for(directory, attachment_id)
    partial = final.with_name(final.name + ".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            size = encrypt_stream(key, attachment_id, source, sink, max_bytes=max_bytes)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, final)
        return size
    except OSError as error:
        _discard(partial)
        raise StorageError(f"attachment store not writable ({error.strerror})") from None
    except BaseException:
        _discard(partial)
        raise


def read(directory: str | Path, attachment_id: uuid.UUID, key: bytes) -> Iterator[bytes]:
    """Yield the plaintext in chunks; raises crypto.IntegrityFailure on tampering."""
    try:
        source = open(path_for(directory, attachment_id), "rb")
    except FileNotFoundError:
        raise IntegrityFailure(f"attachments|content|{attachment_id}") from None
    with source:
        yield from decrypt_stream(key, attachment_id, source)


def verify(directory: str | Path, attachment_id: uuid.UUID, key: bytes) -> None:
    """Check every chunk's tag without keeping the plaintext; raises IntegrityFailure.

    A download is checked whole before its first byte is sent: once streaming has begun,
    a failure could only cut the file off, never show the integrity page.
    """
    for _ in read(directory, attachment_id, key):
        pass


def remove(directory: str | Path, attachment_id: uuid.UUID) -> None:
    _discard(path_for(directory, attachment_id))


def _discard(path: Path) -> None:
    # Clean-up after a failure must not hide it: a folder that is gone or not a folder
    # (ENOTDIR) means there is nothing to remove.
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
