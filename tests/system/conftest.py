"""The production set-up, really running on loopback: PostgreSQL and Redis from Debian's
packages, and two separate gunicorn instances with several workers each, sharing one
instance folder, one database and one Redis. Started once per test session, always stopped.

Skipped (with the reason) only when Debian's postgresql or redis-server is not installed;
.ci/run installs both.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

# Sign-in helpers of the web tests, for the in-process fault tests.
from tests.web.conftest import login, make_user, staff_client  # noqa: F401
from tests.system.servers import (Gunicorn, Postgres, Redis, ServerMissing, complaints_env,
                                  prepare_instance)

WORKERS_PER_INSTANCE = int(os.environ.get("COMPLAINTS_SYSTEM_WORKERS", "2"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    try:
        server = Postgres()
    except ServerMissing as missing:
        pytest.skip(str(missing))
    with server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    try:
        server = Redis()
    except ServerMissing as missing:
        pytest.skip(str(missing))
    with server:
        yield server


@dataclass
class Stack:
    instance: Path
    database_url: str
    env: dict[str, str]
    postgres: Postgres
    redis: Redis
    a: Gunicorn
    b: Gunicorn

    @property
    def instances(self) -> tuple[Gunicorn, Gunicorn]:
        return self.a, self.b

    def ensure_database_running(self) -> None:
        if not self.postgres.running:
            self.postgres.start()

    def ensure_redis_running(self) -> None:
        if self.redis.process is None:
            self.redis.start()


@pytest.fixture(scope="session")
def stack(postgres: Postgres, redis_server: Redis,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("stack")
    instance = root / "instance"
    url = postgres.create_database("complaints_stack")
    env = complaints_env(instance, url, redis_server.url)
    prepare_instance(env)
    with Gunicorn(env, WORKERS_PER_INSTANCE, root) as a, Gunicorn(env, WORKERS_PER_INSTANCE, root) as b:
        yield Stack(instance, url, env, postgres, redis_server, a, b)


@pytest.fixture()
def running_stack(stack: Stack) -> Stack:
    """The stack with its database and Redis up (a fault test before may have stopped them)."""
    stack.ensure_database_running()
    stack.ensure_redis_running()
    return stack
