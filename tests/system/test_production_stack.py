"""The production set-up of the deployment guide, really running: two gunicorn instances
with several workers, one PostgreSQL, limiter storage in Redis. Sessions and rate limits
hold across instances; no log keeps a client address; outages of the database or Redis
give a clear answer, never a 500, and the service recovers when they are back."""
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


def test_receipt_guessing_is_throttled_across_both_instances(running_stack):
    a, b = running_stack.instances
    statuses = []
    for attempt in range(8):
        guesser = Browser((a if attempt % 2 else b).base, forwarded_for="198.51.100.23")
        statuses.append(open_case(guesser, WRONG_RECEIPT).status)
    assert statuses[:5] == [404] * 5  # "5 per minute" counted over both instances together
    assert statuses[5:] == [429] * 3
    # Someone else, at another address, is not blocked by the guesser.
    assert open_case(Browser(a.base, forwarded_for="198.51.100.24"), WRONG_RECEIPT).status == 404


def test_report_limit_holds_across_both_instances(running_stack):
    a, b = running_stack.instances
    statuses = []
    for attempt in range(4):
        browser = Browser((a, b)[attempt % 2].base, forwarded_for="198.51.100.30")
        token = browser.get("/report").csrf()
        statuses.append(browser.post("/report", report_fields(token, "Throttle check")).status)
    assert statuses == [302, 302, 302, 429]  # "3 per minute"


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
    token = browser.get("/report").csrf()
    running_stack.postgres.stop("immediate")
    try:
        for server in (a, b):
            browser.base = server.base
            refused = browser.post("/report", report_fields(token, "During the outage"))
            assert refused.status == 503
            assert "Please try again" in refused.text and "Nothing was saved" in refused.text
            assert browser.get("/report").status == 200  # the form needs no database (no staff list)
    finally:
        running_stack.postgres.start()
    for number, server in enumerate((a, b)):
        # Another visitor: the two refused posts above count against this one's "3 per minute".
        assert file_report(Browser(server.base, forwarded_for=f"203.0.113.{41 + number}"),
                           "After the outage")


def test_redis_outage_keeps_serving_and_throttling_per_worker(running_stack):
    a, _ = running_stack.instances
    running_stack.redis.stop()
    try:
        statuses = [open_case(Browser(a.base, forwarded_for="198.51.100.90"), WRONG_RECEIPT).status
                    for _ in range(5 * a.workers + 1)]
    finally:
        running_stack.redis.start()
    assert 500 not in statuses and set(statuses) <= {404, 429}
    # Each worker falls back to counting in its own memory: still throttled.
    assert 429 in statuses
    # Back on Redis once it returns (the limiter retries it with a back-off).
    deadline = time.monotonic() + 60
    while not running_stack.redis.keys():
        assert time.monotonic() < deadline, "the limiter did not return to Redis"
        assert open_case(Browser(a.base, forwarded_for="198.51.100.91"), WRONG_RECEIPT).status in (404, 429)
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
