"""Conflicts of interest that fire on real cases (issue 12): the intake officer records at
triage who the respondents are (a staff account, their unit, or not a staff member), and
from then on the assignment checks refuse them and their chain of command; a complaint
against a commander is routed outside the chain of command; linked cases inherit the
parent's exclusions, respondents and exclusion list. Through the pages, as found."""
from __future__ import annotations


import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assignment, Case, CaseExclusion, CaseParty, Unit, User
from complaints.services import followup
from complaints.services.case_access import cipher_for
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


@pytest.fixture()
def world(app, staff_client):
    coordinator, coord_user = staff_client("coordinator", username="coco")
    officer, officer_user = staff_client("officer", username="olivera")
    with app.app_context():
        command = Unit(name="Land Forces Command", unit_group="land_forces")
        db.session.add(command)
        db.session.flush()
        brigade = Unit(name="1st Brigade", unit_group="land_forces", parent_id=command.id)
        db.session.add(brigade)
        db.session.flush()
        battalion = Unit(name="11th Battalion", unit_group="land_forces", parent_id=brigade.id)
        db.session.add(battalion)
        db.session.commit()
        units = {"command": command.id, "brigade": brigade.id, "battalion": battalion.id}
        case, receipt = make_case(category="SH_VERBAL")
        assign(case, db.session.merge(officer_user), "intake")
        case_id = case.id
    return {"coordinator": coordinator, "officer": officer, "case_id": case_id, "units": units,
            "receipt": receipt, "make_user": staff_client}


def add_staff(app, username, roles, unit_id=None):
    from complaints.services import accounts

    with app.app_context():
        user, _ = accounts.provision_user(username, "correct horse battery staple", roles,
                                       display_name=username.title(), unit_id=unit_id)
        return user.id


def record_party(client, case_id, **fields):
    page = f"/cases/{case_id}"
    token = csrf_token(client, page)
    data = {"party-csrf_token": token, "party-kind": "respondent", "party-details": "", **{
        f"party-{k}": v for k, v in fields.items()}}
    return client.post(f"{page}/parties", data=data, follow_redirects=True)


def assign_via_register(client, case_id, user_id, capacity):
    page = f"/register/{case_id}"
    token = csrf_token(client, page)
    return client.post(f"{page}/assign", data={"csrf_token": token, "capacity": capacity,
                                               "user_id": user_id})


def test_a_named_respondent_can_never_be_assigned_to_the_complaint_about_himself(app, world):
    suspect = add_staff(app, "major_m", ["investigator"])
    response = record_party(world["officer"], world["case_id"], who="account", user_id=suspect,
                            details="Major M., platoon leader")
    assert response.status_code == 200, response.get_data(as_text=True)
    refused = assign_via_register(world["coordinator"], world["case_id"], suspect, "investigator")
    assert refused.status_code == 400
    assert "named as a respondent" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Assignment).where(Assignment.user_id == suspect)).first() is None


def test_the_respondents_chain_of_command_needs_an_exception(app, world):
    record_party(world["officer"], world["case_id"], who="unit", unit_id=world["units"]["battalion"],
                 details="A sergeant of the 11th Battalion")
    superior = add_staff(app, "brigade_inv", ["investigator"], unit_id=world["units"]["brigade"])
    refused = assign_via_register(world["coordinator"], world["case_id"], superior, "investigator")
    assert refused.status_code == 400 and "chain" in refused.get_data(as_text=True)


def test_a_complaint_against_a_commander_is_routed_outside_his_chain(app, world):
    commander = add_staff(app, "colonel_c", ["decision"], unit_id=world["units"]["brigade"])
    subordinate = add_staff(app, "bn_officer", ["investigator"], unit_id=world["units"]["battalion"])
    record_party(world["officer"], world["case_id"], who="account", user_id=commander,
                 commands_unit="y", details="The brigade commander")
    refused = assign_via_register(world["coordinator"], world["case_id"], subordinate, "investigator")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "commands" in text and "can never be assigned" in text


