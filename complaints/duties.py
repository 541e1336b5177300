"""Separation of duties between staff roles. No Flask imports.

No one person may reach case content alone, administrators included:
- ``admin`` is never held together with a role that reads case content or assigns cases;
- administrators never change their own roles;
- a role that reaches case content, assigns cases or manages accounts (``NEEDS_APPROVAL``)
  is added only when a second administrator approves the request of the first;
- a coordinator never assigns themselves (services/assignments).

Every rule answers with a reason in plain words (a message template, N_), never a bare no.
"""
from __future__ import annotations

from typing import Iterable

from .translatable import N_

# Roles that read case content (through an assignment) or decide who does.
CASE_ROLES = frozenset({"officer", "investigator", "mediator", "decision", "appeal", "trust",
                        "coordinator"})
# Roles added only with a second administrator's approval: the case roles, and ``admin``
# itself (else one administrator could invite a second administrator account they hold
# themselves and approve their own requests with it).
NEEDS_APPROVAL = CASE_ROLES | {"admin"}

ADMIN_WITH_CASE_ROLE = N_("An administrator can't also hold a role that reads cases or assigns "
                          "them (%(roles)s). Use a separate account for that work.")
OWN_ROLES = N_("Administrators can't change their own roles; another administrator does it.")
OWN_REQUEST = N_("A second administrator must approve this, not the one who asked for it.")
OWN_GRANT = N_("You can't approve a role for yourself.")


class DutyRefused(Exception):
    """A change that would let one person reach case content alone. ``message`` is a
    message template; ``values`` fill it in once it is translated."""

    def __init__(self, message: str, **values: str):
        super().__init__(message)
        self.message, self.values = message, values


def conflicting_roles(roles: Iterable[str]) -> set[str]:
    """The case roles that may not sit beside ``admin`` in ``roles`` (empty when fine)."""
    roles = set(roles)
    return roles & CASE_ROLES if "admin" in roles else set()


def check_combination(roles: Iterable[str]) -> None:
    clash = conflicting_roles(roles)
    if clash:
        raise DutyRefused(ADMIN_WITH_CASE_ROLE, roles=", ".join(sorted(clash)))


def split_grant(current: Iterable[str], wanted: Iterable[str]) -> tuple[set[str], set[str], set[str]]:
    """What a change of roles does: (removed now, added now, requested for approval).

    Taking a role away is immediate (it only narrows access); adding one of
    ``NEEDS_APPROVAL`` waits for a second administrator; other roles are added at once.
    """
    current, wanted = set(current), set(wanted)
    added = wanted - current
    return current - wanted, added - NEEDS_APPROVAL, added & NEEDS_APPROVAL


def check_change_by(actor_id: int | None, user_id: int) -> None:
    """Nobody changes their own roles (``actor_id`` None is the command line)."""
    if actor_id is not None and actor_id == user_id:
        raise DutyRefused(OWN_ROLES)


def check_approver(approver_id: int, requested_by_id: int | None, user_id: int) -> None:
    if approver_id == user_id:
        raise DutyRefused(OWN_GRANT)
    if requested_by_id is not None and approver_id == requested_by_id:
        raise DutyRefused(OWN_REQUEST)
