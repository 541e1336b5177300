"""Limitation (Serbia Art. 22): the right to protection lapses six months after the last act,
for sexual harassment under that Law too. A rejection as time-barred is checked against the
profile and takes effect only when a second person confirms it."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from complaints import workflow
from complaints.extensions import db
from complaints.models import AuditEntry, PendingStep
from complaints.services import confirmations
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff

RECEIVED = datetime(2026, 9, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture()
def team(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        second = make_staff("stefan", ["officer"])
        decider = make_staff("dragana", ["decision"])
        yield officer, second, decider


def triaged(team, *, procedure="serbia", category="SH_VERBAL", last_incident=None):
    officer, second, decider = team
    case, _ = make_case(category=category, procedure=procedure, submitted_at=RECEIVED)
    case.last_incident_on = last_incident
    db.session.commit()
    assign(case, officer, "intake")
    assign(case, decider, "decision")
    tr.perform(officer, case.id, "acknowledge", tr.TransitionInputs(), None)
    return case


def reject_time_barred(user, case):
    return tr.perform(user, case.id, "reject", tr.TransitionInputs(
        code="time_barred", reason="Last incident more than six months before the request.",
        complainant_notice="Your request came after the six-month limit."), None)


def test_a_rejection_as_time_barred_needs_the_date_of_the_last_incident(team):
    case = triaged(team, last_incident=None)
    with pytest.raises(workflow.TransitionRefused, match="last incident is not known"):
        reject_time_barred(team[0], case)


def test_a_complaint_within_six_months_is_not_time_barred(team):
    case = triaged(team, last_incident=date(2026, 3, 15))  # exactly six months before receipt
    with pytest.raises(workflow.TransitionRefused, match="within the time limit"):
        reject_time_barred(team[0], case)


def test_sexual_harassment_is_covered_by_the_serbian_limitation(team):
    case = triaged(team, category="SH_PHYSICAL", last_incident=date(2026, 3, 14))
    with pytest.raises(tr.SecondPersonNeeded):
        reject_time_barred(team[0], case)
    assert case.state == "triage", "nothing takes effect before the second person confirms"


def test_no_time_bar_where_the_profile_has_no_limitation(team):
    case = triaged(team, procedure="generic", last_incident=date(2020, 1, 1))
    with pytest.raises(workflow.TransitionRefused, match="no time limit"):
        reject_time_barred(team[0], case)


def test_no_time_bar_for_a_category_the_law_does_not_limit(team):
    case = triaged(team, category="RETALIATION", last_incident=date(2020, 1, 1))
    with pytest.raises(workflow.TransitionRefused, match="does not apply to this category"):
        reject_time_barred(team[0], case)


def test_the_proposer_cannot_confirm_their_own_time_bar(team):
    officer, second, decider = team
    case = triaged(team, last_incident=date(2025, 1, 10))
    with pytest.raises(tr.SecondPersonNeeded):
        reject_time_barred(officer, case)
    step = db.session.execute(select(PendingStep)).scalar_one()
    with pytest.raises(confirmations.ConfirmationRefused, match="second person"):
        confirmations.decide(officer, case.id, step.id, True)
    assert case.state == "triage"


def test_an_unassigned_colleague_cannot_confirm(team):
    officer, second, decider = team
    case = triaged(team, last_incident=date(2025, 1, 10))
    with pytest.raises(tr.SecondPersonNeeded):
        reject_time_barred(officer, case)
    step = db.session.execute(select(PendingStep)).scalar_one()
    from complaints.services.case_access import CaseNotFound

    with pytest.raises(CaseNotFound):
        confirmations.decide(second, case.id, step.id, True)


def test_a_second_person_confirms_and_the_case_is_rejected(team):
    officer, second, decider = team
    case = triaged(team, last_incident=date(2025, 1, 10))
    with pytest.raises(tr.SecondPersonNeeded):
        reject_time_barred(officer, case)
    step = db.session.execute(select(PendingStep)).scalar_one()
    confirmations.decide(decider, case.id, step.id, True)
    assert case.state == "rejected" and case.closure_reason == "time_barred"
    actions = {e.action for e in db.session.execute(
        select(AuditEntry).where(AuditEntry.case_id == case.id)).scalars()}
    assert {"case.step_requested", "case.step_confirmed", "case.transition"} <= actions


def test_a_refused_time_bar_changes_nothing(team):
    officer, second, decider = team
    case = triaged(team, last_incident=date(2025, 1, 10))
    with pytest.raises(tr.SecondPersonNeeded):
        reject_time_barred(officer, case)
    step = db.session.execute(select(PendingStep)).scalar_one()
    confirmations.decide(decider, case.id, step.id, False)
    assert case.state == "triage"
    with pytest.raises(confirmations.ConfirmationRefused, match="already"):
        confirmations.decide(decider, case.id, step.id, True)
