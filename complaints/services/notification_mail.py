"""E-mail notices for staff who asked for them: one message per person with what is new,
naming only case references and kinds of events (never what a case says), sent by
`complaints notifications --send-email` through the COMPLAINTS_SMTP_* server.

Notices wait in the notifications table ("pending") until sent; a failed send leaves them
pending for the next run. Two runs at once don't send a notice twice: PostgreSQL hands each
pending row to one run (FOR UPDATE SKIP LOCKED), SQLite lets one writer at a time.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any, Mapping

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from ..extensions import db
from ..i18n import long_date_here
from ..models import Case, Notification, NotificationPreference, User
from . import notifications, reminders

BATCH = 500


def send_pending(settings: Mapping[str, Any], sender: str, language: str) -> int:
    """Send every pending notice; returns the number of e-mails sent. Raises OSError or
    RuntimeError (no SMTP server) with nothing marked as sent."""
    query = (select(Notification).where(Notification.email_state == "pending")
             .order_by(Notification.created_at).limit(BATCH))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    pending = list(db.session.execute(query).scalars())
    if not pending:
        db.session.rollback()
        return 0
    people = {u.id: u for u in db.session.execute(select(User).where(
        User.id.in_({n.user_id for n in pending}))).scalars()}
    wanted = set(db.session.execute(select(NotificationPreference.user_id).where(
        NotificationPreference.user_id.in_(list(people)), NotificationPreference.email.is_(True))).scalars())
    references = dict(db.session.execute(select(Case.id, Case.reference).where(
        Case.id.in_({n.case_id for n in pending if n.case_id}))).all())
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notice in pending:
        person = people.get(notice.user_id)
        if person and person.is_active_account and person.email and notice.user_id in wanted:
            by_person[notice.user_id].append(notice)
    messages = []
    with force_locale(language):
        for user_id, notices in sorted(by_person.items()):
            messages.append(_message(people[user_id], notices, references, people, sender))
    try:
        if messages:
            reminders.send(messages, settings)
    except BaseException:
        db.session.rollback()
        raise
    now = datetime.now(timezone.utc)
    for notice in pending:
        sent = notice.user_id in by_person
        notice.email_state = "sent" if sent else ""
        notice.emailed_at = now if sent else None
    db.session.commit()
    return len(messages)


def _message(person: User, notices: list[Notification], references: dict, people: dict,
             sender: str) -> EmailMessage:
    lines = [gettext("New in the complaints system:"), ""]
    for notice in notices:
        subject = people.get(notice.subject_user_id)
        name = (subject.display_name or subject.username) if subject else ""
        lines.append(gettext("- %(reference)s: %(event)s (%(date)s)",
                             reference=references.get(notice.case_id, "—"),
                             event=notifications.describe(notice, name),
                             date=long_date_here(notice.created_at)))
    lines += ["", gettext("Sign in to the complaints system to see them. This message contains no "
                          "case details on purpose. To stop these e-mails, change your choice "
                          "under Notifications.")]
    message = EmailMessage()
    message["Subject"] = ngettext("Complaints: %(num)d new notification",
                                  "Complaints: %(num)d new notifications", len(notices))
    message["From"] = sender
    message["To"] = person.email
    message.set_content("\n".join(lines))
    return message
