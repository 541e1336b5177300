"""The people a case is about: respondents, further complainants and witnesses, recorded by
the intake officer with their staff account, their unit, or as not a staff member.

The conflict-of-interest checks in policy.assignment_conflicts read these rows, so recording
a respondent at once ends the assignment of anyone on the case who now conflicts (unless a
second coordinator approved an exception). Names and descriptions are sealed; the staff
account and unit stay clear because the checks need them. Linked cases (retaliation, check-in
answers) inherit the parent's parties, exclusions and exclusion list.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext
from sqlalchemy import bindparam, select

from ..crypto import FieldCipher
from ..extensions import db
from ..models import Assignment, AssignmentException, Case, CaseExclusion, CaseParty, Unit, User
from ..policy import active_capacities, assignment_conflicts
from ..translatable import N_
from . import auditing
from .case_access import cipher_for, integrity_alarm, staff_case
from .casework import CaseworkRefused

PARTY_KINDS = {
    "respondent": N_("respondent"),
    "complainant": N_("further complainant"),
    "witness": N_("witness"),
}
STAFF_STATUS = {
    "account": N_("staff member with an account here"),
    "unit": N_("staff member of a known unit, without an account here"),
    "not_staff": N_("not a staff member"),
}
DETAILS_LIMIT = 2_000


@dataclass(frozen=True)
class Party:
    row: CaseParty
    details: str
    user: User | None
    unit: Unit | None


@dataclass(frozen=True)
class Recorded:
    party: CaseParty
    removed: tuple[str, ...]   # names of assignees whose assignment ended for a conflict


def record_party(user: Any, case_id: uuid.UUID | str, *, kind: str, who: str,
                 staff_user_id: int | None = None, unit_id: int | None = None,
                 commands_unit: bool = False, details: str = "", rank_band: str = "",
                 sex: str = "", relation: str = "") -> Recorded:
    case = staff_case(user, case_id, "case.read")
    if "intake" not in active_capacities(user, case):
        raise CaseworkRefused(gettext("Only the intake officer records the parties of a case."))
    if case.state == "closed":
        raise CaseworkRefused(gettext("The case is closed."))
    if kind not in PARTY_KINDS:
        raise CaseworkRefused(gettext("Choose whether this is a respondent, a further complainant or a witness."))
    staff = db.session.get(User, staff_user_id) if staff_user_id else None
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if who == "account":
        if staff is None:
            raise CaseworkRefused(gettext("Choose the staff account."))
        unit = unit or staff.unit
    elif who == "unit":
        if unit is None:
            raise CaseworkRefused(gettext("Choose the unit."))
        staff = None
    elif who == "not_staff":
        staff, unit, commands_unit = None, None, False
    else:
        raise CaseworkRefused(gettext("Say whether the person has a staff account, a known unit, or is not a staff member."))
    if commands_unit and unit is None:
        raise CaseworkRefused(gettext("Choose the unit the person commands."))
    if len(details) > DETAILS_LIMIT:
        raise CaseworkRefused(gettext("The description is too long."))
    now = datetime.now(timezone.utc)
    party = CaseParty(id=uuid.uuid4(), case_id=case.id, kind=kind, staff_status=who,
                      user_id=staff.id if staff else None, unit_id=unit.id if unit else None,
                      commands_unit=bool(commands_unit), rank_band=rank_band, sex=sex,
                      relation=relation, recorded_by_id=user.id, recorded_at=now)
    if details.strip():
        party.details_enc = cipher_for(case).seal("case_parties", "details_enc", party.id, details.strip())
    db.session.add(party)
    db.session.flush()
    auditing.record("case.party_recorded", case_id=case.id,
                    detail={"party": str(party.id), "kind": kind, "staff_status": who,
                            "user": party.user_id, "unit": party.unit_id,
                            "commands_unit": party.commands_unit})
    removed = end_conflicting_assignments(case, now)
    db.session.commit()
    return Recorded(party, removed)


def end_conflicting_assignments(case: Case, at: datetime) -> tuple[str, ...]:
    """End every running assignment that the case's parties now put in conflict: absolute
    conflicts always, others unless a second coordinator approved an exception."""
    removed = []
    for assignment, assignee in db.session.execute(
            select(Assignment, User).join(User, User.id == Assignment.user_id)
            .where(Assignment.case_id == case.id, Assignment.ended_at.is_(None))).all():
        conflicts = assignment_conflicts(assignee, case)
        if not conflicts:
            continue
        excepted = not any(c.absolute for c in conflicts) and db.session.execute(
            select(AssignmentException.id).where(
                AssignmentException.case_id == case.id, AssignmentException.user_id == assignee.id,
                AssignmentException.capacity == assignment.capacity,
                AssignmentException.approved_at.is_not(None)).limit(1)).first() is not None
        if excepted:
            continue
        assignment.ended_at = at
        removed.append(assignee.display_name or assignee.username)
        auditing.record("case.unassign_conflict", case_id=case.id,
                        detail={"user": assignee.id, "capacity": assignment.capacity,
                                "conflicts": [c.code for c in conflicts]})
    return tuple(removed)


# Built once, as the case page's other statements (docs/manual/performance.md).
_PARTIES = (select(CaseParty).where(CaseParty.case_id == bindparam("case_id"))
            .order_by(CaseParty.kind, CaseParty.recorded_at))


def parties_of(case: Case) -> list[Party]:
    """The case's parties with their sealed details, for a caller already cleared."""
    cipher = cipher_for(case)
    rows = db.session.execute(_PARTIES, {"case_id": case.id}).scalars()
    with integrity_alarm(case.id):
        return [Party(p, cipher.open("case_parties", "details_enc", p.id, p.details_enc),
                      db.session.get(User, p.user_id) if p.user_id else None,
                      db.session.get(Unit, p.unit_id) if p.unit_id else None) for p in rows]


def inherit(parent: Case, child: Case, parent_cipher: FieldCipher, child_cipher: FieldCipher) -> None:
    """A linked case keeps the parent's exclusions, parties and exclusion list, so nobody the
    complainant excluded or named reads it (issue 12)."""
    for exclusion in db.session.execute(select(CaseExclusion).where(
            CaseExclusion.case_id == parent.id)).scalars():
        db.session.add(CaseExclusion(case_id=child.id, user_id=exclusion.user_id))
    for column in ("excluded_persons_enc", "respondent_enc"):
        value = parent_cipher.open("cases", column, parent.id, getattr(parent, column))
        if value:
            setattr(child, column, child_cipher.seal("cases", column, child.id, value))
    for party in db.session.execute(select(CaseParty).where(CaseParty.case_id == parent.id)).scalars():
        copy = CaseParty(id=uuid.uuid4(), case_id=child.id, kind=party.kind, user_id=party.user_id,
                         unit_id=party.unit_id, rank_band=party.rank_band, sex=party.sex,
                         relation=party.relation, staff_status=party.staff_status,
                         commands_unit=party.commands_unit, recorded_by_id=party.recorded_by_id,
                         recorded_at=party.recorded_at)
        details = parent_cipher.open("case_parties", "details_enc", party.id, party.details_enc)
        if details:
            copy.details_enc = child_cipher.seal("case_parties", "details_enc", copy.id, details)
        db.session.add(copy)
