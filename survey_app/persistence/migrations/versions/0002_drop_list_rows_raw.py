"""list_rows.raw was never read: drop it (storing 100,000 rows serialised one empty JSON each)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('list_rows') as batch:
        batch.drop_column('raw')


def downgrade() -> None:
    with op.batch_alter_table('list_rows') as batch:
        batch.add_column(sa.Column('raw', sa.JSON(), nullable=False, server_default='{}'))
