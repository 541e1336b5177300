"""Typed records of who was heard: hearing minutes, witness statements, and the minutes of a
report made orally (EU 2019/1937 Art. 18: the reporting person checks, corrects and signs
them). Each says who was heard, when, by whom, and whether the heard person confirmed it.

Hearing minutes and statements belong to the investigation (policy.READING_PARTS): the
person of trust does not read them. The minutes of an oral report are the complainant's own
words; they confirm them with their receipt (services.hearings.confirm_minutes_by_complainant).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Case, CaseParty, CaseRecord, User
from ..policy import active_capacities, readable_parts
from ..procedures import load_profile
from ..translatable import N_
from . import auditing
from .case_access import CaseNotFound, cipher_for, integrity_alarm, staff_case
from .casework import CaseworkRefused

RECORD_KINDS = {
    "hearing": N_("hearing minutes"),
    "witness_statement": N_("witness statement"),
    "report_minutes": N_("minutes of the oral report"),
}
HEARD_ROLES = {
    "complainant": N_("the complainant"),
    "respondent": N_("a respondent"),
    "witness": N_("a witness"),
}
CONFIRMATIONS = {
    "signed": N_("read and signed by the person heard"),
    "confirmed_online": N_("confirmed by the complainant with their receipt"),
    "refused": N_("the person heard refused to sign"),
}
# Who records hearings: the investigator, and the intake officer in a preliminary inquiry.
RECORDING_CAPACITIES = {"investigator", "intake"}
TEXT_LIMIT = 50_000


@dataclass(frozen=True)
class RecordView:
    row: CaseRecord
    text: str
    remarks: str
    party_details: str
    recorded_by: User | None


def record_hearing(user: Any, case_id: uuid.UUID | str, *, kind: str, heard_role: str,
                   party_id: uuid.UUID | str | None, held_on: date, text: str) -> CaseRecord:
    case = staff_case(user, case_id, "case.read")
    if not active_capacities(user, case) & RECORDING_CAPACITIES:
        raise CaseworkRefused(gettext("Hearings are recorded by the investigator or the complaint officer."))
    if kind not in ("hearing", "witness_statement"):
        raise CaseworkRefused(gettext("Choose what kind of record this is."))
    if heard_role not in HEARD_ROLES:
        raise CaseworkRefused(gettext("Choose who was heard."))
    party = _party(case, party_id) if party_id else None
    if party is not None and party.kind != heard_role:
        raise CaseworkRefused(gettext("The person chosen is not recorded in that role."))
    calendar = load_profile(case.procedure).calendar
    if held_on > calendar.local_date(datetime.now(timezone.utc)):
        raise CaseworkRefused(gettext("The hearing date can't be in the future."))
    if not text.strip():
        raise CaseworkRefused(gettext("Write the minutes or the statement."))
    if len(text) > TEXT_LIMIT:
        raise CaseworkRefused(gettext("The text is too long."))
    record = CaseRecord(id=uuid.uuid4(), case_id=case.id, kind=kind, heard_role=heard_role,
                        party_id=party.id if party else None, held_at=calendar.start_of_day(held_on),
                        recorded_by_id=user.id, recorded_at=datetime.now(timezone.utc))
    record.text_enc = cipher_for(case).seal("case_records", "text_enc", record.id, text.strip())
    db.session.add(record)
    auditing.record("case.hearing_recorded", case_id=case.id,
                    detail={"record": str(record.id), "kind": kind, "heard": heard_role})
    db.session.commit()
    return record


def confirm(user: Any, case_id: uuid.UUID | str, record_id: uuid.UUID | str, confirmation: str,
            remarks: str) -> CaseRecord:
    """The heard person read the record: signed it, or refused to sign (their remarks kept)."""
    case = staff_case(user, case_id, "case.read")
    if not active_capacities(user, case) & RECORDING_CAPACITIES:
        raise CaseworkRefused(gettext("Hearings are recorded by the investigator or the complaint officer."))
    record = _record(case, record_id)
    if record.confirmation:
        raise CaseworkRefused(gettext("This record was already confirmed or refused."))
    if confirmation not in ("signed", "refused"):
        raise CaseworkRefused(gettext("Choose whether the person signed or refused to sign."))
    if confirmation == "refused" and not remarks.strip():
        raise CaseworkRefused(gettext("Note what the person said when refusing to sign."))
    _confirm(case, record, confirmation, remarks)
    auditing.record("case.hearing_confirmed", case_id=case.id,
                    detail={"record": str(record.id), "confirmation": confirmation})
    db.session.commit()
    return record


def records_for(user: Any, case: Case) -> list[RecordView]:
    """The case's records this reader may see (the investigation part), decrypted."""
    if "investigation" not in readable_parts(user, case):
        kinds = ["report_minutes"]
    else:
        kinds = list(RECORD_KINDS)
    return _views(case, kinds)


