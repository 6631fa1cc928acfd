"""Background jobs, server-side staff sessions, a health probe, sealed links, late lists

- ``jobs``: background work with progress (issuing invitations), one active job of a kind per
  campaign (``uq_jobs_one_active``).
- ``user_sessions``: staff logins kept server-side so logout revokes them.
- ``health_probes``: the row ``/healthz`` rewrites to prove the database takes writes.
- ``invitations.sealed_link`` (the clear link, encrypted with the link key) and ``job_id``
  (the job that issued it; no foreign key, as SQLite cannot add a named one to a table).
- ``unit_lists.after_sampling``: a list received after the sample was drawn.

On SQLite the new columns are added with SQLite's own ALTER TABLE, not Alembic's batch mode:
batch mode rebuilds the table, and dropping the old invitations would cascade to responses.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:10:58
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('health_probes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_probes'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('issue_invitations', name='job_kind', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error_code', sa.String(length=80), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_jobs_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_jobs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('uq_jobs_one_active', ['campaign_id', 'kind'], unique=True, sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name='uq_user_sessions_token_hash')
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE invitations ADD COLUMN sealed_link TEXT')
        op.execute('ALTER TABLE invitations ADD COLUMN job_id INTEGER')
        op.execute('ALTER TABLE unit_lists ADD COLUMN after_sampling BOOLEAN NOT NULL DEFAULT 0')
    else:
        op.add_column('invitations', sa.Column('sealed_link', sa.Text(), nullable=True))
        op.add_column('invitations', sa.Column('job_id', sa.Integer(), nullable=True))
        op.add_column('unit_lists', sa.Column('after_sampling', sa.Boolean(),
                                              server_default=sa.false(), nullable=False))
    op.create_index(op.f('ix_invitations_job_id'), 'invitations', ['job_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_invitations_job_id'), table_name='invitations')
    if op.get_context().dialect.name == 'sqlite':
        op.execute('ALTER TABLE unit_lists DROP COLUMN after_sampling')
        op.execute('ALTER TABLE invitations DROP COLUMN job_id')
        op.execute('ALTER TABLE invitations DROP COLUMN sealed_link')
    else:
        op.drop_column('unit_lists', 'after_sampling')
        op.drop_column('invitations', 'job_id')
        op.drop_column('invitations', 'sealed_link')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_jobs_one_active', sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))

    op.drop_table('jobs')
    op.drop_table('health_probes')
