"""A case page asks for the reader's capacities and the case's key from many services; each
answer is read once per transaction (complaints/transaction_memo.py). These tests try to make
a kept answer outlive what it was read from: an assignment ended in the same transaction by
every way a write reaches the database, a savepoint rolled back, another transaction's
change, a shredded key, a pooled connection handed to the next request."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select, text, update

from complaints.extensions import db
from complaints.models import Assignment, Case, DataKey
from complaints.policy import active_capacities
from complaints.services.case_access import CaseShredded, cipher_for
from complaints.transaction_memo import _KEY
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def assigned(app):
    """An officer assigned to a case, both loaded in a fresh transaction."""
    with app.test_request_context():
        officer = make_staff("olga", ["officer"])
        case, _ = make_case()
        assignment = assign(case, officer, "intake")
        ids = officer.id, case.id, assignment.id
    return ids


@pytest.fixture()
def reads(app):
    """The SELECTs sent, by the table they read."""
    seen: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    yield lambda table: [s for s in seen if s.startswith("SELECT") and f"FROM {table} " in s + " "
                         and not s.startswith("SELECT assignments.id")]  # loading the row to end it
    event.remove(engine, "before_cursor_execute", on_execute)


def load(officer_id, case_id):  # type: ignore[no-untyped-def]
    from complaints.models import User

    return db.session.get(User, officer_id), db.session.get(Case, case_id)


def test_an_answer_is_read_once_in_a_transaction(app, assigned, reads) -> None:
    officer_id, case_id, _ = assigned
    with app.test_request_context():
        officer, case = load(officer_id, case_id)
        for _ in range(5):
            assert active_capacities(officer, case) == {"intake"}
            cipher_for(case)
        assert len(reads("assignments")) == 1
        assert len(reads("data_keys")) == 1


@pytest.mark.parametrize("how", ["orm, not yet flushed", "session.execute", "the session's connection"])
def test_an_assignment_ended_in_the_same_transaction_ends_the_access(app, assigned, reads, how) -> None:
    officer_id, case_id, assignment_id = assigned
    with app.test_request_context():
        officer, case = load(officer_id, case_id)
        assert active_capacities(officer, case) == {"intake"}
        now = datetime.now(timezone.utc)
        if how == "orm, not yet flushed":
            db.session.get(Assignment, assignment_id).ended_at = now
        elif how == "session.execute":
            db.session.execute(update(Assignment).where(Assignment.id == assignment_id).values(ended_at=now))
        else:
            db.session.connection().execute(
                text("UPDATE assignments SET recused = :yes WHERE id = :id"),
                {"yes": True, "id": assignment_id.hex if db.engine.dialect.name == "sqlite" else assignment_id})
        assert active_capacities(officer, case) == set()
        assert len(reads("assignments")) == 2


def test_a_savepoint_rolled_back_brings_the_answer_back(app, assigned) -> None:
    officer_id, case_id, assignment_id = assigned
    with app.test_request_context():
        officer, case = load(officer_id, case_id)
        assert active_capacities(officer, case) == {"intake"}
        savepoint = db.session.begin_nested()
        db.session.execute(update(Assignment).where(Assignment.id == assignment_id).values(recused=True))
        assert active_capacities(officer, case) == set()
        savepoint.rollback()
        assert active_capacities(officer, case) == {"intake"}


def test_nothing_is_kept_from_one_transaction_to_the_next(app, assigned) -> None:
    officer_id, case_id, assignment_id = assigned
    with app.test_request_context():
        officer, case = load(officer_id, case_id)
        assert active_capacities(officer, case) == {"intake"}
        connection_info = db.session.connection().info
        db.session.commit()
        assert _KEY not in connection_info and _KEY not in db.session.info
        # Another transaction ends the assignment; this session's next transaction sees it.
        with db.engine.begin() as other:
            other.execute(update(Assignment).where(Assignment.id == assignment_id)
                          .values(ended_at=datetime.now(timezone.utc)))
        assert active_capacities(officer, case) == set()
        db.session.rollback()
        assert _KEY not in connection_info


def test_a_pooled_connection_carries_no_answer_to_the_next_request(app, assigned) -> None:
    officer_id, case_id, _ = assigned
    with app.test_request_context():
        officer, case = load(officer_id, case_id)
        active_capacities(officer, case)
        info = db.session.connection().info
    # The request ended without a commit (teardown closes the session).
    assert _KEY not in info


def test_a_key_shredded_in_the_same_transaction_opens_nothing(app, assigned) -> None:
    officer_id, case_id, _ = assigned
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        cipher_for(case)
        db.session.execute(update(DataKey).where(DataKey.id == case.data_key_id).values(wrapped=None))
        with pytest.raises(CaseShredded):
            cipher_for(case)


def test_the_gate_and_the_view_read_the_case_once(app, assigned, reads) -> None:
    from complaints.services.case_access import staff_case

    officer_id, case_id, _ = assigned
    with app.test_request_context():
        from complaints.models import User

        officer = db.session.get(User, officer_id)
        staff_case(officer, str(case_id))  # the blueprint's gate drops what it loads
        staff_case(officer, case_id)         # the view asks again
        assert len(reads("cases")) == 1
        assert db.session.execute(select(Case.id)).scalar_one() == case_id
