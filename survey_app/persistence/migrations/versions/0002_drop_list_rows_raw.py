"""list_rows.raw was never read: drop it (storing 100,000 rows serialised one empty JSON each)

On SQLite the column is dropped with SQLite's own ALTER TABLE (3.35+), not Alembic's batch
mode: batch mode rebuilds the table, and dropping the old list_rows breaks the foreign keys of
respondents drawn from it.

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
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE list_rows DROP COLUMN raw')
    else:
        op.drop_column('list_rows', 'raw')


def downgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        op.execute("ALTER TABLE list_rows ADD COLUMN raw JSON NOT NULL DEFAULT '{}'")
    else:
        op.add_column('list_rows', sa.Column('raw', sa.JSON(), nullable=False,
                                             server_default='{}'))
