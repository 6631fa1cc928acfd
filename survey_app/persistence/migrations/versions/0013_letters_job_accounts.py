"""Letters printed as a background job, and the audit of account administration

- ``jobs.kind`` accepts ``letters_pdf``: a job's letters as one PDF, made in the background
  with its progress, kept for download.
- ``audit_events.action`` accepts ``user_disabled``, ``user_enabled``, ``password_reset`` and
  ``users_imported``.

On SQLite both tables are rebuilt with the wider checks (rows copied as they are; foreign keys
are off while migrating); PostgreSQL replaces the constraints. A downgrade keeps the wider
checks, so the jobs and events recorded stay.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:45:00
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_ACTIONS = ("'login', 'login_failed', 'logout', 'campaign_created', 'campaign_updated', "
            "'units_imported', 'user_created', 'role_changed', 'list_uploaded', 'sampling_run', "
            "'respondent_replaced', 'invitations_issued', 'paper_entry', 'appraisal_imported', "
            "'export', 'questionnaire_published', 'assessment_opened', 'assessment_assigned', "
            "'self_scored', 'evidence_added', 'evidence_withdrawn', 'assessment_submitted', "
            "'assessment_reopened', 'assessment_reminded', 'criterion_not_applicable', "
            "'appraisal_scored', 'explanation_requested', 'explanation_given', "
            "'appraisal_finished', 'appraisal_approved', 'index_published', 'user_disabled', "
            "'user_enabled', 'password_reset', 'users_imported'")
_KINDS = "'issue_invitations', 'letters_pdf'"


def upgrade() -> None:
    with op.batch_alter_table('audit_events', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_audit_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_events_audit_action'),
                                         f'action IN ({_ACTIONS})')
    with op.batch_alter_table('jobs', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_jobs_job_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_jobs_job_kind'), f'kind IN ({_KINDS})')


def downgrade() -> None:
    # The wider checks stay: jobs and events already recorded are kept, and the older code
    # never writes the new values.
    pass
