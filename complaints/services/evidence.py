"""Evidence files, whichever door they come through (/report, the complainant's messages,
staff messages and notes): read within the size limit, checked and cleaned in the sandbox,
hashed, encrypted and stored.

- Every file is checked, even after one is refused, so the person learns about all of them
  at once; nothing is kept unless every file is accepted.
- All files of one request share one budget of CPU time (FILE_CHECK_SECONDS), so a request
  with several hostile files is still answered quickly, and a busy server never refuses an
  honest file only for waiting its turn.
- The SHA-256 is taken of the bytes as stored (after cleaning), when the file arrives: the
  chain of custody starts there, and a download can be checked against it.
- What could not be cleaned is recorded per file (``metadata_status``, ``metadata_left``)
  and returned, so the person is told and staff see it beside the file.
"""
from __future__ import annotations

import hashlib
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import BinaryIO, Iterator

from flask import current_app
from flask_babel import format_decimal, gettext

from .. import attachments as attachment_store
from .. import metadata
from ..crypto import FieldCipher, FileTooLarge
from ..extensions import db
from ..models import Attachment, Case
from ..translatable import N_

log = logging.getLogger("complaints")

MAX_FILES = 10  # one request; more can follow in messages


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


class FileRefused(Exception):
    """Evidence files can't be accepted; ``messages`` says why, one per file."""

    def __init__(self, filename: str, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.filename = filename
        self.messages = messages or [message]


class StoreUnavailable(FileRefused):
    """The attachment store can't be written (disk full, not writable): our problem, not
    the file's. Nothing was saved; the administrator finds the cause in the log."""

    MESSAGE = N_("Files can't be stored just now because of a problem on our side, so nothing "
                 "was sent. Try again later, or send it without files.")

    def __init__(self, filename: str, reason: str = ""):
        super().__init__(filename, gettext(self.MESSAGE))
        self.reason = reason  # for the log: "attachment store not writable (...)"


@dataclass(frozen=True)
class StoredFile:
    id: uuid.UUID
    filename: str
    status: str
    left: tuple[str, ...]

    @property
    def fully_cleaned(self) -> bool:
        return self.status in (metadata.REMOVED, metadata.NOTHING_HIDDEN, metadata.KEPT)


def _max_file_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def store_files(case: Case, cipher: FieldCipher, uploads: list[Upload], keep_metadata: bool,
                uploaded_by_kind: str, message_id: uuid.UUID | None = None,
                uploaded_by_id: int | None = None) -> list[StoredFile]:
    """Check, clean, hash, encrypt and store files; adds Attachment rows. Returns what was
    stored (the caller removes the files if its transaction fails). Raises FileRefused
    naming every refused file, or StoreUnavailable."""
    directory = current_app.config["ATTACHMENTS_DIR"]
    stored: list[StoredFile] = []
    refusals: list[str] = []
    try:
        with metadata.Checker(float(current_app.config["FILE_CHECK_SECONDS"]),
                              metadata.sandbox_memory(_max_file_bytes())) as checker:
            for upload, clean in _accepted(uploads, keep_metadata, checker, refusals):
                if refusals:  # once one is refused nothing is kept; the rest are only checked
                    continue
                try:
                    stored.append(_store(directory, case, cipher, upload.filename, clean,
                                         uploaded_by_kind, message_id, uploaded_by_id))
                except _Refusal as refusal:
                    refusals.append(str(refusal))
    except BaseException:
        _remove(directory, stored)
        raise
    if refusals:
        _remove(directory, stored)
        raise FileRefused(uploads[0].filename if uploads else "", " ".join(refusals), refusals)
    return stored


def _accepted(uploads: list[Upload], keep_metadata: bool, checker: metadata.Checker,
              refusals: list[str]) -> Iterator[tuple[Upload, metadata.CleanFile]]:
    """Check every upload in turn: yield the accepted ones, add a message per refused one."""
    for number, upload in enumerate(uploads):
        if number == MAX_FILES:
            refusals.append(gettext(
                "You can send at most %(count)s files at once. Send the others in a message "
                "after this one.", count=format_decimal(MAX_FILES)))
            return
        try:
            yield upload, _check(upload, keep_metadata, checker)
        except _Refusal as refusal:
            refusals.append(str(refusal))


class _Refusal(Exception):
    """One file refused; its message names the file."""


def _check(upload: Upload, keep_metadata: bool, checker: metadata.Checker) -> metadata.CleanFile:
    limit = _max_file_bytes()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise _Refusal(gettext("“%(name)s” is larger than %(size)s MB.", name=upload.filename,
                               size=current_app.config["MAX_UPLOAD_MB"]))
    if not data:
        raise _Refusal(gettext("“%(name)s” is empty.", name=upload.filename))
    try:
        return checker.check(data, keep_metadata)
    except metadata.UnsupportedFile as error:
        if error.code == metadata.TYPE and metadata.named_like_accepted(upload.filename):
            problem = gettext(metadata.MISNAMED)
        else:
            problem = gettext(metadata.REFUSALS.get(error.code, metadata.REFUSALS[metadata.DAMAGED]),
                              allowed=gettext(metadata.ALLOWED_NAMES))
        raise _Refusal(gettext("“%(name)s”: %(problem)s", name=upload.filename, problem=problem)) from None


def _store(directory: str, case: Case, cipher: FieldCipher, filename: str, clean: metadata.CleanFile,
           uploaded_by_kind: str, message_id: uuid.UUID | None, uploaded_by_id: int | None) -> StoredFile:
    attachment = Attachment(
        id=uuid.uuid4(), case_id=case.id, message_id=message_id, uploaded_by_kind=uploaded_by_kind,
        uploaded_by_id=uploaded_by_id, content_type=clean.content_type, size=0,
        metadata_removed=clean.metadata_removed, metadata_status=clean.status,
        metadata_left=",".join(clean.left), sha256=hashlib.sha256(clean.data).hexdigest(),
        created_at=datetime.now(timezone.utc))
    attachment.filename_enc = cipher.seal("attachments", "filename_enc", attachment.id, filename)
    try:
        # Cleaning may repack a document slightly larger; the stored file may exceed the
        # upload limit by that much, never more.
        attachment.size = attachment_store.save(directory, attachment.id, cipher.key,
                                                io.BytesIO(clean.data), 2 * _max_file_bytes())
    except FileTooLarge:
        raise _Refusal(gettext("“%(name)s” is too large.", name=filename)) from None
    except attachment_store.StorageError as error:
        log.error("%s", error)
        raise StoreUnavailable(filename, str(error)) from None
    db.session.add(attachment)
    return StoredFile(attachment.id, filename, clean.status, clean.left)


def _remove(directory: str, stored: list[StoredFile]) -> None:
    for item in stored:
        attachment_store.remove(directory, item.id)
