"""The register and the officer's list at an office's scale: search by reference, filters,
sortable columns, totals and page numbers, closed cases hidden by default, unread markers,
and never a word of content (the coordinator reads metadata only)."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, Message, User
from complaints.services import assignments, case_lists
from complaints.services.case_access import cipher_for
from tests.factories import assign, make_case, make_staff


def references(page: str) -> list[str]:
    return re.findall(r">(C-T-[0-9A-F]{8})</a>", page)


@pytest.fixture()
def office(app, staff_client):
    """A coordinator's client, an officer's client and a handful of cases."""
    coordinator_client, coordinator = staff_client("coordinator")
    officer_client, officer = staff_client("officer", username="olivera")
    now = datetime.now(timezone.utc)
    with app.app_context():
        officer = db.session.get(type(officer), officer.id)
        cases = {}
        for name, days_ago in [("old", 20), ("fresh", 0), ("closed", 40), ("mine", 2)]:
            case, _ = make_case(narrative=f"canary-content-{name}", submitted_at=now - timedelta(days=days_ago))
            cases[name] = case
        cases["closed"].state = "closed"
        db.session.commit()
        assign(cases["mine"], officer, "intake")
        ids = {name: case.id for name, case in cases.items()}
        refs = {name: case.reference for name, case in cases.items()}
    return coordinator_client, officer_client, ids, refs


def test_closed_cases_are_hidden_until_asked_for(office):
    client, _, _, refs = office
    page = client.get("/register").get_data(as_text=True)
    assert refs["closed"] not in page and refs["fresh"] in page
    assert "3 cases match." in page and "Closed cases are hidden." in page
    assert refs["closed"] in client.get("/register?closed=y").get_data(as_text=True)
    assert refs["closed"] in client.get("/register?state=closed").get_data(as_text=True)


def test_search_by_reference_whole_or_beginning_in_any_case(office):
    client, _, _, refs = office
    target = refs["old"]
    assert references(client.get(f"/register?q={target.lower()}").get_data(as_text=True)) == [target]
    assert target in references(client.get(f"/register?q=+{target[:7]}+").get_data(as_text=True))


@pytest.mark.parametrize("hostile", ["%", "_", "C-T-%", "' OR 1=1 --", "x" * 500, "canary-content-old",
                                     "\\", "C-T-_"])
def test_search_is_by_reference_only_and_wildcards_match_nothing(office, hostile):
    client, _, _, _ = office
    response = client.get("/register", query_string={"q": hostile})
    assert response.status_code == 200
    assert references(response.get_data(as_text=True)) == []


def test_filters_new_unassigned_overdue_due_this_week_and_assignee(app, office):
    client, _, ids, refs = office
    with app.app_context():
        old = db.session.get(Case, ids["old"])
        assert old.next_due_at < datetime.now(timezone.utc)  # 3 days after receipt, 20 days ago
        officer_id = db.session.execute(select(User.id).where(User.username == "olivera")).scalar_one()
    page = lambda query: set(references(client.get("/register?" + query).get_data(as_text=True)))  # noqa: E731
    assert page("new=y") == {refs["old"], refs["fresh"], refs["mine"]}
    assert page("unassigned=y") == {refs["old"], refs["fresh"]}
    assert page("overdue=y") == {refs["old"]}
    assert page("due_week=y") == {refs["fresh"], refs["mine"]}
    assert page(f"assignee={officer_id}") == {refs["mine"]}
    assert page("assignee=not-a-number") == {refs["old"], refs["fresh"], refs["mine"]}
    assert page("overdue=y&unassigned=y&new=y") == {refs["old"]}


def test_sortable_columns_both_ways(office):
    client, _, _, refs = office
    by_received = references(client.get("/register?sort=received&dir=asc").get_data(as_text=True))
    assert by_received == [refs["old"], refs["mine"], refs["fresh"]]
    newest_first = references(client.get("/register?sort=received&dir=desc").get_data(as_text=True))
    assert newest_first == by_received[::-1]
    by_reference = references(client.get("/register?sort=reference").get_data(as_text=True))
    assert by_reference == sorted(by_reference)
    by_due = references(client.get("/register").get_data(as_text=True))
    assert by_due[0] == refs["old"]  # the overdue one first
    page = client.get("/register?sort=received&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    assert references(client.get("/register?sort=narrative&dir=sideways").get_data(as_text=True)) == by_due


def test_totals_and_page_numbers(app, office, monkeypatch):
    client, _, _, refs = office
    monkeypatch.setattr(case_lists, "PAGE_SIZE", 1)
    first = client.get("/register?sort=received&dir=asc").get_data(as_text=True)
    assert "Page 1 of 3" in first and "Last page" in first and "3 cases match." in first
    second = client.get("/register?sort=received&dir=asc&page=2").get_data(as_text=True)
    assert references(second) == [refs["mine"]] and 'aria-current="page">2<' in second
    assert "sort=received" in second and "dir=asc" in second  # page links keep the order
    for wild in ("999999999999", "-5", "abc", "0"):
        response = client.get(f"/register?sort=received&dir=asc&page={wild}")
        assert response.status_code == 200
        assert len(references(response.get_data(as_text=True))) == 1


def test_the_register_never_shows_content(office):
    client, _, _, _ = office
    for query in ("", "closed=y", "sort=category", "unread=y"):
        assert "canary-content" not in client.get("/register?" + query).get_data(as_text=True)


def test_unread_marks_a_complainants_message_until_an_assignee_opens_the_case(app, office):
    coordinator, officer, ids, refs = office
    with app.app_context():
        case = db.session.get(Case, ids["mine"])
        message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="complainant", body_enc=b"")
        message.body_enc = cipher_for(case).seal("messages", "body_enc", message.id, "canary-message")
        db.session.add(message)
        db.session.commit()
    assert references(officer.get("/cases?unread=y").get_data(as_text=True)) == [refs["mine"]]
    waiting = coordinator.get("/register?unread=y").get_data(as_text=True)
    assert references(waiting) == [refs["mine"]] and "canary-message" not in waiting
    assert officer.get(f"/cases/{ids['mine']}").status_code == 200
    assert references(officer.get("/cases?unread=y").get_data(as_text=True)) == []
    assert references(coordinator.get("/register?unread=y").get_data(as_text=True)) == []


def test_the_officer_list_has_the_same_tools_for_own_cases_only(office):
    _, officer, _, refs = office
    page = officer.get("/cases").get_data(as_text=True)
    assert references(page) == [refs["mine"]] and "1 case matches." in page
    assert references(officer.get(f"/cases?q={refs['old']}").get_data(as_text=True)) == []
    assert references(officer.get("/cases?unassigned=y").get_data(as_text=True)) == [refs["mine"]]
    assert 'name="assignee"' not in page


def test_workload_counts_open_cases_per_person(app, office):
    client, _, ids, _ = office
    with app.app_context():
        coordinator = make_staff("coco2", ["coordinator"])
        officer = db.session.execute(select(User).where(User.username == "olivera")).scalar_one()
        decider = make_staff("dragana", ["decision"])
        assignments.assign(coordinator, ids["fresh"], officer.id, "intake")
        assignments.assign(coordinator, ids["fresh"], decider.id, "decision")
        assign(db.session.get(Case, ids["closed"]), officer, "intake")  # closed: not counted
        counts = {w.user_id: (w.total, w.by_capacity) for w in case_lists.workload()}
        assert counts[officer.id] == (2, {"intake": 2})
        assert counts[decider.id] == (1, {"decision": 1})
    page = client.get("/register/workload").get_data(as_text=True)
    assert "olivera" in page and "Dragana" in page and "canary-content" not in page
