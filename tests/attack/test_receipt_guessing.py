"""Guessing receipts: 100 bits make guessing hopeless, and the lookup is throttled per
client address whatever the guesser does with cookies or the code's spelling."""
from __future__ import annotations

import pytest

from tests.web.conftest import csrf_token
from tests.web.test_track import filed, open_case

GUESSES = ["AAAA-BBBB-CCCC-DDDD-EEEE", "aaaa bbbb cccc dddd eeee", "AAAABBBBCCCCDDDDEEEE",
           "0000-0000-0000-0000-0000", "nonsense", "' OR 1=1 --", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"]


def test_fresh_cookies_and_spellings_do_not_reset_the_throttle(app):
    statuses = []
    for guess in GUESSES:
        guesser = app.test_client()  # a new cookie jar for every attempt
        statuses.append(open_case(guesser, guess).status_code)
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_a_throttled_guesser_cannot_open_even_a_real_case(app, client):
    receipt = filed(client)
    guesser = app.test_client()
    for guess in GUESSES[:5]:
        open_case(guesser, guess)
    assert open_case(guesser, receipt).status_code == 429
    assert guesser.get("/track/case").status_code == 302


@pytest.fixture()
def app_config(app_config):
    return {**app_config, "TRUSTED_PROXIES": 1}


def test_the_throttle_is_per_address_behind_the_proxy(app, client):
    def attempt(address: str) -> int:
        guesser = app.test_client()
        token = csrf_token(guesser, "/track")
        return guesser.post("/track", data={"csrf_token": token, "receipt": GUESSES[0]},
                            headers={"X-Forwarded-For": address}).status_code

    assert [attempt("198.51.100.1") for _ in range(6)][-1] == 429
    assert attempt("198.51.100.2") == 404  # someone else is not locked out
