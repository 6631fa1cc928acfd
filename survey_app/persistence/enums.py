"""Enums stored in the database (as short strings, checked by named constraints)."""

from __future__ import annotations

from enum import StrEnum

from domain import DrawRole
from domain.assessment import AssessmentStatus, ScoreChangeKind, UnitStage

__all__ = [
    "AssessmentStatus",
    "AuditAction",
    "CampaignStatus",
    "EvidenceKind",
    "InvitationStatus",
    "JobKind",
    "JobStatus",
    "Mode",
    "RespondentStatus",
    "ResponseStatus",
    "Role",
    "RowStatus",
    "SampleRole",
    "ScoreChangeKind",
    "UnitStage",
]


class Role(StrEnum):
    """Account roles (DOMAIN.md §3)."""

    ADMIN = "admin"
    UNIT_OFFICER = "unit_officer"
    INTERVIEWER = "interviewer"
    ANALYST = "analyst"
    APPRAISER = "appraiser"
    """A member of the appraisal working group: appraises the units (or fields) assigned."""


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RowStatus(StrEnum):
    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"


SampleRole = DrawRole
"""A respondent's role in the draw (the column holds sample or reserve; a replaced person keeps
the role they were drawn for, their status says they were replaced)."""


class RespondentStatus(StrEnum):
    """Where a drawn person stands now (changes with replacements, unlike the role)."""

    ACTIVE = "active"
    RESERVE = "reserve"
    REPLACED = "replaced"

    @property
    def draw_role(self) -> DrawRole:
        """The role a person of this status has in the draw as it stands (the sampling
        library's view: an active person is in the sample)."""
        return {
            RespondentStatus.ACTIVE: DrawRole.SAMPLE,
            RespondentStatus.RESERVE: DrawRole.RESERVE,
            RespondentStatus.REPLACED: DrawRole.REPLACED,
        }[self]


class InvitationStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Mode(StrEnum):
    """How an answer reached us."""

    WEB = "web"
    PAPER = "paper"
    PHONE = "phone"


class JobKind(StrEnum):
    """What a background job does (``survey_app.services.jobs``)."""

    ISSUE_INVITATIONS = "issue_invitations"
    LETTERS_PDF = "letters_pdf"
    """Print a job's letters (all units, or a list of units) as one PDF kept for download."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    CAMPAIGN_CREATED = "campaign_created"
    CAMPAIGN_UPDATED = "campaign_updated"
    UNITS_IMPORTED = "units_imported"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    LIST_UPLOADED = "list_uploaded"
    SAMPLING_RUN = "sampling_run"
    RESPONDENT_REPLACED = "respondent_replaced"
    INVITATIONS_ISSUED = "invitations_issued"
    PAPER_ENTRY = "paper_entry"
    APPRAISAL_IMPORTED = "appraisal_imported"
    EXPORT = "export"
    QUESTIONNAIRE_PUBLISHED = "questionnaire_published"
    ASSESSMENT_OPENED = "assessment_opened"
    ASSESSMENT_ASSIGNED = "assessment_assigned"
    SELF_SCORED = "self_scored"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_WITHDRAWN = "evidence_withdrawn"
    ASSESSMENT_SUBMITTED = "assessment_submitted"
    ASSESSMENT_REOPENED = "assessment_reopened"
    ASSESSMENT_REMINDED = "assessment_reminded"
    CRITERION_NOT_APPLICABLE = "criterion_not_applicable"
    APPRAISAL_SCORED = "appraisal_scored"
    EXPLANATION_REQUESTED = "explanation_requested"
    EXPLANATION_GIVEN = "explanation_given"
    APPRAISAL_FINISHED = "appraisal_finished"
    APPRAISAL_APPROVED = "appraisal_approved"
    INDEX_PUBLISHED = "index_published"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an audit action, not a secret
    USERS_IMPORTED = "users_imported"


class EvidenceKind(StrEnum):
    """What an evidence file is, read from its bytes (never from its name)."""

    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    DOC = "doc"
    XLS = "xls"
    ODT = "odt"
    ODS = "ods"
    PNG = "png"
    JPEG = "jpeg"
