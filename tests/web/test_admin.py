import pytest

from complaints.services import accounts
from tests.web.conftest import csrf_token


@pytest.fixture()
def admin(staff_client):
    return staff_client("admin", username="root_admin")


def test_admin_creates_an_account_with_an_invitation_link_shown_once(app, admin):
    """The administrator sets no password and sees no authenticator secret (issue 12)."""
    client, _ = admin
    token = csrf_token(client, "/admin/accounts/new")
    response = client.post("/admin/accounts/new", data={
        "csrf_token": token, "username": "olga", "display_name": "Olga", "email": "",
        "unit_id": "0", "roles": ["officer", "gem"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/welcome?t=" in page
    assert "otpauth" not in page and "<svg" not in page and 'type="password"' not in page
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.roles == {"gem"}  # officer waits for a second administrator
        assert not user.totp_enrolled and not user.totp_secret_enc
    assert "/welcome?t=" not in client.get("/admin/accounts").get_data(as_text=True)
    assert "/welcome?t=" not in client.get(f"/admin/accounts/{user.id}").get_data(as_text=True)


def test_invalid_account_form_keeps_what_was_typed(admin):
    client, _ = admin
    response = client.post("/admin/accounts/new", data={
        "csrf_token": csrf_token(client, "/admin/accounts/new"), "username": "olga kovač!",
        "display_name": "Olga Typed", "unit_id": "0", "roles": ["officer"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "User names use letters" in page and "Olga Typed" in page


def test_disable_asks_first_then_enable_and_roles(app, admin, make_user):
    client, _ = admin
    user, _ = make_user("olga", ["officer"])
    token = csrf_token(client, f"/admin/accounts/{user.id}")
    first = client.post(f"/admin/accounts/{user.id}/disable", data={"csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/admin/accounts/{user.id}/disable")
    with app.app_context():
        assert accounts.find_user("olga").is_active_account  # not yet: a page asks first
    assert "Disable olga?" in client.get(f"/admin/accounts/{user.id}/disable").get_data(as_text=True)
    client.post(f"/admin/accounts/{user.id}/disable", data={"csrf_token": token, "confirmed": "yes"})
    with app.app_context():
        assert not accounts.find_user("olga").is_active_account
    client.post(f"/admin/accounts/{user.id}/enable", data={"csrf_token": token})
    client.post(f"/admin/accounts/{user.id}", data={"csrf_token": token, "roles": ["auditor"]})
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.is_active_account and user.roles == {"auditor"}


def test_an_admin_cannot_lock_themselves_out(app, admin):
    client, me = admin
    token = csrf_token(client, f"/admin/accounts/{me.id}")
    client.post(f"/admin/accounts/{me.id}/disable", data={"csrf_token": token, "confirmed": "yes"})
    response = client.post(f"/admin/accounts/{me.id}", data={"csrf_token": token, "roles": ["auditor"]})
    assert "change their own roles" in response.get_data(as_text=True)
    with app.app_context():
        user = accounts.find_user("root_admin")
        assert user.is_active_account and "admin" in user.roles


def test_units_with_chain_of_command(admin):
    client, _ = admin
    token = csrf_token(client, "/admin/units")
    client.post("/admin/units", data={"csrf_token": token, "name": "Land Forces", "unit_group": "land", "parent_id": "0"})
    page = client.get("/admin/units").get_data(as_text=True)
    assert "Land Forces" in page


@pytest.mark.parametrize("role", ["officer", "coordinator", "gem", "auditor"])
def test_non_admins_get_404(staff_client, role):
    client, _ = staff_client(role)
    assert client.get("/admin/accounts").status_code == 404
    assert client.get("/admin/units").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/accounts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
