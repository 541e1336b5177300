"""register: each case's next open deadline on the case row, indexed for the lists; reference prefix index

Revision ID: register_1
Revises: files_1
Create Date: 2026-11-28 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'register_1'
down_revision = "files_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite, no rewrite on PostgreSQL); the server default
    # fills the existing rows.
    op.add_column('cases', sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('cases', sa.Column('next_due_kind', sa.String(length=40), nullable=False,
                                     server_default=''))
    # Existing cases: the earliest open deadline (complaints/next_due.py keeps it from now on).
    op.execute(
        "UPDATE cases SET "
        "next_due_at = (SELECT d.due_at FROM deadlines d WHERE d.case_id = cases.id "
        "AND d.met_at IS NULL ORDER BY d.due_at LIMIT 1), "
        "next_due_kind = COALESCE((SELECT d.kind FROM deadlines d WHERE d.case_id = cases.id "
        "AND d.met_at IS NULL ORDER BY d.due_at LIMIT 1), '')"
    )
    op.create_index('ix_cases_list', 'cases', ['next_due_at', 'submitted_at', 'state', 'category', 'id'],
                    unique=False)
    op.create_index('ix_cases_reference_prefix', 'cases', ['reference'], unique=False,
                    postgresql_ops={'reference': 'varchar_pattern_ops'})


def downgrade() -> None:
    op.drop_index('ix_cases_reference_prefix', table_name='cases')
    op.drop_index('ix_cases_list', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('next_due_kind')
        batch.drop_column('next_due_at')
