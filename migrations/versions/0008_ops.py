"""Legal holds: cases kept from retention until lifted, placed and lifted by two administrators.

Revision ID: ops_1
Revises: register_1
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "ops_1"
down_revision = "register_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason_enc", sa.LargeBinary(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lift_requested_by_id", sa.Integer(), nullable=True),
        sa.Column("lift_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_legal_holds_case_id_cases")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_legal_holds_requested_by_id_users")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_legal_holds_approved_by_id_users")),
        sa.ForeignKeyConstraint(["lift_requested_by_id"], ["users.id"], name=op.f("fk_legal_holds_lift_requested_by_id_users")),
        sa.ForeignKeyConstraint(["lifted_by_id"], ["users.id"], name=op.f("fk_legal_holds_lifted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(op.f("ix_legal_holds_case_id"), "legal_holds", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_legal_holds_case_id"), table_name="legal_holds")
    op.drop_table("legal_holds")
