"""What an administrator needs to see of the running service: keys, retention, holds, backups.

Counts and dates only; nothing here reads a case's content.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import retention
from ..extensions import db
from ..models import AuditEntry, utcnow
from . import keys


@dataclass(frozen=True)
class LastEvent:
    at: datetime
    detail: dict


@dataclass(frozen=True)
class RetentionSummary:
    years: float
    due_now: int        # past retention, shredded at the next run
    due_soon: int       # past retention within 30 days
    held: int           # past retention, kept under a legal hold
    last_run: LastEvent | None


@dataclass(frozen=True)
class OperationsStatus:
    keys: keys.KeyStatus
    retention: RetentionSummary
    last_backup: LastEvent | None
    backup_overdue: bool


def _last(action: str) -> LastEvent | None:
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
    return LastEvent(entry.at, json.loads(entry.detail or "{}")) if entry else None


def current() -> OperationsStatus:
    now = utcnow()
    due = retention.expired_cases(db.session, now)
    soon = retention.expired_cases(db.session, now + timedelta(days=30))
    profile = current_app.extensions["complaints.profile"]
    summary = RetentionSummary(profile.retention_years_after_closure,
                               sum(1 for e in due if not e.held),
                               sum(1 for e in soon if not e.held) - sum(1 for e in due if not e.held),
                               sum(1 for e in due if e.held), _last("retention.run"))
    backup = _last("backup.created")
    return OperationsStatus(keys.status(), summary, backup,
                            backup is None or now - backup.at > timedelta(days=2))
