"""The limiter's log line keeps nothing derived from the client's address.

Flask-Limiter logs "ratelimit ... (KEY) exceeded"; our key is HMAC(secret, address), and
anyone who reads the log and knows (or steals) the secret can find the address by trying
every IPv4 address. The line must keep the limit and the endpoint only."""
from __future__ import annotations

import logging

from complaints.extensions import client_key
from tests.web.conftest import csrf_token


def test_the_rate_limit_log_line_holds_no_address_derived_value(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client, "/login")
    statuses = [client.post("/login", data={"csrf_token": token, "username": "nobody",
                                            "password": "not the password"},
                            environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
                for _ in range(12)]
    assert 429 in statuses
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        key = client_key()
    lines = [record.getMessage() for record in caplog.records]
    assert any("exceeded" in line for line in lines), lines  # the event itself is still logged
    assert not any(key in line or key[:12] in line or "198.51.100.7" in line for line in lines)
