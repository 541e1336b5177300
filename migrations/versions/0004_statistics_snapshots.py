"""statistics snapshots: one day's raw counts per year

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_snapshots',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_statistics_snapshots'))
    )


def downgrade() -> None:
    op.drop_table('statistics_snapshots')
