"""Roles of staff accounts under separation of duties (see complaints/duties.py).

Taking a role away is immediate. Adding ``admin`` or a role that reaches case content or
assigns cases is a request that a second administrator approves; other roles are added at
once. Every change, request and decision is one transaction with its audit entry, and every
change rotates the person's session nonce (their sessions end).

``actor`` is the administrator acting, or None for the command line run by the operator.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from flask_babel import gettext
from sqlalchemy import func, select

from .. import auth, duties
from ..extensions import db
from ..models import ROLES, RoleGrant, User, UserRole
from ..policy import allowed
from . import auditing

BOOTSTRAP_ADMINS = 2  # the command line grants ``admin`` directly until there are this many


class RoleRefused(Exception):
    """The change can't be made; the message says why in plain words."""


@dataclass(frozen=True)
class RoleChange:
    removed: frozenset[str]
    added: frozenset[str]
    requested: frozenset[str]


def _refused(refusal: duties.DutyRefused) -> RoleRefused:
    return RoleRefused(gettext(refusal.message, **refusal.values))


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None) if actor is not None else None


def _locked_user(user_id: int) -> User:
    """The account, its row locked until commit: two approvals at once are decided in turn."""
    user = db.session.execute(select(User).where(User.id == user_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    if user is None:
        raise RoleRefused(gettext("No such account."))
    return user


def known_roles(roles: Iterable[str]) -> set[str]:
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown or not roles:
        raise RoleRefused(gettext("Choose roles from: %(roles)s.", roles=", ".join(ROLES)))
    return roles


def pending_roles(user_id: int) -> set[str]:
    return set(db.session.execute(select(RoleGrant.role).where(
        RoleGrant.user_id == user_id, RoleGrant.outcome == "")).scalars())


def active_admin_count() -> int:
    return db.session.execute(
        select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == "admin", User.is_active_account.is_(True))).scalar_one()


def _request(actor: Any, user: User, role: str) -> RoleGrant:
    grant = RoleGrant(user_id=user.id, role=role, requested_by_id=_actor_id(actor),
                      requested_at=auth.utcnow())
    db.session.add(grant)
    db.session.flush()
    auditing.record("account.role_requested", detail={"user": user.id, "role": role, "grant": grant.id})
    return grant


def grant_initial_roles(actor: Any, user: User, roles: Iterable[str]) -> RoleChange:
    """Roles of a new account (in the caller's transaction, not committed here).

    From the command line, ``admin`` is granted directly while fewer than two active
    administrators exist: the operator bootstraps the first two administrators."""
    roles = known_roles(roles)
    try:
        duties.check_combination(roles)
    except duties.DutyRefused as refusal:
        raise _refused(refusal) from None
    _, now, requested = duties.split_grant(set(), roles)
    if actor is None and "admin" in requested and active_admin_count() < BOOTSTRAP_ADMINS:
        requested, now = requested - {"admin"}, now | {"admin"}
        auditing.record("account.admin_bootstrap", detail={"user": user.id})
    user.role_rows = [UserRole(role=r) for r in sorted(now)]
    for role in sorted(requested):
        _request(actor, user, role)
    return RoleChange(frozenset(), frozenset(now), frozenset(requested))


def change_roles(actor: Any, user_id: int, wanted: Iterable[str]) -> RoleChange:
    """Make the account's roles (held or waiting) ``wanted``, under the rules above."""
    wanted = known_roles(wanted)
    try:
        duties.check_change_by(_actor_id(actor), user_id)
        duties.check_combination(wanted)
    except duties.DutyRefused as refusal:
        raise _refused(refusal) from None
    user = _locked_user(user_id)
    waiting = pending_roles(user.id)
    removed, added, requested = duties.split_grant(user.roles, wanted)
    requested -= waiting  # asked for already
    for grant in db.session.execute(select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.outcome == "",
            RoleGrant.role.not_in(wanted))).scalars():
        _decide(actor, grant, "withdrawn")
    if removed or added:
        user.role_rows = [row for row in user.role_rows if row.role not in removed] + \
            [UserRole(role=r) for r in sorted(added)]
        user.session_nonce = auth.new_session_nonce()
        auditing.record("account.roles", detail={"user": user.id, "removed": sorted(removed),
                                                 "added": sorted(added)})
    for role in sorted(requested):
        _request(actor, user, role)
    db.session.commit()
    return RoleChange(frozenset(removed), frozenset(added), frozenset(requested))


