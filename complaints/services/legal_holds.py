"""Legal holds: keep a case from retention's shredding while a court or an inquiry needs it.

Administrators never read cases; they find one by its reference, which counsel gives them.
Placing a hold and lifting it are each asked for by one administrator and decided by
another (never the one who asked). The hold protects the case from the moment it is asked for:
keeping a case longer reveals nothing, destroying it can't be undone. Every request and
decision is one transaction with its audit entry; the reason is sealed under the system key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import Case, LegalHold, User, utcnow
from ..policy import allowed
from ..retention import HOLD_KEEPS as PROTECTING
from . import auditing
from .system_key import system_cipher


class HoldRefused(Exception):
    """The request or decision can't be made; the message says why."""


@dataclass(frozen=True)
class HoldView:
    id: int
    reference: str
    status: str
    reason: str
    requested_by: str
    requested_at: datetime
    approved_by: str
    lift_requested_by: str
    lifted_at: datetime | None
    requested_by_id: int | None
    lift_requested_by_id: int | None


def _require_admin(actor: Any) -> None:
    if not allowed(actor, "admin.manage"):
        raise HoldRefused(gettext("Only administrators place or lift legal holds."))


def _locked(hold_id: int) -> LegalHold:
    hold = db.session.execute(select(LegalHold).where(LegalHold.id == hold_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    if hold is None:
        raise HoldRefused(gettext("No such hold."))
    return hold


def request_hold(actor: Any, reference: str, reason: str) -> LegalHold:
    _require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise HoldRefused(gettext("Say why the case must be kept (for example the court's order)."))
    # The case's row locked: retention, which locks it before shredding, either sees this
    # hold or has shredded the case already (and this request says so).
    case = db.session.execute(select(Case).where(Case.reference == reference.strip().upper())
                              .with_for_update().execution_options(populate_existing=True)
                              ).scalar_one_or_none()
    if case is None:
        raise HoldRefused(gettext("No case has this reference. Check it with whoever asked for the hold."))
    if case.shredded_at is not None:
        raise HoldRefused(gettext("This case was already shredded under the retention schedule; "
                                  "nothing of its content is left to keep."))
    if db.session.execute(select(LegalHold.id).where(LegalHold.case_id == case.id,
                                                     LegalHold.status.in_(PROTECTING))).first():
        raise HoldRefused(gettext("This case is already under a hold, or one is waiting for approval."))
    hold = LegalHold(case_id=case.id, status="requested", requested_by_id=actor.id,
                     requested_at=utcnow())
    db.session.add(hold)
    db.session.flush()
    hold.reason_enc = system_cipher().seal("legal_holds", "reason_enc", hold.id, reason)
    auditing.record("legal_hold.requested", case_id=case.id, detail={"hold": hold.id})
    db.session.commit()
    return hold


def decide(actor: Any, hold_id: int, decision: str) -> LegalHold:
    """``approve`` or ``refuse`` a request to place a hold; ``approve_lift`` or ``refuse_lift`` a
    request to lift one. The deciding administrator is never the one who asked."""
    _require_admin(actor)
    hold = _locked(hold_id)
    placing = decision in ("approve", "refuse")
    expected = "requested" if placing else "lift_requested"
    if decision not in ("approve", "refuse", "approve_lift", "refuse_lift") or hold.status != expected:
        db.session.rollback()
        raise HoldRefused(gettext("This request was already decided."))
    asked_by = hold.requested_by_id if placing else hold.lift_requested_by_id
    if decision.startswith("approve") and asked_by == actor.id:
        db.session.rollback()
        raise HoldRefused(gettext("A second administrator must approve this, not the one who asked for it."))
    now = utcnow()
    if decision == "approve":
        hold.status, hold.approved_by_id, hold.approved_at = "active", actor.id, now
    elif decision == "refuse":
        hold.status = "refused"
    elif decision == "approve_lift":
        hold.status, hold.lifted_by_id, hold.lifted_at = "lifted", actor.id, now
    else:
        hold.status, hold.lift_requested_by_id, hold.lift_requested_at = "active", None, None
    auditing.record(f"legal_hold.{decision}", case_id=hold.case_id, detail={"hold": hold.id})
    db.session.commit()
    return hold


def request_lift(actor: Any, hold_id: int) -> LegalHold:
    _require_admin(actor)
    hold = _locked(hold_id)
    if hold.status != "active":
        db.session.rollback()
        raise HoldRefused(gettext("Only an approved hold can be lifted."))
    hold.status, hold.lift_requested_by_id, hold.lift_requested_at = "lift_requested", actor.id, utcnow()
    auditing.record("legal_hold.lift_requested", case_id=hold.case_id, detail={"hold": hold.id})
    db.session.commit()
    return hold


def holds() -> list[HoldView]:
    """Every hold not yet lifted or refused, then the ten most recent others."""
    rows = db.session.execute(select(LegalHold, Case.reference).join(Case, Case.id == LegalHold.case_id)
                              .order_by(LegalHold.requested_at.desc())).all()
    names = {u.id: u.username for u in db.session.execute(select(User)).scalars()}
    cipher = system_cipher() if rows else None
    current = [r for r in rows if r[0].status in PROTECTING]
    past = [r for r in rows if r[0].status not in PROTECTING][:10]
    return [HoldView(hold.id, reference, hold.status,
                     cipher.open("legal_holds", "reason_enc", hold.id, hold.reason_enc) if cipher and hold.reason_enc else "",
                     names.get(hold.requested_by_id, ""), hold.requested_at,
                     names.get(hold.approved_by_id, ""), names.get(hold.lift_requested_by_id, ""),
                     hold.lifted_at, hold.requested_by_id, hold.lift_requested_by_id)
            for hold, reference in current + past]
