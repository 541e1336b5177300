"""Each case's next open deadline is kept on its row wherever deadlines are opened or met,
so the lists read it from an index instead of grouping every open deadline."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from complaints import next_due
from complaints.extensions import db
from complaints.models import Case, Deadline
from complaints.services import case_lists, casework, feedback, transitions

FEEDBACK_ACTION = "assessment"
from tests.conftest import PG_URL
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def stored(case_id):
    db.session.expire_all()
    return db.session.execute(select(Case.next_due_at, Case.next_due_kind).where(Case.id == case_id)).one()


def open_deadlines(case_id):
    return db.session.execute(select(Deadline).where(Deadline.case_id == case_id, Deadline.met_at.is_(None))
                              .order_by(Deadline.due_at)).scalars().all()


def test_a_new_case_starts_with_its_acknowledgement_deadline(ctx):
    case, _ = make_case()
    first = open_deadlines(case.id)[0]
    assert stored(case.id) == (first.due_at, "acknowledge")


def test_transitions_and_feedback_move_it(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case(category="SH_PHYSICAL")
    assign(case, officer, "intake")
    transitions.perform(officer, case.id, "acknowledge", transitions.TransitionInputs(), None)
    after_ack = open_deadlines(case.id)
    assert {d.kind for d in after_ack} >= {"feedback", "triage"}
    assert stored(case.id) == (after_ack[0].due_at, after_ack[0].kind)
    # A message is not feedback (EU 2019/1937 Art. 5(13)); the typed act meets the clock.
    casework.send_message(officer, case.id, "We are on it.", internal=False, files=[])
    assert "feedback" in {d.kind for d in open_deadlines(case.id)}
    feedback.give_feedback(officer, case.id, FEEDBACK_ACTION, "We are hearing the witnesses.")
    remaining = open_deadlines(case.id)
    assert "feedback" not in {d.kind for d in remaining}
    assert stored(case.id) == ((remaining[0].due_at, remaining[0].kind) if remaining else (None, ""))


def test_the_case_version_is_untouched(ctx):
    """The refresh is a plain UPDATE: it must not bump the optimistic lock of transitions."""
    case, _ = make_case()
    version = case.version
    deadline = open_deadlines(case.id)[0]
    deadline.due_at = deadline.due_at + timedelta(days=1)
    db.session.commit()
    assert stored(case.id)[0] == deadline.due_at
    assert db.session.get(Case, case.id).version == version


def test_meeting_every_deadline_clears_it(ctx):
    case, _ = make_case()
    for deadline in open_deadlines(case.id):
        deadline.met_at = datetime.now(timezone.utc)
    db.session.commit()
    assert stored(case.id) == (None, "")


def test_refresh_repairs_rows_written_around_the_orm(ctx):
    case, _ = make_case()
    db.session.execute(update(Case).values(next_due_at=None, next_due_kind=""))
    db.session.commit()
    next_due.refresh(db.session.connection())
    db.session.commit()
    assert stored(case.id)[1] == "acknowledge"


def test_the_register_never_groups_the_deadlines_table(ctx):
    """The defect: the register ordered 100,000 cases by grouping every open deadline
    (0.7-1.4 s). Now it reads the case row; no statement of a register page touches deadlines."""
    for _ in range(3):
        make_case()
    statements: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for filters in (case_lists.Filters(), case_lists.Filters(page=500),
                        case_lists.Filters(show=frozenset({"overdue", "due_week"}))):
            case_lists.register(filters)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert statements
    assert not [s for s in statements if "deadlines" in s or "group by" in s], statements
    # Metadata only: the register never even loads an encrypted column.
    assert not [s for s in statements if "_enc" in s], statements


@pytest.mark.skipif(not PG_URL, reason="two PostgreSQL sessions at once (SQLite serialises writers)")
def test_two_sessions_changing_one_cases_deadlines_at_once(ctx):
    """A deadline opened in one transaction while another meets a deadline of the same case:
    the later commit must see the earlier one's deadlines, not the snapshot it started with."""
    case, _ = make_case()
    case_id = case.id
    db.session.commit()
    first, second = Session(db.engine), Session(db.engine)
    try:
        soon = datetime.now(timezone.utc) + timedelta(hours=5)
        first.add(Deadline(id=uuid.uuid4(), case_id=case_id, kind="triage", due_at=soon))
        first.flush()  # its refresh now holds the case row
        ack = second.execute(select(Deadline).where(Deadline.case_id == case_id,
                                                    Deadline.kind == "acknowledge")).scalar_one()
        ack.met_at = datetime.now(timezone.utc)
        done = threading.Event()

        def meet() -> None:
            second.commit()  # waits for the first transaction's lock on the case row
            done.set()

        worker = threading.Thread(target=meet)
        worker.start()
        assert not done.wait(0.5)
        first.commit()
        worker.join(10)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    assert stored(case_id) == (soon, "triage")
