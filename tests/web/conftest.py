"""Staff accounts and sign-in through the real pages, with CSRF tokens and TOTP codes."""
from __future__ import annotations

import re
import time

import pyotp
import pytest

from complaints.extensions import db
from complaints.models import User
from complaints.services import accounts

PASSWORD = "correct horse battery staple"


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


CHALLENGE = re.compile(r'name="proof_challenge" type="hidden" value="([^"]+)"')


def solved_proof(page: str) -> dict[str, str]:
    """The proof-of-work fields of a public form, solved as the browser's script would."""
    from complaints.proof import Challenge, solve

    match = CHALLENGE.search(page)
    if match is None:
        return {}  # a form without abuse control (the suite run against older code)
    token = match.group(1)
    _, purpose, issued, bits, salt, _ = token.split(".")
    return {"proof_challenge": token,
            "proof_nonce": solve(Challenge(purpose, int(issued), int(bits), salt, token))}


def form_fields(client, path: str) -> dict[str, str]:
    """CSRF token and solved proof of work of a public form (/report, /track)."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return {"csrf_token": match.group(1), **solved_proof(page)}


def fresh_code(app, username: str, secret: str) -> str:
    """A valid code the server has not accepted yet (steps it last accepted are refused)."""
    # The code may be one step old; near a step boundary it could be two steps old by the time
    # the server checks it, so wait for the next step to begin.
    if time.time() % 30 > 27:
        time.sleep(30.2 - time.time() % 30)
    with app.app_context():
        user = accounts.find_user(username)
        step = int(time.time()) // 30
        if user.totp_last_step >= step - 1:
            if user.totp_last_step >= step + 1:  # all codes in the window used: reset for tests
                user.totp_last_step = step - 2
                db.session.commit()
            step = max(step - 1, user.totp_last_step + 1)
        else:
            step -= 1
    return pyotp.TOTP(secret).at(step * 30)


@pytest.fixture()
def make_user(app):
    def factory(username: str, roles: list[str], password: str = PASSWORD, enrolled: bool = True,
                **extra) -> tuple[User, str]:
        with app.app_context():
            user, uri = accounts.provision_user(username, password, roles, **extra)
            if enrolled:
                user.totp_enrolled = True
                db.session.commit()
            secret = pyotp.parse_uri(uri).secret
            return user, secret
    return factory


@pytest.fixture()
def login(app):
    def sign_in(client, username: str, secret: str, password: str = PASSWORD):
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"csrf_token": token, "username": username,
                                               "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        step_path = response.headers["Location"]
        token = csrf_token(client, step_path)
        return client.post(step_path, data={"csrf_token": token,
                                            "code": fresh_code(app, username, secret)})
    return sign_in


@pytest.fixture()
def staff_client(app, make_user, login):
    """A client signed in as a new user with the given roles: staff_client("coordinator")."""
    def factory(*roles: str, username: str | None = None):
        name = username or "user_" + "_".join(roles)
        user, secret = make_user(name, list(roles))
        client = app.test_client()
        response = login(client, name, secret)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client, user
    return factory
