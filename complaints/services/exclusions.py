"""People a complainant excluded: matched to staff accounts at intake, resolved by a
coordinator when a name is ambiguous. Nothing here is ever shown to the public.

The typed names stay encrypted with the case (cases.excluded_persons_enc); a coordinator
reads them through case_access (policy ``case.exclusions``, audited) only to resolve them.
Until every name is resolved (``Case.exclusions_pending``) nobody can be assigned.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from flask_babel import gettext
from sqlalchemy import select

from .. import exclusions
from ..extensions import db
from ..models import Case, CaseExclusion, RoleGrant, User
from ..policy import CAPACITY_ROLES
from . import auditing
from .case_access import read_excluded_persons, staff_case


@dataclass(frozen=True)
class Review:
    """What a coordinator sees to resolve a case's exclusions."""

    case: Case
    typed: list[tuple[str, list[User]]]  # each name the complainant typed, with its matches
    excluded: list[User]
    handlers: list[User]


def handlers() -> list[User]:
    """Active staff who could be assigned to cases, now or once a role waiting for approval
    is granted: the people an exclusion can name."""
    roles = set(CAPACITY_ROLES.values())
    waiting = set(db.session.execute(select(RoleGrant.user_id).where(
        RoleGrant.outcome == "", RoleGrant.role.in_(roles))).scalars())
    users = db.session.execute(select(User).where(User.is_active_account.is_(True))
                               .order_by(User.display_name, User.username)).scalars()
    return [u for u in users if u.roles & roles or u.id in waiting]


def _staff(users: Iterable[User]) -> list[exclusions.Staff]:
    return [exclusions.Staff(u.id, u.username, u.display_name or u.username) for u in users]


def match_at_intake(case: Case, typed: str) -> list[CaseExclusion]:
    """An exclusion for each name that names exactly one account, for the caller to write
    with the new case; the case is marked for a coordinator when any name names several
    accounts or none."""
    staff = _staff(handlers())
    matched: set[int] = set()
    unresolved = 0
    for entry in exclusions.entries(typed):
        ids = exclusions.match(entry, staff)
        if len(ids) == 1:
            matched.add(ids[0])
        else:
            unresolved += 1
    case.exclusions_pending = unresolved > 0
    return [CaseExclusion(case_id=case.id, user_id=user_id) for user_id in sorted(matched)]


def review(coordinator: Any, case_id: uuid.UUID | str) -> Review:
    case = staff_case(coordinator, case_id, "case.exclusions")
    typed = read_excluded_persons(coordinator, case)
    people = handlers()
    staff = _staff(people)
    by_id = {u.id: u for u in people}
    entries = [(entry, [by_id[i] for i in exclusions.match(entry, staff)])
               for entry in exclusions.entries(typed)]
    excluded_ids = set(db.session.execute(select(CaseExclusion.user_id).where(
        CaseExclusion.case_id == case.id)).scalars())
    excluded = list(db.session.execute(select(User).where(User.id.in_(excluded_ids))
                                       .order_by(User.display_name)).scalars()) if excluded_ids else []
    return Review(case, entries, excluded, people)


def resolve(coordinator: Any, case_id: uuid.UUID | str, user_ids: Iterable[int]) -> int:
    """Exclude the chosen accounts and mark the complainant's names as resolved.

    Exclusions are only ever added here, never removed: a name the complainant gave
    can't be taken back by staff. Returns how many accounts were newly excluded."""
    case = staff_case(coordinator, case_id, "case.exclusions")
    valid = {u.id for u in handlers()}
    chosen = sorted(set(user_ids) & valid)
    existing = set(db.session.execute(select(CaseExclusion.user_id).where(
        CaseExclusion.case_id == case.id)).scalars())
    added = [uid for uid in chosen if uid not in existing]
    for user_id in added:
        db.session.add(CaseExclusion(case_id=case.id, user_id=user_id))
    case.exclusions_pending = False
    auditing.record("case.exclusions_resolved", case_id=case.id, detail={"excluded": added})
    db.session.commit()
    return len(added)


def refuse_while_pending(case: Case) -> str | None:
    """Why nobody can be assigned yet, or None."""
    if case.exclusions_pending:
        return gettext("The complainant named people who must not handle this case, and a name "
                       "is not matched to a staff account yet. Resolve the exclusions first.")
    return None
