"""Filing a complaint: one transaction that seals everything, or nothing at all.

The receipt is returned once and stored only as an HMAC; evidence files are checked,
cleaned of hidden information and stored encrypted. If anything fails, the files already
written are removed and the transaction rolls back: no orphan rows, no orphan files.
"""
from __future__ import annotations

import io
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import BinaryIO, Callable

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from .. import attachments as attachment_store
from .. import metadata
from ..crypto import FieldCipher, FileTooLarge, new_receipt, receipt_index
from ..extensions import db
from ..instance import keyring, profile
from ..models import Attachment, Case, CaseExclusion, CaseParty, Transition, User
from ..policy import CAPACITY_ROLES
from ..translatable import N_
from . import auditing, notifications
from .case_access import new_case_key
from .transitions import initial_deadline

log = logging.getLogger("complaints")

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class FileRefused(Exception):
    """One evidence file can't be accepted; the message says why."""

    def __init__(self, filename: str, message: str):
        super().__init__(message)
        self.filename = filename


class StoreUnavailable(FileRefused):
    """The attachment store can't be written (disk full, not writable): our problem, not
    the file's. Nothing was saved; the administrator finds the cause in the log."""

    MESSAGE = N_("Files can't be stored just now because of a problem on our side, so nothing "
                 "was sent. Try again later, or send it without files.")

    def __init__(self, filename: str):
        super().__init__(filename, gettext(self.MESSAGE))


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


@dataclass
class Report:
    category: str
    narrative: str
    wants: str
    anonymous: bool
    channel: str
    incident_when: str = ""
    last_incident_on: date | None = None
    ongoing: bool = False
    unit_group: str = ""
    location: str = ""
    respondent: str = ""
    respondent_rank_band: str = ""
    respondent_relation: str = ""
    respondent_sex: str = ""
    witnesses: str = ""
    protection_requested: bool = False
    protection_details: str = ""
    complainant_name: str = ""
    complainant_contact: str = ""
    complainant_sex: str = ""
    complainant_rank_band: str = ""
    excluded_staff: list[int] = field(default_factory=list)
    excluded_other: str = ""
    keep_metadata: bool = False
    files: list[Upload] = field(default_factory=list)


@dataclass(frozen=True)
class Filed:
    case_id: uuid.UUID
    reference: str
    receipt: str


def case_handlers() -> list[User]:
    """Staff who could handle cases: the complainant may exclude any of them."""
    roles = set(CAPACITY_ROLES.values())
    users = db.session.execute(select(User).where(User.is_active_account.is_(True))
                               .order_by(User.display_name)).scalars()
    return [u for u in users if u.roles & roles]


