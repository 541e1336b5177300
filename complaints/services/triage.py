"""Triage records besides the route: correcting the category and assessing the risks.

Each is one transaction with its audit entry. The reason for a correction and the note of an
assessment are encrypted with the case's key; the codes and levels stay clear (they are the
coarse metadata the register and statistics use).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, select
from sqlalchemy.orm.exc import StaleDataError

from .. import triage
from ..extensions import db
from ..models import CategoryChange, ProtectiveMeasure, RiskAssessment
from ..policy import active_capacities
from ..procedures import load_profile
from . import auditing
from .case_access import cipher_for, staff_case

CORRECTORS = frozenset({"intake"})                          # triage is the intake officer's
ASSESSORS = frozenset({"intake", "investigator", "decision"})
TEXT_LIMIT = 20_000
STALE = ("This case changed since you opened the page (someone else acted). Nothing was "
         "changed; check the case as it is now.")


class TriageRefused(Exception):
    """Not possible; the message says why in plain words."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def correct_category(user: Any, case_id: uuid.UUID | str, new_code: str, reason: str,
                     expected_version: int | None) -> CategoryChange:
    case = staff_case(user, case_id, "case.read")
    if not active_capacities(user, case) & CORRECTORS:
        raise TriageRefused(gettext("Only the intake officer of the case can correct its category."))
    if expected_version is not None and case.version != expected_version:
        raise TriageRefused(gettext(STALE))
    refusal = triage.category_change_refusal(
        state=case.state, route=case.route, current=case.category,
        new=load_profile(case.procedure).category(new_code))
    if refusal:
        raise TriageRefused(gettext(refusal))
    reason = reason.strip()
    if not reason:
        raise TriageRefused(gettext("Give the reason for the correction."))
    if len(reason) > TEXT_LIMIT:
        raise TriageRefused(gettext("The reason is too long."))
    at = _now()
    change = CategoryChange(id=uuid.uuid4(), case_id=case.id, from_category=case.category,
                            to_category=new_code, changed_by_id=user.id, changed_at=at)
    change.reason_enc = cipher_for(case).seal("category_changes", "reason_enc", change.id, reason)
    db.session.add(change)
    case.category = new_code
    case.updated_at = at
    auditing.record("case.category_corrected", case_id=case.id,
                    detail={"from": change.from_category, "to": new_code})
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise TriageRefused(gettext(STALE)) from None
    return change


def record_risk(user: Any, case_id: uuid.UUID | str, retaliation: str, repeat: str,
                note: str) -> RiskAssessment:
    case = staff_case(user, case_id, "case.read")
    if not active_capacities(user, case) & ASSESSORS:
        raise TriageRefused(gettext("Your assignment on this case does not allow you to do this: %(what)s.",
                                    what=gettext("assess the risks")))
    if case.state == "closed":
        raise TriageRefused(gettext("The case is closed; its record stays as it was."))
    if retaliation not in triage.RISK_LEVELS or repeat not in triage.RISK_LEVELS:
        raise TriageRefused(gettext("Choose a level for both risks."))
    if len(note) > TEXT_LIMIT:
        raise TriageRefused(gettext("The note is too long."))
    assessment = RiskAssessment(id=uuid.uuid4(), case_id=case.id, retaliation=retaliation,
                                repeat=repeat, assessed_by_id=user.id, assessed_at=_now())
    if note.strip():
        assessment.note_enc = cipher_for(case).seal("risk_assessments", "note_enc", assessment.id,
                                                    note.strip())
    db.session.add(assessment)
    auditing.record("case.risk_assessed", case_id=case.id,
                    detail={"retaliation": retaliation, "repeat": repeat})
    db.session.commit()
    return assessment


@dataclass(frozen=True)
class RiskView:
    assessment: RiskAssessment
    note: str
    assessor: str


# Built once, as the case page's other statements (docs/manual/performance.md).
_RISKS = (select(RiskAssessment).where(RiskAssessment.case_id == bindparam("case_id"))
          .order_by(RiskAssessment.assessed_at.desc()))
_CATEGORY_CHANGES = (select(CategoryChange).where(CategoryChange.case_id == bindparam("case_id"))
                     .order_by(CategoryChange.changed_at))


def risk_history(case: Any, cipher: Any, names: dict[int, str]) -> list[RiskView]:
    """Every assessment, newest first, for a caller already cleared by case_access."""
    return [RiskView(r, cipher.open("risk_assessments", "note_enc", r.id, r.note_enc),
                     names.get(r.assessed_by_id, ""))
            for r in db.session.execute(_RISKS, {"case_id": case.id}).scalars()]


def category_changes(case: Any, cipher: Any) -> list[tuple[CategoryChange, str]]:
    return [(c, cipher.open("category_changes", "reason_enc", c.id, c.reason_enc))
            for c in db.session.execute(_CATEGORY_CHANGES, {"case_id": case.id}).scalars()]


def measures_in_force(case: Any) -> int:
    return len(list(db.session.execute(select(ProtectiveMeasure.id).where(
        ProtectiveMeasure.case_id == case.id, ProtectiveMeasure.lifted_at.is_(None))).scalars()))
