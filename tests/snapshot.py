"""What the database and the file store hold, to prove that a refused or failed request
wrote nothing (no partial writes, no orphan rows, no orphan files)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from complaints import audit
from complaints.extensions import db
from complaints.instance import keyring
from complaints.models import Base


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: frozenset[str]

    def changed_tables(self, other: "Snapshot") -> dict[str, int]:
        """Table -> difference in row count, for every table that changed."""
        return {name: other.rows[name] - count for name, count in self.rows.items()
                if other.rows[name] != count}


def take(attachments_dir: str | Path) -> Snapshot:
    """Row counts of every table and the names in the attachment store (in an app context)."""
    rows = {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables}
    db.session.rollback()
    files = frozenset(p.name for p in Path(attachments_dir).iterdir()) if Path(attachments_dir).exists() else frozenset()
    return Snapshot(rows, files)


def audit_intact() -> bool:
    result = audit.verify(db.session, keyring().audit_key)
    db.session.rollback()
    return result.ok
