"""Notifications inside the app: written in the same transaction as the event that causes
them, read by the person they are for.

Two promises hold here. An event reaches a person at most once: the (person, event key)
pair is unique and inserts skip a pair that exists, so two workers or two runs of the
deadline job at once add nothing twice. And a notification can't undo its event: it is
written in a savepoint, so a failure there is logged and rolled back alone while the
report, message or step that caused it is kept.

Nothing here reads case content: notifications carry a reference, a kind, codes and dates.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from flask import current_app, has_app_context
from flask_babel import gettext
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from .. import notifications as kinds
from ..extensions import db
from ..i18n import long_date_here
from ..pipeline import one_round_trip
from ..models import (Assignment, Case, Notification, NotificationPreference, User, UserRole)
from ..policy import CAPACITY_ROLES
from . import auditing
from .reminders import DEADLINE_WORDS

log = logging.getLogger("complaints")

PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- who hears of an event ---------------------------------------------------------------


def coordinators() -> list[int]:
    """The active coordinators' ids, in order."""
    return _coordinators_and_mail()[0]


def team(case_id: uuid.UUID, capacities: Iterable[str] | None = None) -> list[int]:
    """Active assignees of the case (in ``capacities`` when given) who still hold the role
    their capacity needs: the people who can act on it."""
    query = (select(Assignment.user_id, Assignment.capacity, UserRole.role)
             .join(User, User.id == Assignment.user_id)
             .join(UserRole, UserRole.user_id == User.id)
             .where(Assignment.case_id == case_id, Assignment.ended_at.is_(None),
                    Assignment.recused.is_(False), User.is_active_account.is_(True)))
    if capacities is not None:
        query = query.where(Assignment.capacity.in_(list(capacities)))
    return sorted({user_id for user_id, capacity, role in db.session.execute(query)
                   if CAPACITY_ROLES.get(capacity) == role})


# --- writing -----------------------------------------------------------------------------


def notify(user_ids: Iterable[int], *, kind: str, audience: str, key: str,
           case_id: uuid.UUID | None = None, detail: str = "", subject_user_id: int | None = None,
           due_at: datetime | None = None, at: datetime | None = None) -> None:
    """Add one notification per person, in the caller's transaction, inside a savepoint."""
    recipients = sorted(set(user_ids))
    if recipients:
        _write(recipients, _email_wanted(recipients), kind=kind, audience=audience, key=key,
               case_id=case_id, detail=detail, subject_user_id=subject_user_id, due_at=due_at,
               at=at)


_SAVEPOINT = "notification"


def _write(recipients: list[int], wants_mail: set[int], *, kind: str, audience: str, key: str,
           case_id: uuid.UUID | None, detail: str = "", subject_user_id: int | None = None,
           due_at: datetime | None = None, at: datetime | None = None) -> None:
    """The rows, written in a savepoint of their own: SAVEPOINT, INSERT and RELEASE go in one
    round trip (complaints/pipeline.py); a failure rolls back to the savepoint, the event's
    own rows (flushed first) are kept."""
    rows = [dict(id=uuid.uuid4(), user_id=user_id, case_id=case_id, kind=kind,
                 audience=audience, detail=detail[:40], subject_user_id=subject_user_id,
                 due_at=due_at, event_key=key, created_at=at or _now(), read_at=None,
                 email_state="pending" if user_id in wants_mail else "", emailed_at=None)
            for user_id in recipients]
    db.session.flush()  # the event's own rows first (a notification refers to its case)
    started = False
    try:
        statement = _insert_skipping_existing(rows)
        started = True
        with one_round_trip(db.session) as connection:
            connection.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
            connection.execute(statement)
            connection.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    except SQLAlchemyError as error:
        if started:
            db.session.connection().exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            db.session.connection().exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        log.warning("notification %s not recorded (%s); the event itself is kept",
                    kind, type(error).__name__)


def _insert_skipping_existing(rows: list[dict]):  # type: ignore[no-untyped-def]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(Notification).values(rows).on_conflict_do_nothing(
        index_elements=["user_id", "event_key"])


def _email_wanted(user_ids: list[int]) -> set[int]:
    if not (has_app_context() and current_app.config.get("SMTP_HOST")):
        return set()
    return set(db.session.execute(
        select(NotificationPreference.user_id).join(User, User.id == NotificationPreference.user_id)
        .where(NotificationPreference.user_id.in_(user_ids), NotificationPreference.email.is_(True),
               User.email != "")).scalars())


_USERS, _ROLES, _PREFERENCES = User.__table__, UserRole.__table__, NotificationPreference.__table__
# Built once, on the tables: every report reads it, and an ORM select would be built and
# compiled through the ORM each time (about a tenth of a report's CPU).
_COORDINATORS_AND_MAIL = (
    select(_USERS.c.id, _PREFERENCES.c.email.label("email_wanted"), _USERS.c.email)
    .join(_ROLES, _ROLES.c.user_id == _USERS.c.id)
    .outerjoin(_PREFERENCES, _PREFERENCES.c.user_id == _USERS.c.id)
    .where(_ROLES.c.role == "coordinator", _USERS.c.is_active_account.is_(True))
    .order_by(_USERS.c.id))


def _coordinators_and_mail() -> tuple[list[int], set[int]]:
    """The active coordinators, and which of them want an e-mail: one query."""
    mail = has_app_context() and bool(current_app.config.get("SMTP_HOST"))
    recipients, wants_mail = [], set()
    for user_id, email_wanted, address in db.session.connection().execute(_COORDINATORS_AND_MAIL):
        recipients.append(user_id)
        if mail and email_wanted and address:
            wants_mail.add(user_id)
    return recipients, wants_mail


