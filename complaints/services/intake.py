"""Filing a complaint: one transaction that seals everything, or nothing at all.

The receipt is returned once and stored only as an HMAC; evidence files are checked,
cleaned of hidden information and stored encrypted (services/evidence.py). If anything fails, the files already
written are removed and the transaction rolls back: no orphan rows, no orphan files.

The case's rows are known in full before they are written, so they go out as plain INSERTs
in one round trip (complaints/rows.py, complaints/pipeline.py), not through the ORM's flush;
then the audit entry, then the commit.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import attachments as attachment_store
from .. import next_due, references
from .. import rows as new_rows
from ..crypto import FieldCipher, new_receipt, receipt_index
from ..extensions import db
from ..instance import keyring, profile
from ..models import Case, CaseParty, Transition
from ..pipeline import one_round_trip
from . import auditing, exclusions, notifications, track_sessions
from .case_access import case_key
# Upload, FileRefused and StoreUnavailable live with the file handling; views know them here.
from .evidence import FileRefused, StoreUnavailable, StoredFile, Upload, store_files  # noqa: F401
from .transitions import initial_deadlines


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
    excluded_other: str = ""  # names typed by the complainant (services/exclusions matches them)
    keep_metadata: bool = False
    files: list[Upload] = field(default_factory=list)
    # a complaint received on paper, orally, in person or through a person of trust and
    # recorded by staff: its actual receipt (the clocks run from it), who recorded it, and
    # whether the narrative is the minutes of an oral report for the complainant to confirm
    received_at: datetime | None = None
    registered_by_id: int | None = None
    oral_minutes: bool = False


@dataclass(frozen=True)
class Filed:
    case_id: uuid.UUID
    reference: str
    receipt: str
    files: tuple[StoredFile, ...] = ()


def file_complaint(report: Report, handoff_token: str | None = None) -> Filed:
    """File the report. With ``handoff_token`` the receipt (and the names of files that could
    not be fully cleaned) waits, sealed, for the page that shows it once (track_sessions), in
    the same transaction as the case."""
    now = report.received_at or datetime.now(timezone.utc)
    if profile().category(report.category) is None:
        raise ValueError("unknown category")
    case_id = uuid.uuid4()
    data_key, cipher = case_key()
    receipt = new_receipt()
    case = Case(
        id=case_id, receipt_hmac=receipt_index(keyring().index_key, receipt),
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
    party = CaseParty(id=uuid.uuid4(), case_id=case_id, kind="respondent",
                      rank_band=report.respondent_rank_band, sex=report.respondent_sex,
                      relation=report.respondent_relation)
    if report.respondent:
        party.details_enc = cipher.seal("case_parties", "details_enc", party.id, report.respondent)
    deadlines = initial_deadlines(case_id, now, report.protection_requested)
    case.next_due_at, case.next_due_kind = next_due.nearest(deadlines)
    rows = [data_key, case, party, *deadlines,
            Transition(id=uuid.uuid4(), case_id=case_id, from_state="", to_state="submitted",
                       action="submit", actor_kind="complainant", at=now)]
    if report.excluded_other:
        rows += exclusions.match_at_intake(case, report.excluded_other)
    if report.registered_by_id is not None:
        case.registered_by_id, case.registered_at = report.registered_by_id, datetime.now(timezone.utc)
    write_new_case(case, rows, (handoff_token, receipt) if handoff_token else None)
    if report.registered_by_id is not None and report.oral_minutes:
        from .hearings import add_report_minutes

        add_report_minutes(case, cipher, report.narrative, case.submitted_at, report.registered_by_id)
    actor = (f"user:{report.registered_by_id}" if report.registered_by_id is not None
             else auditing.COMPLAINANT)
    notifications.new_report(case, at=now)

    def record(stored: list[StoredFile]) -> None:
        not_cleaned = [f.filename for f in stored if not f.fully_cleaned]
        if handoff_token and not_cleaned:
            track_sessions.seal_receipt(db.session.connection(), handoff_token, receipt, not_cleaned)
        auditing.record("case.submit", case_id=case_id, actor=actor,
                        detail={"reference": case.reference, "category": case.category,
                                "channel": case.channel, "files": len(stored)})

    stored = commit_with_files(case, cipher, report.files, report.keep_metadata, record)
    return Filed(case_id, case.reference, receipt, tuple(stored))


def write_new_case(case: Case, rows: list[object], handoff: tuple[str, str] | None = None) -> None:
    """Write a new case's rows (``case`` among them, parents first) in one round trip, with
    the receipt sealed into its claimed handoff row. A reference that is already taken is
    replaced by a fresh one and the rows are written again: the savepoint keeps the rest of
    the transaction (the receipt's claim) as it was."""
    for attempt in range(references.ATTEMPTS):
        case.reference = references.new_reference(case.submitted_at)
        try:
            with one_round_trip(db.session) as connection:
                connection.exec_driver_sql("SAVEPOINT new_case")
                new_rows.insert_new(connection, rows)
                if handoff:
                    track_sessions.seal_receipt(connection, *handoff)
                connection.exec_driver_sql("RELEASE SAVEPOINT new_case")
        except IntegrityError as error:
            if not references.taken(error) or attempt == references.ATTEMPTS - 1:
                raise
            db.session.connection().exec_driver_sql("ROLLBACK TO SAVEPOINT new_case")
            continue
        new_rows.attach(db.session, [case])  # code after this may still change the case
        return


def commit_with_files(case: Case, cipher: FieldCipher, uploads: list[Upload], keep_metadata: bool,
                      record: Callable[[list[StoredFile]], object],
                      message_id: uuid.UUID | None = None) -> list[StoredFile]:
    """Store the complainant's files, write the audit entry and commit, or undo all of it:
    roll back and remove every file already written."""
    stored: list[StoredFile] = []
    try:
        stored = store_files(case, cipher, uploads, keep_metadata, "complainant", message_id)
        record(stored)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for item in stored:
            attachment_store.remove(current_app.config["ATTACHMENTS_DIR"], item.id)
        raise
    return stored
