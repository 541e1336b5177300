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
