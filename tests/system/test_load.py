"""Load on the production set-up: many concurrent anonymous submissions and follow-ups over
two gunicorn instances on one PostgreSQL and one Redis. Afterwards every accepted
submission is in the database exactly once and opens correctly, nothing else was written,
and the audit log verifies. Bounded: a fixed number of visitors and a hard time limit."""
from __future__ import annotations

import os

import pytest

from tests.system.load import check_database, run_load
from tests.system.servers import Gunicorn, complaints_env, prepare_instance

VISITORS = int(os.environ.get("COMPLAINTS_LOAD_VISITORS", "200"))
CONCURRENCY = 16
TIME_LIMIT = 240  # seconds for the whole load; a hang fails the test


@pytest.fixture()
def fresh_stack(postgres, redis_server, tmp_path):
    if not postgres.running:  # a fault test before may have stopped them
        postgres.start()
    if redis_server.process is None:
        redis_server.start()
    url = postgres.create_database(f"load_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}")
    instance = tmp_path / "instance"
    env = complaints_env(instance, url, redis_server.url.replace("/0", "/1"))
    prepare_instance(env)
    with Gunicorn(env, 2, tmp_path) as a, Gunicorn(env, 2, tmp_path) as b:
        yield instance, url, (a, b)


def test_concurrent_submissions_and_follow_ups_are_all_kept_once(fresh_stack):
    instance, url, servers = fresh_stack
    result = run_load(tuple(s.base for s in servers), VISITORS, CONCURRENCY, TIME_LIMIT)

    assert result.errors == []
    assert len(result.accepted) == VISITORS
    assert all(visit.followed_up for visit in result.visits)
    statuses = {status for visit in result.visits for status in visit.statuses}
    assert statuses <= {200, 302}

    counts = check_database(str(instance), url, result.accepted)
    assert counts["cases"] == counts["submit entries"] == VISITORS  # none lost, none twice
    assert counts["messages"] == VISITORS
    assert counts["attachments"] == sum(v.with_file for v in result.visits)
    for server in servers:
        assert " 500 " not in server.log() and "Traceback" not in server.log()
