"""The case page works out a case's facts (what the workflow may do next) from the rows it has
already read; the transitions service reads them with its own queries. Over every case of a
demo population, in every stage it reaches, the two must agree, fact by fact: a page that
offered a step the service then refuses, or hid one it would take, is a defect."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assignment, Case, Deadline, Transition
from complaints.services.demo import build_demo
from complaints.services.transitions import facts_of, facts_of_rows


# The facts the page works out from rows: each must be seen both true and false.
VARYING = ("has_mediator", "appeal_window_elapsed", "monitoring_elapsed")


def test_facts_from_the_pages_rows_equal_the_services(app) -> None:
    with app.test_request_context():
        build_demo(case_count=60, seed=7)
        cases = db.session.execute(select(Case)).scalars().all()
        states, seen = set(), set()
        for case in cases:
            assignments = list(db.session.execute(select(Assignment).where(
                Assignment.case_id == case.id, Assignment.ended_at.is_(None))).scalars())
            deadlines = list(db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id)).scalars())
            transitions = list(db.session.execute(select(Transition).where(
                Transition.case_id == case.id)).scalars())
            # Now, and far enough ahead that appeal windows and monitoring periods have run.
            for at in (datetime.now(timezone.utc), datetime.now(timezone.utc) + timedelta(days=400)):
                facts = facts_of(case, at)
                assert facts_of_rows(case, assignments, deadlines, transitions, at) == facts, case.state
                seen |= {(name, getattr(facts, name)) for name in VARYING}
            states.add(case.state)
        assert len(states) >= 6
        assert {(name, value) for name in VARYING for value in (True, False)} <= seen, seen
        # An extended mediation, which the demo does not reach.
        case, at = cases[0], datetime.now(timezone.utc)
        db.session.add(Deadline(case_id=case.id, kind="mediation", extended_from=at,
                                due_at=at + timedelta(days=30)))
        db.session.flush()
        deadlines = list(db.session.execute(select(Deadline).where(Deadline.case_id == case.id)).scalars())
        assignments = list(db.session.execute(select(Assignment).where(
            Assignment.case_id == case.id, Assignment.ended_at.is_(None))).scalars())
        transitions = list(db.session.execute(select(Transition).where(Transition.case_id == case.id)).scalars())
        facts = facts_of(case, at)
        assert facts.mediation_extended
        assert facts_of_rows(case, assignments, deadlines, transitions, at) == facts
