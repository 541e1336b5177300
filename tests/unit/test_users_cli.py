import re

from complaints.cli import cli
from complaints.services import accounts


def test_users_add_prints_an_invitation_link_and_asks_no_password(app, runner):
    result = runner.invoke(cli, ["users", "add", "admin1", "--role", "admin", "--role", "auditor"],
                           input="a long admin passphrase\n")
    assert result.exit_code == 0, result.output
    assert "otpauth" not in result.output and "assword:" not in result.output
    assert len(re.findall(r"/welcome\?t=[\w-]{40,}", result.output)) == 1
    with app.app_context():
        user = accounts.find_user("admin1")
        assert user.roles == {"admin", "auditor"} and not user.totp_enrolled
    listing = runner.invoke(cli, ["users", "list"])
    assert "admin1" in listing.output and "admin,auditor" in listing.output
    assert "welcome" not in listing.output


def test_the_link_uses_the_configured_address(app, runner):
    app.config["BASE_URL"] = "https://complaints.example.org/"
    result = runner.invoke(cli, ["users", "add", "olga", "--role", "gem"])
    assert "https://complaints.example.org/welcome?t=" in result.output


def test_unknown_role_is_refused(runner):
    result = runner.invoke(cli, ["users", "add", "x", "--role", "king"])
    assert result.exit_code != 0


def test_disable_enable_and_reset(app, runner):
    runner.invoke(cli, ["users", "add", "olga", "--role", "officer"])
    assert "disabled" in runner.invoke(cli, ["users", "disable", "olga"]).output
    with app.app_context():
        assert not accounts.find_user("olga").is_active_account
    runner.invoke(cli, ["users", "enable", "olga"])
    with app.app_context():
        assert accounts.find_user("olga").is_active_account
    result = runner.invoke(cli, ["users", "reset", "olga"])
    assert result.exit_code == 0 and "/welcome?t=" in result.output
    assert runner.invoke(cli, ["users", "reset", "nobody"]).exit_code == 1


def test_grant_admin_only_while_fewer_than_two_administrators(app, runner):
    for name in ("olga", "ana", "mira"):
        runner.invoke(cli, ["users", "add", name, "--role", "auditor"])
    assert runner.invoke(cli, ["users", "grant-admin", "olga"]).exit_code == 0
    assert runner.invoke(cli, ["users", "grant-admin", "ana"]).exit_code == 0
    result = runner.invoke(cli, ["users", "grant-admin", "mira"])
    assert result.exit_code == 1 and "already two administrators" in result.output
    with app.app_context():
        assert "admin" not in accounts.find_user("mira").roles
