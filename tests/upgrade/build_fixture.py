"""Build the upgrade test's data: an instance filled at a released schema, dumped as rows.

Run it on a checkout of the release whose schema the fixture stands for, never on a later
commit (the dump must hold what *that* release wrote):

    git worktree add /tmp/release <release commit>
    cd /tmp/release && .venv/bin/python -m tests.upgrade.build_fixture OUT.json.gz

It builds invented demo accounts and cases (every state), files three reports through the
public form with evidence files, records the receipts, and writes every table's rows, the
key ring and the encrypted attachment files into one gzip'd JSON document. The rows are
database-neutral (bytes as base64, times as ISO text), so the same fixture is loaded into
SQLite and into PostgreSQL by tests/upgrade/test_upgrade.py.
"""
from __future__ import annotations

import base64
import gzip
import io
import json
import re
import sys
import tempfile
import uuid
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, text

from complaints import create_app
from complaints.crypto import Keyring
from complaints.extensions import db
from complaints.models import Base

REPORTS = (
    {"category": "SH_VERBAL", "narrative": "UPGRADE-CANARY-1 comments about my body every day.",
     "identity": "anonymous", "file": ("note.txt", b"UPGRADE-CANARY-FILE-1 what he wrote")},
    {"category": "MOBBING", "narrative": "UPGRADE-CANARY-2 excluded from every meeting.",
     "identity": "identified", "name": "Mila Test", "contact": "mila@example.mil",
     "file": ("evidence.txt", b"UPGRADE-CANARY-FILE-2 dates and names")},
    {"category": "GBD", "narrative": "UPGRADE-CANARY-3 refused the course as a woman.",
     "identity": "anonymous", "file": ("list.txt", b"UPGRADE-CANARY-FILE-3 the course list")},
)


def _value(value: object) -> object:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (datetime, date)):
        return {"iso": value.isoformat(), "kind": type(value).__name__}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    return value


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def _file_reports(client) -> list[dict]:
    filed = []
    for report in REPORTS:
        data = {"csrf_token": _csrf(client, "/report"), "wants": "formal",
                "respondent_relation": "superior", "protection_needed": "no",
                "unit_group": "land_forces", "respondent_rank_band": "nco"}
        data.update({k: v for k, v in report.items() if k != "file"})
        name, content = report["file"]
        data["files"] = [(io.BytesIO(content), name)]
        response = client.post("/report", data=data, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        page = client.get("/report/sent").get_data(as_text=True)
        receipt = re.search(r'class="receipt"[^>]*>([^<]+)<', page).group(1).strip()
        filed.append({"receipt": receipt, "narrative": report["narrative"],
                      "file": name, "file_content": content.decode()})
    return filed


def build(out: Path) -> None:
    from complaints.migrate import upgrade_database
    from complaints.services.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        (instance / "attachments").mkdir(parents=True)
        database = f"sqlite:///{instance / 'complaints.db'}"
        upgrade_database(database)
        keyring = Keyring.generate()
        app = create_app({"TESTING": True, "INSTANCE": str(instance), "DATABASE_URL": database,
                          "SECRET_KEY": "fixture", "KEYS": keyring.to_json(),
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            build_demo(24, seed=7)
            db.session.commit()
            db.session.remove()
        reports = _file_reports(app.test_client())
        with app.app_context():
            revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            tables = {}
            # Through the release's own table definitions, so values come back typed.
            for name, table in Base.metadata.tables.items():
                rows = db.session.execute(select(table)).mappings().all()
                tables[name] = [{k: _value(v) for k, v in row.items()} for row in rows]
        files = {path.name: base64.b64encode(path.read_bytes()).decode("ascii")
                 for path in sorted((instance / "attachments").iterdir())}
    document = {"revision": revision, "keys": json.loads(keyring.to_json()), "tables": tables,
                "attachments": files, "reports": reports}
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(document, handle, sort_keys=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
