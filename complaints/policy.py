"""The one place that decides who may see or do what. No Flask imports.

``allowed(user, action, case=None)`` answers from the user's roles and assignments.
Views never decide on their own: they call services, which call this. Anything not
granted here is refused (deny by default); refused case access answers 404.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import object_session

from .duties import conflicting_roles
from .models import Assignment, Case
from .transaction_memo import remembered
from .translatable import N_

# Which staff role may hold an assignment in each capacity.
CAPACITY_ROLES: dict[str, str] = {
    "intake": "officer",
    "investigator": "investigator",
    "mediator": "mediator",
    "decision": "decision",
    "appeal": "appeal",
    "trust": "trust",
}

# Actions that need no case, by the roles that may take them.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "register.view": frozenset({"coordinator"}),
    "case.assign": frozenset({"coordinator"}),
    "statistics.view": frozenset({"gem"}),
    "audit.view": frozenset({"auditor"}),
    "admin.manage": frozenset({"admin"}),
    "consultation.record": frozenset({"trust"}),
}

# What an account holding ``admin`` beside a case role (an old database, from before the
# rule in duties.py) may still do: everything else is refused, whatever its roles say.
ADMIN_SAFE_ACTIONS = frozenset({"admin.manage", "statistics.view", "audit.view"})

# Actions on one case that any active assignment allows.
ASSIGNEE_ACTIONS = frozenset({"case.read", "case.message", "case.note", "case.attach"})

# Actions on one case that only some capacities allow: the whole case file as a PDF for a
# formal proceeding is for the intake officer and the decision maker.
CAPACITY_ACTIONS: dict[str, frozenset[str]] = {
    "case.export": frozenset({"intake", "decision"}),
}
# Parts of a case's content that only some capacities read, inside the case: the
# investigation (its report, the reasons for extending it, hearing records and statements) is
# not for the person of trust; what was said in mediation is for the mediator alone (Serbia
# Art. 17: "tajna su i mogu se saopštavati samo učesnicima u postupku").
READING_PARTS: dict[str, frozenset[str]] = {
    "investigation": frozenset({"intake", "investigator", "decision", "appeal"}),
    "mediation": frozenset({"mediator"}),
}
# Steps whose reasons belong to one of those parts.
STEP_PARTS = {"submit_report": "investigation", "extend_investigation": "investigation",
              "end_mediation": "mediation", "extend_mediation": "mediation"}


# Built once, as the case page's other statements: building a statement and its cache key
# cost about 70 µs a call (docs/manual/performance.md, "Late on 29 November").
_CAPACITIES = select(Assignment.capacity).where(
    Assignment.case_id == bindparam("case_id"), Assignment.user_id == bindparam("user_id"),
    Assignment.ended_at.is_(None), Assignment.recused.is_(False))


def active_capacities(user: Any, case: Case) -> set[str]:
    """Capacities in which ``user`` is currently assigned to ``case`` (not ended, not recused),
    counting only those backed by the matching role today."""
    session = object_session(case)
    if session is None or not getattr(user, "id", None):
        return set()
    rows = remembered(session, ("capacities", user.id, case.id), ("assignments",), lambda: list(
        session.execute(_CAPACITIES, {"case_id": case.id, "user_id": user.id}).scalars()))
    roles = user.roles
    if conflicting_roles(roles):
        return set()
    return {capacity for capacity in rows if CAPACITY_ROLES.get(capacity) in roles}


def readable_parts(user: Any, case: Case) -> frozenset[str]:
    """The restricted parts of ``case`` that ``user`` may read (READING_PARTS)."""
    capacities = active_capacities(user, case)
    return frozenset(part for part, allowed in READING_PARTS.items() if capacities & allowed)


def allowed(user: Any, action: str, case: Case | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if conflicting_roles(user.roles) and action not in ADMIN_SAFE_ACTIONS:
        return False
    if case is None:
        return bool(user.roles & ROLE_ACTIONS.get(action, frozenset()))
    if action == "register.view_case":
        return "coordinator" in user.roles  # metadata only, never content
    if case.shredded_at is not None:
        return False
    if action == "case.exclusions":  # the names the complainant excluded, to resolve them
        return "coordinator" in user.roles
    if action in ASSIGNEE_ACTIONS:
        return bool(active_capacities(user, case))
    if action in CAPACITY_ACTIONS:
        return bool(active_capacities(user, case) & CAPACITY_ACTIONS[action])
    return False


# --- conflicts of interest ---------------------------------------------------------------


class Conflict:
    """Why a user can't be assigned to a case. ``absolute`` conflicts allow no exception."""

    def __init__(self, code: str, text: str, absolute: bool):
        self.code, self.text, self.absolute = code, text, absolute

    def __repr__(self) -> str:
        return f"Conflict({self.code!r})"


