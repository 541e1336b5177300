"""Opening a case is one audited read (issue 17: the case page had grown to 53 statements and
three commits, p95 63.7 ms): the reader's capacities, and the case with its data key, are
read once, and the read's audit entry, the messages read and the notifications read are written
in one transaction, committed once, before the page is rendered; the audit entry comes last,
so the chain's head is locked only for a moment. Nothing after it opens a
second transaction (the navigation's count is read inside it). A commit that fails shows
nothing of the case."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from complaints.extensions import db
from complaints.models import AuditEntry, Message, Notification, User
from complaints.services import casework
from tests.web.test_case_page_day import reported
from tests.web.test_report import CANARY

# Statements of the case page of a fresh report with one file and one staff message. Every one
# of them reads or writes something the page needs; a new one should be a choice, not a drift.
STATEMENT_BUDGET = 17


@pytest.fixture()
def database_traffic(app):
    """Statements sent, and the transactions begun and committed, while it is on."""
    seen: dict[str, list] = {"statements": [], "begun": [], "committed": []}

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen["statements"].append(" ".join(statement.split()))

    def on_begin(session, transaction, connection):  # type: ignore[no-untyped-def]
        seen["begun"].append(len(seen["statements"]))

    def on_commit(session):  # type: ignore[no-untyped-def]
        seen["committed"].append(len(seen["statements"]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(Session, "after_begin", on_begin)
    event.listen(Session, "after_commit", on_commit)
    yield seen
    event.remove(engine, "before_cursor_execute", on_execute)
    event.remove(Session, "after_begin", on_begin)
    event.remove(Session, "after_commit", on_commit)


def selects(statements: list[str], start: str) -> list[str]:
    return [s for s in statements if s.startswith(start)]


def opened_case(app, client, staff_client):  # type: ignore[no-untyped-def]
    officer, officer_user, case, _ = reported(app, client, staff_client)
    with app.test_request_context():
        casework.send_message(db.session.get(User, officer_user.id), case.id, "We have your report.")
    return officer, officer_user, case


def test_a_case_page_is_one_transaction_committed_once(app, client, staff_client, database_traffic) -> None:
    officer, officer_user, case = opened_case(app, client, staff_client)
    for key in database_traffic:
        database_traffic[key].clear()
    response = officer.get(f"/cases/{case.id}")
    assert response.status_code == 200 and "We have your report." in response.get_data(as_text=True)
    statements = database_traffic["statements"]
    assert len(database_traffic["begun"]) == 1, "a second transaction was opened"
    assert len(database_traffic["committed"]) == 1
    assert len(selects(statements, "SELECT assignments.capacity")) == 1
    assert len([s for s in statements if "data_keys" in s]) == 1  # with the case, in its statement
    assert len(selects(statements, "SELECT cases.")) == 1 and "JOIN data_keys" in selects(statements, "SELECT cases.")[0]
    assert len(statements) <= STATEMENT_BUDGET, "\n".join(statements)
    # The audit chain's head is locked (every audited action of the instance waits for it)
    # only for the entry's own statements at the very end, not while the page is read.
    head = [n for n, s in enumerate(statements) if s.startswith("SELECT audit_head.")]
    assert len(head) == 1 and head[0] >= len(statements) - 3, "\n".join(statements[head[0]:])
    with app.app_context():  # what the one commit wrote
        reads = db.session.execute(select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "case.read")).scalars().all()
        assert reads and reads[-1].actor == f"user:{officer_user.id}"
        assert db.session.execute(select(Notification).where(
            Notification.user_id == officer_user.id, Notification.case_id == case.id,
            Notification.read_at.is_(None))).first() is None
        assert all(m.read_at for m in db.session.execute(select(Message).where(
            Message.case_id == case.id, Message.author_kind == "complainant")).scalars())


def test_a_case_page_with_nothing_new_writes_only_its_audit_entry(app, client, staff_client,
                                                                  database_traffic) -> None:
    """The second opening finds no unread message or notification: it writes no read marker
    (the page's count of the reader's unread notifications is one statement with that check),
    and reads every account's name once, for the timeline and the party form alike."""
    officer, _, case = opened_case(app, client, staff_client)
    assert officer.get(f"/cases/{case.id}").status_code == 200
    for key in database_traffic:
        database_traffic[key].clear()
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Record a respondent, complainant or witness" in page  # the intake officer's party form
    statements = database_traffic["statements"]
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "WITH", "DELETE"))]
    assert writes and all(s.startswith(("INSERT INTO audit_entries", "UPDATE audit_head",
                                        "WITH entry AS (INSERT INTO audit_entries")) for s in writes), writes
    assert len([s for s in statements if "FROM users" in s and "display_name" in s
                and "case_exclusions" not in s and "user_roles" not in s]) == 1, statements
    assert len(selects(statements, "SELECT count(*)")) == 1


def test_the_records_a_case_has_are_read_and_only_those(app, client, staff_client,
                                                       database_traffic) -> None:
    """One statement says which of the case's own records (parties, risk assessments,
    measures, pauses...) hold rows for it; only those are read, and what they hold shows."""
    from sqlalchemy import func

    from complaints.services import triage
    from complaints.services.case_file import RECORD_TABLES

    def holding_rows() -> set[str]:
        with app.app_context():
            return {name for name, model in RECORD_TABLES.items() if db.session.execute(
                select(func.count()).select_from(model).where(model.case_id == case.id)).scalar()}

    def tables_read() -> set[str]:
        read = [s for s in database_traffic["statements"] if s.startswith("SELECT") and "EXISTS" not in s]
        return {name for name in RECORD_TABLES if any(f"FROM {name} " in s or f"JOIN {name} " in s
                                                      for s in read)}

    officer, officer_user, case = opened_case(app, client, staff_client)
    for key in database_traffic:
        database_traffic[key].clear()
    assert officer.get(f"/cases/{case.id}").status_code == 200
    assert len([s for s in database_traffic["statements"] if "EXISTS" in s]) == 1
    read_first = tables_read()
    before = holding_rows()
    assert "risk_assessments" not in before and read_first == before
    with app.test_request_context():
        triage.record_risk(db.session.get(User, officer_user.id), case.id, "high", "low",
                           "He still shares her shift.")
    for key in database_traffic:
        database_traffic[key].clear()
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "He still shares her shift." in page
    read_then = tables_read()
    assert read_then == before | {"risk_assessments"} == holding_rows()


