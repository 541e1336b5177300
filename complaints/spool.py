"""Where an upload waits while the request is parsed: in memory, or on disk encrypted
under a key that exists only in this process's memory. No Flask imports.

Werkzeug would spool uploads over 500 KB in clear to the temporary folder; a deleted
temporary file's blocks can still be read from the disk (or a backup, or a snapshot of a
virtual machine). Here each 64 KB chunk is sealed with AES-256-GCM under a random key
before it is written to an unnamed temporary file; when the request ends the file and the
key are gone, and what is left on the disk can never be read. Uploads smaller than one chunk
never touch the disk at all. The chunk number and a last-chunk flag are bound into each
seal, so chunks can't be swapped or cut off without the read failing.
"""
from __future__ import annotations

import io
import tempfile

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK = 64 * 1024


class SpoolTampered(Exception):
    """The spooled ciphertext changed on the disk during the request."""


class EncryptedSpool(io.RawIOBase):
    """Written once from start to end, then read (``seek(0)``) as often as needed."""

    def __init__(self, directory: str | None = None):
        super().__init__()
        self._cipher = AESGCM(AESGCM.generate_key(bit_length=256))
        self._directory = directory
        self._file: io.BufferedRandom | None = None
        self._pending = bytearray()   # written, not yet sealed
        self._chunks: list[int] = []  # sealed length of each chunk on disk
        self._size = 0
        self._sealed_tail: bytes | None = None  # the last chunk, kept in memory
        self._reading = False
        self._position = 0
        self._index = 0
        self._buffer = b""

    # --- writing ---------------------------------------------------------------------

    def writable(self) -> bool:
        return not self._reading

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        if self._reading:
            raise io.UnsupportedOperation("spool is being read")
        self._pending += data
        while len(self._pending) > CHUNK:  # keep at least one byte back: the last chunk is flagged
            self._seal_to_disk(bytes(self._pending[:CHUNK]))
            del self._pending[:CHUNK]
        self._size += len(data)
        return len(data)

    def _seal_to_disk(self, plain: bytes) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._directory)  # unnamed (O_TMPFILE) where possible
        sealed = self._cipher.encrypt(self._nonce(len(self._chunks)), plain, self._ad(len(self._chunks), False))
        self._file.write(sealed)
        self._chunks.append(len(sealed))

    @staticmethod
    def _nonce(index: int) -> bytes:
        return index.to_bytes(12, "big")

    @staticmethod
    def _ad(index: int, last: bool) -> bytes:
        return b"spool|%d|%d" % (index, int(last))

    # --- reading ---------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self._reading:
            index = len(self._chunks)
            self._sealed_tail = self._cipher.encrypt(self._nonce(index), bytes(self._pending), self._ad(index, True))
            self._pending = bytearray()
            self._reading = True
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._position + offset, io.SEEK_END: self._size + offset}[whence]
        if target != 0 and target != self._position:
            if target < self._position:
                self._rewind()
            self.read(target - self._position)
            return self._position
        if target == 0:
            self._rewind()
        return self._position

    def _rewind(self) -> None:
        self._position, self._index, self._buffer = 0, 0, b""
        if self._file is not None:
            self._file.seek(0)

    def tell(self) -> int:
        return self._position if self._reading else self._size

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        """Up to ``size`` bytes, fewer only at the end (unlike a raw stream's short reads)."""
        parts, wanted = [], size
        while wanted != 0:
            chunk = super().read(wanted if wanted > 0 else CHUNK)
            if not chunk:
                break
            parts.append(chunk)
            if wanted > 0:
                wanted -= len(chunk)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def, override]
        if not self._reading:
            self.seek(0)
        while not self._buffer and self._index <= len(self._chunks):
            self._buffer = self._open_chunk(self._index)
            self._index += 1
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        self._position += count
        return count

    def _open_chunk(self, index: int) -> bytes:
        from cryptography.exceptions import InvalidTag

        last = index == len(self._chunks)
        if last:
            sealed = self._sealed_tail or b""
        else:
            assert self._file is not None
            sealed = self._file.read(self._chunks[index])
        try:
            return self._cipher.decrypt(self._nonce(index), sealed, self._ad(index, last))
        except InvalidTag:
            raise SpoolTampered("an upload changed on the disk while the request was read") from None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._cipher = None  # type: ignore[assignment]
        super().close()
