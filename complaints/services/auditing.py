"""Audit entries from inside a request or a CLI command, in the caller's transaction."""
from __future__ import annotations

import uuid
from typing import Any, Mapping

from flask import g, has_request_context
from flask_login import current_user

from .. import audit
from ..extensions import db
from ..instance import keyring
from ..models import AuditEntry

COMPLAINANT = "complainant"
SYSTEM = "system"
CLI = "cli"


def actor_for(user: Any) -> str:
    return f"user:{user.id}"


def current_actor() -> str:
    """Who is acting: the signed-in staff member, a complainant (receipt session) or the system."""
    if has_request_context():
        if current_user.is_authenticated:
            return actor_for(current_user)
        if g.get("complainant_case") is not None:  # set only from a live server-side session
            return COMPLAINANT
        return "anonymous"
    return CLI


def record(action: str, *, case_id: uuid.UUID | None = None,
           detail: Mapping[str, Any] | None = None, actor: str | None = None) -> AuditEntry:
    """Append an entry in the current transaction; it commits or rolls back with the work.

    ``detail`` is stored in clear: ids, codes and counts only, never content or names.
    """
    return audit.append(db.session, keyring().audit_key, actor=actor or current_actor(),
                        action=action, case_id=case_id, detail=detail)


def record_now(action: str, **kwargs: Any) -> None:
    """Append and commit at once, for events that must be kept even when the work failed
    (failed sign-in, integrity alarm). Call only when no other work is pending."""
    record(action, **kwargs)
    db.session.commit()