def test_recording_a_respondent_ends_his_running_assignment(app, world):
    """Someone already on the case who turns out to be the respondent loses access at once."""
    suspect = add_staff(app, "lt_l", ["investigator"])
    with app.app_context():
        assign(db.session.get(Case, world["case_id"]), db.session.get(User, suspect), "investigator")
    response = record_party(world["officer"], world["case_id"], who="account", user_id=suspect)
    assert "no longer on this case" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(select(Assignment).where(Assignment.user_id == suspect)).scalar_one()
        assert row.ended_at is not None


def test_a_staff_member_who_complains_too_cannot_handle_the_case(app, world):
    colleague = add_staff(app, "cpl_k", ["officer"])
    record_party(world["officer"], world["case_id"], kind="complainant", who="account", user_id=colleague)
    refused = assign_via_register(world["coordinator"], world["case_id"], colleague, "intake")
    assert refused.status_code == 400 and "complainant in this case" in refused.get_data(as_text=True)


def test_party_details_are_sealed_and_the_form_keeps_text_on_error(app, world):
    response = record_party(world["officer"], world["case_id"], who="account",
                            details="kept-canary Lt. Marko")  # no account chosen
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "kept-canary Lt. Marko" in text
    record_party(world["officer"], world["case_id"], who="not_staff", details="sealed-canary contractor")
    with app.app_context():
        party = db.session.execute(select(CaseParty).where(CaseParty.staff_status == "not_staff")).scalar_one()
        assert b"sealed-canary" not in party.details_enc
    page = world["officer"].get(f"/cases/{world['case_id']}").get_data(as_text=True)
    assert "sealed-canary contractor" in page


def test_only_the_intake_officer_records_parties(app, world, staff_client):
    investigator, user = staff_client("investigator", username="ivan")
    with app.app_context():
        assign(db.session.get(Case, world["case_id"]), db.session.merge(user), "investigator")
    response = record_party(investigator, world["case_id"], who="not_staff", details="x")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(CaseParty).where(CaseParty.staff_status != "")).first() is None


def test_a_linked_case_inherits_exclusions_respondents_and_the_exclusion_list(app, world):
    excluded = add_staff(app, "officer_x", ["officer"])
    suspect = add_staff(app, "major_m", ["investigator"])
    with app.app_context():
        case = db.session.get(Case, world["case_id"])
        db.session.add(CaseExclusion(case_id=case.id, user_id=excluded))
        case.excluded_persons_enc = cipher_for(case).seal("cases", "excluded_persons_enc", case.id,
                                                          "my former platoon leader")
        case.complainant_name_enc = cipher_for(case).seal("cases", "complainant_name_enc", case.id,
                                                          "name-canary Ana")
        db.session.commit()
    record_party(world["officer"], world["case_id"], who="account", user_id=suspect, details="Major M.")
    with app.test_request_context():
        child = followup.report_retaliation(world["case_id"], "Moved to night shifts since I reported.")
        child_id = child.id
        assert db.session.get(CaseExclusion, (child_id, excluded)) is not None
        respondent = db.session.execute(select(CaseParty).where(
            CaseParty.case_id == child_id, CaseParty.kind == "respondent",
            CaseParty.user_id == suspect)).scalar_one()
        child = db.session.get(Case, child_id)
        assert cipher_for(child).open("case_parties", "details_enc", respondent.id,
                                      respondent.details_enc) == "Major M."
        assert cipher_for(child).open("cases", "excluded_persons_enc", child.id,
                                      child.excluded_persons_enc) == "my former platoon leader"
    for user_id, capacity in [(excluded, "intake"), (suspect, "investigator")]:
        refused = assign_via_register(world["coordinator"], child_id, user_id, capacity)
        assert refused.status_code == 400 and "can never be assigned" in refused.get_data(as_text=True)


def test_an_officer_who_finds_himself_in_the_chain_steps_off_the_case(app, world):
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "olivera")).scalar_one()
        user.unit_id = world["units"]["brigade"]
        db.session.commit()
    page = f"/cases/{world['case_id']}"
    token = csrf_token(world["officer"], page)
    response = world["officer"].post(f"{page}/parties", data={
        "party-csrf_token": token, "party-kind": "respondent", "party-who": "unit",
        "party-unit_id": world["units"]["battalion"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    assert world["officer"].get(page).status_code == 404
