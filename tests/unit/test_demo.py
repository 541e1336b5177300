import re

from sqlalchemy import func, select

from complaints import audit
from complaints.cli import cli
from complaints.extensions import db
from complaints.instance import keyring
from complaints.models import ROLES, Case, Consultation
from complaints.services.case_access import open_for_staff
from complaints.services.accounts import find_user


def test_demo_creates_every_role_and_cases_in_every_resting_state(app, runner):
    result = runner.invoke(cli, ["demo", "--cases", "40"])
    assert result.exit_code == 0, result.output
    lines = [l for l in result.output.splitlines() if "otpauth://" in l]
    assert {l.split()[0] for l in lines} == set(ROLES)
    assert all(re.search(r"otpauth://totp/\S+secret=", l) for l in lines)
    # The last line says which instance folder to serve, so a newcomer can start it.
    from pathlib import Path
    last = result.output.strip().splitlines()[-1]
    assert f"COMPLAINTS_INSTANCE={Path(app.config['INSTANCE']).resolve()} complaints run" in last
    with app.app_context():
        states = set(db.session.execute(select(Case.state).distinct()).scalars())
        assert {"submitted", "triage", "formal_investigation", "decision_pending", "decided",
                "appeal_window", "appeal_review", "monitoring", "closed", "withdrawn", "rejected",
                "referred_external", "mediation_proposed", "mediator_selection",
                "mediation_in_progress", "resolved_by_agreement", "preliminary_inquiry"} <= states
        assert db.session.execute(select(func.count()).select_from(Consultation)).scalar() > 0
        assert audit.verify(db.session, keyring().audit_key).ok
        # Content is sealed and opens for an assignee.
        officer = find_user("demo-officer")
        from complaints.models import Assignment
        case_id = db.session.execute(select(Assignment.case_id).where(
            Assignment.user_id == officer.id)).scalars().first()
        assert open_for_staff(officer, case_id).fields["narrative"]


def test_demo_refuses_an_instance_with_accounts(runner):
    runner.invoke(cli, ["users", "add", "admin1", "--role", "admin"], input="a long admin passphrase\n")
    result = runner.invoke(cli, ["demo", "--cases", "20"])
    assert result.exit_code != 0 and "fresh instance" in result.output


def test_demo_marker_turns_on_the_banner(app_config, tmp_path):
    from pathlib import Path

    from complaints import create_app

    (Path(app_config["INSTANCE"]) / "DEMO").write_text("demo")
    page = create_app(app_config).test_client().get("/").get_data(as_text=True)
    assert "Demonstration instance" in page


def test_the_demo_is_a_realistic_office(app, runner):
    """Most open cases on time, some due soon, a few overdue; ended cases keep no clock; the
    feedback rule is mostly kept; new reports and deadlines have reached someone."""
    from datetime import datetime, timedelta, timezone

    from complaints.models import Deadline, Notification
    from complaints.services.transitions import CLOCKS_STOP_IN

    assert runner.invoke(cli, ["demo", "--cases", "150"]).exit_code == 0
    now = datetime.now(timezone.utc)
    with app.app_context():
        running = db.session.execute(
            select(Case.id, Case.state, func.min(Deadline.due_at)).join(Deadline, Deadline.case_id == Case.id)
            .where(Deadline.met_at.is_(None), Deadline.kind != "feedback")
            .group_by(Case.id, Case.state)).all()
        assert not [state for _, state, _ in running if state in CLOCKS_STOP_IN]
        overdue = [c for c, _, due in running if due < now]
        soon = [c for c, _, due in running if now <= due < now + timedelta(days=2)]
        assert len(running) >= 60
        assert 1 <= len(overdue) <= 0.15 * len(running), (len(overdue), len(running))
        assert len(soon) >= 2
        assert len(running) - len(overdue) - len(soon) >= 0.7 * len(running)
        late_feedback = db.session.execute(select(func.count()).select_from(Deadline).where(
            Deadline.kind == "feedback", Deadline.met_at.is_(None), Deadline.due_at < now)).scalar_one()
        assert late_feedback <= 0.05 * len(running)
        ended_open = db.session.execute(select(func.count()).select_from(Deadline).join(
            Case, Case.id == Deadline.case_id).where(Deadline.met_at.is_(None),
                                                     Case.state.in_(CLOCKS_STOP_IN))).scalar_one()
        assert ended_open == 0
        kinds = set(db.session.execute(select(Notification.kind).distinct()).scalars())
        assert {"new_report", "deadline_soon", "deadline_overdue", "complainant_message"} <= kinds
