"""Abuse control against the real server (issue 14): gunicorn with two workers, PostgreSQL and
Redis on loopback. Fifty different people behind one address all report while a script from
that same address sends 1,000 reports in a minute and is held off: without a proof it meets
the wait and the ceiling, replayed and forged proofs fail, and every form it fetches makes the
next proof dearer. Bounded: a fixed number of requests and a hard time limit.

The proof's base difficulty is lowered (the test client solves in Python what a browser solves
while a person writes); the waits and ceilings are the production defaults except the
no-JavaScript wait (2 s instead of 20 s, so the test does not sleep)."""
from __future__ import annotations

import os
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select

from complaints.models import Case
from tests.system.servers import Gunicorn, complaints_env, prepare_instance
from tests.system.webclient import Browser, receipt_on, report_fields

ADDRESS = "10.77.0.1"          # the barracks' one public address (or an onion service's)
PEOPLE = 50
SCRIPT_REPORTS = 1000
BASE_BITS = 12
NOJS_CEILING = 30              # reports an hour without JavaScript (the default)
TIME_LIMIT = 420


@pytest.fixture()
def server(postgres, redis_server, tmp_path):
    if not postgres.running:
        postgres.start()
    if redis_server.process is None:
        redis_server.start()
    url = postgres.create_database(f"abuse_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}")
    env = complaints_env(tmp_path / "instance", url, redis_server.url.replace("/0", "/2"),
                         COMPLAINTS_REPORT_PROOF_BITS=str(BASE_BITS),
                         COMPLAINTS_NOJS_REPORT_WAIT_SECONDS="2",
                         COMPLAINTS_NOJS_REPORTS_PER_HOUR=str(NOJS_CEILING))
    prepare_instance(env)
    with Gunicorn(env, 2, tmp_path) as gunicorn:
        yield gunicorn, url


def bits(challenge: str) -> int:
    return int(challenge.split(".")[3])


def person(base: str, number: int, form=None):  # type: ignore[no-untyped-def]
    """One person: opens the form (maybe minutes ago), writes, sends; returns the receipt."""
    browser = Browser(base, forwarded_for=ADDRESS)
    if form is None:
        form = browser.get("/report")
    else:
        browser.cookies.update(form[1])
        form = form[0]
    sent = browser.post("/report", report_fields(form.csrf(), f"Person {number}: what happened to me.",
                                                 form.proof()))
    if sent.status != 302:
        return f"refused {sent.status}"
    return receipt_on(browser.get("/report/sent"))


def script_attempt(base: str, n: int, stash: dict) -> tuple[str, int, float]:  # type: ignore[type-arg]
    """One of the script's 1,000 reports, each trying a different way round the control."""
    browser = Browser(base, forwarded_for=ADDRESS)
    form = browser.get("/report")
    fields = report_fields(form.csrf(), f"Junk {n} " + "x" * 200)
    kind = ("no proof", "forged", "replayed", "aged without proof")[n % 4]
    if kind == "forged":
        fields.update(proof_challenge=form.challenge(), proof_nonce=str(random.randrange(10**9)))
    elif kind == "replayed":  # one proof, solved before the flood, sent again and again
        fields.update(stash["solved"])
    elif kind == "aged without proof":
        fields.update(proof_challenge=stash["old_forms"][n % len(stash["old_forms"])])
    else:
        fields.update(proof_challenge=form.challenge(), proof_nonce="")
    sent = browser.post("/report", fields)
    return kind, sent.status, sent.seconds


def test_fifty_people_behind_one_address_report_while_a_flood_is_held_off(server):
    gunicorn, url = server
    base = gunicorn.base
    started, hour = time.monotonic(), int(time.time() // 3600)

    # Forty people opened the form before the flood and are writing; the script has also kept
    # some forms aside, to send them later without a proof (the no-JavaScript path).
    early = []
    for _ in range(40):
        browser = Browser(base, forwarded_for=ADDRESS)
        early.append((browser.get("/report"), dict(browser.cookies)))
    first_bits = bits(early[0][0].challenge())
    stash: dict = {"old_forms": [Browser(base, forwarded_for=ADDRESS).get("/report").challenge()
                                 for _ in range(60)]}
    # Solved once, cheaply, before the flood made proofs dear (in the threads, two could solve).
    stash["solved"] = Browser(base, forwarded_for=ADDRESS).get("/report").proof()
    time.sleep(2.2)  # those forms are now old enough for the no-JavaScript path

    with ThreadPoolExecutor(max_workers=10) as pool:
        flood = [pool.submit(script_attempt, base, n, stash) for n in range(SCRIPT_REPORTS)]
        people = [pool.submit(person, base, n, early[n]) for n in range(40)]
        # Ten more people open the form during the flood: their proofs cost more.
        people += [pool.submit(person, base, 40 + n) for n in range(PEOPLE - 40)]
        results = [f.result(timeout=TIME_LIMIT) for f in flood]
        receipts = [f.result(timeout=TIME_LIMIT) for f in people]
    flood_seconds = time.monotonic() - started
    # The no-JavaScript ceiling counts per clock hour: a run across the hour sees two of them.
    ceiling = NOJS_CEILING * (1 + (int(time.time() // 3600) != hour))

    # Every person got a receipt.
    assert all(r.count("-") == 4 for r in receipts), receipts
    # The script: nothing without a proof beyond the ceiling, nothing forged, one replay.
    accepted = [kind for kind, status, _ in results if status == 302]
    assert "forged" not in accepted, Counter(accepted)
    assert accepted.count("replayed") <= 1, Counter(accepted)
    # Without a proof (sent at once, or from forms kept aside): the wait, then the ceiling.
    assert accepted.count("no proof") + accepted.count("aged without proof") <= ceiling, Counter(accepted)
    assert len(accepted) <= ceiling + 1
    statuses = {status for _, status, _ in results}
    assert statuses <= {302, 400, 429}, statuses
    refusals = sorted(seconds for _, status, seconds in results if status != 302)
    assert refusals[len(refusals) // 2] < 2.0  # refused in bounded time, not queued behind work

    # Solving honestly costs more with every form the flood fetched: after it, the next proof
    # asks for at least 2**5 times the work of a quiet hour.
    after = Browser(base, forwarded_for=ADDRESS).get("/report")
    assert bits(after.challenge()) >= first_bits + 5
    solving = time.perf_counter()
    nonce = int(after.proof()["proof_nonce"])
    rate = (nonce + 1) / (time.perf_counter() - solving)  # hashes a second, this client
    solving = 2 ** bits(after.challenge()) / rate          # what one proof costs on average

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            filed = conn.execute(select(func.count()).select_from(Case)).scalar_one()
    finally:
        engine.dispose()
    assert filed == PEOPLE + len(accepted)
    log = gunicorn.log()
    assert " 500 " not in log and "Traceback" not in log
    print(f"\n{SCRIPT_REPORTS} script reports and {PEOPLE} people in {flood_seconds:.0f} s: "
          f"{len(accepted)} script reports accepted ({dict(Counter(accepted))}); refusals median "
          f"{refusals[len(refusals) // 2] * 1000:.0f} ms, 95th {refusals[int(len(refusals) * .95)] * 1000:.0f} ms; "
          f"proof bits {first_bits} before the flood, {bits(after.challenge())} after; one proof then cost "
          f"{solving:.1f} s on average in Python (about {60 / max(solving, 1e-3):.0f} reports a minute per core)")
