"""Nothing slips through: new reports reach every coordinator, the complainant's messages and
steps reach the people on the case (coordinators when nobody is), each person once, with a
count in the navigation and markers in the lists, and never a word of what the case says."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from complaints.extensions import db
from complaints.models import Case, Notification
from complaints.services import notifications
from tests.factories import assign
from tests.web.conftest import csrf_token, form_fields
from tests.web.test_report import receipt_from, report_data

SECRET = "He cornered me in the armoury on Tuesday"


def file_report(client) -> str:  # type: ignore[no-untyped-def]
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client, narrative=SECRET)))
    return receipt


def open_case(client, receipt: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})


def write_as_complainant(client, text: str) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/track/case")
    response = client.post("/track/message", data={"csrf_token": token, "body": text})
    assert response.status_code == 302


def nav_count(html: str) -> int:
    found = re.search(r'class="badge badge-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def the_case(app) -> Case:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(select(Case)).scalar_one()


def test_a_new_report_reaches_every_coordinator_once_without_content(app, client, staff_client) -> None:
    first, _ = staff_client("coordinator", username="coco")
    second, _ = staff_client("coordinator", username="cora")
    officer, _ = staff_client("officer")
    file_report(client)
    case = the_case(app)
    for coordinator in (first, second):
        page = coordinator.get("/notifications").get_data(as_text=True)
        assert case.reference in page and "New report: assign an intake officer" in page
        assert SECRET not in page
        assert nav_count(coordinator.get("/register").get_data(as_text=True)) == 1
    register = first.get("/register").get_data(as_text=True)
    assert re.search(rf"{case.reference}</a> <span class=\"badge badge-new\">", register)
    first.get(f"/register/{case.id}")  # opening it reads it, for this coordinator only
    assert nav_count(first.get("/register").get_data(as_text=True)) == 0
    assert nav_count(second.get("/register").get_data(as_text=True)) == 1
    assert officer.get("/notifications").get_data(as_text=True).count(case.reference) == 0


def test_the_complainants_message_reaches_the_people_on_the_case(app, client, staff_client) -> None:
    coordinator, _ = staff_client("coordinator")
    officer, officer_user = staff_client("officer")
    receipt = file_report(client)
    case = the_case(app)
    with app.app_context():
        assign(db.session.get(Case, case.id), db.session.merge(officer_user), "intake")
    open_case(client, receipt)
    write_as_complainant(client, "He did it again today.")
    inbox = officer.get("/notifications").get_data(as_text=True)
    assert "New message from the complainant" in inbox and "again today" not in inbox
    listed = officer.get("/cases").get_data(as_text=True)
    assert re.search(rf"{case.reference}</a> <span class=\"badge badge-new\">", listed)
    assert nav_count(listed) == 1
    officer.get(f"/cases/{case.id}")
    assert nav_count(officer.get("/cases").get_data(as_text=True)) == 0
    coordinator_inbox = coordinator.get("/notifications").get_data(as_text=True)
    assert "New message from the complainant" not in coordinator_inbox


def test_with_nobody_assigned_the_coordinators_hear_of_the_message(app, client, staff_client) -> None:
    coordinator, _ = staff_client("coordinator")
    receipt = file_report(client)
    open_case(client, receipt)
    write_as_complainant(client, "Is anyone there?")
    inbox = coordinator.get("/notifications").get_data(as_text=True)
    assert "New message from the complainant, and nobody assigned can answer it" in inbox
    assert "anyone there" not in inbox


def test_the_complainants_steps_reach_the_officer(app, client, staff_client) -> None:
    officer, officer_user = staff_client("officer")
    receipt = file_report(client)
    case = the_case(app)
    with app.app_context():
        assign(db.session.get(Case, case.id), db.session.merge(officer_user), "intake")
    open_case(client, receipt)
    client.post("/track/retaliation", data={"csrf_token": csrf_token(client, "/track/case"),
                                            "narrative": "They moved me to nights."})
    client.post("/track/reveal", data={"csrf_token": csrf_token(client, "/track/case"), "name": "A. B.",
                                       "contact": "a@example.invalid", "understood": "y"})
    client.post("/track/withdraw", data={"csrf_token": csrf_token(client, "/track/withdraw"), "reason": ""})
    inbox = officer.get("/notifications").get_data(as_text=True)
    assert "Retaliation or repeat conduct reported; linked case" in inbox
    assert "The complainant withdrew the complaint" in inbox
    assert "moved me to nights" not in inbox


def test_each_person_sees_only_their_own_notifications(app, client, staff_client) -> None:
    coordinator, _ = staff_client("coordinator")
    officer, _ = staff_client("officer")
    gem, _ = staff_client("gem")
    file_report(client)
    assert nav_count(coordinator.get("/register").get_data(as_text=True)) == 1
    assert "New report:" not in officer.get("/notifications").get_data(as_text=True)
    assert gem.get("/notifications").status_code == 404


def test_the_same_event_reaches_a_person_once(app, staff_client) -> None:
    _, coordinator = staff_client("coordinator")
    with app.test_request_context():
        for _ in range(3):
            notifications.notify([coordinator.id], kind="new_report", audience="coordinator",
                                 key="report:same-event")
        db.session.commit()
        assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 1


def test_a_long_inbox_pages_and_names_its_pages(app, staff_client) -> None:
    # The inbox shares the lists' pager; it once answered 500 for everyone after that pager
    # changed (it expected the lists' totals).
    coordinator, user = staff_client("coordinator")
    with app.test_request_context():
        for number in range(notifications.PAGE_SIZE + 3):
            notifications.notify([user.id], kind="new_report", audience="coordinator",
                                 key=f"report:{number}")
        db.session.commit()
    first = coordinator.get("/notifications")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "Page 1 of 2" in html and html.count("New report:") == notifications.PAGE_SIZE
    second = coordinator.get("/notifications?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("New report:") == 3
    beyond = coordinator.get("/notifications?page=99").get_data(as_text=True)
    assert "Page 2 of 2" in beyond  # a page past the end shows the last one


def test_a_failing_notification_never_undoes_the_report(app, client, staff_client, monkeypatch) -> None:
    staff_client("coordinator")

    def broken(rows):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO notifications", {}, Exception("disk I/O error"))

    monkeypatch.setattr(notifications, "_insert_skipping_existing", broken)
    receipt = file_report(client)
    assert receipt
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 0


@pytest.mark.parametrize("path", ["/notifications", "/notifications/settings"])
def test_notification_pages_need_a_signed_in_case_role(client, path: str) -> None:
    assert client.get(path).status_code in (302, 404)
