"""The questionnaire version a campaign's group answers

- ``campaign_evaluations.instrument_id``: the published version (``instruments`` row) given
  to a line of the evaluation matrix; None until the administrator chooses one or the first
  invitation pins the version in force. Invitations already issued keep their own version.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign_evaluations') as batch_op:
        batch_op.add_column(sa.Column('instrument_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_campaign_evaluations_instrument_id_instruments'),
            'instruments', ['instrument_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('campaign_evaluations') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_campaign_evaluations_instrument_id_instruments'), type_='foreignkey')
        batch_op.drop_column('instrument_id')
