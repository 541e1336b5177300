"""What a complainant does with their receipt: messages, files, withdrawal, appeal,
retaliation reports, revealing their identity, answering monitoring check-ins.

The caller passes the case id held in the complainant's receipt session; every action is one
transaction with its audit entry (actor "complainant").
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import references
from ..extensions import db
from ..models import Case, Deadline, Message, MonitoringCheckin, Transition
from ..procedures import load_profile
from ..workflow import TransitionRefused
from .. import notifications as notification_keys
from . import auditing, notifications
from .case_access import CaseNotFound, cipher_for, new_case_key
from .evidence import StoredFile
from .complainant_page import may_write
from .intake import Upload, commit_with_files
from .parties import inherit as inherit_parties
from .transitions import TransitionInputs, initial_deadlines, perform_as_complainant


def _case(case_id: uuid.UUID | str) -> Case:
    case = db.session.get(Case, uuid.UUID(str(case_id)))
    if case is None or case.shredded_at is not None:
        raise CaseNotFound(str(case_id))
    return case


def linked_cases(case_id: uuid.UUID) -> list[Case]:
    return list(db.session.execute(select(Case).where(Case.parent_case_id == case_id)
                                   .order_by(Case.submitted_at)).scalars())


def next_deadline(case_id: uuid.UUID) -> Deadline | None:
    return db.session.execute(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.met_at.is_(None), Deadline.kind != "feedback")
        .order_by(Deadline.due_at).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class SentMessage:
    message: Message
    files: list[StoredFile]

    @property
    def not_fully_cleaned(self) -> list[str]:
        """Names of files sent with hidden information we could not remove."""
        return [f.filename for f in self.files if not f.fully_cleaned]


def send_message(case_id: uuid.UUID, body: str, uploads: list[Upload], keep_metadata: bool) -> SentMessage:
    case = _case(case_id)
    if not body.strip():
        raise TransitionRefused(gettext("Write your message first."))
    if not may_write(case):
        raise TransitionRefused(gettext("Your case is closed, so nobody reads messages here any more. "
                                        "If something has happened since, report it below: a new, "
                                        "linked report opens at once."))
    cipher = cipher_for(case)
    message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="complainant",
                      created_at=datetime.now(timezone.utc))
    message.body_enc = cipher.seal("messages", "body_enc", message.id, body.strip())
    db.session.add(message)
    db.session.flush()
    notifications.case_event(case, "complainant_message", notification_keys.message_key(message.id))
    stored = commit_with_files(case, cipher, uploads, keep_metadata, lambda files: auditing.record(
        "message.complainant", case_id=case.id, actor=auditing.COMPLAINANT,
        detail={"message": str(message.id), "files": len(files)}), message.id)
    return SentMessage(message, stored)


def mark_read(case_id: uuid.UUID) -> None:
    """Staff messages the complainant has now seen."""
    now = datetime.now(timezone.utc)
    for message in db.session.execute(select(Message).where(
            Message.case_id == case_id, Message.author_kind == "staff",
            Message.internal.is_(False), Message.read_at.is_(None))).scalars():
        message.read_at = now
    db.session.commit()


def answer_mediation(case_id: uuid.UUID, consent: bool) -> Case:
    """Accept or decline the mediation proposed (through casework, as the officer records it)."""
    from .casework import complainant_mediation_answer

    return complainant_mediation_answer(_case(case_id), consent)


def set_reply_notice(case_id: uuid.UUID, address: str, language: str) -> None:
    from . import reply_notice

    reply_notice.set_contact(_case(case_id), address, language)


def remove_reply_notice(case_id: uuid.UUID) -> None:
    from . import reply_notice

    reply_notice.remove_contact(_case(case_id))


def withdraw(case_id: uuid.UUID, reason: str) -> Case:
    return perform_as_complainant(_case(case_id), "withdraw", TransitionInputs(reason=reason))


def appeal(case_id: uuid.UUID, reason: str) -> Case:
    return perform_as_complainant(_case(case_id), "appeal", TransitionInputs(reason=reason))


def open_linked_case(parent_id: uuid.UUID, narrative: str, origin: str,
                     actor: str = auditing.COMPLAINANT) -> Case:
    """A new case linked to ``parent_id`` (retaliation or repeat conduct), followed with the
    same receipt: its own receipt index is a random value no receipt can match."""
    parent = _case(parent_id)
    now = datetime.now(timezone.utc)
    case_id = uuid.uuid4()
    data_key, cipher = new_case_key(case_id)
    case = Case(id=case_id, receipt_hmac="linked:" + uuid.uuid4().hex,
                data_key_id=data_key.id, procedure=parent.procedure, parent_case_id=parent.id,
                state="submitted", category="RETALIATION", channel=parent.channel,
                anonymous=parent.anonymous, wants="formal", protection_requested=True,
                unit_group=parent.unit_group, respondent_unit_id=parent.respondent_unit_id,
                complainant_sex=parent.complainant_sex, complainant_rank_band=parent.complainant_rank_band,
                submitted_at=now, updated_at=now)
    case.narrative_enc = cipher.seal("cases", "narrative_enc", case_id, narrative.strip())
    if not parent.anonymous:
        parent_cipher = cipher_for(parent)
        for column in ("complainant_name_enc", "complainant_contact_enc"):
            value = parent_cipher.open("cases", column, parent.id, getattr(parent, column))
            if value:
                setattr(case, column, cipher.seal("cases", column, case_id, value))
    add_with_fresh_reference(case)
    inherit_parties(parent, case, cipher_for(parent), cipher)
    db.session.add(Transition(id=uuid.uuid4(), case_id=case_id, from_state="", to_state="submitted",
                              action="submit", actor_kind="complainant", at=now))
    db.session.add_all(initial_deadlines(case_id, now, case.protection_requested))
    auditing.record("case.retaliation", case_id=case_id, actor=actor,
                    detail={"parent": str(parent.id), "origin": origin, "reference": case.reference})
    notifications.new_report(case, linked=True, at=now)
    notifications.case_event(parent, "retaliation", notification_keys.retaliation_key(case.id),
                             detail=case.reference, at=now)
    return case


def add_with_fresh_reference(case: Case) -> None:
    """Add and write a new case under a reference nobody has: one already taken is replaced
    and the row written again (a savepoint keeps the rest of the transaction)."""
    for attempt in range(references.ATTEMPTS):
        case.reference = references.new_reference(case.submitted_at)
        try:
            with db.session.begin_nested():
                db.session.add(case)
            return
        except IntegrityError as error:
            if not references.taken(error) or attempt == references.ATTEMPTS - 1:
                raise


def report_retaliation(case_id: uuid.UUID, narrative: str) -> Case:
    if not narrative.strip():
        raise TransitionRefused(gettext("Please describe what happened."))
    case = open_linked_case(case_id, narrative, "report")
    db.session.commit()
    return case


def reveal_identity(case_id: uuid.UUID, name: str, contact: str) -> Case:
    case = _case(case_id)
    if not case.anonymous:
        raise TransitionRefused(gettext("Your name is already known to the officer."))
    cipher = cipher_for(case)
    case.complainant_name_enc = cipher.seal("cases", "complainant_name_enc", case.id, name.strip())
    case.complainant_contact_enc = cipher.seal("cases", "complainant_contact_enc", case.id, contact.strip())
    case.anonymous = False
    auditing.record("case.reveal_identity", case_id=case.id, actor=auditing.COMPLAINANT)
    notifications.case_event(case, "identity_revealed", notification_keys.identity_key(case.id))
    db.session.commit()
    return case


def due_checkin(case_id: uuid.UUID) -> MonitoringCheckin | None:
    """The check-in to ask about now: due, unanswered, within the monitoring period."""
    case = _case(case_id)
    now = datetime.now(timezone.utc)
    period = timedelta(days=load_profile(case.procedure).monitoring_period_days + 30)
    return db.session.execute(select(MonitoringCheckin).where(
        MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None),
        MonitoringCheckin.due_at <= now, MonitoringCheckin.due_at >= now - period)
        .order_by(MonitoringCheckin.due_at).limit(1)).scalar_one_or_none()


def answer_checkin(case_id: uuid.UUID, checkin_id: uuid.UUID | str, answer: str,
                   details: str) -> Case | None:
    """Record the answer; anything but "nothing" opens a linked retaliation case at once."""
    case = _case(case_id)
    checkin = db.session.get(MonitoringCheckin, uuid.UUID(str(checkin_id)))
    if checkin is None or checkin.case_id != case.id or checkin.answered_at is not None:
        raise TransitionRefused(gettext("This question was already answered."))
    if answer not in ("nothing", "retaliation", "repeat"):
        raise TransitionRefused(gettext("Choose an answer."))
    checkin.answered_at = datetime.now(timezone.utc)
    checkin.answer = answer
    checkin.answered_by = "complainant"
    auditing.record("monitoring.checkin", case_id=case.id, actor=auditing.COMPLAINANT,
                    detail={"day": checkin.day, "answer": answer})
    notifications.case_event(case, "checkin_answer", notification_keys.checkin_key(checkin.id))
    linked = None
    if answer != "nothing":
        text = details.strip() or ("Reported at the monitoring check-in: "
                                   + ("retaliation" if answer == "retaliation" else "the behaviour happened again"))
        linked = open_linked_case(case.id, text, f"checkin_{checkin.day}")
    db.session.commit()
    return linked