def _decide(actor: Any, grant: RoleGrant, outcome: str) -> None:
    grant.outcome, grant.decided_by_id, grant.decided_at = outcome, _actor_id(actor), auth.utcnow()
    auditing.record(f"account.role_{outcome}", detail={"user": grant.user_id, "role": grant.role,
                                                       "grant": grant.id})


def _pending_grant(actor: Any, grant_id: int) -> RoleGrant:
    if not allowed(actor, "admin.manage"):
        raise RoleRefused(gettext("No such request."))
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise RoleRefused(gettext("No such request."))
    if grant.outcome:
        raise RoleRefused(gettext("This request was already decided."))
    return grant


def approve(actor: Any, grant_id: int) -> RoleGrant:
    grant = _pending_grant(actor, grant_id)
    try:
        duties.check_approver(actor.id, grant.requested_by_id, grant.user_id)
    except duties.DutyRefused as refusal:
        raise _refused(refusal) from None
    user = _locked_user(grant.user_id)
    db.session.refresh(grant)
    if grant.outcome:  # decided by someone else while we waited for the lock
        raise RoleRefused(gettext("This request was already decided."))
    try:
        duties.check_combination(user.roles | {grant.role})
    except duties.DutyRefused as refusal:
        db.session.rollback()
        raise _refused(refusal) from None
    user.role_rows = [*user.role_rows, UserRole(role=grant.role)]
    user.session_nonce = auth.new_session_nonce()
    _decide(actor, grant, "approved")
    db.session.commit()
    return grant


def refuse(actor: Any, grant_id: int) -> RoleGrant:
    grant = _pending_grant(actor, grant_id)
    _decide(actor, grant, "refused")
    db.session.commit()
    return grant


def pending_grants(user_id: int | None = None) -> list[tuple[RoleGrant, User]]:
    query = (select(RoleGrant, User).join(User, User.id == RoleGrant.user_id)
             .where(RoleGrant.outcome == "").order_by(RoleGrant.requested_at))
    if user_id is not None:
        query = query.where(RoleGrant.user_id == user_id)
    return list(db.session.execute(query).all())


def bootstrap_admin(user_id: int) -> None:
    """The command line's way to the first two administrators (and back to two, should
    administrators leave): refused once two active administrators exist."""
    if active_admin_count() >= BOOTSTRAP_ADMINS:
        raise RoleRefused(gettext("There are already two administrators: ask one of them to "
                                  "request the role on the web, and the other to approve it."))
    user = _locked_user(user_id)
    try:
        duties.check_combination(user.roles | {"admin"})
    except duties.DutyRefused as refusal:
        raise _refused(refusal) from None
    if "admin" not in user.roles:
        user.role_rows = [*user.role_rows, UserRole(role="admin")]
        user.session_nonce = auth.new_session_nonce()
    for grant in db.session.execute(select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.role == "admin", RoleGrant.outcome == "")).scalars():
        _decide(None, grant, "approved")
    auditing.record("account.admin_bootstrap", detail={"user": user.id})
    db.session.commit()


def suspend_for_new_credentials(issuer_id: int | None, user: User) -> set[str]:
    """New credentials came through a link someone issued: the roles that need approval go
    back to waiting, so the issuer alone can't hold both the credentials and the roles."""
    suspended = user.roles & duties.NEEDS_APPROVAL
    if not suspended:
        return set()
    user.role_rows = [row for row in user.role_rows if row.role not in suspended]
    waiting = pending_roles(user.id)
    for role in sorted(suspended - waiting):
        grant = RoleGrant(user_id=user.id, role=role, requested_by_id=issuer_id,
                          requested_at=datetime.now(timezone.utc))
        db.session.add(grant)
        db.session.flush()
        auditing.record("account.role_requested", detail={"user": user.id, "role": role,
                                                          "grant": grant.id, "reason": "new_credentials"})
    return suspended
