"""Triage decisions besides the route: correcting the category and assessing risk. Pure
Python: no Flask, no database (services/triage.py records them).

A category decides which routes the procedure allows (mediation never for sexual harassment
or abuse; external referral for crimes). Correcting it must not contradict a route already
taken, so such a correction is refused with the reason and the way forward. Deadlines do not
depend on the category and keep running as they are.
"""
from __future__ import annotations

from typing import Protocol

from .translatable import N_

# Coarse levels, the same for both risks (ISO 37002 sect. 8.3 asks for both to be assessed).
RISK_LEVELS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
RISKS = {"retaliation": N_("Risk of retaliation"), "repeat": N_("Risk of repeat conduct")}

MEDIATION_UNDER_WAY = frozenset({"mediation_proposed", "mediator_selection", "mediation_in_progress"})
SETTLED_ROUTES = frozenset({"mediation", "informal"})  # routes only a mediable category allows


class CategoryLike(Protocol):
    code: str
    mediable: bool


def category_change_refusal(*, state: str, route: str, current: str,
                            new: CategoryLike | None) -> str | None:
    """Why the category can't become ``new`` now (an N_ text), or None when it can."""
    if new is None:
        return N_("Choose a category from the list.")
    if new.code == current:
        return N_("This is already the case's category.")
    if state == "closed":
        return N_("The case is closed; its category stays as it was recorded.")
    if new.mediable:
        return None
    if state in MEDIATION_UNDER_WAY:
        return N_("Mediation is proposed or under way, and it is never offered for this category. "
                  "End the mediation first (a party declines, or the mediator records that it "
                  "failed); then correct the category.")
    if route in SETTLED_ROUTES:
        return N_("This case was settled by mediation or informally, which is never allowed for "
                  "this category, so the correction would contradict the route taken. If the "
                  "conduct was more serious, open a linked case for it.")
    return None


def needs_protection_check(retaliation: str, repeat: str, measures_in_force: int) -> bool:
    """A high risk with no protective measure in force: the case page asks to consider one."""
    return "high" in (retaliation, repeat) and measures_in_force == 0
