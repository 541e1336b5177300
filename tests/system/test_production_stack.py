"""The production set-up of the deployment guide, really running: two gunicorn instances
with several workers, one PostgreSQL, limiter storage in Redis. Sessions and rate limits
hold across instances; no log keeps a client address; outages of the database or Redis
give a clear answer, never a 500, and the service recovers when they are back. Abuse control
keys on no address: a proof of work spent in Redis, shared by every worker and instance."""
from __future__ import annotations

import socket
import time
import uuid

from tests.system.servers import Gunicorn
from tests.system.webclient import Browser, file_report, open_case, report_fields

WRONG_RECEIPT = "AAAA-BBBB-CCCC-DDDD-EEEE"


def test_a_case_filed_on_one_instance_is_followed_on_the_other(running_stack):
    a, b = running_stack.instances
    browser = Browser(a.base, forwarded_for="203.0.113.10")
    marker = uuid.uuid4().hex
    receipt = file_report(browser, f"Filed on instance A {marker}")

    other = Browser(b.base, forwarded_for="203.0.113.11")
    assert open_case(other, receipt).location.endswith("/track/case")
    page = other.get("/track/case")
    assert page.status == 200 and marker in page.text

    # The receipt session made on B works on A: no process keeps session state.
    token = page.csrf()
    other.base = a.base
    sent = other.post("/track/message", {"csrf_token": token, "body": f"Reply via A {marker}"})
    assert sent.status == 302
    assert f"Reply via A {marker}" in other.get("/track/case").text


def test_each_instance_runs_several_workers(running_stack):
    for server in running_stack.instances:
        assert len(server.worker_pids()) == server.workers >= 2


def test_a_spent_proof_is_refused_on_the_other_instance(running_stack):
    # Receipt lookups were throttled per client address; now each costs a proof of work,
    # spent once in Redis, so a proof used on one instance opens nothing on the other.
    a, b = running_stack.instances
    guesser = Browser(a.base, forwarded_for="198.51.100.23")
    form = guesser.get("/track")
    fields = {"csrf_token": form.csrf(), "receipt": WRONG_RECEIPT, **form.proof()}
    assert guesser.post("/track", fields).status == 404
    guesser.base = b.base
    assert guesser.post("/track", fields).status == 400  # spent, whichever worker answers
    # Someone at the guesser's address, with a proof of their own, is not blocked.
    assert open_case(Browser(b.base, forwarded_for="198.51.100.23"), WRONG_RECEIPT).status == 404


def test_the_ceiling_without_javascript_holds_across_both_instances(running_stack):
    a, b = running_stack.instances
    ceiling = 30  # COMPLAINTS_NOJS_SIGNINS_PER_MINUTE's default
    forms = []
    for attempt in range(ceiling + 2):
        browser = Browser((a, b)[attempt % 2].base, forwarded_for=f"198.51.100.{30 + attempt}")
        page = browser.get("/track")
        forms.append((browser, {"csrf_token": page.csrf(), "proof_challenge": page.challenge(),
                                "proof_nonce": "", "receipt": WRONG_RECEIPT}))
    time.sleep(3.2)  # without JavaScript a sign-in form must have been open 3 seconds
    statuses = [browser.post("/track", fields).status for browser, fields in forms]
    assert statuses.count(404) <= ceiling and statuses.count(429) >= 2  # one count for both
    assert set(statuses) <= {404, 429}


def test_the_limiter_keeps_only_keyed_hashes_in_redis(running_stack):
    a, _ = running_stack.instances
    open_case(Browser(a.base, forwarded_for="198.51.100.77"), WRONG_RECEIPT)
    keys = running_stack.redis.keys()
    assert keys, "the limiter should count in Redis"
    assert not any(b"198.51.100" in key or b"127.0.0" in key for key in keys)


def _malformed_request(server: Gunicorn) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10,
                                  source_address=("127.0.0.3", 0)) as sock:
        sock.sendall(b"GET /\x00bad HTTP/1.1\r\nHost: x\r\n\r\n")
        return sock.recv(200)


def test_no_log_keeps_a_client_address(running_stack):
    a, b = running_stack.instances
    for server in (a, b):
        visitor = Browser(server.base, forwarded_for="192.0.2.55", source="127.0.0.3")
        file_report(visitor, "Log check")
        open_case(visitor, WRONG_RECEIPT)
        visitor.get("/nothing-here?who=192.0.2.56")
        assert _malformed_request(server).startswith(b"HTTP/1.1 400")
    for server in (a, b):
        # gunicorn writes the access line after the response has gone: wait for it.
        deadline = time.monotonic() + 15
        while not all(line in server.log() for line in ("POST /report 302", "GET /nothing-here 404",
                                                         "Invalid request from")):
            assert time.monotonic() < deadline, server.log()[-3000:]
            time.sleep(0.2)
        log = server.log()
        assert "Invalid request from ip=[address]" in log
        for address in ("127.0.0.3", "192.0.2.55", "192.0.2.56"):
            assert address not in log


def test_database_outage_gives_a_try_again_page_and_recovers(running_stack):
    a, b = running_stack.instances
    browser = Browser(a.base, forwarded_for="203.0.113.40")
    form = browser.get("/report")
    token, proof = form.csrf(), form.proof()
    running_stack.postgres.stop("immediate")
    try:
        for server in (a, b):
            browser.base = server.base
            refused = browser.post("/report", report_fields(token, "During the outage", proof))
            assert refused.status == 503
            assert "Please try again" in refused.text and "Nothing was saved" in refused.text
            assert browser.get("/report").status == 200  # the form needs no database (no staff list)
    finally:
        running_stack.postgres.start()
    for number, server in enumerate((a, b)):
        assert file_report(Browser(server.base, forwarded_for=f"203.0.113.{41 + number}"),
                           "After the outage")


def test_redis_outage_keeps_serving_and_spent_proofs_in_memory(running_stack):
    a, _ = running_stack.instances
    running_stack.redis.stop()
    try:
        guesser = Browser(a.base, forwarded_for="198.51.100.90")
        statuses = []
        for _ in range(3):
            form = guesser.get("/track")
            fields = {"csrf_token": form.csrf(), "receipt": WRONG_RECEIPT, **form.proof()}
            statuses.append(guesser.post("/track", fields).status)
            # The same proof again, many times: each worker remembers what it saw spent.
            statuses.extend(guesser.post("/track", fields).status for _ in range(2 * a.workers))
    finally:
        running_stack.redis.start()
    assert 500 not in statuses and set(statuses) <= {400, 404}
    assert statuses.count(404) <= 3 * a.workers  # at most once per worker, never every time
    # Back on Redis once it returns.
    deadline = time.monotonic() + 60
    while not running_stack.redis.keys():
        assert time.monotonic() < deadline, "the limiter did not return to Redis"
        assert open_case(Browser(a.base, forwarded_for="198.51.100.91"), WRONG_RECEIPT).status == 404
        time.sleep(0.5)


def test_an_oversized_body_is_refused_without_reading_it(running_stack):
    a = running_stack.a
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", a.port), timeout=15) as sock:
        sock.sendall(b"POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                     b"boundary=x\r\nContent-Length: 10000000000\r\n\r\n--x\r\n")
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 10  # answered at once, not after 10 GB
    assert Browser(a.base).get("/").status == 200
