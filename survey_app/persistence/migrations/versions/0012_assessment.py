"""Self-assessment and appraisal: units score themselves, appraisers appraise in two rounds

- ``assessments`` (one per campaign, with the council's approval and the publication),
  ``assessment_deadlines`` (the day each unit level submits by), ``unit_assessments`` (a
  rated unit's stage, round, submission, reopening, reminders), ``assessment_scores`` (each
  appraisal sub-criterion as it stands, in range by check constraints), ``score_changes``
  (every change: who, when, what, which round; never updated), ``explanation_requests``,
  ``evidence_files`` (kind, size and hash; the bytes live outside the database),
  ``lead_assignments`` (which department scores which part of the province's own tree) and
  ``appraiser_assignments``.
- ``users.role`` accepts ``appraiser``; ``audit_events.action`` the assessment's actions.
  On SQLite both tables are rebuilt with the wider checks (rows copied as they are; foreign
  keys are off while migrating); PostgreSQL replaces the constraints. A downgrade keeps the
  wider checks, so the events and accounts recorded stay.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:20:29
"""
from alembic import op
import sqlalchemy as sa

_ACTIONS = ("'login', 'login_failed', 'logout', 'campaign_created', 'campaign_updated', "
            "'units_imported', 'user_created', 'role_changed', 'list_uploaded', 'sampling_run', "
            "'respondent_replaced', 'invitations_issued', 'paper_entry', 'appraisal_imported', "
            "'export', 'questionnaire_published', 'assessment_opened', 'assessment_assigned', "
            "'self_scored', 'evidence_added', 'evidence_withdrawn', 'assessment_submitted', 'assessment_reopened', "
            "'assessment_reminded', 'criterion_not_applicable', 'appraisal_scored', "
            "'explanation_requested', 'explanation_given', 'appraisal_finished', "
            "'appraisal_approved', 'index_published'")
_ROLES = "'admin', 'unit_officer', 'interviewer', 'analyst', 'appraiser'"


def _wider_checks() -> None:
    with op.batch_alter_table('audit_events', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_audit_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_events_audit_action'),
                                         f'action IN ({_ACTIONS})')
    with op.batch_alter_table('users', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_user_role'), f'role IN ({_ROLES})')


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _wider_checks()
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'approved', 'published', name='assessment_status', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('explain_from', sa.Date(), nullable=True),
    sa.Column('explain_until', sa.Date(), nullable=True),
    sa.Column('document_number', sa.String(length=80), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=200), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('explain_from IS NULL OR explain_until IS NULL OR explain_from <= explain_until', name=op.f('ck_assessments_explain_order')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_assessments_approved_by_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_assessments_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_assessments_opened_by_id_users')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_assessments_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('campaign_id', name='uq_assessments_campaign')
    )
    op.create_table('assessment_deadlines',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=48), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_deadlines_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'level', name=op.f('pk_assessment_deadlines'))
    )
    op.create_table('unit_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('tree_code', sa.String(length=80), nullable=False),
    sa.Column('stage', sa.Enum('not_started', 'draft', 'submitted', 'in_appraisal', 'explanation_requested', 'explained', 'appraised', name='unit_stage', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_late', sa.Boolean(), nullable=False),
    sa.Column('reopened_until', sa.Date(), nullable=True),
    sa.Column('explained_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appraised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('round BETWEEN 0 AND 2', name=op.f('ck_unit_assessments_round_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_unit_assessments_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_unit_assessments_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_assessments_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_assessments')),
    sa.UniqueConstraint('assessment_id', 'unit_id', name='uq_unit_assessments_unit')
    )
    with op.batch_alter_table('unit_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_assessments_unit_id'), ['unit_id'], unique=False)

    op.create_table('appraiser_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_assessment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('field_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['unit_assessment_id'], ['unit_assessments.id'], name=op.f('fk_appraiser_assignments_unit_assessment_id_unit_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_appraiser_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraiser_assignments')),
    sa.UniqueConstraint('unit_assessment_id', 'user_id', 'field_code', name='uq_appraiser_assignments_line')
    )
    with op.batch_alter_table('appraiser_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraiser_assignments_unit_assessment_id'), ['unit_assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraiser_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('assessment_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_assessment_id', sa.Integer(), nullable=False),
    sa.Column('sub_criterion', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('max_points', sa.Float(), nullable=False),
    sa.Column('applicable', sa.Boolean(), nullable=False),
    sa.Column('self_points', sa.Float(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('appraised_points', sa.Float(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('appraised_round', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('applicable OR (self_points IS NULL AND appraised_points IS NULL)', name=op.f('ck_assessment_scores_not_applicable_unscored')),
    sa.CheckConstraint('appraised_points IS NULL OR (appraised_points >= 0 AND appraised_points <= max_points)', name=op.f('ck_assessment_scores_appraised_in_range')),
    sa.CheckConstraint('self_points IS NULL OR (self_points >= 0 AND self_points <= max_points)', name=op.f('ck_assessment_scores_self_in_range')),
    sa.ForeignKeyConstraint(['unit_assessment_id'], ['unit_assessments.id'], name=op.f('fk_assessment_scores_unit_assessment_id_unit_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scores')),
    sa.UniqueConstraint('unit_assessment_id', 'sub_criterion', name='uq_assessment_scores_leaf')
    )
    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_scores_unit_assessment_id'), ['unit_assessment_id'], unique=False)

    op.create_table('lead_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_assessment_id', sa.Integer(), nullable=False),
    sa.Column('node_code', sa.String(length=40), nullable=False),
    sa.Column('scorer_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['unit_assessment_id'], ['unit_assessments.id'], name=op.f('fk_lead_assignments_unit_assessment_id_unit_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignments')),
    sa.UniqueConstraint('unit_assessment_id', 'node_code', name='uq_lead_assignments_node')
    )
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_assignments_unit_assessment_id'), ['unit_assessment_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'docx', 'xlsx', 'doc', 'xls', 'odt', 'ods', 'png', 'jpeg', name='evidence_kind', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_files_size_positive')),
    sa.ForeignKeyConstraint(['score_id'], ['assessment_scores.id'], name=op.f('fk_evidence_files_score_id_assessment_scores'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_score_id'), ['score_id'], unique=False)

    op.create_table('explanation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_explanation_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_explanation_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['score_id'], ['assessment_scores.id'], name=op.f('fk_explanation_requests_score_id_assessment_scores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_requests'))
    )
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanation_requests_score_id'), ['score_id'], unique=False)

    op.create_table('score_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('self', 'appraisal', 'not_applicable', 'no_report', name='score_change_kind', native_enum=False, create_constraint=True, length=48), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('applicable', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['score_id'], ['assessment_scores.id'], name=op.f('fk_score_changes_score_id_assessment_scores'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_score_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_changes'))
    )
    with op.batch_alter_table('score_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_changes_score_id'), ['score_id'], unique=False)



def downgrade() -> None:
    # The wider checks stay (see the docstring); the assessment's tables go.
    with op.batch_alter_table('score_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_changes_score_id'))

    op.drop_table('score_changes')
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanation_requests_score_id'))

    op.drop_table('explanation_requests')
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_score_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_assignments_unit_assessment_id'))

    op.drop_table('lead_assignments')
    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_scores_unit_assessment_id'))

    op.drop_table('assessment_scores')
    with op.batch_alter_table('appraiser_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraiser_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_appraiser_assignments_unit_assessment_id'))

    op.drop_table('appraiser_assignments')
    with op.batch_alter_table('unit_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_assessments_unit_id'))

    op.drop_table('unit_assessments')
    op.drop_table('assessment_deadlines')
    op.drop_table('assessments')
