"""Enums stored in the database (as short strings, checked by named constraints)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Account roles (DOMAIN.md §3)."""

    ADMIN = "admin"
    UNIT_OFFICER = "unit_officer"
    INTERVIEWER = "interviewer"
    ANALYST = "analyst"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RowStatus(StrEnum):
    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"


class SampleRole(StrEnum):
    SAMPLE = "sample"
    RESERVE = "reserve"


class RespondentStatus(StrEnum):
    ACTIVE = "active"
    RESERVE = "reserve"
    REPLACED = "replaced"


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
