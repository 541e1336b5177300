"""The watch over time: deadlines due soon or overdue reach the people who can meet them (the
coordinators when nobody assigned can), reports left unacknowledged are escalated on the last
day allowed, and however many runs happen, one after the other or at once, each person hears
of each event once. E-mail notices carry no case content and go once."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import Notification, User
from complaints.services import deadline_watch, notifications
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff
from tests.smtp_sink import SmtpSink

NOW = datetime.now(timezone.utc)


@pytest.fixture()
def people(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        decider = make_staff("dragana", ["decision"])
        coordinator = make_staff("coco", ["coordinator"])
        yield officer, decider, coordinator


def told(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.execute(query).scalars())


def count() -> int:
    return db.session.execute(select(func.count()).select_from(Notification)).scalar_one()


def test_due_soon_and_overdue_reach_the_officer_once(people) -> None:
    officer, _, coordinator = people
    soon, _ = make_case()  # acknowledgement due in 3 days
    late, _ = make_case(submitted_at=NOW - timedelta(days=5))
    for case in (soon, late):
        assign(case, officer, "intake")
    deadline_watch.sweep(now=NOW, within_days=4)
    deadline_watch.sweep(now=NOW, within_days=4)
    assert {(n.case_id, n.kind) for n in told(officer)} == {
        (soon.id, "deadline_soon"), (late.id, "deadline_overdue")}
    assert told(coordinator) == []
    later = NOW + timedelta(days=4)
    deadline_watch.sweep(now=later)  # the one due soon is now overdue: a second, new event
    assert {(n.case_id, n.kind) for n in told(officer)} >= {(soon.id, "deadline_overdue")}
    assert len(told(officer)) == 3


def test_a_deadline_nobody_assigned_can_meet_goes_to_the_coordinators(people) -> None:
    officer, _, coordinator = people
    case, _ = make_case(category="SH_VERBAL", submitted_at=NOW - timedelta(days=60))
    assign(case, officer, "intake")
    investigator = make_staff("ivan", ["investigator"])
    assign(case, investigator, "investigator")
    for action, reason in [("acknowledge", ""), ("open_investigation", ""), ("submit_report", "Done.")]:
        tr.replay(case, action, officer if action != "submit_report" else investigator,
                  tr.TransitionInputs(reason=reason), NOW - timedelta(days=40))
    deadline_watch.sweep(now=NOW)  # the decision is overdue, and no decision maker is assigned
    assert [n.detail for n in told(coordinator, "deadline_overdue")] == ["decision"]
    assert told(officer, "deadline_overdue") == []


def test_an_unassigned_case_overdue_reaches_the_coordinators(people) -> None:
    _, _, coordinator = people
    make_case(submitted_at=NOW - timedelta(days=4))
    deadline_watch.sweep(now=NOW)
    (notice,) = told(coordinator, "deadline_overdue")
    assert notice.audience == "coordinator" and notice.detail == "acknowledge"


def test_a_report_unacknowledged_on_the_last_allowed_day_is_escalated(people) -> None:
    officer, _, coordinator = people
    waiting, _ = make_case(submitted_at=NOW - timedelta(days=7))  # its last allowed day: today
    young, _ = make_case(submitted_at=NOW - timedelta(days=6))     # one more day to go
    for case in (waiting, young):
        assign(case, officer, "intake")
    deadline_watch.sweep(now=NOW)
    escalated = told(coordinator, "escalation_acknowledge")
    assert [n.case_id for n in escalated] == [waiting.id]
    assert "Not acknowledged within 7 days" in notifications.describe(escalated[0])
    deadline_watch.sweep(now=NOW + timedelta(minutes=15))  # the next run: nothing new
    assert len(told(coordinator, "escalation_acknowledge")) == 1


def test_ended_cases_reach_nobody(people) -> None:
    officer, _, coordinator = people
    case, _ = make_case(submitted_at=NOW - timedelta(days=30))
    assign(case, officer, "intake")
    tr.replay(case, "acknowledge", officer, tr.TransitionInputs(), NOW - timedelta(days=29))
    tr.replay(case, "reject", officer, tr.TransitionInputs(code="duplicate", reason="Twice.",
                                                            complainant_notice="Already reported."),
              NOW - timedelta(days=28))
    deadline_watch.sweep(now=NOW + timedelta(days=200))
    assert count() == 0


def test_runs_at_the_same_moment_tell_each_person_once(app, people) -> None:
    officer, _, coordinator = people
    for days in range(1, 9):
        case, _ = make_case(submitted_at=NOW - timedelta(days=days))
        if days % 2:
            assign(case, officer, "intake")
    db.session.remove()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                deadline_watch.sweep(now=NOW)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    keys = list(db.session.execute(select(Notification.user_id, Notification.event_key)).all())
    # The officer: 3 assigned cases overdue (the 4th is due in more than 2 days); the
    # coordinators: 4 unassigned cases (1 due soon, 3 overdue) and 2 reports on their 7th day.
    assert len(keys) == len(set(keys)) == 9


def test_email_notices_go_once_to_those_who_asked_and_say_nothing_of_the_case(app, runner, people) -> None:
    officer, decider, coordinator = people
    officer.email, coordinator.email = "olivera@example.mil", "coco@example.mil"
    db.session.commit()
    with SmtpSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_STARTTLS=False,
                          SMTP_FROM="complaints@example.mil")
        notifications.set_email(officer, True)  # the coordinator did not ask for e-mail
        case, _ = make_case(narrative="canary-notice-narrative", submitted_at=NOW - timedelta(days=5))
        assign(case, officer, "intake")
        first = runner.invoke(cli, ["notifications", "--send-email"])
        second = runner.invoke(cli, ["notifications", "--send-email"])
    assert first.exit_code == 0, first.output
    assert "Sent 1 e-mail notice" in first.output and "Sent 0 e-mail notice" in second.output
    (message,) = sink.messages
    assert "olivera@example.mil" in message and case.reference in message
    assert "Overdue: acknowledge receipt" in message
    assert "canary-notice-narrative" not in message and "MOBBING" not in message


def test_email_notices_stay_pending_when_the_server_is_down(app, runner, people) -> None:
    officer, _, _ = people
    officer.email = "olivera@example.mil"
    officer_id = officer.id
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_STARTTLS=False)
    notifications.set_email(officer, True)
    case, _ = make_case(submitted_at=NOW - timedelta(days=5))
    assign(case, officer, "intake")
    result = runner.invoke(cli, ["notifications", "--send-email"])
    assert result.exit_code != 0 and "stay pending" in result.output
    db.session.remove()
    assert [n.email_state for n in told(db.session.get(User, officer_id))] == ["pending"]
