"""Build staff and cases directly through the services' building blocks (no web forms)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from complaints.crypto import new_receipt, receipt_index
from complaints.extensions import db
from complaints.instance import keyring
from complaints.models import Assignment, Case, User, UserRole
from complaints.services.case_access import new_case_key
from complaints.services.transitions import initial_deadlines


def make_staff(username: str, roles: list[str], unit_id: int | None = None) -> User:
    user = User(username=username, display_name=username.title(), password_hash="!",
                totp_secret_enc=b"!", session_nonce=uuid.uuid4().hex, unit_id=unit_id,
                role_rows=[UserRole(role=role) for role in roles])
    db.session.add(user)
    db.session.commit()
    return user


def make_case(*, category: str = "MOBBING", anonymous: bool = False,
              narrative: str = "What happened, in the complainant's words.",
              procedure: str = "generic", submitted_at: datetime | None = None,
              respondent_unit_id: int | None = None) -> tuple[Case, str]:
    """A submitted case with its data key, sealed narrative and receipt; returns (case, receipt)."""
    case_id = uuid.uuid4()
    submitted_at = submitted_at or datetime.now(timezone.utc)
    data_key, cipher = new_case_key(case_id)
    receipt = new_receipt()
    case = Case(id=case_id, reference=f"C-T-{case_id.hex[:8].upper()}",
                receipt_hmac=receipt_index(keyring().index_key, receipt),
                data_key_id=data_key.id, procedure=procedure, state="submitted",
                category=category, channel="online_anonymous" if anonymous else "online_identified",
                anonymous=anonymous, wants="formal", submitted_at=submitted_at,
                respondent_unit_id=respondent_unit_id)
    case.narrative_enc = cipher.seal("cases", "narrative_enc", case_id, narrative)
    db.session.add(case)
    db.session.flush()
    db.session.add_all(initial_deadlines(case_id, submitted_at))
    db.session.commit()
    return case, receipt


def assign(case: Case, user: User, capacity: str) -> Assignment:
    assignment = Assignment(id=uuid.uuid4(), case_id=case.id, user_id=user.id, capacity=capacity)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def add_bare_cases(n: int, submitted_at: datetime, **fields) -> list[Case]:
    """Case rows with metadata only (statistics need nothing else), sharing one data key."""
    key, _ = new_case_key(uuid.uuid4())
    db.session.flush()
    cases = []
    for _ in range(n):
        case_id = uuid.uuid4()
        values = dict(category="MOBBING", channel="online_anonymous", anonymous=True, wants="formal",
                      state="triage", procedure="generic", recorded_at=submitted_at)
        values.update(fields)
        case = Case(id=case_id, reference="S-" + case_id.hex[:12].upper(), receipt_hmac=case_id.hex,
                    data_key_id=key.id, submitted_at=submitted_at, updated_at=submitted_at, **values)
        db.session.add(case)
        cases.append(case)
    db.session.commit()
    return cases
