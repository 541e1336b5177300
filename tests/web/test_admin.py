import pytest

from complaints.services import accounts
from tests.web.conftest import csrf_token


@pytest.fixture()
def admin(staff_client):
    return staff_client("admin", username="root_admin")


def test_admin_creates_an_account_shown_with_its_code_once(app, admin):
    client, _ = admin
    token = csrf_token(client, "/admin/accounts/new")
    response = client.post("/admin/accounts/new", data={
        "csrf_token": token, "username": "olga", "display_name": "Olga", "email": "",
        "unit_id": "0", "roles": ["officer", "trust"], "password": "a long officer passphrase",
        "confirm": "a long officer passphrase"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "otpauth://totp/" in page and "<svg" in page
    with app.app_context():
        assert accounts.find_user("olga").roles == {"officer", "trust"}
    assert "otpauth" not in client.get("/admin/accounts").get_data(as_text=True)


def test_invalid_account_form_keeps_what_was_typed(admin):
    client, _ = admin
    response = client.post("/admin/accounts/new", data={
        "csrf_token": csrf_token(client, "/admin/accounts/new"), "username": "olga",
        "display_name": "Olga Typed", "unit_id": "0", "roles": ["officer"],
        "password": "short", "confirm": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "at least 12" in page and "Olga Typed" in page


def test_disable_enable_and_roles(app, admin, make_user):
    client, _ = admin
    user, _ = make_user("olga", ["officer"])
    token = csrf_token(client, f"/admin/accounts/{user.id}")
    client.post(f"/admin/accounts/{user.id}/disable", data={"csrf_token": token})
    with app.app_context():
        assert not accounts.find_user("olga").is_active_account
    client.post(f"/admin/accounts/{user.id}/enable", data={"csrf_token": token})
    client.post(f"/admin/accounts/{user.id}", data={"csrf_token": token, "roles": ["investigator"]})
    with app.app_context():
        user = accounts.find_user("olga")
        assert user.is_active_account and user.roles == {"investigator"}


def test_an_admin_cannot_lock_themselves_out(app, admin):
    client, me = admin
    token = csrf_token(client, f"/admin/accounts/{me.id}")
    client.post(f"/admin/accounts/{me.id}/disable", data={"csrf_token": token})
    response = client.post(f"/admin/accounts/{me.id}", data={"csrf_token": token, "roles": ["auditor"]})
    assert "remove your own administrator role" in response.get_data(as_text=True)
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
