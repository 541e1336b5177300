"""statistics releases: frozen publications, one computation a day, late entries

Revision ID: statistics_1
Revises: procedure_1
Create Date: 2026-11-28 17:16:12
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'statistics_1'
down_revision = "procedure_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_computations',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('through_quarter', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('releases', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_statistics_computations'))
    )
    op.create_table('statistics_releases',
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('first_quarter', sa.Integer(), nullable=False),
    sa.Column('last_quarter', sa.Integer(), nullable=False),
    sa.Column('cutoff', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_statistics_releases'))
    )
    with op.batch_alter_table('statistics_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_releases_last_quarter'), ['last_quarter'], unique=False)

    # The daily snapshots counted moving states; releases replace them.
    op.drop_table('statistics_snapshots')

    # Existing reports were recorded when they were submitted.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET recorded_at = submitted_at")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('recorded_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_cases_first_feedback_at'), ['first_feedback_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_recorded_at'), ['recorded_at'], unique=False)

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.create_index('ix_transitions_action_at', ['action', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.drop_index('ix_transitions_action_at')

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_created_at')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_cases_first_feedback_at'))
        batch_op.drop_column('recorded_at')

    op.create_table('statistics_snapshots',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_statistics_snapshots'))
    )
    with op.batch_alter_table('statistics_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_releases_last_quarter'))

    op.drop_table('statistics_releases')
    op.drop_table('statistics_computations')
