"""Shared fixtures.

Every test gets a fresh, fully migrated database:
- SQLite (default): migrations run once per session into a template file, copied per test.
- PostgreSQL (``COMPLAINTS_TEST_DATABASE_URL`` set): migrations run once into a template
  database; each test gets ``CREATE DATABASE ... TEMPLATE`` of it (fast, and the schema,
  triggers and seed rows are exactly what Alembic built).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from complaints import create_app
from complaints.crypto import Keyring
from complaints.migrate import upgrade_database

PG_URL = os.environ.get("COMPLAINTS_TEST_DATABASE_URL", "")


def _pg_admin_engine(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy from: a file path (SQLite) or a database name (PG)."""
    if PG_URL:
        name = f"complaints_tpl_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin_engine(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name)
        upgrade_database(url.render_as_string(hide_password=False))
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade_database(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture()
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        name = f"complaints_t_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin_engine(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        from complaints.extensions import db

        if db.engine is not None:
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "complaints.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.fixture()
def app_config(database_url: str, tmp_path: Path, keyring: Keyring) -> dict:
    instance = tmp_path / "instance"
    (instance / "attachments").mkdir(parents=True)
    return {
        "TESTING": True,
        "INSTANCE": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
        "KEYS": keyring.to_json(),
        "RATELIMIT_STORAGE": "memory://",
        # Proofs of work a test solves in milliseconds; tests of the abuse control set their own.
        "REPORT_PROOF_BITS": 4,
        "TRACK_PROOF_BITS": 2,
    }


@pytest.fixture()
def app(app_config: dict):
    application = create_app(app_config)
    yield application
    from complaints.extensions import db

    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run: the end-to-end tests' browser and the system
    tests' own browsers (a second sync driver can't start while the first one's loop runs)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as driver:
        yield driver
