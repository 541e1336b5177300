"""Retention by crypto-shredding. No Flask imports.

A closed case is kept for its profile's ``retention_years_after_closure``; then its data key
is destroyed. Without the key, every ciphertext of the case (including copies in backups)
is unreadable. The metadata row stays, so statistics still count the case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import attachments
from .models import Attachment, Case, DataKey, LegalHold
from .procedures import load_profile

# A legal hold keeps its case from the moment it is asked for until it is lifted or refused.
HOLD_KEEPS = ("requested", "active", "lift_requested")


@dataclass(frozen=True)
class Expired:
    case: Case
    retained_until: datetime
    held: bool = False  # past its retention, but under a legal hold: kept


def held_case_ids(session: Session) -> set:
    return set(session.execute(select(LegalHold.case_id).where(
        LegalHold.status.in_(HOLD_KEEPS))).scalars())


def retained_until(case: Case) -> datetime | None:
    if case.closed_at is None:
        return None
    years = load_profile(case.procedure).retention_years_after_closure
    return case.closed_at + timedelta(days=round(365.25 * years))


def expired_cases(session: Session, now: datetime) -> list[Expired]:
    candidates = session.execute(
        select(Case).where(Case.state == "closed", Case.closed_at.is_not(None),
                           Case.shredded_at.is_(None)).order_by(Case.closed_at)
    ).scalars()
    held = held_case_ids(session)
    found = []
    for case in candidates:
        until = retained_until(case)
        if until is not None and until <= now:
            found.append(Expired(case, until, case.id in held))
    return found


def lock_unless_held(session: Session, case: Case) -> bool:
    """Lock the case's row and say whether it may still be shredded: a legal hold asked for
    since the list was made wins (asking for a hold locks the same row)."""
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    return not session.execute(select(LegalHold.id).where(
        LegalHold.case_id == case.id, LegalHold.status.in_(HOLD_KEEPS))).first()


def shred(session: Session, case: Case, now: datetime) -> list:
    """Destroy the case's data key; returns the attachment ids whose files to delete once the
    transaction has committed (files without a key are unreadable anyway)."""
    data_key = session.get(DataKey, case.data_key_id)
    if data_key is not None:
        data_key.wrapped = None
        data_key.shredded_at = now
    case.shredded_at = now
    return list(session.execute(select(Attachment.id).where(Attachment.case_id == case.id)).scalars())


def remove_files(attachments_dir: str | Path, attachment_ids: list) -> None:
    for attachment_id in attachment_ids:
        attachments.remove(attachments_dir, attachment_id)