def test_only_the_messages_shown_are_marked_read(app, client, staff_client) -> None:
    """A message the page did not show (it came after the page read the messages) stays
    unread for the next opening: marking is by the messages shown, not by the case."""
    from complaints.services import unread

    officer, _, case = opened_case(app, client, staff_client)
    with app.app_context():
        shown = Message(case_id=case.id, author_kind="complainant", body_enc=b"x")
        late = Message(case_id=case.id, author_kind="complainant", body_enc=b"y")
        db.session.add_all([shown, late])
        db.session.commit()
        unread.mark_read(case.id, [shown.id])
        db.session.commit()
        read = dict(db.session.execute(select(Message.id, Message.read_at).where(
            Message.id.in_([shown.id, late.id]))).all())
        assert read[shown.id] is not None and read[late.id] is None
        assert case.id in unread.waiting_among([case.id], None)


def test_notifications_about_the_case_are_read_and_the_rest_counted(app, client, staff_client) -> None:
    """The navigation's count after opening a case: the reader's unread notifications about
    other cases, this case's read in the same transaction."""
    from complaints.services import notifications
    from tests.factories import make_case

    officer, officer_user, case = opened_case(app, client, staff_client)
    with app.app_context():
        other, _ = make_case()
        db.session.flush()
        for n, about in enumerate((case.id, case.id, other.id)):
            db.session.add(Notification(user_id=officer_user.id, case_id=about, kind="message",
                                        audience="assignee", event_key=f"test-{n}"))
        db.session.commit()
        other_id = other.id
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    with app.app_context():
        left = db.session.execute(select(Notification.case_id).where(
            Notification.user_id == officer_user.id, Notification.read_at.is_(None))).scalars().all()
        assert left == [other_id]
        assert notifications.unread_count(db.session.get(User, officer_user.id)) == 1
    assert 'badge-count">1<span class="visually-hidden"> unread' in page


def test_a_signed_in_request_reads_the_account_and_its_roles_at_once(app, client, staff_client,
                                                                     database_traffic) -> None:
    """Every staff request starts by loading its account: with its roles, one round trip."""
    officer, _ = staff_client("officer", username="olivera")
    for key in database_traffic:
        database_traffic[key].clear()
    assert officer.get("/cases").status_code == 200
    statements = database_traffic["statements"]
    first = next(s for s in statements if s.startswith("SELECT"))
    assert "FROM users" in first and "user_roles" in first, first
    assert not selects(statements, "SELECT user_roles."), "the roles were read on their own"


def test_a_failed_commit_shows_nothing_of_the_case(app, client, staff_client, monkeypatch) -> None:
    """The audit entry is the price of reading: when it can't be stored, nothing is shown."""
    officer, _, case = opened_case(app, client, staff_client)
    real_commit = Session.commit

    def failing_commit(session):  # type: ignore[no-untyped-def]
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "commit", failing_commit)
    response = officer.get(f"/cases/{case.id}")
    monkeypatch.setattr(Session, "commit", real_commit)
    body = response.get_data(as_text=True)
    assert response.status_code >= 500
    assert "We have your report." not in body and CANARY not in body and "commenting" not in body
    with app.app_context():
        assert db.session.execute(select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "case.read")).first() is None


def test_a_reader_with_no_step_gets_who_acts_next_from_the_same_facts(app, client, staff_client,
                                                                      database_traffic) -> None:
    """With no step open to the reader, the page says who acts next: from the same facts as
    the steps (they were read a second time), worked out from the rows the page reads anyway
    (tests/unit/test_case_facts.py holds them equal to the transitions service's)."""
    from complaints.models import Case

    officer, _, case = opened_case(app, client, staff_client)
    with app.app_context():
        db.session.get(Case, case.id).state = "investigation"  # the investigator's turn
        db.session.commit()
    for key in database_traffic:
        database_traffic[key].clear()
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Nothing for you to do at this stage." in page and "Next deadline" in page
    statements = database_traffic["statements"]
    assert not selects(statements, "SELECT transitions.at")  # when monitoring began
    assert not selects(statements, "SELECT assignments.id FROM")  # whether a mediator is assigned
    assert len(selects(statements, "SELECT deadlines.")) == 1


def test_a_reader_who_cannot_record_parties_does_not_read_every_account(app, client, staff_client,
                                                                        database_traffic) -> None:
    """The form that records a party lists every active account and unit: only the intake
    officer of an open case uses it, so only their page reads them."""
    from tests.factories import assign

    _, _, case = opened_case(app, client, staff_client)
    investigator, investigator_user = staff_client("investigator", username="ivana")
    with app.app_context():
        assign(case, db.session.merge(investigator_user), "investigator")
    for key in database_traffic:
        database_traffic[key].clear()
    page = investigator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Record a respondent, complainant or witness" not in page
    statements = database_traffic["statements"]
    assert not [s for s in statements if "FROM units" in s or "WHERE users.is_active_account" in s], statements
