"""Steps a second person must confirm (four eyes) before they take effect.

Rejecting a complaint as time-barred closes the complainant's internal route for good, so
one assignee proposes it and another assignee (intake or decision maker) confirms or
refuses. The proposal's reasons and the text for the complainant wait here, sealed.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Case, PendingStep, User
from ..policy import active_capacities
from . import auditing
from .case_access import CaseNotFound, cipher_for, staff_case
from .transitions import TransitionInputs, _apply, actors_for

CONFIRMING_CAPACITIES = {"intake", "decision"}


class ConfirmationRefused(Exception):
    """Not possible; the message says why in plain words."""


def request(user: Any, case: Case, action: str, inputs: TransitionInputs) -> PendingStep:
    """Record a step for a second person to confirm; the caller checked the rule already."""
    cipher = cipher_for(case)
    step = PendingStep(id=uuid.uuid4(), case_id=case.id, action=action, code=inputs.code,
                       requested_by_id=user.id, requested_at=datetime.now(timezone.utc))
    if inputs.reason.strip():
        step.reason_enc = cipher.seal("pending_steps", "reason_enc", step.id, inputs.reason.strip())
    if inputs.complainant_notice.strip():
        step.notice_enc = cipher.seal("pending_steps", "notice_enc", step.id,
                                      inputs.complainant_notice.strip())
    db.session.add(step)
    auditing.record("case.step_requested", case_id=case.id,
                    detail={"step": str(step.id), "action": action, "code": inputs.code})
    db.session.commit()
    return step


# Built once, as the case page's other statements (docs/manual/performance.md).
_WAITING = (select(PendingStep, User).join(User, User.id == PendingStep.requested_by_id)
            .where(PendingStep.case_id == bindparam("case_id"), PendingStep.decided_at.is_(None))
            .order_by(PendingStep.requested_at))


def waiting(case: Case) -> list[tuple[PendingStep, User, str]]:
    """Steps waiting for a second person on this case, with who asked and their reasons
    (for a caller already cleared by case_access)."""
    cipher = cipher_for(case)
    rows = db.session.execute(_WAITING, {"case_id": case.id}).all()
    return [(step, requester, cipher.open("pending_steps", "reason_enc", step.id, step.reason_enc))
            for step, requester in rows]


def decide(user: Any, case_id: uuid.UUID | str, step_id: uuid.UUID | str, confirm: bool) -> Case:
    """A second assignee confirms (the step is taken, in their name) or refuses it."""
    case = staff_case(user, case_id, "case.read")
    step = _step(case, step_id)
    if step.decided_at is not None:
        raise ConfirmationRefused(gettext("This step was already confirmed or refused."))
    if step.requested_by_id == user.id:
        raise ConfirmationRefused(gettext("A second person must confirm this step, not the one who proposed it."))
    if not active_capacities(user, case) & CONFIRMING_CAPACITIES:
        raise ConfirmationRefused(gettext("Only the complaint officer or the decision maker can confirm this step."))
    step.decided_by_id, step.decided_at, step.confirmed = user.id, datetime.now(timezone.utc), confirm
    if not confirm:
        auditing.record("case.step_refused", case_id=case.id, detail={"step": str(step.id)})
        db.session.commit()
        return case
    cipher = cipher_for(case)
    inputs = TransitionInputs(
        reason=cipher.open("pending_steps", "reason_enc", step.id, step.reason_enc),
        code=step.code,
        complainant_notice=cipher.open("pending_steps", "notice_enc", step.id, step.notice_enc))
    actors = actors_for(user, case) | actors_for(db.session.get(User, step.requested_by_id), case)
    auditing.record("case.step_confirmed", case_id=case.id,
                    detail={"step": str(step.id), "requested_by": step.requested_by_id})
    return _apply(case, step.action, actors, inputs, actor=auditing.actor_for(user),
                  actor_kind="staff", user_id=user.id)


def _step(case: Case, step_id: uuid.UUID | str) -> PendingStep:
    try:
        step = db.session.get(PendingStep, uuid.UUID(str(step_id)))
    except ValueError:
        step = None
    if step is None or step.case_id != case.id:
        raise CaseNotFound(str(step_id))
    return step
