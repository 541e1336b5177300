"""No one person can read a case: an administrator tries every door to give themselves the
roles that read cases, and a coordinator tries to assign themselves (issue 12)."""
from __future__ import annotations

import re

import pytest

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import AuditEntry, RoleGrant, UserRole
from complaints.services import accounts
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token

CASE_ROLES = ["officer", "investigator", "mediator", "decision", "appeal", "trust", "coordinator"]


@pytest.fixture()
def admins(staff_client):
    first = staff_client("admin", username="first_admin")
    second = staff_client("admin", username="second_admin")
    return first, second


def roles_of(app, username):
    with app.app_context():
        return accounts.find_user(username).roles


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.seq)]


def post_roles(client, user_id, roles):
    return client.post(f"/admin/accounts/{user_id}", data={
        "csrf_token": csrf_token(client, f"/admin/accounts/{user_id}"), "roles": roles})


def new_account(client, username, roles, **extra):
    data = {"csrf_token": csrf_token(client, "/admin/accounts/new"), "username": username,
            "display_name": username.title(), "email": "", "unit_id": "0", "roles": roles}
    data.update(extra)
    return client.post("/admin/accounts/new", data=data)


def pending_grant_ids(app, username):
    with app.app_context():
        user = accounts.find_user(username)
        return [g.id for g in db.session.query(RoleGrant).filter_by(user_id=user.id, outcome="")]


@pytest.mark.parametrize("extra", [["coordinator", "officer"], ["officer"], ["coordinator"], ["auditor"]])
def test_an_administrator_can_never_change_their_own_roles(app, admins, extra):
    (client, me), _ = admins
    response = post_roles(client, me.id, ["admin", *extra])
    assert response.status_code == 400
    assert "can't change their own roles" in response.get_data(as_text=True)
    assert roles_of(app, "first_admin") == {"admin"}
    assert pending_grant_ids(app, "first_admin") == []


def test_the_whole_attack_fails_and_the_case_stays_closed_to_the_administrator(app, admins):
    """The attack of issue 12: own coordinator and officer roles, self-assignment, read."""
    (client, me), _ = admins
    with app.app_context():
        case, _ = make_case(anonymous=True, narrative="Name: Ana, phone 060 123")
        case_id = case.id
    post_roles(client, me.id, ["admin", "coordinator", "officer"])
    assert client.get("/register").status_code == 404
    response = client.post(f"/register/{case_id}/assign", data={
        "csrf_token": csrf_token(client, "/admin/accounts"), "intake": str(me.id)})
    assert response.status_code == 404
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 404 and "060 123" not in page.get_data(as_text=True)


def test_a_case_role_waits_for_a_second_administrator(app, admins, make_user):
    (first, first_user), (second, second_user) = admins
    olga, _ = make_user("olga", ["gem"])
    response = post_roles(first, olga.id, ["gem", "officer"])
    assert response.status_code == 302
    assert roles_of(app, "olga") == {"gem"}  # not yet
    page = first.get(f"/admin/accounts/{olga.id}").get_data(as_text=True)
    assert "waiting for a second administrator" in page.lower()
    [grant_id] = pending_grant_ids(app, "olga")
    # The one who asked can't approve, not by the page nor by a hand-made POST.
    token = csrf_token(first, "/admin/accounts")
    refused = first.post(f"/admin/grants/{grant_id}/approve", data={"csrf_token": token},
                         follow_redirects=True)
    assert "second administrator must approve" in refused.get_data(as_text=True)
    assert roles_of(app, "olga") == {"gem"}
    # The second administrator approves: now it takes effect.
    token = csrf_token(second, "/admin/accounts")
    second.post(f"/admin/grants/{grant_id}/approve", data={"csrf_token": token})
    assert roles_of(app, "olga") == {"gem", "officer"}
    actions = audit_actions(app)
    assert "account.role_requested" in actions and "account.role_approved" in actions


def test_a_refused_request_is_audited_and_changes_nothing(app, admins, make_user):
    (first, _), (second, _) = admins
    olga, _ = make_user("olga", ["gem"])
    post_roles(first, olga.id, ["gem", "coordinator"])
    [grant_id] = pending_grant_ids(app, "olga")
    second.post(f"/admin/grants/{grant_id}/refuse",
                data={"csrf_token": csrf_token(second, "/admin/accounts")})
    assert roles_of(app, "olga") == {"gem"} and pending_grant_ids(app, "olga") == []
    assert "account.role_refused" in audit_actions(app)


def test_nobody_approves_a_role_for_themselves(app, admins, make_user):
    (first, first_user), (second, second_user) = admins
    # A command-line request (no requesting administrator) of admin for someone else...
    with app.app_context():
        grant = RoleGrant(user_id=second_user.id, role="auditor", requested_by_id=None)
        db.session.add(grant)
        db.session.commit()
        grant_id = grant.id
    response = second.post(f"/admin/grants/{grant_id}/approve",
                           data={"csrf_token": csrf_token(second, "/admin/accounts")},
                           follow_redirects=True)
    assert "approve a role for yourself" in response.get_data(as_text=True)
    assert roles_of(app, "second_admin") == {"admin"}


