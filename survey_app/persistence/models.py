"""SQLAlchemy 2.0 models. Invariants from DESIGN.md are named constraints.

Every change to this file goes with an Alembic migration in ``migrations/versions``;
``tests/integration/test_migrations.py`` fails when the two disagree.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from survey_app.persistence.enums import (
    AssessmentStatus,
    AuditAction,
    CampaignStatus,
    EvidenceKind,
    InvitationStatus,
    JobKind,
    JobStatus,
    Mode,
    RespondentStatus,
    ResponseStatus,
    Role,
    RowStatus,
    SampleRole,
    ScoreChangeKind,
    UnitStage,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def enum_col(enum_cls: type[StrEnum], name: str) -> Enum:
    """A VARCHAR column with a named CHECK constraint listing the enum's values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=48,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Timestamp = DateTime(timezone=True)


class Campaign(Base):
    """One year's survey: its design (levels, groups, who rates whom, settings) is data.

    ``design`` holds the design document (``designs.to_json``), read and written only by
    ``services/designs.py``; its levels, groups and evaluation lines are also kept as rows
    (``campaign_levels``, ``campaign_groups``, ``campaign_evaluations``) so that units, lists
    and respondents name them under foreign keys.
    """

    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("year", "kind", "name", name="uq_campaigns_year_kind_name"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint(
            "fieldwork_opens IS NULL OR fieldwork_closes IS NULL "
            "OR fieldwork_opens <= fieldwork_closes",
            name="fieldwork_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(48))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[CampaignStatus] = mapped_column(
        enum_col(CampaignStatus, "campaign_status"), default=CampaignStatus.DRAFT
    )
    design: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The design's fieldwork dates, copied by services/designs.py for the form service's
    # one-query path (queries/submissions.py); never written anywhere else.
    fieldwork_opens: Mapped[dt.date | None] = mapped_column(Date)
    fieldwork_closes: Mapped[dt.date | None] = mapped_column(Date)
    # The date the campaign reads the official registry as of (None: its window's end).
    registry_as_of: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)

    units: Mapped[list[Unit]] = relationship(back_populates="campaign")


class CampaignLevel(Base):
    """A unit level of a campaign's design (province, department, commune office...)."""

    __tablename__ = "campaign_levels"
    __table_args__ = (UniqueConstraint("campaign_id", "code", name="uq_campaign_levels_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(48))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(48))
    ranked: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer)


class CampaignGroup(Base):
    """A respondent group of a campaign's design, with the level that lists it."""

    __tablename__ = "campaign_groups"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code", name="uq_campaign_groups_code"),
        ForeignKeyConstraint(
            ["campaign_id", "submitted_by"],
            ["campaign_levels.campaign_id", "campaign_levels.code"],
            name="fk_campaign_groups_submitted_by_campaign_levels",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(48))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(48))
    rule: Mapped[str] = mapped_column(String(48))
    position: Mapped[int] = mapped_column(Integer)


class CampaignEvaluation(Base):
    """A line of the evaluation matrix: a group rates some units with a questionnaire."""

    __tablename__ = "campaign_evaluations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["campaign_id", "group_code"],
            ["campaign_groups.campaign_id", "campaign_groups.code"],
            name="fk_campaign_evaluations_group_campaign_groups",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    group_code: Mapped[str] = mapped_column(String(48))
    rates: Mapped[str] = mapped_column(String(48))
    level_code: Mapped[str | None] = mapped_column(String(48))
    within_code: Mapped[str | None] = mapped_column(String(48))
    questionnaire: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    # The published version of ``questionnaire`` this line answers (None: not chosen yet;
    # the first invitation pins the version in force). Issued invitations keep their own.
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"))


