"""Conflicts of interest are prevented, not only declared."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, CaseExclusion, CaseParty, Unit
from complaints.services import assignments as svc
from complaints.services.case_access import CaseNotFound, open_for_staff
from tests.factories import make_case, make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture()
def units(ctx):
    command = Unit(name="Land Forces Command", unit_group="land")
    db.session.add(command)
    db.session.flush()
    brigade = Unit(name="1st Brigade", unit_group="land", parent_id=command.id)
    db.session.add(brigade)
    db.session.flush()
    battalion = Unit(name="11th Battalion", unit_group="land", parent_id=brigade.id)
    other = Unit(name="Air Base", unit_group="air")
    db.session.add_all([battalion, other])
    db.session.commit()
    return command, brigade, battalion, other


@pytest.fixture()
def coordinators(ctx):
    return make_staff("coord1", ["coordinator"]), make_staff("coord2", ["coordinator"])


def test_a_coordinator_assigns_an_officer_who_can_then_read(coordinators):
    coordinator, _ = coordinators
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    with pytest.raises(CaseNotFound):
        open_for_staff(officer, case.id)
    svc.assign(coordinator, case.id, officer.id, "intake")
    assert open_for_staff(officer, case.id).fields["narrative"]
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.assign")).first()


def test_only_coordinators_assign(ctx):
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    with pytest.raises(CaseNotFound):
        svc.assign(officer, case.id, officer.id, "intake")


def test_the_capacity_needs_the_matching_role(coordinators):
    coordinator, _ = coordinators
    gem = make_staff("gema", ["gem"])
    case, _ = make_case()
    with pytest.raises(svc.AssignmentRefused, match="role"):
        svc.assign(coordinator, case.id, gem.id, "intake")


def test_the_respondent_can_never_be_assigned(coordinators):
    coordinator, _ = coordinators
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    db.session.add(CaseParty(case_id=case.id, kind="respondent", user_id=officer.id))
    db.session.commit()
    with pytest.raises(svc.AssignmentRefused, match="never"):
        svc.assign(coordinator, case.id, officer.id, "intake")
    with pytest.raises(svc.AssignmentRefused, match="No exception"):
        svc.request_exception(coordinator, case.id, officer.id, "intake", "small unit")


def test_someone_the_complainant_excluded_can_never_be_assigned(coordinators):
    coordinator, _ = coordinators
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    db.session.add(CaseExclusion(case_id=case.id, user_id=officer.id))
    db.session.commit()
    with pytest.raises(svc.AssignmentRefused, match="excluded by the complainant"):
        svc.assign(coordinator, case.id, officer.id, "intake")


def test_a_recused_user_cannot_be_reassigned(coordinators):
    coordinator, _ = coordinators
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    svc.assign(coordinator, case.id, officer.id, "intake")
    svc.recuse(officer, case.id, "knows_party")
    with pytest.raises(CaseNotFound):
        open_for_staff(officer, case.id)
    with pytest.raises(svc.AssignmentRefused, match="recused"):
        svc.assign(coordinator, case.id, officer.id, "intake")


def test_staff_in_the_respondents_chain_of_command_need_an_approved_exception(units, coordinators):
    command, brigade, battalion, other = units
    first, second = coordinators
    in_chain = make_staff("brigade_officer", ["officer"], unit_id=brigade.id)
    below = make_staff("other_officer", ["officer"], unit_id=other.id)
    case, _ = make_case(respondent_unit_id=battalion.id)

    svc.assign(first, case.id, below.id, "intake")  # another unit: fine
    with pytest.raises(svc.AssignmentRefused, match="chain of command"):
        svc.assign(first, case.id, in_chain.id, "intake")
    exception = svc.request_exception(first, case.id, in_chain.id, "intake",
                                      "only officer speaking the language")
    with pytest.raises(svc.AssignmentRefused, match="second coordinator"):
        svc.approve_exception(first, exception.id)
    svc.approve_exception(second, exception.id)
    svc.assign(first, case.id, in_chain.id, "intake")
    actions = {e.action for e in db.session.execute(select(AuditEntry)).scalars()}
    assert {"case.assign_exception_requested", "case.assign_exception_approved"} <= actions


def test_units_above_the_respondents_unit_are_in_the_chain(units, coordinators):
    command, brigade, battalion, other = units
    coordinator, _ = coordinators
    top = make_staff("commander_staff", ["officer"], unit_id=command.id)
    case, _ = make_case(respondent_unit_id=battalion.id)
    with pytest.raises(svc.AssignmentRefused):
        svc.assign(coordinator, case.id, top.id, "intake")


def test_ending_an_assignment_removes_access(coordinators):
    coordinator, _ = coordinators
    officer = make_staff("olivera", ["officer"])
    case, _ = make_case()
    assignment = svc.assign(coordinator, case.id, officer.id, "intake")
    svc.end_assignment(coordinator, assignment.id, "reassigned")
    with pytest.raises(CaseNotFound):
        open_for_staff(officer, case.id)
