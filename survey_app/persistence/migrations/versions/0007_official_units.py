"""Official administrative units with codes, dates and successions; units linked to them;
predecessor links between campaigns' units; the council term of a delegates' list

- ``official_units``: one row per unit and period (key: tier, code, start of validity),
  ``official_successions``: old → new (whole or part), ``official_imports``: each import
  with its source, version, data date, digest and summary. Loaded by
  ``survey-app units import-official`` (nothing is loaded by the migration itself).
- ``campaigns.registry_as_of``: the date a campaign reads the registry as of.
- ``units.official_key``: the official unit a campaign's unit is (None for the
  administrator's own units); one unit per official unit in a campaign
  (``uq_units_campaign_official``).
- ``unit_predecessors``: units of earlier campaigns a unit continues.
- ``unit_lists.council_term``: "2021–2026", "2026–2031" for delegates' lists.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'official_units',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.Column('tier', sa.String(length=16), nullable=False),
        sa.Column('unit_type', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('short_name', sa.String(length=200), nullable=False),
        sa.Column('parent_key', sa.String(length=40), nullable=True),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('former_names', sa.JSON(), nullable=False),
        sa.CheckConstraint("tier IN ('province', 'district', 'commune')",
                           name=op.f('ck_official_units_tier_known')),
        sa.CheckConstraint('valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to',
                           name=op.f('ck_official_units_dates_order')),
        sa.ForeignKeyConstraint(['parent_key'], ['official_units.key'],
                                name=op.f('fk_official_units_parent_key_official_units')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_official_units')),
    )
    with op.batch_alter_table('official_units') as batch_op:
        batch_op.create_index('ix_official_units_code', ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_units_parent_key'), ['parent_key'],
                              unique=False)
    op.create_table(
        'official_successions',
        sa.Column('old_key', sa.String(length=40), nullable=False),
        sa.Column('new_key', sa.String(length=40), nullable=False),
        sa.Column('took_effect', sa.Date(), nullable=False),
        sa.Column('whole', sa.Boolean(), nullable=False),
        sa.Column('main', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['new_key'], ['official_units.key'],
                                name=op.f('fk_official_successions_new_key_official_units')),
        sa.ForeignKeyConstraint(['old_key'], ['official_units.key'],
                                name=op.f('fk_official_successions_old_key_official_units')),
        sa.PrimaryKeyConstraint('old_key', 'new_key', name=op.f('pk_official_successions')),
    )
    with op.batch_alter_table('official_successions') as batch_op:
        batch_op.create_index(batch_op.f('ix_official_successions_new_key'), ['new_key'],
                              unique=False)
    op.create_table(
        'official_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('licence', sa.String(length=40), nullable=False),
        sa.Column('data_date', sa.Date(), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('province_code', sa.String(length=10), nullable=True),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'],
                                name=op.f('fk_official_imports_imported_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_official_imports')),
    )
    op.create_table(
        'unit_predecessors',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('predecessor_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('unit_id <> predecessor_id', name=op.f('ck_unit_predecessors_not_itself')),
        sa.ForeignKeyConstraint(['predecessor_id'], ['units.id'],
                                name=op.f('fk_unit_predecessors_predecessor_id_units'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_unit_predecessors_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('unit_id', 'predecessor_id', name=op.f('pk_unit_predecessors')),
    )
    with op.batch_alter_table('unit_predecessors') as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_predecessors_predecessor_id'),
                              ['predecessor_id'], unique=False)
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('registry_as_of', sa.Date(), nullable=True))
    with op.batch_alter_table('units') as batch_op:
        batch_op.add_column(sa.Column('official_key', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_units_official_key'), ['official_key'], unique=False)
        batch_op.create_index('uq_units_campaign_official', ['campaign_id', 'official_key'],
                              unique=True, sqlite_where=sa.text('official_key IS NOT NULL'),
                              postgresql_where=sa.text('official_key IS NOT NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_units_official_key_official_units'),
                                    'official_units', ['official_key'], ['key'])
    with op.batch_alter_table('unit_lists') as batch_op:
        batch_op.add_column(sa.Column('council_term', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('unit_lists') as batch_op:
        batch_op.drop_column('council_term')
    with op.batch_alter_table('units') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_official_key_official_units'),
                                 type_='foreignkey')
        batch_op.drop_index('uq_units_campaign_official')
        batch_op.drop_index(batch_op.f('ix_units_official_key'))
        batch_op.drop_column('official_key')
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('registry_as_of')
    op.drop_table('unit_predecessors')
    op.drop_table('official_imports')
    op.drop_table('official_successions')
    op.drop_table('official_units')
