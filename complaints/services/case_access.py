"""The one way in to case content.

Every read of case content goes through here: the policy check, the decryption and the
audit entry happen in one step. Views and templates never decrypt on their own. A case the
caller may not see raises CaseNotFound, which views turn into 404 (existence stays hidden).
A failed authentication tag is written to the audit log as an integrity alarm before the
IntegrityFailure reaches the error page.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .. import attachments as attachment_store
from ..crypto import FieldCipher, IntegrityFailure, new_data_key, normalise_receipt, receipt_index
from ..extensions import db
from ..instance import keyring
from ..models import Attachment, Case, CaseParty, DataKey, Message, Transition
from ..policy import READING_PARTS, STEP_PARTS, allowed, readable_parts
from ..transaction_memo import remembered
from . import auditing

# Free-text and identifying columns of a case, by the name used in CaseContent.fields.
CASE_TEXT_FIELDS = (
    "narrative", "incident_when", "location", "respondent", "witnesses",
    "complainant_name", "complainant_contact", "excluded_persons", "protection_details",
)
# Texts written for the complainant (the decision's notice, the appeal's reasons): only
# their own page opens these; staff read them in the procedure records.
COMPLAINANT_TOLD_FIELDS = ("complainant_notice", "appeal_reasoning")


class CaseNotFound(Exception):
    """No such case, or not for this caller. Answer 404 either way."""


class CaseShredded(Exception):
    """The case's data key was destroyed under the retention schedule."""


@dataclass(frozen=True)
class AttachmentView:
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    created_at: datetime
    uploaded_by_kind: str
    message_id: uuid.UUID | None
    sha256: str | None = None          # of the bytes as stored, taken at receipt
    metadata_status: str = ""          # metadata/result.py: how far hidden information was removed
    metadata_left: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageView:
    id: uuid.UUID
    author_kind: str
    author_user_id: int | None
    internal: bool
    body: str
    created_at: datetime
    read_at: datetime | None
    attachments: tuple[AttachmentView, ...] = ()


@dataclass(frozen=True)
class PartyView:
    id: uuid.UUID
    kind: str
    rank_band: str
    sex: str
    relation: str
    details: str


@dataclass
class CaseContent:
    case: Case
    fields: dict[str, str]
    parties: list[PartyView] = field(default_factory=list)
    messages: list[MessageView] = field(default_factory=list)
    attachments: list[AttachmentView] = field(default_factory=list)
    readable: frozenset[str] = frozenset(READING_PARTS)  # restricted parts this reader may see

    def may_read_step(self, action: str) -> bool:
        """Whether the reasons of a step of ``action`` are for this reader (policy.STEP_PARTS)."""
        part = STEP_PARTS.get(action)
        return part is None or part in self.readable
    told: dict[str, str] = field(default_factory=dict)  # COMPLAINANT_TOLD_FIELDS, their page only
    notices: dict[uuid.UUID, str] = field(default_factory=dict)  # step -> what they were told


# --- keys --------------------------------------------------------------------------------


def new_case_key(case_id: uuid.UUID) -> tuple[DataKey, FieldCipher]:
    """A fresh data key for a new case, added to the session wrapped under the active KEK."""
    data_key, cipher = case_key()
    db.session.add(data_key)
    return data_key, cipher


def case_key() -> tuple[DataKey, FieldCipher]:
    """A fresh data key, wrapped under the active KEK, for the caller to write (not added to
    the session), and the cipher that seals with it."""
    key = new_data_key()
    data_key = DataKey(id=uuid.uuid4(), purpose="case")
    data_key.kek_id, data_key.wrapped = keyring().wrap(data_key.id, key)
    return data_key, FieldCipher(key)


def cipher_for(case: Case) -> FieldCipher:
    """The case's field cipher, for services that write content (their own audit entries)."""
    if case.shredded_at is not None:
        raise CaseShredded(str(case.id))
    cipher = remembered(db.session(), ("case key", case.data_key_id), ("data_keys",),
                        lambda: _unwrap(case))
    if cipher is None:
        raise CaseShredded(str(case.id))
    return cipher


def _unwrap(case: Case) -> FieldCipher | None:
    data_key = db.session.get(DataKey, case.data_key_id)
    if data_key is None or data_key.wrapped is None:
        return None
    with integrity_alarm(case.id):
        return FieldCipher(keyring().unwrap(data_key.id, data_key.kek_id or "", data_key.wrapped))


@contextmanager
def integrity_alarm(case_id: uuid.UUID | None) -> Iterator[None]:
    """Turn a failed tag into an audit entry kept even though the request's work is undone."""
    try:
        yield
    except IntegrityFailure as failure:
        db.session.rollback()
        table_column = "|".join(failure.place.split("|")[:2])
        auditing.record_now("integrity.failure", case_id=case_id, detail={"place": table_column})
        raise