# Parties of a case who can never handle it, by the kind of party they are.
PARTY_CONFLICTS = (
    ("respondent", "respondent", N_("is named as a respondent in this case")),
    ("complainant", "complainant", N_("is a complainant in this case")),
    ("witness", "witness", N_("is a witness in this case")),
)


def assignment_conflicts(user: Any, case: Case) -> list[Conflict]:
    """Conflicts that prevent assigning ``user`` to ``case`` (prevented, not only declared).

    The respondents, further complainants and witnesses recorded with a staff account, anyone
    the complainant excluded and anyone who recused can never be assigned, nor anyone serving
    in a unit a respondent commands (a complaint against a commander goes outside the chain of
    command). Staff of a respondent's unit or of its chain of command above it can be assigned
    only with an exception approved by a second coordinator.
    """
    from .models import CaseExclusion, CaseParty, Unit

    session = object_session(case)
    if session is None:
        return [Conflict("unknown", N_("The case could not be checked."), True)]
    found: list[Conflict] = []
    parties = list(session.execute(select(CaseParty).where(CaseParty.case_id == case.id)).scalars())
    respondents = [p for p in parties if p.kind == "respondent"]
    for kind, code, text in PARTY_CONFLICTS:
        if any(p.user_id == user.id for p in parties if p.kind == kind):
            found.append(Conflict(code, text, True))
    if session.get(CaseExclusion, (case.id, user.id)) is not None:
        found.append(Conflict("excluded", N_("was excluded by the complainant"), True))
    if session.execute(select(Assignment.id).where(
            Assignment.case_id == case.id, Assignment.user_id == user.id,
            Assignment.recused.is_(True)).limit(1)).first():
        found.append(Conflict("recused", N_("recused from this case"), True))
    if user.unit_id is not None:
        commanded = _units_below(session, {p.unit_id for p in respondents if p.commands_unit} - {None})
        if user.unit_id in commanded:
            found.append(Conflict("commander", N_(
                "serves under the respondent, who commands their unit: a complaint against a "
                "commander or head of unit is handled outside their chain of command"), True))
        chain: set[int] = set()
        for start in {case.respondent_unit_id, *(p.unit_id for p in respondents)} - {None}:
            unit = session.get(Unit, start)
            while unit is not None and unit.id not in chain:
                chain.add(unit.id)
                unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
        if user.unit_id in chain and user.unit_id not in commanded:
            found.append(Conflict("unit_chain", N_("serves in the respondent's unit or in its chain "
                                     "of command"), False))
    return found


def _units_below(session: Any, tops: set[int]) -> set[int]:
    """The units ``tops`` and every unit under them."""
    from .models import Unit

    found, frontier = set(tops), set(tops)
    while frontier:
        children = set(session.execute(select(Unit.id).where(Unit.parent_id.in_(frontier))).scalars())
        frontier = children - found
        found |= frontier
    return found


def may_hold_capacity(user: Any, capacity: str) -> bool:
    role = CAPACITY_ROLES.get(capacity)
    return bool(role and user.is_active and role in user.roles)
