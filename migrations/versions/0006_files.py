"""evidence files: how far hidden information was removed, what is left, and the SHA-256
taken at receipt

Files received before this revision were cleaned by the earlier, less thorough cleaner:
they are marked "earlier" (staff see that hidden information may remain), never "removed".
Their SHA-256 stays empty: it can only be taken when a file arrives.

Revision ID: files_1
Revises: accounts_1
Create Date: 2026-11-28 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "files_1"
down_revision = "accounts_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("metadata_status", sa.String(length=20), nullable=False,
                                   server_default="removed"))
        batch.add_column(sa.Column("metadata_left", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
    attachments = sa.table("attachments", sa.column("metadata_removed", sa.Boolean),
                           sa.column("metadata_status", sa.String), sa.column("content_type", sa.String))
    op.execute(attachments.update().where(attachments.c.content_type == "text/plain")
               .values(metadata_status="none"))
    op.execute(attachments.update().where(attachments.c.content_type != "text/plain",
                                          attachments.c.metadata_removed.is_(True))
               .values(metadata_status="earlier", metadata_removed=False))
    # Not cleaned before: kept at the complainant's request, or a staff file stored as it came.
    uploaders = sa.table("attachments", sa.column("metadata_removed", sa.Boolean),
                         sa.column("metadata_status", sa.String), sa.column("uploaded_by_kind", sa.String))
    op.execute(uploaders.update().where(uploaders.c.metadata_removed.is_(False),
                                        uploaders.c.metadata_status == "removed")
               .values(metadata_status=sa.case((uploaders.c.uploaded_by_kind == "complainant", "kept"),
                                               else_="not_removed")))
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("metadata_status", server_default=None)
        batch.alter_column("metadata_left", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("sha256")
        batch.drop_column("metadata_left")
        batch.drop_column("metadata_status")
