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
from .models import Attachment, Case, DataKey
from .procedures import load_profile


@dataclass(frozen=True)
class Expired:
    case: Case
    retained_until: datetime


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
    found = []
    for case in candidates:
        until = retained_until(case)
        if until is not None and until <= now:
            found.append(Expired(case, until))
    return found


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
