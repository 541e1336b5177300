"""Anonymous consultations held by persons of trust: no names, no free text, counted in
statistics. A person of trust sees only the consultations they recorded."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import Consultation
from ..policy import allowed
from ..translatable import N_
from . import auditing

OUTCOMES = {
    "advice_only": N_("advice only, no complaint"),
    "complaint_filed": N_("the person decided to file a complaint"),
    "referred": N_("referred to another service (medical, legal, psychological)"),
}
SEXES = {"": N_("not recorded"), "female": N_("female"), "male": N_("male"), "other": N_("other")}


class ConsultationRefused(Exception):
    pass


def record(user: Any, *, held_on: date, category: str, unit_group: str, complainant_sex: str,
           outcome: str, categories: tuple[str, ...]) -> Consultation:
    if not allowed(user, "consultation.record"):
        raise ConsultationRefused(gettext("Only persons of trust record consultations."))
    if category not in categories or outcome not in OUTCOMES or complainant_sex not in SEXES:
        raise ConsultationRefused(gettext("Choose from the lists."))
    if held_on > date.today():
        raise ConsultationRefused(gettext("The date can't be in the future."))
    consultation = Consultation(id=uuid.uuid4(), trust_user_id=user.id, held_on=held_on,
                                category=category, unit_group=unit_group[:60],
                                complainant_sex=complainant_sex, outcome=outcome)
    db.session.add(consultation)
    auditing.record("consultation.record", detail={"consultation": str(consultation.id)})
    db.session.commit()
    return consultation


def mine(user: Any) -> list[Consultation]:
    return list(db.session.execute(
        select(Consultation).where(Consultation.trust_user_id == user.id)
        .order_by(Consultation.held_on.desc())).scalars())
