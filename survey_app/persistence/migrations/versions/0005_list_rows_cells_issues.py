"""list_rows.cells and list_rows.issues: the stored report and annotated file need no re-read

- ``cells``: the row's cells as the officer sent them (JSON array; dates as {"d": ISO},
  date-times as {"t": ISO}), so the annotated file gives back the officer's own columns.
- ``issues``: each reason and warning with the column it points to and its message
  parameters (NULL for a row without any), so the messages are those of the upload.

Rows stored before this migration keep NULL in both; their annotated file is built from the
stored values (``services/list_reports.py``). On SQLite the columns are added with SQLite's
own ALTER TABLE, not Alembic's batch mode (as 0003: a rebuild would break the foreign keys of
respondents drawn from list_rows).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE list_rows ADD COLUMN cells JSON')
        op.execute('ALTER TABLE list_rows ADD COLUMN issues JSON')
    else:
        op.add_column('list_rows', sa.Column('cells', sa.JSON(), nullable=True))
        op.add_column('list_rows', sa.Column('issues', sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE list_rows DROP COLUMN issues')
        op.execute('ALTER TABLE list_rows DROP COLUMN cells')
    else:
        op.drop_column('list_rows', 'issues')
        op.drop_column('list_rows', 'cells')
