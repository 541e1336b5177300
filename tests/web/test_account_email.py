"""An account's e-mail address (for deadline reminders) is checked for its shape."""
import html

from complaints.services import accounts
from tests.web.conftest import csrf_token

PASSPHRASE = "a long officer passphrase"


def new_account(client, email):
    return client.post("/admin/accounts/new", data={
        "csrf_token": csrf_token(client, "/admin/accounts/new"), "username": "olga",
        "display_name": "Olga", "email": email, "unit_id": "0", "roles": ["officer"],
        "password": PASSPHRASE, "confirm": PASSPHRASE})


def test_an_account_with_an_email_address_is_created(app, staff_client):
    admin, _ = staff_client("admin")
    assert new_account(admin, "olga@example.org").status_code == 200
    with app.app_context():
        assert accounts.find_user("olga").email == "olga@example.org"


def test_a_malformed_address_is_refused_with_a_message(app, staff_client):
    admin, _ = staff_client("admin")
    response = new_account(admin, "olga at example")
    assert response.status_code == 400
    assert "Enter an address like name@example.org." in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert accounts.find_user("olga") is None
