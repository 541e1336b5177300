"""kept forms: staff forms sent after the session timed out, sealed until the person signs in again

Revision ID: a11y_1
Revises: complainant_1
Create Date: 2026-11-28 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a11y_1'
down_revision = "complainant_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kept_forms',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=500), nullable=False),
    sa.Column('kept_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fields_enc', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_forms'))
    )
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_forms_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_forms_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_forms_user_id'))
        batch_op.drop_index(batch_op.f('ix_kept_forms_expires_at'))
    op.drop_table('kept_forms')
