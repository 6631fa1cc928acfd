"""Criteria trees an administrator publishes

- ``criteria_trees``: a published tree (code unique for good, version, content hash, the
  canonical document), next to the shipped ones.
- ``instrument_uploads.is_tree``: an upload waiting to be published may be a criteria tree.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 19:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'criteria_trees',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_trees')),
        sa.UniqueConstraint('code', name='uq_criteria_trees_code'),
    )
    if op.get_context().dialect.name == 'sqlite':  # no table rebuild for one column
        op.execute('ALTER TABLE instrument_uploads ADD COLUMN is_tree BOOLEAN NOT NULL DEFAULT 0')
    else:
        op.add_column('instrument_uploads', sa.Column('is_tree', sa.Boolean(),
                                                      server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('instrument_uploads') as batch_op:
        batch_op.drop_column('is_tree')
    op.drop_table('criteria_trees')
