from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import Deadline
from tests.factories import assign, make_case, make_staff
from tests.smtp_sink import SmtpSink


@pytest.fixture()
def overdue_case(app):
    with app.app_context():
        officer = make_staff("olivera", ["officer"])
        officer.email = "olivera@example.mil"
        db.session.commit()
        case, _ = make_case(narrative="canary-deadline-narrative",
                            submitted_at=datetime.now(timezone.utc) - timedelta(days=5))
        assign(case, officer, "intake")
        return case.reference


def test_lists_overdue_and_unassigned(app, runner, overdue_case):
    with app.app_context():
        make_case()  # due in 3 days: outside the default 2-day window
    result = runner.invoke(cli, ["deadlines"])
    assert result.exit_code == 0, result.output
    assert overdue_case in result.output and "OVERDUE" in result.output and "olivera" in result.output
    wider = runner.invoke(cli, ["deadlines", "--within", "5"])
    assert "UNASSIGNED" in wider.output


def test_reminders_go_by_smtp_without_case_content(app, runner, overdue_case):
    with SmtpSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_STARTTLS=False,
                          SMTP_FROM="complaints@example.mil")
        result = runner.invoke(cli, ["deadlines", "--send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminder" in result.output
    (message,) = sink.messages
    assert "olivera@example.mil" in message and overdue_case in message
    assert "canary-deadline-narrative" not in message
    assert "MOBBING" not in message and "bullying" not in message.lower()


def test_reminders_without_smtp_fail_clearly(app, runner, overdue_case):
    result = runner.invoke(cli, ["deadlines", "--send-reminders"])
    assert result.exit_code != 0
    assert "COMPLAINTS_SMTP_HOST" in result.output


def test_met_deadlines_are_not_listed(app, runner, overdue_case):
    with app.app_context():
        for deadline in db.session.execute(select(Deadline)).scalars():
            deadline.met_at = datetime.now(timezone.utc)
        db.session.commit()
    result = runner.invoke(cli, ["deadlines"])
    assert "No deadline is overdue" in result.output
