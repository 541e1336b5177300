"""Assigning several capacities in one step: only people who may hold a capacity are offered
for it, conflicts are marked before submitting, and a refusal leaves nothing half-done. The
queue of exceptions waiting for a second coordinator."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Assignment, AssignmentException, AuditEntry, CaseParty, Unit, User
from complaints.services import assignments
from tests.factories import make_case, make_staff
from tests.web.conftest import csrf_token


@pytest.fixture()
def setting(app, staff_client):
    client, coordinator = staff_client("coordinator", username="coco")
    second, _ = staff_client("coordinator", username="cora")
    with app.app_context():
        unit = Unit(name="11th Battalion", unit_group="land")
        db.session.add(unit)
        db.session.commit()
        people = {
            "olivera": make_staff("olivera", ["officer"]),
            "ivan": make_staff("ivan", ["investigator"]),
            "dragana": make_staff("dragana", ["decision"]),
            "rasko": make_staff("rasko", ["officer", "investigator"]),      # the respondent
            "una": make_staff("una", ["investigator"], unit_id=unit.id),      # respondent's unit
            "gema": make_staff("gema", ["gem"]),
        }
        case, _ = make_case(respondent_unit_id=unit.id)
        db.session.add(CaseParty(case_id=case.id, kind="respondent", user_id=people["rasko"].id))
        db.session.commit()
        ids = {name: user.id for name, user in people.items()}
    return client, second, case.id, ids


def options(page: str, field: str) -> dict[str, str]:
    select_html = re.search(rf'<select[^>]*name="{field}".*?</select>', page, re.S).group(0)
    return {label: attrs for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select_html)}


def test_each_list_offers_only_people_who_hold_its_role_with_conflicts_marked(setting):
    client, _, case_id, _ = setting
    page = client.get(f"/register/{case_id}").get_data(as_text=True)
    investigators = options(page, "investigator")
    names = " ".join(investigators)
    assert "Ivan" in names and "Olivera" not in names and "Gema" not in names
    rasko = next(attrs for label, attrs in investigators.items() if label.startswith("Rasko"))
    una_label, una = next((label, attrs) for label, attrs in investigators.items() if label.startswith("Una"))
    assert "disabled" in rasko and "disabled" in una
    assert "needs an approved exception" in una_label
    assert "can never be assigned" in next(label for label in investigators if label.startswith("Rasko"))
    assert "0 open cases" in next(label for label in investigators if label.startswith("Ivan"))


def test_several_capacities_in_one_step(app, setting):
    client, _, case_id, ids = setting
    token = csrf_token(client, f"/register/{case_id}")
    response = client.post(f"/register/{case_id}/assign", data={
        "csrf_token": token, "intake": ids["olivera"], "investigator": ids["ivan"], "decision": ids["dragana"]})
    assert response.status_code == 302
    assert "3 assignments made." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        held = set(db.session.execute(select(Assignment.capacity, Assignment.user_id)
                                      .where(Assignment.case_id == case_id)).all())
        assert held == {("intake", ids["olivera"]), ("investigator", ids["ivan"]), ("decision", ids["dragana"])}
        assert db.session.execute(select(func.count()).where(AuditEntry.action == "case.assign")).scalar() == 3


@pytest.mark.parametrize("intruder,capacity", [("rasko", "investigator"), ("una", "investigator"),
                                               ("gema", "investigator"), ("olivera", "decision")])
def test_a_hostile_choice_refuses_the_whole_step(app, setting, intruder, capacity):
    """A coordinator who edits the form (a disabled option, a person without the role) gets
    the reason at the capacity, the other choices kept, and no assignment at all."""
    client, _, case_id, ids = setting
    token = csrf_token(client, f"/register/{case_id}")
    response = client.post(f"/register/{case_id}/assign", data={
        "csrf_token": token, "intake": ids["olivera"] if capacity != "intake" else 0, capacity: ids[intruder]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert re.search(rf'<option selected value="{ids["olivera"]}"|<option value="{ids["olivera"]}" selected', page) \
        or capacity == "decision"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Assignment)).scalar() == 0
        assert db.session.execute(select(func.count()).where(AuditEntry.action == "case.assign")).scalar() == 0


def test_nothing_chosen_is_a_clear_error(setting):
    client, _, case_id, _ = setting
    token = csrf_token(client, f"/register/{case_id}")
    response = client.post(f"/register/{case_id}/assign", data={"csrf_token": token})
    assert response.status_code == 400 and "Choose at least one person to assign." in response.get_data(as_text=True)


def test_the_exception_queue_and_the_second_coordinator(app, setting):
    client, second, case_id, ids = setting
    token = csrf_token(client, f"/register/{case_id}")
    assert client.post(f"/register/{case_id}/exception", data={
        "csrf_token": token, "exception-capacity": "investigator", "exception-user_id": ids["una"],
        "exception-reason": "canary-reason: the only investigator who speaks the language"}).status_code == 302
    mine = client.get("/register/exceptions").get_data(as_text=True)
    assert "Una" in mine and "You asked for it: another coordinator approves." in mine
    assert "/approve" not in mine and "canary-reason" not in mine
    assert 'badge badge-warn">1<' in client.get("/register").get_data(as_text=True)
    theirs = second.get("/register/exceptions").get_data(as_text=True)
    exception_id = re.search(r'/register/exceptions/([0-9a-f-]{36})/approve', theirs).group(1)
    token = csrf_token(second, "/register/exceptions")
    assert second.post(f"/register/exceptions/{exception_id}/approve", data={"csrf_token": token}).status_code == 302
    assert "No exception is waiting." in second.get("/register/exceptions").get_data(as_text=True)
    page = client.get(f"/register/{case_id}").get_data(as_text=True)
    una = next((label, attrs) for label, attrs in options(page, "investigator").items() if label.startswith("Una"))
    assert "exception approved" in una[0] and "disabled" not in una[1]
    token = csrf_token(client, f"/register/{case_id}")
    assert client.post(f"/register/{case_id}/assign", data={
        "csrf_token": token, "investigator": ids["una"]}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(AssignmentException.approved_at)).scalar_one() is not None


def test_the_service_is_all_or_nothing(app, setting):
    _, _, case_id, ids = setting
    with app.test_request_context():
        coordinator = db.session.execute(select(User).where(User.username == "coco")).scalar_one()
        with pytest.raises(assignments.AssignmentsRefused) as refused:
            assignments.assign_many(coordinator, case_id, {"intake": ids["olivera"], "investigator": ids["rasko"],
                                                           "decision": ids["gema"]})
        assert set(refused.value.reasons) == {"investigator", "decision"}
        assert db.session.execute(select(func.count()).select_from(Assignment)).scalar() == 0