class Unit(Base):
    """A node of the unit registry of one campaign (province, department, commune, ...)."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code", name="uq_units_campaign_code"),
        CheckConstraint("tier IS NULL OR tier BETWEEN 1 AND 9", name="tier_range"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        ForeignKeyConstraint(
            ["campaign_id", "level"],
            ["campaign_levels.campaign_id", "campaign_levels.code"],
            name="fk_units_level_campaign_levels",
        ),
        Index(
            "uq_units_campaign_official",
            "campaign_id",
            "official_key",
            unique=True,
            sqlite_where=text("official_key IS NOT NULL"),
            postgresql_where=text("official_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(48))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    tier: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(Integer)
    procedure_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The official unit this unit is (a commune, ward or province), None for the
    # administrator's own units (departments, sub-units, offices) with codes of their own.
    official_key: Mapped[str | None] = mapped_column(ForeignKey("official_units.key"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class UnitPredecessor(Base):
    """A unit of an earlier campaign that this unit continues (Sở Tài chính 2025 ⇐ Sở Tài
    chính and Sở Kế hoạch và Đầu tư 2024): the results compare them year on year."""

    __tablename__ = "unit_predecessors"
    __table_args__ = (CheckConstraint("unit_id <> predecessor_id", name="not_itself"),)

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OfficialUnit(Base):
    """An official administrative unit in one period (``adminunits.OfficialUnit``).

    ``key`` is tier, code and start of validity ("commune:09154:2025-07-01"): a code names
    different units before and after 1 July 2025. Rows are never deleted: a unit that
    ceases gets its ``valid_to``; units of campaigns keep pointing at it.
    """

    __tablename__ = "official_units"
    __table_args__ = (
        CheckConstraint("tier IN ('province', 'district', 'commune')", name="tier_known"),
        CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to", name="dates_order"
        ),
        Index("ix_official_units_code", "code"),
    )

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    tier: Mapped[str] = mapped_column(String(16))
    unit_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(200))
    parent_key: Mapped[str | None] = mapped_column(ForeignKey("official_units.key"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    former_names: Mapped[list[Any]] = mapped_column(JSON, default=list)


class OfficialSuccession(Base):
    """An old unit (or part of it, ``whole`` false) that became a new one on ``took_effect``."""

    __tablename__ = "official_successions"

    old_key: Mapped[str] = mapped_column(ForeignKey("official_units.key"), primary_key=True)
    new_key: Mapped[str] = mapped_column(
        ForeignKey("official_units.key"), primary_key=True, index=True
    )
    took_effect: Mapped[dt.date] = mapped_column(Date)
    whole: Mapped[bool] = mapped_column(Boolean)
    main: Mapped[bool] = mapped_column(Boolean)


class OfficialImport(Base):
    """One run of the official registry's import: its source, version, data date, digest
    and what it found and changed."""

    __tablename__ = "official_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    licence: Mapped[str] = mapped_column(String(40))
    data_date: Mapped[dt.date | None] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str | None] = mapped_column(String(10))
    as_of: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class User(Base):
    """An account. Unit officers are scoped to one unit code (stable across campaigns)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role <> 'unit_officer' OR unit_code IS NOT NULL", name="officer_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_col(Role, "user_role"))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class UnitList(Base):
    """One uploaded version of a unit's respondent list for one group."""

    __tablename__ = "unit_lists"
    __table_args__ = (
        UniqueConstraint("unit_id", "group", "content_hash", name="uq_unit_lists_same_content"),
        UniqueConstraint("unit_id", "group", "version", name="uq_unit_lists_version"),
        Index(
            "uq_unit_lists_one_current",
            "unit_id",
            "group",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        ForeignKeyConstraint(
            ["campaign_id", "group"],
            ["campaign_groups.campaign_id", "campaign_groups.code"],
            name="fk_unit_lists_group_campaign_groups",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    group: Mapped[str] = mapped_column(String(48))
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    # The file as sent: loaded only when used (the zip of all lists, a re-check), never by
    # the pages that list versions.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    # The council term a delegates' list is for ("2026–2031"), from the group's design.
    council_term: Mapped[str | None] = mapped_column(String(16))
    # Uploaded after the sample was drawn: kept, never current, flagged for the administrator.
    after_sampling: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    unit: Mapped[Unit] = relationship()
    rows: Mapped[list[ListRow]] = relationship(
        back_populates="unit_list", order_by="ListRow.source_row", cascade="all, delete-orphan"
    )


class ListRow(Base):
    """One data row of an uploaded list, kept whatever its status, with its reasons."""

    __tablename__ = "list_rows"
    __table_args__ = (UniqueConstraint("list_id", "source_row", name="uq_list_rows_source_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("unit_lists.id", ondelete="CASCADE"))
    source_row: Mapped[int] = mapped_column(Integer)
    status: Mapped[RowStatus] = mapped_column(enum_col(RowStatus, "row_status"))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    workplace: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(500))
    field: Mapped[str | None] = mapped_column(String(200))
    procedure: Mapped[str | None] = mapped_column(String(500))
    application_date: Mapped[dt.date | None] = mapped_column(Date)
    result_date: Mapped[dt.date | None] = mapped_column(Date)
    # The row as sent (cells) and each issue with its column and parameters (NULL if none),
    # written at upload so the report and the annotated file never re-read the file (0005).
    cells: Mapped[list[Any] | None] = mapped_column(JSON, deferred=True)
    issues: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    unit_list: Mapped[UnitList] = relationship(back_populates="rows")


class SamplingRun(Base):
    """A reproducible draw: seed, library version, settings and frame hash."""

    __tablename__ = "sampling_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    seed: Mapped[int] = mapped_column(Integer)
    library_version: Mapped[str] = mapped_column(String(40))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    frame_hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class DistrictChoice(Base):
    """Why a district was (not) chosen in a run, and any override with its reason."""

    __tablename__ = "district_choices"
    __table_args__ = (UniqueConstraint("run_id", "unit_id", name="uq_district_choices_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sampling_runs.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    chosen: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    override_reason: Mapped[str | None] = mapped_column(Text)


class Instrument(Base):
    """A published questionnaire version. Never updated: a new version is a new row."""

    __tablename__ = "instruments"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_instruments_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class CriteriaTree(Base):
    """A criteria tree an administrator published (the shipped ones live in the package).
    Never updated; a tree's code names one tree for good (a new table is a new code)."""

    __tablename__ = "criteria_trees"
    __table_args__ = (UniqueConstraint("code", name="uq_criteria_trees_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class InstrumentUpload(Base):
    """A questionnaire (or criteria tree) workbook that passed every check, waiting to be
    previewed and published. Forms and results never read it; publishing makes an
    ``instruments`` (or ``criteria_trees``) row and deletes the upload, and uploads left
    unpublished are dropped after a week."""

    __tablename__ = "instrument_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_tree: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    code: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class Respondent(Base):
    """A person drawn (or taken by census) into a campaign, with a design weight."""

    __tablename__ = "respondents"
    __table_args__ = (
        UniqueConstraint("campaign_id", "list_row_id", name="uq_respondents_list_row"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("reserve_rank IS NULL OR reserve_rank >= 1", name="reserve_rank_positive"),
        ForeignKeyConstraint(
            ["campaign_id", "group"],
            ["campaign_groups.campaign_id", "campaign_groups.code"],
            name="fk_respondents_group_campaign_groups",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_runs.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    list_row_id: Mapped[int | None] = mapped_column(ForeignKey("list_rows.id"))
    group: Mapped[str] = mapped_column(String(48))
    sample_role: Mapped[SampleRole] = mapped_column(enum_col(SampleRole, "sample_role"))
    status: Mapped[RespondentStatus] = mapped_column(
        enum_col(RespondentStatus, "respondent_status")
    )
    reserve_rank: Mapped[int | None] = mapped_column(Integer)
    stratum: Mapped[str] = mapped_column(String(200), default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    replacement_reason: Mapped[str | None] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])


class Invitation(Base):
    """A personal link for one rated unit: a respondent who rates several units has one per
    unit (and questionnaire), so each has one response (docs/adr/0009). Only a SHA-256 of the
    token is stored; short code for paper letters."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint(
            "respondent_id", "rated_unit_id", "instrument_id", name="uq_invitations_task"
        ),
        UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
        UniqueConstraint("short_code_hash", name="uq_invitations_short_code_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    rated_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    token_hash: Mapped[str] = mapped_column(String(64))
    short_code_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[InvitationStatus] = mapped_column(
        enum_col(InvitationStatus, "invitation_status"), default=InvitationStatus.ACTIVE
    )
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    # The clear token and short code, encrypted with the link key (never the database's own),
    # so letters can be printed again; see docs/adr/0001-sealed-links.md.
    sealed_link: Mapped[str | None] = mapped_column(Text)
    # The job that issued it (letters are printed per job). No foreign key: SQLite cannot add
    # a named one to an existing table, and jobs are only deleted with their campaign.
    job_id: Mapped[int | None] = mapped_column(Integer, index=True)

    respondent: Mapped[Respondent] = relationship()
    rated_unit: Mapped[Unit] = relationship()
    instrument: Mapped[Instrument] = relationship()


class Response(Base):
    """The one response of an invitation: a draft until submitted, then frozen."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("invitation_id", name="uq_responses_one_per_invitation"),
        UniqueConstraint("client_key", name="uq_responses_client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    status: Mapped[ResponseStatus] = mapped_column(
        enum_col(ResponseStatus, "response_status"), default=ResponseStatus.DRAFT
    )
    mode: Mapped[Mode] = mapped_column(enum_col(Mode, "response_mode"), default=Mode.WEB)
    client_key: Mapped[str | None] = mapped_column(String(64))
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    __tablename__ = "answers"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class PaperEntry(Base):
    """One clerk's keying of a paper or phone form, for optional double entry."""

    __tablename__ = "paper_entries"
    __table_args__ = (
        UniqueConstraint("invitation_id", "entry_round", name="uq_paper_entries_round"),
        CheckConstraint("entry_round IN (1, 2)", name="entry_round_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    entry_round: Mapped[int] = mapped_column(Integer)
    mode: Mapped[Mode] = mapped_column(enum_col(Mode, "entry_mode"))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class AppraisalPoint(Base):
    """Appraisal points of a unit for one sub-criterion (imported by analysts)."""

    __tablename__ = "appraisal_points"
    __table_args__ = (
        UniqueConstraint(
            "campaign_id", "unit_id", "sub_criterion", name="uq_appraisal_points_unit_criterion"
        ),
        CheckConstraint("points >= 0", name="points_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    sub_criterion: Mapped[str] = mapped_column(String(40))
    points: Mapped[float | None] = mapped_column(Float)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)


class Assessment(Base):
    """A campaign's self-assessment and appraisal (DOMAIN.md §12): opened once per campaign
    by the administrator with a deadline per unit level and a window for explanations;
    approved by the council (the appraisal points are then written and locked); published."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("campaign_id", name="uq_assessments_campaign"),
        CheckConstraint(
            "explain_from IS NULL OR explain_until IS NULL OR explain_from <= explain_until",
            name="explain_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_col(AssessmentStatus, "assessment_status"), default=AssessmentStatus.OPEN
    )
    explain_from: Mapped[dt.date | None] = mapped_column(Date)
    explain_until: Mapped[dt.date | None] = mapped_column(Date)
    document_number: Mapped[str] = mapped_column(String(80), default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    decision: Mapped[str | None] = mapped_column(String(200))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class AssessmentDeadline(Base):
    """The day the units of one level must submit their self-assessment by (15/12 for
    departments, 20/12 for communes)."""

    __tablename__ = "assessment_deadlines"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(48), primary_key=True)
    due: Mapped[dt.date] = mapped_column(Date)


class UnitAssessment(Base):
    """One rated unit's self-assessment and its appraisal: the stage it is at, the tree it is
    scored on, when it was submitted (and whether late), a reopening, reminders.

    ``version`` is raised by every change of stage (conditional writes on the stage decide
    between two people acting at once)."""

    __tablename__ = "unit_assessments"
    __table_args__ = (
        UniqueConstraint("assessment_id", "unit_id", name="uq_unit_assessments_unit"),
        CheckConstraint("round BETWEEN 0 AND 2", name="round_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    tree_code: Mapped[str] = mapped_column(String(80))
    stage: Mapped[UnitStage] = mapped_column(
        enum_col(UnitStage, "unit_stage"), default=UnitStage.NOT_STARTED
    )
    round: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_late: Mapped[bool] = mapped_column(Boolean, default=False)
    reopened_until: Mapped[dt.date | None] = mapped_column(Date)
    explained_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    appraised_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()


class AssessmentScore(Base):
    """One appraisal sub-criterion of a unit's assessment as it stands now: the unit's score
    and explanation, the appraised score and comment. Every change is also a
    :class:`ScoreChange` (never updated or deleted).

    ``version`` is raised by every write, which names the version the form was read at: a
    save that finds another version refuses (two officers of one unit never overwrite each
    other unseen)."""

    __tablename__ = "assessment_scores"
    __table_args__ = (
        UniqueConstraint("unit_assessment_id", "sub_criterion", name="uq_assessment_scores_leaf"),
        CheckConstraint(
            "self_points IS NULL OR (self_points >= 0 AND self_points <= max_points)",
            name="self_in_range",
        ),
        CheckConstraint(
            "appraised_points IS NULL OR (appraised_points >= 0 "
            "AND appraised_points <= max_points)",
            name="appraised_in_range",
        ),
        CheckConstraint(
            "applicable OR (self_points IS NULL AND appraised_points IS NULL)",
            name="not_applicable_unscored",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("unit_assessments.id", ondelete="CASCADE"), index=True
    )
    sub_criterion: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    max_points: Mapped[float] = mapped_column(Float)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    self_points: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")
    appraised_points: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    appraised_round: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class ScoreChange(Base):
    """A recorded change of one sub-criterion's score: who, when, what, why, which round."""

    __tablename__ = "score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_scores.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ScoreChangeKind] = mapped_column(enum_col(ScoreChangeKind, "score_change_kind"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[float | None] = mapped_column(Float)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class ExplanationRequest(Base):
    """An appraiser's request for an explanation or more evidence on a sub-criterion, and
    the unit's answer (written once)."""

    __tablename__ = "explanation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_scores.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer, default=1)
    request: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class EvidenceFile(Base):
    """An evidence file of a sub-criterion: its kind read from the bytes, its size and
    SHA-256; the bytes are kept outside the database under their hash
    (``services/evidence.py``). Never deleted: a file added by mistake is withdrawn."""

    __tablename__ = "evidence_files"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_scores.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[EvidenceKind] = mapped_column(enum_col(EvidenceKind, "evidence_kind"))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    round: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class LeadAssignment(Base):
    """For the province's own index: the lead department (a unit code of the campaign's
    registry) that scores a field, criterion or sub-criterion of a rated unit's tree."""

    __tablename__ = "lead_assignments"
    __table_args__ = (
        UniqueConstraint("unit_assessment_id", "node_code", name="uq_lead_assignments_node"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("unit_assessments.id", ondelete="CASCADE"), index=True
    )
    node_code: Mapped[str] = mapped_column(String(40))
    scorer_code: Mapped[str] = mapped_column(String(40))


class AppraiserAssignment(Base):
    """An appraiser given a unit to appraise, all of it (``field_code`` empty) or one field."""

    __tablename__ = "appraiser_assignments"
    __table_args__ = (
        UniqueConstraint(
            "unit_assessment_id", "user_id", "field_code", name="uq_appraiser_assignments_line"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("unit_assessments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    field_code: Mapped[str] = mapped_column(String(40), default="")


class ResultsChange(Base):
    """One change to what a campaign's results are computed from, written by the database's
    own triggers (migration 0011) in the transaction that made it: a submitted response or
    its answers (``row_id``: the response), a respondent's design columns, a unit, an
    appraisal point. Never updated or deleted, so a campaign's count of changes names the
    state of its data; stored results are keyed by it (``services/results_store.py``).
    No foreign key: a campaign being deleted still logs its rows' deletion."""

    __tablename__ = "results_changes"
    __table_args__ = (Index("ix_results_changes_campaign", "campaign_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, server_default=func.now())


class ExportRecord(Base):
    """What an export contained: settings and a data hash, so numbers can be reproduced."""

    __tablename__ = "export_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)


class AuditEvent(Base):
    """Who did what and when."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now, server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[AuditAction] = mapped_column(enum_col(AuditAction, "audit_action"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class Job(Base):
    """A background job (issuing invitations, …): progress kept, resumable, one active per kind.

    ``uq_jobs_one_active`` lets at most one queued or running job of a kind exist per campaign,
    so two administrators starting the same work at once get one job, decided by the database.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index(
            "uq_jobs_one_active",
            "campaign_id",
            "kind",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[JobKind] = mapped_column(enum_col(JobKind, "job_kind"))
    status: Mapped[JobStatus] = mapped_column(
        enum_col(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error_code: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class UserSession(Base):
    """A staff login, server-side: logging out or deactivating a user revokes it."""

    __tablename__ = "user_sessions"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_user_sessions_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    ip: Mapped[str | None] = mapped_column(String(64))


class HealthProbe(Base):
    """One row rewritten by ``/healthz``: the check fails when the database cannot write."""

    __tablename__ = "health_probes"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=now)
