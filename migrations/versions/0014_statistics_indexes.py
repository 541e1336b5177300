"""statistics: indexes for counting a quarter's release

Revision ID: statistics_2
Revises: caseday_1
Create Date: 2026-11-29 00:20:00

- ``ix_cases_acknowledged_at``: a release counts the quarter's acknowledgements from the case
  row (``acknowledged_at``, set once, to the moment of the "acknowledge" transition) instead
  of joining every transition to its case.
- The late entries (recorded since the last release, dated before its period) are found in
  the index: ``recorded_at, submitted_at`` for cases and ``created_at, due_at`` for deadlines
  replace the one-column indexes, which made PostgreSQL read every row recorded since the last
  release to find the few dated earlier. Queries on the first column alone use them as before.
"""
from __future__ import annotations

from alembic import op

revision = 'statistics_2'
down_revision = "caseday_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_acknowledged_at', 'cases', ['acknowledged_at'], unique=False)
    op.create_index('ix_cases_recorded_submitted', 'cases', ['recorded_at', 'submitted_at'], unique=False)
    op.drop_index('ix_cases_recorded_at', table_name='cases')
    op.create_index('ix_deadlines_created_due', 'deadlines', ['created_at', 'due_at'], unique=False)
    op.drop_index('ix_deadlines_created_at', table_name='deadlines')


def downgrade() -> None:
    op.create_index('ix_deadlines_created_at', 'deadlines', ['created_at'], unique=False)
    op.drop_index('ix_deadlines_created_due', table_name='deadlines')
    op.create_index('ix_cases_recorded_at', 'cases', ['recorded_at'], unique=False)
    op.drop_index('ix_cases_recorded_submitted', table_name='cases')
    op.drop_index('ix_cases_acknowledged_at', table_name='cases')