# --- finding cases -----------------------------------------------------------------------


def case_id_for_receipt(receipt_text: str) -> uuid.UUID | None:
    """The case a receipt opens, or None. Only the receipt's HMAC is ever stored."""
    receipt = normalise_receipt(receipt_text)
    if receipt is None:
        return None
    digest = receipt_index(keyring().index_key, receipt)
    return db.session.execute(
        select(Case.id).where(Case.receipt_hmac == digest, Case.shredded_at.is_(None))
    ).scalar_one_or_none()


def staff_case(user: Any, case_id: uuid.UUID | str, action: str = "case.read") -> Case:
    """Load a case for a staff member, or raise CaseNotFound when policy says no."""
    case = _get_case(case_id)
    if case is None or not allowed(user, action, case):
        raise CaseNotFound(str(case_id))
    return case


def _get_case(case_id: uuid.UUID | str) -> Case | None:
    try:
        key = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    except ValueError:
        return None
    # Kept for the transaction: the session holds its rows weakly, and the gate before a view
    # and the view itself would otherwise each read the case. Its data key comes in the same
    # statement (cipher_for finds it in the session): a cleared reader decrypts next.
    return remembered(db.session(), ("case", key), ("cases",),
                      lambda: db.session.get(Case, key, options=_WITH_DATA_KEY))


# Built once: building a statement and its cache key cost about 70 µs a call, and a case page
# runs about twenty (docs/manual/performance.md, "Late on 29 November").
_WITH_DATA_KEY = (joinedload(Case.data_key),)
_PARTIES = select(CaseParty).where(CaseParty.case_id == bindparam("case_id")).order_by(CaseParty.kind)
_MESSAGES = select(Message).where(Message.case_id == bindparam("case_id")).order_by(Message.created_at)
_MESSAGES_NOT_INTERNAL = (select(Message).where(Message.case_id == bindparam("case_id"),
                                                Message.internal.is_(False)).order_by(Message.created_at))
_ATTACHMENTS = (select(Attachment).where(Attachment.case_id == bindparam("case_id"))
                .order_by(Attachment.created_at))


# --- reading content ---------------------------------------------------------------------


def open_for_staff(user: Any, case_id: uuid.UUID | str, purpose: str = "view") -> CaseContent:
    """Policy check, decryption of everything the assignee may read, and the audit entry."""
    content = read_for_staff(user, case_id)
    record_read(content.case, purpose)
    db.session.commit()
    return content


def read_for_staff(user: Any, case_id: uuid.UUID | str, *, parties: bool = True) -> CaseContent:
    """open_for_staff for a caller that reads more of the case in the same transaction: it
    must call record_read and commit before it shows anything (case_file.open_case_file).
    ``parties=False`` leaves CaseContent.parties empty for a caller that lists them itself."""
    case = staff_case(user, case_id, "case.read")
    return _decrypt(case, include_internal=True, readable=readable_parts(user, case), parties=parties)


def record_read(case: Case, purpose: str) -> None:
    """The read's audit entry. Written last before the commit: it locks the chain's head,
    which every audited action of the instance waits for until this transaction ends."""
    auditing.record("case.read", case_id=case.id, detail={"purpose": purpose})


def read_excluded_persons(user: Any, case: Case) -> str:
    """The names the complainant excluded, for a coordinator resolving them (policy
    ``case.exclusions``): only this field is decrypted, and the read is audited."""
    if not allowed(user, "case.exclusions", case):
        raise CaseNotFound(str(case.id))
    text = ""
    if case.excluded_persons_enc:
        with integrity_alarm(case.id):
            text = cipher_for(case).open("cases", "excluded_persons_enc", case.id, case.excluded_persons_enc)
    auditing.record("case.read", case_id=case.id, detail={"purpose": "exclusions"})
    db.session.commit()
    return text


def open_for_complainant(case_id: uuid.UUID, purpose: str = "track") -> CaseContent:
    """What the complainant sees with their receipt: no internal notes."""
    case = _get_case(case_id)
    if case is None or case.shredded_at is not None:
        raise CaseNotFound(str(case_id))
    content = _decrypt(case, include_internal=False)
    cipher = cipher_for(case)
    with integrity_alarm(case.id):
        content.told = {name: cipher.open("cases", f"{name}_enc", case.id, getattr(case, f"{name}_enc"))
                        for name in COMPLAINANT_TOLD_FIELDS}
        content.notices = {t.id: cipher.open("transitions", "notice_enc", t.id, t.notice_enc)
                           for t in db.session.execute(select(Transition).where(
                               Transition.case_id == case.id, Transition.notice_enc.is_not(None))).scalars()}
    auditing.record("case.read", case_id=case.id, detail={"purpose": purpose},
                    actor=auditing.COMPLAINANT)
    db.session.commit()
    return content


