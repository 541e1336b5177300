"""POST /report talks to the database as little as it can (issue 17): the staff list is read
once and only when it is needed, the case's rows are written as plain INSERTs (no ORM flush
works out what to write), the audit head is read once and moved with the entry, and the
whole filing is one transaction. Statements are counted from SQLAlchemy's cursor events, on
whichever database the suite runs against; on PostgreSQL several of them share one round
trip (complaints/pipeline.py)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from complaints.extensions import db
from complaints.models import (AuditEntry, Case, CaseExclusion, CaseParty, Deadline, DataKey, Notification,
                               Transition)
from tests.web.test_report import receipt_from, report_data


@pytest.fixture()
def statements(app):
    """The SQL sent and the ORM flushes that wrote new rows, while it is on."""
    seen: list[str] = []
    flushed: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    def on_flush(session, context):  # type: ignore[no-untyped-def]
        flushed.extend(type(obj).__name__ for obj in session.new)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(Session, "after_flush", on_flush)
    try:
        yield seen, flushed
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(Session, "after_flush", on_flush)


def reading(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.upper().startswith("SELECT") and re.search(rf"\bFROM {table}\b", s)]


def test_a_report_reads_the_staff_once_and_writes_its_rows_without_a_flush(app, client, staff_client,
                                                                          statements):
    _, coordinator = staff_client("coordinator")
    staff_client("officer")
    data = report_data(client)
    seen, flushed = statements
    seen.clear(), flushed.clear()
    response = client.post("/report", data=data)
    seen = list(seen)  # the POST's statements (the receipt page that follows is another request)
    receipt_from(client, response)
    # The people told of the new report, with their e-mail wish: one query. Nobody else's
    # account is read (no exclusion was typed).
    assert len([s for s in seen if s.upper().startswith("SELECT") and "users" in s]) == 1, seen
    # No ORM flush wrote the case, its key, party, deadlines or transition.
    assert not {"Case", "DataKey", "CaseParty", "Deadline", "Transition", "AuditEntry"} & set(flushed), flushed
    # The audit head: read once (locked), moved together with the new entry.
    assert len(reading(seen, "audit_head")) == 1
    assert len([s for s in seen if s.startswith("INSERT INTO audit_entries")
                or s.startswith("WITH entry AS (INSERT INTO audit_entries")]) == 1
    # No statement reads back a row the request has just written.
    for table in ("cases", "data_keys", "case_parties", "deadlines", "transitions"):
        assert not reading(seen, table), (table, reading(seen, table))
    # One transaction: one COMMIT (or none seen by the cursor on SQLite's driver), no second BEGIN.
    assert len([s for s in seen if s.upper().startswith("BEGIN")]) <= 1, "\n".join(seen)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.next_due_at is not None and case.next_due_kind  # the register's column
        for model in (CaseParty, Transition):
            assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(DataKey).where(
            DataKey.purpose == "case")).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(Deadline)).scalar_one() >= 1
        assert db.session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "case.submit")).scalar_one() == 1
        # The coordinator is told, once; the officer (no coordinator) is not.
        told = db.session.execute(select(Notification.user_id, Notification.kind, Notification.case_id)).all()
        assert told == [(coordinator.id, "new_report", case.id)]


def test_the_staff_list_is_read_when_a_name_to_exclude_is_typed(app, client, make_user, statements):
    make_user("jdoe", ["officer"], display_name="John Doe")
    data = report_data(client, excluded_other="John Doe")
    seen, _ = statements
    seen.clear()
    receipt_from(client, client.post("/report", data=data))
    assert reading(seen, "users"), seen
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CaseExclusion)).scalar_one() == 1


def test_the_coordinators_who_want_an_email_are_marked_for_one(app, client, staff_client):
    """The coordinators and their e-mail wish are read in one query: only one who asked for
    e-mails and has an address gets the notification marked for an e-mail."""
    from complaints.models import NotificationPreference, User

    _, wants = staff_client("coordinator", username="wants")
    _, no_address = staff_client("coordinator", username="noaddress")
    _, quiet = staff_client("coordinator", username="quiet")
    with app.app_context():
        db.session.get(User, wants.id).email = "wants@example.org"
        db.session.add(NotificationPreference(user_id=wants.id, email=True))
        db.session.add(NotificationPreference(user_id=no_address.id, email=True))
        db.session.get(User, quiet.id).email = "quiet@example.org"
        db.session.commit()
    app.config["SMTP_HOST"] = "mail.invalid"
    receipt_from(client, client.post("/report", data=report_data(client)))
    with app.app_context():
        states = dict(db.session.execute(select(Notification.user_id, Notification.email_state)).all())
    assert states == {wants.id: "pending", no_address.id: "", quiet.id: ""}
