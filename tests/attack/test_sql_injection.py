"""SQL injection strings in every filter, search box and path parameter: never a 500,
never more rows than the filter allows, the schema untouched. Runs on PostgreSQL too
(COMPLAINTS_TEST_DATABASE_URL), where NUL bytes and out-of-range numbers are errors."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import AuditEntry, Case, User
from tests.web.conftest import csrf_token, form_fields

INJECTIONS = [
    "' OR '1'='1", "' OR 1=1 --", "\" OR \"\"=\"", "'; DROP TABLE cases; --",
    "1; DELETE FROM audit_entries", "x' UNION SELECT receipt_hmac FROM cases --",
    "%' OR '%'='", "\\", "' AND pg_sleep(5) --", "\x00", "a\x00' OR 1=1", "'" * 500,
    "99999999999999999999999", "-1", "1e309", "NaN", "日本語' OR 'x'='x",
]
FILTERS = {
    "/cases": ["state", "category", "overdue", "page", "q"],
    "/register": ["state", "category", "overdue", "page", "q", "assignee", "sort", "dir", "new", "unassigned",
                  "unread", "due_week", "closed"],
    "/audit": ["actor", "action", "case_id", "since", "until", "page"],
}


def test_every_filter_refuses_injection(app, world):
    with app.app_context():
        cases_before = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
    problems = []
    for path, names in FILTERS.items():
        for name in names:
            for value in INJECTIONS:
                response = world.staff.get(f"{path}?{urlencode({name: value})}")
                page = response.get_data(as_text=True)
                if response.status_code >= 500:
                    problems.append(f"{path} {name}={value!r}: {response.status_code}")
                elif "FOREIGN" in page or "C-T-" in page and name != "page" and path == "/cases" \
                        and value not in ("-1",):
                    problems.append(f"{path} {name}={value!r}: rows shown that the filter excludes")
    assert problems == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == cases_before


def test_injection_in_the_receipt_and_sign_in_boxes(app, world, client):
    problems = []
    for value in INJECTIONS:
        fresh = app.test_client()  # with a solved proof, so the value reaches the lookup
        status = fresh.post("/track", data={**form_fields(fresh, "/track"), "receipt": value}).status_code
        if status not in (400, 404):
            problems.append(f"/track receipt={value!r}: {status}")
        token = csrf_token(fresh, "/login")
        response = fresh.post("/login", data={"csrf_token": token, "username": value, "password": value})
        if response.status_code not in (200, 400, 401, 429):
            problems.append(f"/login username={value!r}: {response.status_code}")
    assert problems == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 2  # staff, admin


@pytest.mark.parametrize("path", [
    "/admin/accounts/{n}", "/admin/accounts/{n}/unlock", "/register/assignments/{n}/end",
])
def test_out_of_range_ids_in_paths_are_not_found(app, staff_client, path):
    admin, _ = staff_client("admin")
    coordinator, _ = staff_client("coordinator")
    client, page = (admin, "/admin/accounts") if path.startswith("/admin") else (coordinator, "/register")
    for n in ("99999999999999999999999", "2147483648", "9223372036854775808"):
        url = path.format(n=n)
        method = client.post if url.endswith(("unlock", "end")) else client.get
        response = method(url, data={"csrf_token": csrf_token(client, page)})
        assert response.status_code in (302, 400, 404), (url, response.status_code)


def test_the_audit_filter_finds_exactly_what_it_names(app, world):
    # The control for the tests above: a real filter value does match.
    page = world.staff.get(f"/audit?{urlencode({'action': 'case.submit'})}").get_data(as_text=True)
    with app.app_context():
        submits = db.session.execute(select(func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.action == "case.submit")).scalar_one()
    assert submits >= 1 and page.count("case.submit") >= submits


def test_nul_characters_never_reach_the_database(app, world):
    # PostgreSQL can't hold NUL in text: filters with one are refused, form text loses it.
    assert world.staff.get("/cases?state=%00").status_code == 400
    assert world.staff.get("/audit?actor=a%00b").status_code == 400
    fresh = app.test_client()
    assert fresh.post("/track", data={**form_fields(fresh, "/track"), "receipt": "AB\x00CD"}).status_code == 404
    token = csrf_token(fresh, "/login")
    assert fresh.post("/login", data={"csrf_token": token, "username": "every\x00one",
                                      "password": "x"}).status_code == 401


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "-1", "424242"])
def test_out_of_range_or_unknown_ids_in_forms_are_refused(app, world, value):
    staff = world.staff
    app.config["WTF_CSRF_ENABLED"] = False
    forms = [
        (f"/register/{world.case_id}/assign", {"intake": value}),
        (f"/register/{world.case_id}/assign", {"intake": value, "decision": value}),
        (f"/register/{world.case_id}/exception", {"capacity": "intake", "user_id": value, "reason": "r"}),
        ("/admin/units", {"name": f"Unit {value}", "unit_group": "navy", "parent_id": value}),
        ("/admin/accounts/new", {"username": "newone", "roles": "officer", "unit_id": value}),
    ]
    for path, data in forms:
        client = world.admin if path.startswith("/admin") else staff
        assert client.post(path, data=data).status_code == 400, (path, value)
