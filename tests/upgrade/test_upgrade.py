"""An instance filled by the previous release upgrades to this one and opens everything.

The fixture (release-0004.json.gz, built by build_fixture.py on the release's own commit)
holds every table's rows at that release's schema, its key ring and its encrypted evidence
files. The test loads them into an empty database migrated only to that revision, runs
this release's migrations to head, starts this release's app on it, and then: the audit
chain verifies, every sealed value of every case and every file opens, the complainants'
receipts still open their cases, and staff can still sign in.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from complaints import create_app
from complaints.extensions import db
from complaints.migrate import upgrade_database
from complaints.models import Case
from tests.conftest import PG_URL, _pg_admin_engine

FIXTURE = Path(__file__).with_name("release-0004.json.gz")


def _decode(value: object, sqlite: bool) -> object:
    """A fixture value as the old schema's column stores it (reflected tables lose the
    models' type decorators: SQLite keeps UUIDs as hex text and UTC times without a zone)."""
    if isinstance(value, dict):
        if "b64" in value:
            return base64.b64decode(value["b64"])
        if "uuid" in value:
            return uuid.UUID(value["uuid"]).hex if sqlite else uuid.UUID(value["uuid"])
        if value.get("kind") == "date":
            return date.fromisoformat(value["iso"])
        if "iso" in value:
            moment = datetime.fromisoformat(value["iso"])
            return moment.replace(tzinfo=None) if sqlite else moment
    return value


@pytest.fixture()
def old_release_database(tmp_path: Path):
    """An empty database, migrated to the fixture's revision and filled with its rows."""
    document = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    if PG_URL:
        name = f"complaints_up_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin_engine(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_database(url, document["revision"])
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            rows = document["tables"].get(table.name)
            if rows and table.name != "alembic_version":
                conn.execute(table.delete())  # rows the migrations seed (the audit head)
                conn.execute(insert(table), [{k: _decode(v, not PG_URL) for k, v in row.items()}
                                             for row in rows])
    engine.dispose()
    yield url, document
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_previous_release_upgrades_and_opens_everything(old_release_database, tmp_path):
    url, document = old_release_database
    upgrade_database(url)  # this release's migrations, to head

    instance = tmp_path / "instance"
    (instance / "attachments").mkdir(parents=True)
    for name, content in document["attachments"].items():
        (instance / "attachments" / name).write_bytes(base64.b64decode(content))
    app = create_app({"TESTING": True, "INSTANCE": str(instance), "DATABASE_URL": url,
                      "SECRET_KEY": "upgrade-test", "KEYS": json.dumps(document["keys"]),
                      "RATELIMIT_ENABLED": False})
    from complaints.services.verification import check_instance

    with app.app_context():
        report = check_instance()
        cases = db.session.execute(select(Case)).scalars().all()
        assert len(cases) == len(document["tables"]["cases"])
    assert report.audit_ok, report.audit_problem
    assert report.audit_entries == len(document["tables"]["audit_entries"])
    assert report.failures == []
    assert report.cases == len(cases) and report.shredded_cases == 0
    assert report.files == len(document["attachments"]) == 3
    sealed_in_fixture = sum(
        1 for rows in document["tables"].values() for row in rows
        for column, value in row.items() if column.endswith("_enc") and value
        and column != "totp_secret_enc")
    assert report.values == sealed_in_fixture
    assert report.staff_secrets == len(document["tables"]["users"])

    # A complainant of the old release still follows their case with the old receipt,
    # and reads what they wrote and the file they sent.
    from tests.web.conftest import form_fields

    client = app.test_client()
    for filed in document["reports"]:
        opened = client.post("/track", data={**form_fields(client, "/track"),
                                             "receipt": filed["receipt"]}, follow_redirects=True)
        body = opened.get_data(as_text=True)
        assert opened.status_code == 200 and filed["narrative"] in body, body[:400]
        assert filed["file"] in body
        client.post("/track/close", data={"csrf_token": re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)})
        client.delete_cookie("session")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