@pytest.mark.parametrize("role", CASE_ROLES)
def test_admin_never_sits_beside_a_case_role(app, admins, make_user, role):
    (first, _), (second, _) = admins
    holder, _ = make_user("holder", [role])
    response = post_roles(first, holder.id, [role, "admin"])
    assert response.status_code == 400 and "separate account" in response.get_data(as_text=True)
    other, _ = make_user("other_admin", ["admin"])
    response = post_roles(first, other.id, ["admin", role])
    assert response.status_code == 400 and "separate account" in response.get_data(as_text=True)
    response = new_account(first, "both", ["admin", role])
    assert response.status_code == 400 and "separate account" in response.get_data(as_text=True)
    assert roles_of(app, "holder") == {role} and roles_of(app, "other_admin") == {"admin"}


def test_approval_checks_the_combination_again(app, admins, make_user):
    """Two requests that are each fine alone (officer, then admin) never both take effect."""
    (first, _), (second, _) = admins
    olga, _ = make_user("olga", ["gem"])
    post_roles(first, olga.id, ["gem", "officer"])
    with app.app_context():
        db.session.add(RoleGrant(user_id=olga.id, role="admin", requested_by_id=None))
        db.session.commit()
    grants = pending_grant_ids(app, "olga")
    token = csrf_token(second, "/admin/accounts")
    for grant_id in grants:
        second.post(f"/admin/grants/{grant_id}/approve", data={"csrf_token": token})
    roles = roles_of(app, "olga")
    assert not ("admin" in roles and "officer" in roles)


def test_removing_a_role_is_immediate(app, admins, make_user):
    (first, _), _ = admins
    olga, _ = make_user("olga", ["officer", "gem"])
    post_roles(first, olga.id, ["gem"])
    assert roles_of(app, "olga") == {"gem"}


def test_a_new_account_gets_its_case_roles_only_after_approval(app, admins):
    (first, _), (second, _) = admins
    response = new_account(first, "newbie", ["officer", "gem"])
    assert response.status_code == 200
    assert roles_of(app, "newbie") == {"gem"}
    [grant_id] = pending_grant_ids(app, "newbie")
    second.post(f"/admin/grants/{grant_id}/approve",
                data={"csrf_token": csrf_token(second, "/admin/accounts")})
    assert roles_of(app, "newbie") == {"gem", "officer"}


def test_the_accounts_page_lists_requests_waiting_for_approval(app, admins, make_user):
    (first, _), (second, _) = admins
    olga, _ = make_user("olga", ["gem"])
    post_roles(first, olga.id, ["gem", "investigator"])
    page = second.get("/admin/accounts").get_data(as_text=True)
    assert "olga" in page and "Investigator" in page
    assert re.search(r'action="/admin/grants/\d+/approve"', page)


def test_a_legacy_administrator_with_a_case_role_reads_nothing(app, make_user, login):
    """An account that held both before this rule existed (an old database): the policy
    itself refuses, whatever the rows say."""
    user, secret = make_user("legacy", ["officer"])
    with app.app_context():
        db.session.add(UserRole(user_id=user.id, role="admin"))
        db.session.commit()
        case, _ = make_case(narrative="Only for the assigned officer")
        assign(case, accounts.find_user("legacy"), "intake")
        case_id = case.id
    client = app.test_client()
    login(client, "legacy", secret)
    assert client.get(f"/cases/{case_id}").status_code == 404


def test_a_coordinator_can_never_assign_themselves(app, staff_client):
    client, me = staff_client("coordinator", "officer", username="coord_officer")
    with app.app_context():
        case, _ = make_case()
        case_id = case.id
    token = csrf_token(client, f"/register/{case_id}")
    response = client.post(f"/register/{case_id}/assign", data={
        "csrf_token": token, "intake": str(me.id)}, follow_redirects=True)
    assert "You can&#39;t assign yourself to a case" in response.get_data(as_text=True)
    with app.app_context():
        from complaints.models import Assignment

        assert db.session.query(Assignment).filter_by(case_id=case_id).count() == 0


# --- the command line follows the same rules ---------------------------------------------


def test_cli_refuses_admin_with_a_case_role(app, runner):
    result = runner.invoke(cli, ["users", "add", "both", "--role", "admin", "--role", "officer"])
    assert result.exit_code == 1 and "separate account" in result.output
    with app.app_context():
        assert accounts.find_user("both") is None


def test_cli_bootstraps_two_administrators_then_needs_approval(app, runner):
    for name in ("root1", "root2"):
        result = runner.invoke(cli, ["users", "add", name, "--role", "admin"])
        assert result.exit_code == 0, result.output
        assert roles_of(app, name) == {"admin"}
    result = runner.invoke(cli, ["users", "add", "root3", "--role", "admin"])
    assert result.exit_code == 0 and "second administrator" in result.output
    assert roles_of(app, "root3") == set()
    result = runner.invoke(cli, ["users", "add", "olga", "--role", "officer", "--role", "gem"])
    assert result.exit_code == 0
    assert roles_of(app, "olga") == {"gem"} and len(pending_grant_ids(app, "olga")) == 1


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example", "/admin/\nenv", "/cases"])
def test_deciding_a_request_never_leaves_the_administration(app, admins, make_user, back):
    (first, _), (second, _) = admins
    olga, _ = make_user("olga", ["gem"])
    post_roles(first, olga.id, ["gem", "officer"])
    [grant_id] = pending_grant_ids(app, "olga")
    response = second.post(f"/admin/grants/{grant_id}/refuse", data={
        "csrf_token": csrf_token(second, "/admin/accounts"), "back": back})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/accounts"
