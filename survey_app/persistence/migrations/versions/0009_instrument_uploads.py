"""Questionnaire workbooks waiting to be published, and the audit of publishing

- ``instrument_uploads``: a workbook that passed every check, kept for its preview until it
  is published (then deleted) or a week old.
- ``audit_events.action`` accepts ``questionnaire_published``. Nothing references
  ``audit_events``, so on SQLite the table is rebuilt with the wider check (its rows copied
  as they are); PostgreSQL replaces the constraint. A downgrade keeps the wider check, so
  the events recorded stay.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_AFTER = ("'login', 'login_failed', 'logout', 'campaign_created', 'campaign_updated', "
           "'units_imported', 'user_created', 'role_changed', 'list_uploaded', 'sampling_run', "
           "'respondent_replaced', 'invitations_issued', 'paper_entry', 'appraisal_imported', "
           "'export', 'questionnaire_published'")

_CHECK = 'ck_audit_events_audit_action'


def upgrade() -> None:
    op.create_table(
        'instrument_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_instrument_uploads_uploaded_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_uploads')),
    )
    with op.batch_alter_table('audit_events', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f(_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_CHECK), f'action IN ({_AFTER})')


def downgrade() -> None:
    # The wider check stays: events already recorded are kept, and the older code never
    # writes the new action. Unpublished uploads are drafts, not answers.
    op.drop_table('instrument_uploads')
