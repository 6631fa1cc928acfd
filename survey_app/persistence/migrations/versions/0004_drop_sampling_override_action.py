"""AuditAction.SAMPLING_OVERRIDE was never recorded: drop it from audit_events' check

District overrides are recorded with the sampling run (``sampling_run``, ``overrides``). On
PostgreSQL the check constraint is replaced; SQLite cannot alter a check without rebuilding
the table (which would cascade), so there the old, wider check stays: it still refuses every
value outside the old list, and the application never writes the dropped one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:00:00
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_KEPT = ("'login', 'login_failed', 'logout', 'campaign_created', 'campaign_updated', "
         "'units_imported', 'user_created', 'role_changed', 'list_uploaded', 'sampling_run', "
         "'respondent_replaced', 'invitations_issued', 'paper_entry', 'appraisal_imported', "
         "'export'")


def _check(values: str) -> None:
    if op.get_context().dialect.name == 'sqlite':
        return
    op.drop_constraint(op.f('ck_audit_events_audit_action'), 'audit_events', type_='check')
    op.create_check_constraint(op.f('ck_audit_events_audit_action'), 'audit_events',
                               f'action IN ({values})')


def upgrade() -> None:
    _check(_KEPT)


def downgrade() -> None:
    _check(_KEPT.replace("'sampling_run', ", "'sampling_run', 'sampling_override', "))
