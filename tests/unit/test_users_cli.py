import pyotp

from complaints.cli import cli
from complaints.services import accounts


def test_users_add_reads_the_password_and_prints_the_uri_once(app, runner):
    result = runner.invoke(cli, ["users", "add", "admin1", "--role", "admin", "--role", "auditor"],
                           input="a long admin passphrase\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("otpauth://totp/") == 1
    uri = next(line for line in result.output.splitlines() if line.startswith("otpauth://"))
    assert pyotp.parse_uri(uri).secret
    with app.app_context():
        user = accounts.find_user("admin1")
        assert user.roles == {"admin", "auditor"} and not user.totp_enrolled
    listing = runner.invoke(cli, ["users", "list"])
    assert "admin1" in listing.output and "admin,auditor" in listing.output
    assert "otpauth" not in listing.output


def test_a_weak_password_is_refused(runner):
    result = runner.invoke(cli, ["users", "add", "admin1", "--role", "admin"], input="password\n")
    assert result.exit_code == 1
    assert "at least 12" in result.output


def test_unknown_role_is_refused(runner):
    result = runner.invoke(cli, ["users", "add", "x", "--role", "king"], input="a long passphrase x\n")
    assert result.exit_code != 0


def test_disable_and_enable(app, runner):
    runner.invoke(cli, ["users", "add", "olga", "--role", "officer"], input="a long passphrase x\n")
    assert "disabled" in runner.invoke(cli, ["users", "disable", "olga"]).output
    with app.app_context():
        assert not accounts.find_user("olga").is_active_account
    runner.invoke(cli, ["users", "enable", "olga"])
    with app.app_context():
        assert accounts.find_user("olga").is_active_account