def case_event(case: Case, kind: str, key: str, *, capacities: Iterable[str] | None = None,
               detail: str = "", due_at: datetime | None = None,
               at: datetime | None = None) -> None:
    """An event on a case: to the assignees who can act on it, or to the coordinators when
    nobody assigned can (so that nothing waits unseen)."""
    people = team(case.id, capacities)
    audience = kinds.ASSIGNEE if people else kinds.COORDINATOR
    notify(people or coordinators(), kind=kind, audience=audience, key=key, case_id=case.id,
           detail=detail, due_at=due_at, at=at)


def new_report(case: Case, *, linked: bool = False, at: datetime | None = None) -> None:
    """A new report (or a linked one) waits for assignment: every coordinator is told."""
    recipients, wants_mail = _coordinators_and_mail()  # one query, not two
    if recipients:
        _write(recipients, wants_mail, kind="linked_report" if linked else "new_report",
               audience=kinds.COORDINATOR, key=kinds.report_key(case.id), case_id=case.id, at=at)


def assignment_event(assignment: Assignment, kind: str, *, at: datetime | None = None) -> None:
    """The person assigned, or whose assignment ended, hears of it."""
    event = "assigned" if kind == "assigned" else "ended"
    notify([assignment.user_id], kind=kind, audience=kinds.PERSONAL,
           key=kinds.assignment_key(event, assignment.id), case_id=assignment.case_id,
           detail=assignment.capacity, at=at)


def recusal(assignment: Assignment, *, at: datetime | None = None) -> None:
    notify(coordinators(), kind="recusal", audience=kinds.COORDINATOR,
           key=kinds.assignment_key("recusal", assignment.id), case_id=assignment.case_id,
           detail=assignment.capacity, subject_user_id=assignment.user_id, at=at)


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    id: uuid.UUID
    case_id: uuid.UUID | None
    reference: str
    link: str            # "case" (the case page), "register" (its register page) or ""
    text: str
    created_at: datetime
    unread: bool


def unread_count(user: Any) -> int:
    return db.session.execute(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()


def unread_case_ids(user: Any, case_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(case_ids)
    if not ids:
        return set()
    return set(db.session.execute(select(Notification.case_id).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.case_id.in_(ids))).scalars())


@dataclass(frozen=True)
class InboxPage:
    rows: list[NotificationView]
    page: int
    pages: int


def inbox(user: Any, page: int = 1) -> InboxPage:
    """The person's notifications, newest first, in words of their language."""
    total = db.session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == user.id)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, pages))
    subject = User.__table__.alias("subject")
    rows = db.session.execute(
        select(Notification, Case.reference, subject.c.display_name, subject.c.username)
        .outerjoin(Case, Case.id == Notification.case_id)
        .outerjoin(subject, subject.c.id == Notification.subject_user_id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    views = [NotificationView(n.id, n.case_id, reference or "", _link(n),
                              describe(n, display_name or username or ""), n.created_at,
                              n.read_at is None)
             for n, reference, display_name, username in rows]
    return InboxPage(views, page, pages)


def _link(notification: Notification) -> str:
    if notification.case_id is None:
        return ""
    if notification.audience == kinds.COORDINATOR:
        return "register"
    if notification.audience == kinds.ASSIGNEE or notification.kind == "assigned":
        return "case"
    return ""  # an ended assignment: the case is no longer theirs to open


def describe(notification: Notification, subject_name: str = "") -> str:
    """The notification in words of the current language (no case content exists to show)."""
    text = kinds.text_for(notification.kind, notification.audience)
    if not text:
        return notification.kind
    capacity = kinds.CAPACITY_WORDS.get(notification.detail)
    deadline = DEADLINE_WORDS.get(notification.detail)
    return gettext(text,
                   detail=notification.detail,
                   capacity=gettext(capacity) if capacity else notification.detail,
                   deadline=gettext(deadline) if deadline else notification.detail,
                   date=long_date_here(notification.due_at) if notification.due_at else "",
                   days=notification.detail,
                   name=subject_name)


def mark_case_read(user: Any, case_id: uuid.UUID) -> None:
    """Opening a case (or its register page) reads what was new on it."""
    read_case(user, case_id)
    db.session.commit()


def read_case(user: Any, case_id: uuid.UUID) -> None:
    """mark_case_read, committed by the caller with the rest of its reading."""
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.case_id == case_id,
        Notification.read_at.is_(None)).values(read_at=_now()))


# Built once, as the case page's other statements (docs/manual/performance.md).
_UNREAD_AND_ABOUT_CASE = (
    select(func.count(), func.count().filter(Notification.case_id == bindparam("case_id")))
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)))


def read_case_and_count(user: Any, case_id: uuid.UUID) -> int:
    """read_case, and the person's unread notifications left: one statement when none of
    them is about this case (most pages), the update only when some are."""
    unread, about_case = db.session.execute(_UNREAD_AND_ABOUT_CASE,
                                            {"case_id": case_id, "user_id": user.id}).one()
    if about_case:
        read_case(user, case_id)
    return int(unread) - int(about_case)


def mark_all_read(user: Any) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=_now()))
    db.session.commit()


# --- e-mail preference -------------------------------------------------------------------


def wants_email(user: Any) -> bool:
    preference = db.session.get(NotificationPreference, user.id)
    return bool(preference and preference.email)


def set_email(user: Any, wanted: bool) -> None:
    preference = db.session.get(NotificationPreference, user.id)
    if preference is None:
        preference = NotificationPreference(user_id=user.id, email=wanted)
        db.session.add(preference)
    preference.email = wanted
    auditing.record("account.notification_email", detail={"user": user.id, "email": wanted})
    db.session.commit()
