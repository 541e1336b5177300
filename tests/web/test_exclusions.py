"""The public form names no staff, yet a complainant can exclude someone by name (issue 14):
names are matched server-side; an ambiguous one waits for a coordinator, never the public."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, Case, CaseExclusion
from tests.web.conftest import csrf_token
from tests.web.test_report import receipt_from, report_data


@pytest.fixture()
def handlers(make_user):
    return {name: make_user(name, [role], display_name=display)[0] for name, role, display in [
        ("mpetrovic", "officer", "Marko Petrović"), ("jpetrovic", "investigator", "Jelena Petrović"),
        ("akovac", "officer", "Ana Kovač")]}


def file_with(client, excluded):
    receipt_from(client, client.post("/report", data=report_data(client, excluded_other=excluded)))


def only_case(app):
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        excluded = set(db.session.execute(select(CaseExclusion.user_id)).scalars())
        return case, excluded


@pytest.mark.parametrize("path", ["/", "/report", "/track"])
def test_no_public_page_names_staff(client, handlers, path):
    page = client.get(path).get_data(as_text=True)
    for user in handlers.values():
        assert user.username not in page and user.display_name not in page
        assert user.display_name.split()[-1] not in page


def test_a_name_that_names_one_account_excludes_it(app, client, handlers):
    file_with(client, "Ана Ковач")  # typed in Cyrillic
    case, excluded = only_case(app)
    assert excluded == {handlers["akovac"].id} and not case.exclusions_pending


def test_the_receipt_page_does_not_echo_the_match(app, client, handlers):
    response = client.post("/report", data=report_data(client, excluded_other="Ana Kovač"),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Kovač" not in page and "akovac" not in page


def test_an_ambiguous_name_waits_for_a_coordinator_and_blocks_assignment(app, client, handlers, staff_client):
    file_with(client, "Petrović")
    case, excluded = only_case(app)
    assert excluded == set() and case.exclusions_pending
    coordinator, _ = staff_client("coordinator", username="coco")
    page = coordinator.get(f"/register/{case.id}").get_data(as_text=True)
    assert "not matched" in page and f"/register/{case.id}/exclusions" in page
    assert "typed-name" not in page  # the names themselves only on the audited review page
    response = coordinator.post(f"/register/{case.id}/assign", data={
        "csrf_token": csrf_token(coordinator, f"/register/{case.id}"),
        "intake": str(handlers["mpetrovic"].id)})
    assert response.status_code == 400 and "Resolve the exclusions first" in response.get_data(as_text=True)

    review = coordinator.get(f"/register/{case.id}/exclusions")
    text = review.get_data(as_text=True)
    assert review.status_code == 200 and "Petrović" in text and "Marko Petrović" in text and "Jelena Petrović" in text
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="case.read", case_id=case.id).count() == 1
    coordinator.post(f"/register/{case.id}/exclusions", data={
        "csrf_token": csrf_token(coordinator, f"/register/{case.id}/exclusions"),
        "user_ids": [str(handlers["mpetrovic"].id)]})
    case, excluded = only_case(app)
    assert excluded == {handlers["mpetrovic"].id} and not case.exclusions_pending
    response = coordinator.post(f"/register/{case.id}/assign", data={
        "csrf_token": csrf_token(coordinator, f"/register/{case.id}"),
        "intake": str(handlers["mpetrovic"].id)})
    assert "excluded by the complainant" in response.get_data(as_text=True)
    response = coordinator.post(f"/register/{case.id}/assign", data={
        "csrf_token": csrf_token(coordinator, f"/register/{case.id}"),
        "intake": str(handlers["akovac"].id)})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["officer", "gem", "auditor", "admin"])
def test_only_coordinators_read_the_excluded_names(app, client, handlers, staff_client, role):
    file_with(client, "Petrović")
    case, _ = only_case(app)
    other, _ = staff_client(role, username=f"someone_{role}")
    assert other.get(f"/register/{case.id}/exclusions").status_code == 404


def test_a_coordinator_cannot_undo_an_exclusion(app, client, handlers, staff_client):
    file_with(client, "Ana Kovač\nPetrović")
    case, excluded = only_case(app)
    assert excluded == {handlers["akovac"].id} and case.exclusions_pending
    coordinator, _ = staff_client("coordinator", username="coco")
    coordinator.post(f"/register/{case.id}/exclusions", data={
        "csrf_token": csrf_token(coordinator, f"/register/{case.id}/exclusions"), "user_ids": []})
    _, excluded = only_case(app)
    assert handlers["akovac"].id in excluded


def test_hostile_exclusion_text_is_bounded_and_escaped(app, client, handlers, staff_client):
    hostile = "<script>alert(1)</script>\n" + "Petrović;" * 2000
    file_with(client, hostile[:1990])
    case, _ = only_case(app)
    coordinator, _ = staff_client("coordinator", username="coco")
    text = coordinator.get(f"/register/{case.id}/exclusions").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert len(re.findall(r'class="typed-name"', text)) <= 20


def test_someone_whose_case_role_waits_for_approval_can_be_excluded(app, client, staff_client):
    admin, _ = staff_client("admin", username="first_admin")
    admin.post("/admin/accounts/new", data={
        "csrf_token": csrf_token(admin, "/admin/accounts/new"), "username": "newofficer",
        "display_name": "Vesna Vuković", "email": "", "unit_id": "0", "roles": ["officer"]})
    file_with(client, "Vesna Vuković")
    case, excluded = only_case(app)
    with app.app_context():
        from complaints.services import accounts

        assert excluded == {accounts.find_user("newofficer").id} and not case.exclusions_pending
