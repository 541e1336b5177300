"""Migration files_1 on a database with files in it: files cleaned by the earlier cleaner are
never called "removed" afterwards; kept and staff files say so; and it downgrades."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from alembic import command
from sqlalchemy import create_engine, text

from complaints.extensions import db
from complaints.migrate import alembic_config
from tests.factories import make_case

ROWS = {  # name: (uploaded by, content type, metadata_removed before) -> status after
    "cleaned photo": ("complainant", "image/jpeg", True, "earlier"),
    "kept photo": ("complainant", "image/jpeg", False, "kept"),
    "text": ("complainant", "text/plain", True, "none"),
    "staff file": ("staff", "application/pdf", False, "not_removed"),
}


def test_files_received_before_are_marked_honestly(app, database_url):
    with app.app_context():
        case, _ = make_case()
        case_id = case.id
        db.session.remove()
        db.engine.dispose()
    config = alembic_config(database_url)
    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(config).get_revision("files_1").down_revision
    command.downgrade(config, before)
    engine = create_engine(database_url)
    ids = {}
    try:
        with engine.begin() as connection:
            for name, (kind, content_type, removed, _) in ROWS.items():
                ids[name] = uuid.uuid4()
                connection.execute(text(
                    "INSERT INTO attachments (id, case_id, uploaded_by_kind, filename_enc, content_type, size, "
                    "metadata_removed, created_at) VALUES (:id, :case, :kind, :name, :type, 1, :removed, :at)"),
                    {"id": ids[name] if engine.dialect.name == "postgresql" else ids[name].hex,
                     "case": case_id if engine.dialect.name == "postgresql" else case_id.hex, "kind": kind,
                     "name": b"x", "type": content_type, "removed": removed, "at": datetime.now(timezone.utc)})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = {row.id if isinstance(row.id, uuid.UUID) else uuid.UUID(row.id): row for row in connection.execute(
                text("SELECT id, metadata_status, metadata_removed, metadata_left, sha256 FROM attachments"))}
        for name, (_, _, _, status) in ROWS.items():
            row = rows[ids[name]]
            assert row.metadata_status == status, name
            assert bool(row.metadata_removed) == (status == "none"), name
            assert row.metadata_left == "" and row.sha256 is None
        command.downgrade(config, before)
        command.upgrade(config, "head")
    finally:
        engine.dispose()