def minutes_for_complainant(case: Case) -> list[RecordView]:
    return _views(case, ["report_minutes"])


def confirm_minutes_by_complainant(case_id: uuid.UUID, record_id: uuid.UUID | str,
                                   remarks: str) -> CaseRecord:
    """The complainant confirms the minutes of their oral report with their receipt; any
    correction they ask for is kept with them (EU 2019/1937 Art. 18)."""
    case = db.session.get(Case, case_id)
    if case is None or case.shredded_at is not None:
        raise CaseNotFound(str(case_id))
    record = _record(case, record_id)
    if record.kind != "report_minutes":
        raise CaseNotFound(str(record_id))
    if record.confirmation:
        raise CaseworkRefused(gettext("You have already confirmed these minutes."))
    _confirm(case, record, "confirmed_online", remarks)
    auditing.record("case.minutes_confirmed", case_id=case.id, actor=auditing.COMPLAINANT,
                    detail={"record": str(record.id), "with_remarks": bool(remarks.strip())})
    db.session.commit()
    return record


def add_report_minutes(case: Case, cipher: Any, text: str, held_at: datetime,
                       recorded_by_id: int | None) -> CaseRecord:
    """The minutes of a report made orally, in the open transaction of its registration."""
    record = CaseRecord(id=uuid.uuid4(), case_id=case.id, kind="report_minutes",
                        heard_role="complainant", held_at=held_at, recorded_by_id=recorded_by_id,
                        recorded_at=datetime.now(timezone.utc))
    record.text_enc = cipher.seal("case_records", "text_enc", record.id, text)
    db.session.add(record)
    return record


def _confirm(case: Case, record: CaseRecord, confirmation: str, remarks: str) -> None:
    record.confirmation, record.confirmed_at = confirmation, datetime.now(timezone.utc)
    if remarks.strip():
        record.remarks_enc = cipher_for(case).seal("case_records", "remarks_enc", record.id,
                                                   remarks.strip()[:TEXT_LIMIT])


# Built once, as the case page's other statements (docs/manual/performance.md).
_RECORDS = (select(CaseRecord).where(CaseRecord.case_id == bindparam("case_id"),
                                     CaseRecord.kind.in_(bindparam("kinds", expanding=True)))
            .order_by(CaseRecord.held_at))


def _views(case: Case, kinds: list[str]) -> list[RecordView]:
    cipher = cipher_for(case)
    rows = db.session.execute(_RECORDS, {"case_id": case.id, "kinds": list(kinds)}).scalars()
    views = []
    with integrity_alarm(case.id):
        for r in rows:
            party = db.session.get(CaseParty, r.party_id) if r.party_id else None
            views.append(RecordView(
                r, cipher.open("case_records", "text_enc", r.id, r.text_enc),
                cipher.open("case_records", "remarks_enc", r.id, r.remarks_enc),
                cipher.open("case_parties", "details_enc", party.id, party.details_enc) if party else "",
                db.session.get(User, r.recorded_by_id) if r.recorded_by_id else None))
    return views


def _party(case: Case, party_id: uuid.UUID | str) -> CaseParty:
    try:
        party = db.session.get(CaseParty, uuid.UUID(str(party_id)))
    except ValueError:
        party = None
    if party is None or party.case_id != case.id:
        raise CaseworkRefused(gettext("Choose the person from the parties of this case."))
    return party


def _record(case: Case, record_id: uuid.UUID | str) -> CaseRecord:
    try:
        record = db.session.get(CaseRecord, uuid.UUID(str(record_id)))
    except ValueError:
        record = None
    if record is None or record.case_id != case.id:
        raise CaseNotFound(str(record_id))
    return record
