"""statistics: reports, decisions and late consultations counted from indexes alone

Revision ID: statistics_4
Revises: statistics_3
Create Date: 2026-11-29 10:00:00

A release counts the period's reports by ten dimensions, and its steps and decisions by
action, moment and outcome. Both read their rows through an index on the date and then
visited every row for the other columns: 350 and 320 ms over a million cases on SQLite. These
indexes hold every column the counts read (a decision's case is still found by its id). The
reports' index leads with ``submitted_at`` and replaces the one-column index on it; the
transitions' index extends ``ix_transitions_action_at``. Consultations written down since the
last release are found by when they were written down, where a quarter's late entries meant
reading them all.
"""
from __future__ import annotations

from alembic import op

revision = 'statistics_4'
down_revision = "statistics_3"
branch_labels = None
depends_on = None

RECEIVED = ['submitted_at', 'recorded_at', 'category', 'complainant_sex', 'parent_case_id', 'channel',
            'respondent_sex', 'complainant_rank_band', 'respondent_rank_band', 'respondent_relation',
            'unit_group', 'protection_requested']


def upgrade() -> None:
    op.create_index('ix_cases_received_counted', 'cases', RECEIVED, unique=False)
    op.drop_index('ix_cases_submitted_at', table_name='cases')
    op.create_index('ix_transitions_counted', 'transitions', ['action', 'at', 'case_id', 'reason_code'],
                    unique=False)
    op.drop_index('ix_transitions_action_at', table_name='transitions')
    op.create_index('ix_consultations_created_held', 'consultations', ['created_at', 'held_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_consultations_created_held', table_name='consultations')
    op.create_index('ix_transitions_action_at', 'transitions', ['action', 'at'], unique=False)
    op.drop_index('ix_transitions_counted', table_name='transitions')
    op.create_index('ix_cases_submitted_at', 'cases', ['submitted_at'], unique=False)
    op.drop_index('ix_cases_received_counted', table_name='cases')