def _reference(now: datetime) -> str:
    return f"C-{now:%Y}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _max_file_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def store_files(case: Case, cipher: FieldCipher, uploads: list[Upload], keep_metadata: bool,
                uploaded_by_kind: str, message_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Check, clean, encrypt and store files; adds Attachment rows. Returns stored ids (the
    caller removes them if its transaction fails). Raises FileRefused."""
    directory = current_app.config["ATTACHMENTS_DIR"]
    limit = _max_file_bytes()
    stored: list[uuid.UUID] = []
    try:
        for upload in uploads:
            data = upload.stream.read(limit + 1)
            if len(data) > limit:
                raise FileRefused(upload.filename, gettext(
                    "“%(name)s” is larger than %(size)s MB.", name=upload.filename,
                    size=current_app.config["MAX_UPLOAD_MB"]))
            if not data:
                raise FileRefused(upload.filename, gettext("“%(name)s” is empty.", name=upload.filename))
            try:
                clean = metadata.clean(data, keep_metadata)
            except metadata.UnsupportedFile as error:
                raise FileRefused(upload.filename, gettext(
                    "“%(name)s”: %(problem)s", name=upload.filename, problem=gettext(str(error), allowed=gettext(metadata.ALLOWED_NAMES)))) from None
            attachment = Attachment(id=uuid.uuid4(), case_id=case.id, message_id=message_id,
                                    uploaded_by_kind=uploaded_by_kind, content_type=clean.content_type,
                                    size=0, metadata_removed=clean.metadata_removed,
                                    created_at=datetime.now(timezone.utc))
            attachment.filename_enc = cipher.seal("attachments", "filename_enc", attachment.id,
                                                  upload.filename)
            try:
                attachment.size = attachment_store.save(directory, attachment.id, cipher.key,
                                                        io.BytesIO(clean.data), limit)
            except FileTooLarge:
                raise FileRefused(upload.filename, gettext("“%(name)s” is too large.",
                                                          name=upload.filename)) from None
            except attachment_store.StorageError as error:
                log.error("%s", error)
                raise StoreUnavailable(upload.filename) from None
            stored.append(attachment.id)
            db.session.add(attachment)
    except BaseException:
        for attachment_id in stored:
            attachment_store.remove(directory, attachment_id)
        raise
    return stored


def file_complaint(report: Report) -> Filed:
    now = datetime.now(timezone.utc)
    if profile().category(report.category) is None:
        raise ValueError("unknown category")
    case_id = uuid.uuid4()
    data_key, cipher = new_case_key(case_id)
    receipt = new_receipt()
    case = Case(
        id=case_id, reference=_reference(now), receipt_hmac=receipt_index(keyring().index_key, receipt),
        data_key_id=data_key.id, procedure=profile().name, state="submitted",
        category=report.category, channel=report.channel, anonymous=report.anonymous,
        wants=report.wants, protection_requested=report.protection_requested,
        incident_period="ongoing" if report.ongoing else
        (f"{report.last_incident_on:%Y-%m}" if report.last_incident_on else ""),
        last_incident_on=report.last_incident_on, unit_group=report.unit_group,
        respondent_rank_band=report.respondent_rank_band, respondent_relation=report.respondent_relation,
        respondent_sex=report.respondent_sex, complainant_sex=report.complainant_sex,
        complainant_rank_band=report.complainant_rank_band, submitted_at=now, updated_at=now,
    )
    texts = {
        "narrative": report.narrative, "incident_when": report.incident_when,
        "location": report.location, "respondent": report.respondent,
        "witnesses": report.witnesses, "protection_details": report.protection_details,
        "excluded_persons": report.excluded_other,
        "complainant_name": "" if report.anonymous else report.complainant_name,
        "complainant_contact": "" if report.anonymous else report.complainant_contact,
    }
    for name, value in texts.items():
        if value:
            setattr(case, f"{name}_enc", cipher.seal("cases", f"{name}_enc", case_id, value))
    db.session.add(case)
    db.session.flush()
    party = CaseParty(id=uuid.uuid4(), case_id=case_id, kind="respondent",
                      rank_band=report.respondent_rank_band, sex=report.respondent_sex,
                      relation=report.respondent_relation)
    if report.respondent:
        party.details_enc = cipher.seal("case_parties", "details_enc", party.id, report.respondent)
    db.session.add(party)
    handler_ids = {u.id for u in case_handlers()}
    for user_id in sorted(set(report.excluded_staff) & handler_ids):
        db.session.add(CaseExclusion(case_id=case_id, user_id=user_id))
    db.session.add(Transition(id=uuid.uuid4(), case_id=case_id, from_state="", to_state="submitted",
                              action="submit", actor_kind="complainant", at=now))
    db.session.add(initial_deadline(case_id, now))
    notifications.new_report(case, at=now)
    commit_with_files(case, cipher, report.files, report.keep_metadata, lambda files: auditing.record(
        "case.submit", case_id=case_id, actor=auditing.COMPLAINANT,
        detail={"reference": case.reference, "category": case.category, "channel": case.channel,
                "files": files}))
    return Filed(case_id, case.reference, receipt)


def commit_with_files(case: Case, cipher: FieldCipher, uploads: list[Upload], keep_metadata: bool,
                      record: Callable[[int], object], message_id: uuid.UUID | None = None) -> None:
    """Store the complainant's files, write the audit entry and commit, or undo all of it:
    roll back and remove every file already written."""
    stored: list[uuid.UUID] = []
    try:
        stored = store_files(case, cipher, uploads, keep_metadata, "complainant", message_id)
        record(len(stored))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for attachment_id in stored:
            attachment_store.remove(current_app.config["ATTACHMENTS_DIR"], attachment_id)
        raise