def read_attachment(case: Case, attachment_id: uuid.UUID | str, *, actor: str | None = None,
                    include_staff_only: bool = True,
                    readable: frozenset[str] | None = None) -> tuple[AttachmentView, Iterator[bytes]]:
    """Decrypt one attachment of a case the caller was already cleared for (staff_case or
    the complainant's receipt session). Audited; raises CaseNotFound for a foreign id, and
    for a file of a sealed note (policy.READING_PARTS) the caller may not read."""
    try:
        attachment = db.session.get(Attachment, uuid.UUID(str(attachment_id)))
    except ValueError:
        attachment = None
    if attachment is None or attachment.case_id != case.id:
        raise CaseNotFound(str(attachment_id))
    if not include_staff_only and _is_internal(attachment):
        raise CaseNotFound(str(attachment_id))
    if _seal(attachment) and _seal(attachment) not in (readable or frozenset()):
        raise CaseNotFound(str(attachment_id))
    cipher = cipher_for(case)
    directory = current_app.config["ATTACHMENTS_DIR"]
    with integrity_alarm(case.id):
        view = _attachment_view(cipher, attachment)
        attachment_store.verify(directory, attachment.id, cipher.key)
    auditing.record("attachment.read", case_id=case.id, detail={"attachment": str(attachment.id)},
                    actor=actor)
    db.session.commit()
    return view, _guarded_chunks(case.id, directory, attachment.id, cipher.key)


def _guarded_chunks(case_id: uuid.UUID, directory: str, attachment_id: uuid.UUID,
                    key: bytes) -> Iterator[bytes]:
    with integrity_alarm(case_id):
        yield from attachment_store.read(directory, attachment_id, key)


def _seal(attachment: Attachment) -> str:
    if attachment.message_id is None:
        return ""
    message = db.session.get(Message, attachment.message_id)
    return message.seal if message else ""


def _is_internal(attachment: Attachment) -> bool:
    if attachment.message_id is None:
        return False
    message = db.session.get(Message, attachment.message_id)
    return bool(message and message.internal)


def _decrypt(case: Case, *, include_internal: bool,
             readable: frozenset[str] = frozenset(), parties: bool = True) -> CaseContent:
    cipher = cipher_for(case)
    with integrity_alarm(case.id):
        fields = {
            name: cipher.open("cases", f"{name}_enc", case.id, getattr(case, f"{name}_enc"))
            for name in CASE_TEXT_FIELDS
        }
        party_views = [
            PartyView(p.id, p.kind, p.rank_band, p.sex, p.relation,
                      cipher.open("case_parties", "details_enc", p.id, p.details_enc))
            for p in db.session.execute(_PARTIES, {"case_id": case.id}).scalars()
        ] if parties else []
        query = _MESSAGES if include_internal else _MESSAGES_NOT_INTERNAL
        messages = [m for m in db.session.execute(query, {"case_id": case.id}).scalars()
                    if not m.seal or m.seal in readable]
        visible_ids = {m.id for m in messages}
        attachment_rows = db.session.execute(_ATTACHMENTS, {"case_id": case.id}).scalars()
        attachments = [
            _attachment_view(cipher, a) for a in attachment_rows
            if a.message_id is None or a.message_id in visible_ids
        ]
        by_message: dict[uuid.UUID, list[AttachmentView]] = {}
        for a in attachments:
            if a.message_id is not None:
                by_message.setdefault(a.message_id, []).append(a)
        message_views = [
            MessageView(m.id, m.author_kind, m.author_user_id, m.internal,
                        cipher.open("messages", "body_enc", m.id, m.body_enc),
                        m.created_at, m.read_at, tuple(by_message.get(m.id, ())))
            for m in messages
        ]
    return CaseContent(case=case, fields=fields, parties=party_views, messages=message_views,
                       attachments=attachments, readable=readable)


def _attachment_view(cipher: FieldCipher, a: Attachment) -> AttachmentView:
    return AttachmentView(
        id=a.id,
        filename=cipher.open("attachments", "filename_enc", a.id, a.filename_enc),
        content_type=a.content_type,
        size=a.size,
        created_at=a.created_at,
        uploaded_by_kind=a.uploaded_by_kind,
        message_id=a.message_id,
        sha256=a.sha256,
        metadata_status=a.metadata_status,
        metadata_left=tuple(code for code in a.metadata_left.split(",") if code),
    )
