"""What assignees record on a case besides transitions: messages, notes, evidence,
protective measures, mediation consents. Each call is one transaction with its audit entry.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Any, BinaryIO, Iterable

from flask import current_app
from flask_babel import format_decimal, gettext
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import attachments as attachment_store
from ..crypto import FileTooLarge
from ..extensions import db
from ..models import Case, Deadline, Message, ProtectiveMeasure
from ..policy import active_capacities
from ..translatable import N_
from ..workflow import PROTECTIVE_MEASURES
from . import auditing, evidence
from .case_access import CaseNotFound, cipher_for, staff_case
from .intake import StoreUnavailable

log = logging.getLogger("complaints")

MESSAGE_LIMIT = 20_000


class CaseworkRefused(Exception):
    """Not possible; the message says why in plain words."""


class StoreFault(CaseworkRefused):
    """The attachment store failed (our side, not the file's): nothing was saved."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _require(user: Any, case: Case, capacities: set[str], what: str) -> None:
    if not active_capacities(user, case) & capacities:
        raise CaseworkRefused(gettext("Your assignment on this case does not allow you to do this: %(what)s.", what=gettext(what)))


def send_message(user: Any, case_id: uuid.UUID | str, body: str, *, internal: bool = False,
                 files: Iterable[tuple[str, str, BinaryIO]] = ()) -> Message:
    """A message to the complainant, or (``internal``) a note only assignees see.

    ``files`` are (filename, content type, stream) triples, checked and cleaned like the
    complainant's (services/evidence.py; the browser's content type is not trusted) and
    stored encrypted. A message is not feedback under the three-month rule: that is
    services.feedback.give_feedback.
    """
    case = staff_case(user, case_id, "case.note" if internal else "case.message")
    body = body.strip()
    if not body:
        raise CaseworkRefused(gettext("Write the message first."))
    if len(body) > MESSAGE_LIMIT:
        raise CaseworkRefused(gettext("Messages can be at most %(limit)s characters.", limit=format_decimal(MESSAGE_LIMIT)))
    if not internal and case.state == "closed" and not _monitoring_open(case):
        raise CaseworkRefused(gettext("The case is closed; the complainant can no longer read messages."))
    cipher = cipher_for(case)
    message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff",
                      author_user_id=user.id, internal=internal, created_at=_now())
    if internal and "mediator" in active_capacities(user, case):
        message.seal = "mediation"  # what is said in mediation stays there (Serbia Art. 17)
    message.body_enc = cipher.seal("messages", "body_enc", message.id, body)
    db.session.add(message)
    db.session.flush()  # the message row first: its files refer to it
    stored: list[evidence.StoredFile] = []
    try:
        uploads = [evidence.Upload(filename, stream) for filename, _, stream in files]
        try:
            stored = evidence.store_files(case, cipher, uploads, False, "staff", message.id,
                                          uploaded_by_id=user.id)
        except evidence.StoreUnavailable:  # our side: 503, the case page again with the text
            raise StoreFault(gettext(StoreUnavailable.MESSAGE)) from None
        except evidence.FileRefused as refusal:
            raise CaseworkRefused(" ".join(refusal.messages)) from None
        auditing.record("case.note" if internal else "message.staff", case_id=case.id,
                        detail={"message": str(message.id), "files": len(stored)})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for item in stored:
            attachment_store.remove(current_app.config["ATTACHMENTS_DIR"], item.id)
        raise
    return message


def _store(directory: str, attachment_id: uuid.UUID, key: bytes, stream: BinaryIO,
           filename: str) -> int:
    """Encrypt one staff file into the store, or refuse in plain words (the text is kept)."""
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    try:
        return attachment_store.save(directory, attachment_id, key, stream, limit_mb * 1024 * 1024)
    except FileTooLarge:
        raise CaseworkRefused(gettext("“%(name)s” is larger than %(size)s MB. Nothing was sent; "
                                      "your text is still here.", name=filename, size=limit_mb)) from None
    except attachment_store.StorageError as error:
        log.error("%s", error)
        raise StoreFault(gettext(StoreUnavailable.MESSAGE)) from None


def _monitoring_open(case: Case) -> bool:
    from ..models import MonitoringCheckin

    return db.session.execute(select(MonitoringCheckin.id).where(
        MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None)).limit(1)
    ).first() is not None


