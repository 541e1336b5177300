"""Every route, for every role, against an assigned and a foreign case: never 500, and
nothing reachable that the role or the assignment does not allow (404, never 403)."""
from __future__ import annotations

import uuid

import pytest
from werkzeug.routing import IntegerConverter

from complaints.access import rule_for
from complaints.models import ROLES
from complaints.policy import CAPACITY_ROLES
from complaints.services import assignments
from tests.factories import make_case

ROLE_CAPACITY = {role: capacity for capacity, role in CAPACITY_ROLES.items()}


def build_url(rule, case_id):
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        if argument == "case_id":
            values[argument] = case_id
        elif converter == "UUIDConverter":
            values[argument] = uuid.uuid4()
        elif isinstance(rule._converters[argument], IntegerConverter):
            values[argument] = 999_999
        elif converter == "AnyConverter":
            values[argument] = next(iter(rule._converters[argument].items)) if hasattr(
                rule._converters[argument], "items") else "disable"
        else:
            values[argument] = "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture()
def world(app, staff_client):
    clients = {role: staff_client(role) for role in ROLES}
    app.config["WTF_CSRF_ENABLED"] = False  # reach the views themselves
    coordinator = clients["coordinator"][1]
    with app.test_request_context():
        mine, _ = make_case()
        foreign, _ = make_case()
        for role, capacity in ROLE_CAPACITY.items():
            assignments.assign(coordinator, mine.id, clients[role][1].id, capacity)
    return clients, mine.id, foreign.id


def test_every_route_for_every_role_and_case(app, world):
    clients, mine, foreign = world
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    with app.test_request_context():
        declared = {r.endpoint: rule_for(r.endpoint) for r in rules}
    problems = []
    for role, (client, user) in clients.items():
        for rule in rules:
            declaration = declared[rule.endpoint]
            allowed_roles = set(declaration.split(":", 1)[1].split(",")) if declaration.startswith("roles:") else None
            for case_id, own in ((mine, True), (foreign, False)):
                if "case_id" not in rule.arguments and not own:
                    continue
                url = build_url(rule, case_id)
                for method in sorted(rule.methods & {"GET", "POST"}):
                    if rule.endpoint in ("auth.logout", "public.track_close"):
                        continue  # would end the session the matrix relies on
                    status = client.open(url, method=method).status_code
                    where = f"{role} {method} {url} ({'assigned' if own else 'foreign'} case)"
                    if status >= 500:
                        problems.append(f"{where}: {status}")
                    if allowed_roles is not None and role not in allowed_roles and status not in (404, 302):
                        problems.append(f"{where}: {status}, expected 404 for this role")
                    if (allowed_roles is not None and role in allowed_roles and "case_id" in rule.arguments
                            and not own and rule.endpoint.startswith("cases.")
                            and not rule.endpoint.startswith(("cases.register", "cases.assign",
                                                              "cases.request_exception"))
                            and status != 404):
                        problems.append(f"{where}: {status}, expected 404 for a foreign case")
                    if (rule.endpoint == "cases.case_page" and own and role in allowed_roles and status != 200):
                        problems.append(f"{where}: {status}, the assignee must see the case")
    assert problems == []


def test_the_register_never_opens_content_for_coordinators(world):
    clients, mine, _ = world
    client, _ = clients["coordinator"]
    assert client.get(f"/cases/{mine}").status_code == 404
    assert client.get(f"/register/{mine}").status_code == 200


@pytest.mark.parametrize("role", ["admin", "gem", "auditor", "coordinator"])
def test_roles_without_assignments_never_read_cases(world, role):
    clients, mine, foreign = world
    client, _ = clients[role]
    for case_id in (mine, foreign):
        assert client.get(f"/cases/{case_id}").status_code == 404
