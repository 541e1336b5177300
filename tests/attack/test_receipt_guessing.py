"""Guessing receipts: 100 bits make guessing hopeless, and every lookup costs a proof of work
that is spent once, whatever the guesser does with cookies or the code's spelling.

The lookup used to be throttled per client address (5 a minute); everyone behind that address
(a barracks network, every visitor of an onion service) was then shut out with the guesser.
These tests now check the replacement: a guesser pays for each guess, a flood makes every
further guess dearer, and a person at the guesser's address still gets in.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.web.conftest import form_fields
from tests.web.test_track import filed

GUESSES = ["AAAA-BBBB-CCCC-DDDD-EEEE", "aaaa bbbb cccc dddd eeee", "AAAABBBBCCCCDDDDEEEE",
           "0000-0000-0000-0000-0000", "nonsense", "' OR 1=1 --", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"]
ADDRESS = "198.51.100.1"


@pytest.fixture()
def app_config(app_config):
    return {**app_config, "TRUSTED_PROXIES": 1}


def bits_of(page: str) -> int:
    return int(re.search(r'name="proof_challenge" type="hidden" value="v1\.track\.\d+\.(\d+)\.', page).group(1))


def test_fresh_cookies_and_spellings_do_not_skip_the_proof(app):
    fields = None
    for guess in GUESSES:
        guesser = app.test_client()  # a new cookie jar for every attempt
        fields = form_fields(guesser, "/track")
        assert guesser.post("/track", data={**fields, "receipt": guess}).status_code in (400, 404)
        # The same proof again, from yet another cookie jar: refused before any lookup.
        again = app.test_client()
        token = form_fields(again, "/track")["csrf_token"]
        replay = again.post("/track", data={**fields, "csrf_token": token, "receipt": guess})
        assert replay.status_code == 400
    # No proof at all, straight away: a short wait first (the path of browsers without scripts).
    bare = app.test_client()
    fields = form_fields(bare, "/track")
    response = bare.post("/track", data={**fields, "proof_nonce": "", "receipt": GUESSES[0]})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_a_forged_or_foreign_challenge_opens_nothing(app, client):
    receipt = filed(client)
    guesser = app.test_client()
    fields = form_fields(guesser, "/track")
    _, purpose, issued, bits, salt, mac = fields["proof_challenge"].split(".")
    cheap = f"v1.{purpose}.{issued}.0.{salt}.{mac}"  # claims 0 bits: the signature no longer fits
    assert guesser.post("/track", data={**fields, "proof_challenge": cheap, "proof_nonce": "1",
                                        "receipt": receipt}).status_code == 400
    report_challenge = form_fields(guesser, "/report")  # a report's challenge, spent on a sign-in
    assert guesser.post("/track", data={**fields, **report_challenge, "csrf_token": fields["csrf_token"],
                                        "receipt": receipt}).status_code == 400
    assert guesser.get("/track/case").status_code == 302


def test_a_flood_of_guesses_makes_every_further_guess_dearer(app):
    guesser = app.test_client()
    first = bits_of(guesser.get("/track", headers={"X-Forwarded-For": ADDRESS}).get_data(as_text=True))
    for _ in range(app.config["PROOF_NORMAL_FORMS"] * 4):
        page = guesser.get("/track", headers={"X-Forwarded-For": ADDRESS}).get_data(as_text=True)
    assert bits_of(page) >= first + 2  # four times the normal rate: four times the work each


def test_a_guesser_does_not_shut_out_a_person_at_the_same_address(app, client):
    receipt = filed(client)
    guesser = app.test_client()
    for guess in GUESSES * 2:
        fields = form_fields(guesser, "/track")
        guesser.post("/track", data={**fields, "receipt": guess}, headers={"X-Forwarded-For": ADDRESS})
    person = app.test_client()
    fields = form_fields(person, "/track")
    response = person.post("/track", data={**fields, "receipt": receipt}, headers={"X-Forwarded-For": ADDRESS})
    assert response.status_code == 302 and person.get("/track/case").status_code == 200


def test_guesses_without_a_script_meet_a_ceiling_that_a_person_with_one_passes(app, client, monkeypatch):
    receipt = filed(client)
    app.config["NOJS_SIGNINS_PER_MINUTE"] = 3
    later = time.time() + 10  # every form below has been open long enough
    forms = []
    for _ in range(5):
        guesser = app.test_client()
        forms.append((guesser, form_fields(guesser, "/track")))
    monkeypatch.setattr("complaints.services.abuse.time.time", lambda: later)
    statuses = [g.post("/track", data={**f, "proof_nonce": "", "receipt": GUESSES[0]}).status_code
                for g, f in forms]
    assert statuses[:3] == [404] * 3 and statuses[3:] == [429, 429]
    person = app.test_client()  # with a script: the proof, not the ceiling, is what counts
    fields = form_fields(person, "/track")
    assert person.post("/track", data={**fields, "receipt": receipt}).status_code == 302
