"""Backups that restore: `complaints backup` on a filled instance, `complaints restore` into a
fresh one with the key file kept separately, on SQLite and (with COMPLAINTS_TEST_DATABASE_URL)
on PostgreSQL, through the real command line."""
from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from complaints import create_app
from complaints.extensions import db
from complaints.models import Case, DataKey
from tests.conftest import PG_URL, _pg_admin_engine
from tests.web.test_report import receipt_from
from tests.web.conftest import form_fields

NARRATIVES = ("BACKUP-CANARY-1 he follows me to the car park.",
              "BACKUP-CANARY-2 my shifts were cut after I refused.")


@pytest.fixture()
def databases(tmp_path):
    """Two empty databases: the instance that is backed up, and the fresh one restored into."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'a' / 'complaints.db'}", f"sqlite:///{tmp_path / 'b' / 'complaints.db'}"
        return
    admin = _pg_admin_engine(PG_URL)
    names = [f"complaints_bk_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield tuple(make_url(PG_URL).set(database=n).render_as_string(hide_password=False) for n in names)
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def complaints(instance: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_")}
    env.update(COMPLAINTS_INSTANCE=str(instance), COMPLAINTS_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-c", "from complaints.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, timeout=600)


def app_for(instance: Path, url: str):
    return create_app({"INSTANCE": str(instance), "DATABASE_URL": url, "RATELIMIT_ENABLED": False})


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def file_reports(app) -> list[str]:
    client, receipts = app.test_client(), []
    for narrative in NARRATIVES:
        response = client.post("/report", content_type="multipart/form-data", data={
            **form_fields(client, "/report"),
            "category": "SH_VERBAL", "narrative": narrative, "wants": "formal",
            "identity": "anonymous", "protection_needed": "no",
            "files": [(io.BytesIO(b"BACKUP-FILE " + narrative.encode()), "evidence.txt")]})
        receipt, _ = receipt_from(client, response)
        receipts.append(receipt)
    return receipts


def opens_with_receipt(app, receipt: str, narrative: str) -> bool:
    client = app.test_client()
    page = client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt},
                       follow_redirects=True)
    body = page.get_data(as_text=True)
    return page.status_code == 200 and narrative in body and "evidence.txt" in body


def test_backup_restores_into_a_fresh_instance_with_the_separate_key_file(databases, tmp_path):
    url_a, url_b = databases
    a, b, backups = tmp_path / "a", tmp_path / "b", tmp_path / "backups"
    assert complaints(a, url_a, "demo", "--cases", "20").returncode == 0
    app_a = app_for(a, url_a)
    receipts = file_reports(app_a)
    with app_a.app_context():  # one closed case is long past its retention period
        old = db.session.execute(select(Case).where(Case.state == "closed")).scalars().first()
        old.closed_at = datetime(2001, 1, 1, tzinfo=timezone.utc)
        old_reference, old_key = old.reference, old.data_key_id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    made = complaints(a, url_a, "backup", "--to", str(backups))
    assert made.returncode == 0, made.stderr
    archive = next(backups.glob("complaints-backup-*.cbk"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    # Never the keys: no key material, no session secret, in any form.
    data = archive.read_bytes()
    keys = json.loads((a / "keys.json").read_text())
    for secret in [k["key"] for k in keys["keks"]] + [keys["index_key"], keys["audit_key"]]:
        assert secret.encode() not in data and base64.b64decode(secret) not in data
    assert (a / "secret_key").read_text().strip().encode() not in data
    assert b"BACKUP-CANARY" not in data and b"SQLite format" not in data  # sealed as a whole

    # Retention shreds the old case after the backup was made.
    shredded = complaints(a, url_a, "retention", "run")
    assert shredded.returncode == 0 and old_reference in shredded.stdout
    assert (a / "shred-ledger.json").exists()

    # Without the key file: a clear refusal, and nothing is created or changed.
    refused = complaints(b, url_b, "restore", str(archive))
    assert refused.returncode == 2
    assert "key file" in refused.stderr and "Nothing was changed" in refused.stderr
    assert not b.exists() or not any(b.iterdir())
    if PG_URL:
        engine = _pg_admin_engine(url_b)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname='public'")).scalar() == 0
        engine.dispose()

    # With the key file and the shred ledger backed up separately: restored and opened.
    b.mkdir()
    for name in ("keys.json", "shred-ledger.json"):
        shutil.copy2(a / name, b / name)
        os.chmod(b / name, 0o600)
    restored = complaints(b, url_b, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "1 shredded case(s) stay unreadable" in restored.stdout
    assert "audit log: intact" in restored.stdout

    app_b = app_for(b, url_b)
    from complaints import audit
    from complaints.instance import keyring
    from complaints.services.verification import check_instance

    with app_b.app_context():
        check = check_instance()
        assert check.ok and check.failures == []
        assert check.cases == 22 and check.shredded_cases == 1 and check.files == 2
        assert audit.verify(db.session, keyring().audit_key).ok
        assert db.session.get(DataKey, old_key).wrapped is None  # shredded after the backup
        assert db.session.execute(select(Case).where(Case.reference == old_reference)
                                  ).scalar_one().shredded_at is not None
    for receipt, narrative in zip(receipts, NARRATIVES):
        assert opens_with_receipt(app_b, receipt, narrative)
    for app in (app_a, app_b):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_damaged_or_foreign_backup_is_refused_and_changes_nothing(databases, tmp_path):
    url_a, url_b = databases
    a, b, backups = tmp_path / "a", tmp_path / "b", tmp_path / "backups"
    assert complaints(a, url_a, "init").returncode == 0
    assert complaints(a, url_a, "backup", "--to", str(backups)).returncode == 0
    archive = next(backups.glob("*.cbk"))
    b.mkdir()
    shutil.copy2(a / "keys.json", b / "keys.json")

    damaged = tmp_path / "damaged.cbk"
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0x01
    damaged.write_bytes(bytes(content))
    result = complaints(b, url_b, "restore", "--without-shred-ledger", str(damaged))
    assert result.returncode == 2 and "damaged or was altered" in result.stderr
    assert sorted(p.name for p in b.iterdir()) == ["keys.json"]

    other = tmp_path / "other"
    assert complaints(other, f"sqlite:///{other / 'x.db'}", "init").returncode == 0
    shutil.copy2(other / "keys.json", b / "keys.json")
    result = complaints(b, url_b, "restore", "--without-shred-ledger", str(archive))
    assert result.returncode == 2 and "key" in result.stderr
    assert sorted(p.name for p in b.iterdir()) == ["keys.json"]

    shutil.copy2(a / "keys.json", b / "keys.json")
    result = complaints(b, url_b, "restore", str(archive))  # no ledger beside the key file
    assert result.returncode == 2 and "shred ledger" in result.stderr
    assert sorted(p.name for p in b.iterdir()) == ["keys.json"]