def order_measure(user: Any, case_id: uuid.UUID | str, kind: str, details: str) -> ProtectiveMeasure:
    """Protective measures can be ordered at any stage (Serbia Art. 24; JSP 763)."""
    case = staff_case(user, case_id, "case.read")
    _require(user, case, {"decision", "intake"}, N_("order protective measures"))
    if kind not in PROTECTIVE_MEASURES:
        raise CaseworkRefused(gettext("Choose the kind of measure."))
    if case.state in {"closed", "withdrawn", "rejected"}:
        raise CaseworkRefused(gettext("Measures can't be ordered on a case in this state."))
    measure = ProtectiveMeasure(id=uuid.uuid4(), case_id=case.id, kind=kind,
                                ordered_by_id=user.id, ordered_at=_now())
    if details.strip():
        measure.details_enc = cipher_for(case).seal("protective_measures", "details_enc",
                                                    measure.id, details.strip())
    db.session.add(measure)
    from .deadlines import meet_protective_measure_clock

    meet_protective_measure_clock(case, measure.ordered_at)
    auditing.record("case.measure_ordered", case_id=case.id,
                    detail={"measure": str(measure.id), "kind": kind})
    db.session.commit()
    return measure


def lift_measure(user: Any, case_id: uuid.UUID | str, measure_id: uuid.UUID | str) -> ProtectiveMeasure:
    case = staff_case(user, case_id, "case.read")
    _require(user, case, {"decision", "intake"}, N_("lift protective measures"))
    try:
        measure = db.session.get(ProtectiveMeasure, uuid.UUID(str(measure_id)))
    except ValueError:
        measure = None
    if measure is None or measure.case_id != case.id:
        raise CaseNotFound(str(measure_id))
    if measure.lifted_at is not None:
        raise CaseworkRefused(gettext("This measure was already lifted."))
    if case.state == "closed":
        raise CaseworkRefused(gettext("The case is closed; its record, measures included, stays as it was."))
    measure.lifted_at = _now()
    auditing.record("case.measure_lifted", case_id=case.id, detail={"measure": str(measure.id)})
    db.session.commit()
    return measure


def measures(case: Case) -> list[tuple[ProtectiveMeasure, str]]:
    """Measures with their decrypted details, for a caller already cleared by case_access."""
    cipher = cipher_for(case)
    rows = db.session.execute(select(ProtectiveMeasure).where(
        ProtectiveMeasure.case_id == case.id).order_by(ProtectiveMeasure.ordered_at)).scalars()
    return [(m, cipher.open("protective_measures", "details_enc", m.id, m.details_enc))
            for m in rows]


def record_mediation_consent(user: Any, case_id: uuid.UUID | str, party: str,
                             consent: bool) -> Case:
    """Both parties' consent is a precondition of mediation (Serbia Art. 15)."""
    case = staff_case(user, case_id, "case.read")
    _require(user, case, {"intake"}, N_("record consent to mediation"))
    if party not in ("complainant", "respondent"):
        raise CaseworkRefused(gettext("Choose whose consent this is."))
    return _set_mediation_consent(case, party, consent, auditing.actor_for(user))


def complainant_mediation_answer(case: Case, consent: bool) -> Case:
    """The complainant accepts or declines mediation on their own page, before the
    proposal's deadline; the officer sees the answer as if they had recorded it."""
    # While mediation is proposed, the clock that runs is the parties' time to agree on it
    # (Serbia Art. 15: 3 days from the proposal; workflow.CLOCKS "mediator_selection").
    deadline = db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "mediator_selection",
        Deadline.met_at.is_(None)).order_by(Deadline.due_at.desc()).limit(1)).scalar_one_or_none()
    if case.state == "mediation_proposed" and deadline is not None and deadline.due_at < _now():
        raise CaseworkRefused(gettext("The time to answer the proposal has passed. If you still want "
                                      "to answer, write to the officer below."))
    return _set_mediation_consent(case, "complainant", consent, auditing.COMPLAINANT)


def _set_mediation_consent(case: Case, party: str, consent: bool, actor: str) -> Case:
    if case.state != "mediation_proposed":
        raise CaseworkRefused(gettext("Consent is recorded while mediation is proposed."))
    if party == "complainant":
        case.mediation_complainant_consent = consent
        case.mediation_complainant_answered_at = _now()
    else:
        case.mediation_respondent_consent = consent
    auditing.record("case.mediation_consent", case_id=case.id, actor=actor,
                    detail={"party": party, "consent": consent})
    try:
        db.session.commit()
    except StaleDataError:  # the case moved on at the same moment (someone acted)
        db.session.rollback()
        raise CaseworkRefused(gettext("The case changed at the same moment; nothing was recorded. "
                                      "Look at the page as it is now.")) from None
    return case


def record_retaliation(user: Any, case_id: uuid.UUID | str, narrative: str) -> Case:
    """An assignee learns of retaliation or repeat conduct: a linked case opens at once
    (the complainant follows it with the same receipt)."""
    from .followup import open_linked_case

    case = staff_case(user, case_id, "case.read")
    if not narrative.strip():
        raise CaseworkRefused(gettext("Describe what was reported."))
    linked = open_linked_case(case.id, narrative, "staff", actor=auditing.actor_for(user))
    db.session.commit()
    return linked
