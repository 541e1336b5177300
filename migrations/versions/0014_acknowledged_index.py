"""statistics: cases indexed by when they were acknowledged

Revision ID: acknowledged_1
Revises: caseday_1
Create Date: 2026-11-29 00:20:00

A release counts the quarter's acknowledgements from the case row (``acknowledged_at``, set
once, to the moment of the "acknowledge" transition) instead of joining every transition to
its case: an index range instead of a heap page per acknowledgement.
"""
from __future__ import annotations

from alembic import op

revision = 'acknowledged_1'
down_revision = "caseday_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_acknowledged_at', 'cases', ['acknowledged_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_acknowledged_at', table_name='cases')
