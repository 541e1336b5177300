"""complainant: server-side follow-up sessions, the receipt handoff, the complainant's own
answers (mediation) and the optional reply notice

Revision ID: complainant_1
Revises: statistics_1
Create Date: 2026-11-28 17:00:05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'complainant_1'
down_revision = "statistics_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('receipt_handoffs',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('receipt_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_receipt_handoffs'))
    )
    with op.batch_alter_table('receipt_handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_handoffs_created_at'), ['created_at'], unique=False)

    op.create_table('track_sessions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('draft_enc', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_track_sessions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_track_sessions_token_hash'))
    )
    with op.batch_alter_table('track_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_sessions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_track_sessions_last_seen_at'), ['last_seen_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mediation_complainant_answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reply_notice_enc', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('reply_notice_since', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('reply_notice_since')
        batch_op.drop_column('reply_notice_enc')
        batch_op.drop_column('mediation_complainant_answered_at')

    with op.batch_alter_table('track_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_track_sessions_case_id'))

    op.drop_table('track_sessions')
    with op.batch_alter_table('receipt_handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_handoffs_created_at'))

    op.drop_table('receipt_handoffs')
