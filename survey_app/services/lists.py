"""Unit lists: upload, validate, keep every version, report, and the status board.

An upload is read and validated by ``survey_app.ingest``; every data row is stored with its
status and reasons (``list_rows``), whatever its status. Identical content is recognised by
its SHA-256 and never stored twice; a new version replaces the current list of that unit and
group (``uq_unit_lists_one_current``) and the older versions stay as history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain import CampaignKind, RespondentGroup, UnitLevel
from survey_app.errors import ServiceError
from survey_app.ingest import (
    IngestError,
    Issue,
    ListContext,
    ListReport,
    annotated_xlsx,
    read_table,
    validate_list,
)
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.enums import RowStatus as StoredRowStatus
from survey_app.persistence.models import Campaign, ListRow, Unit, UnitList, User
from survey_app.services import audit
from survey_app.services.spreadsheet import csv_bytes

CITIZENS_REQUIRED = 30
GROUPS_BY_KIND: dict[CampaignKind, tuple[RespondentGroup, ...]] = {
    CampaignKind.PROVINCIAL_PAR: (RespondentGroup.COUNCIL_DELEGATE,
                                  RespondentGroup.DEPARTMENT_LEADER,
                                  RespondentGroup.SUBUNIT_LEADER,
                                  RespondentGroup.DISTRICT_LEADER, RespondentGroup.CITIZEN),
    CampaignKind.INTERNAL_INDEX: (RespondentGroup.DEPARTMENT_LEADER,
                                  RespondentGroup.SUBUNIT_LEADER,
                                  RespondentGroup.DISTRICT_LEADER, RespondentGroup.CITIZEN),
    CampaignKind.COMMUNE_INDEX: (RespondentGroup.CITIZEN,),
    CampaignKind.SIPAS: (RespondentGroup.CITIZEN,),
}


class BoardStatus(StrEnum):
    MISSING = "missing"
    RECEIVED = "received"
    PROBLEMS = "problems"
    LATE = "late"


@dataclass(frozen=True)
class UploadResult:
    unit_list: UnitList
    report: ListReport
    new_version: bool


@dataclass(frozen=True)
class BoardRow:
    unit: Unit
    group: RespondentGroup
    status: BoardStatus
    current: UnitList | None


def required_groups(campaign: Campaign, unit: Unit) -> tuple[RespondentGroup, ...]:
    """The lists this unit must send in this campaign."""
    return tuple(g for g in GROUPS_BY_KIND[campaign.kind] if g.submitting_level is unit.level)


def context_for(session: Session, campaign: Campaign, unit: Unit,
                group: RespondentGroup) -> ListContext:
    """Window, locality and procedure fields that the list of ``unit`` is checked against."""
    if group is not RespondentGroup.CITIZEN:
        return ListContext(unit_name=unit.name)
    others = session.scalars(select(Unit.name).where(
        Unit.campaign_id == campaign.id, Unit.level == UnitLevel.COMMUNE, Unit.id != unit.id))
    return ListContext(date_from=campaign.window_from, date_to=campaign.window_to,
                       unit_name=unit.name, other_localities=tuple(others),
                       procedure_fields=tuple(unit.procedure_fields or ()),
                       required_count=int(campaign.settings.get("citizens_per_commune",
                                                                CITIZENS_REQUIRED)))


def validate(session: Session, campaign: Campaign, unit: Unit, group: RespondentGroup,
             filename: str, data: bytes, max_rows: int = 100_000) -> ListReport:
    """Read and validate a file without storing anything; IngestError for unreadable files."""
    table = read_table(filename, data, max_rows=max_rows)
    return validate_list(table, group, context_for(session, campaign, unit, group))


def upload(session: Session, campaign: Campaign, unit: Unit, group: RespondentGroup,
           filename: str, data: bytes, actor: User | None, *, today: dt.date | None = None,
           max_rows: int = 100_000) -> UploadResult:
    """Store a new version of the list (or recognise identical content). All or nothing."""
    if group not in required_groups(campaign, unit):
        raise ServiceError("group_not_for_unit", group=group.value, unit=unit.name)
    late = _late(campaign, today or dt.date.today())
    report = validate(session, campaign, unit, group, filename, data, max_rows)
    digest = hashlib.sha256(data).hexdigest()
    same = session.scalar(select(UnitList).where(
        UnitList.unit_id == unit.id, UnitList.group == group, UnitList.content_hash == digest))
    if same is not None:
        _make_current(session, same)
        return UploadResult(same, report, new_version=False)
    version = (session.scalar(select(func.max(UnitList.version)).where(
        UnitList.unit_id == unit.id, UnitList.group == group)) or 0) + 1
    session.execute(update(UnitList).where(UnitList.unit_id == unit.id, UnitList.group == group)
                    .values(is_current=False))
    unit_list = UnitList(campaign_id=campaign.id, unit_id=unit.id, group=group, version=version,
                         is_current=True, is_late=late, content_hash=digest,
                         filename=filename[:255], content=data, summary=report.to_summary_dict(),
                         uploaded_by_id=actor.id if actor else None)
    session.add(unit_list)
    session.flush()
    _store_rows(session, unit_list.id, report)
    audit.record(session, AuditAction.LIST_UPLOADED, user=actor, campaign_id=campaign.id,
                 target=f"{unit.code}/{group.value}", version=version, late=late,
                 rows=report.data_rows, eligible=report.eligible)
    return UploadResult(unit_list, report, new_version=True)


def _late(campaign: Campaign, today: dt.date) -> bool:
    if campaign.list_deadline is None or today <= campaign.list_deadline:
        return False
    if not campaign.allow_late_uploads:
        raise ServiceError("deadline_passed", deadline=campaign.list_deadline.strftime("%d/%m/%Y"))
    return True


def _make_current(session: Session, unit_list: UnitList) -> None:
    if unit_list.is_current:
        return
    session.execute(update(UnitList).where(UnitList.unit_id == unit_list.unit_id,
                                           UnitList.group == unit_list.group)
                    .values(is_current=False))
    session.flush()
    unit_list.is_current = True
    session.flush()


_STORED_COLUMNS = ("list_id", "source_row", "status", "reasons", "warnings", "full_name",
                   "phone", "email", "position", "workplace", "address", "field", "procedure",
                   "application_date", "result_date")


def _store_rows(session: Session, list_id: int, report: ListReport) -> None:
    """Every data row, eligible or not, with its codes.

    The hot part of a 100,000-row upload, so the rows go to the driver's executemany as
    tuples already in stored form (JSON text, ISO dates on SQLite): SQLAlchemy's per-value
    processing cost more than reading and validating the file.
    """
    connection = session.connection()
    dialect = connection.dialect
    iso_dates = dialect.name == "sqlite"  # SQLAlchemy stores dates on SQLite as ISO text

    def day(value: dt.date | None) -> dt.date | str | None:
        return value.isoformat() if iso_dates and value is not None else value

    rows = [(list_id, r.source_row, StoredRowStatus(r.status.value).value,
             _codes_json(r.reasons), _codes_json(r.warnings), _cut(r.full_name, 200),
             r.phone_e164, _cut(r.email, 200), _cut(r.position, 200), _cut(r.unit_name, 255),
             _cut(r.address, 500), _cut(r.field, 200), _cut(r.procedure, 500),
             day(r.application_date), day(r.result_date)) for r in report.rows]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {ListRow.__tablename__} ({', '.join(_STORED_COLUMNS)}) "  # noqa: S608
           f"VALUES ({', '.join([marker] * len(_STORED_COLUMNS))})")  # constants only
    if rows:
        connection.exec_driver_sql(sql, rows)


def _codes_json(issues: tuple[Issue, ...]) -> str:
    return json.dumps([str(i.code) for i in issues]) if issues else "[]"


def _cut(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


def current_list(session: Session, unit: Unit, group: RespondentGroup) -> UnitList | None:
    return session.scalar(select(UnitList).where(UnitList.unit_id == unit.id,
                                                 UnitList.group == group, UnitList.is_current))


def history(session: Session, unit: Unit, group: RespondentGroup) -> list[UnitList]:
    return list(session.scalars(select(UnitList).where(
        UnitList.unit_id == unit.id, UnitList.group == group).order_by(UnitList.version.desc())))


def stored_report(session: Session, unit_list: UnitList) -> ListReport:
    """The validation report of a stored version (re-read from its original bytes)."""
    return validate(session, unit_list.unit.campaign, unit_list.unit, unit_list.group,
                    unit_list.filename, unit_list.content)


def annotated(session: Session, unit_list: UnitList) -> bytes:
    """The officer's own rows as XLSX with status and reason columns, problem cells marked."""
    table = read_table(unit_list.filename, unit_list.content)
    report = validate_list(table, unit_list.group, context_for(
        session, unit_list.unit.campaign, unit_list.unit, unit_list.group))
    return annotated_xlsx(table, report)


def board(session: Session, campaign: Campaign) -> list[BoardRow]:
    """Every unit × required list: missing, received, with problems, or late."""
    units = session.scalars(select(Unit).where(Unit.campaign_id == campaign.id)
                            .order_by(Unit.level, Unit.code))
    current = {(ul.unit_id, ul.group): ul for ul in session.scalars(
        select(UnitList).where(UnitList.campaign_id == campaign.id, UnitList.is_current))}
    rows = []
    for unit in units:
        for group in required_groups(campaign, unit):
            ul = current.get((unit.id, group))
            rows.append(BoardRow(unit, group, _status(ul), ul))
    return rows


def _status(unit_list: UnitList | None) -> BoardStatus:
    if unit_list is None:
        return BoardStatus.MISSING
    if unit_list.is_late:
        return BoardStatus.LATE
    summary = unit_list.summary or {}
    if summary.get("excluded") or summary.get("list_warnings"):
        return BoardStatus.PROBLEMS
    return BoardStatus.RECEIVED


def all_lists_zip(session: Session, campaign: Campaign, actor: User | None) -> bytes:
    """Every current list as sent, plus one CSV of all rows with status and reasons."""
    buffer = io.BytesIO()
    lines = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for ul in session.scalars(select(UnitList).where(UnitList.campaign_id == campaign.id,
                                                         UnitList.is_current)):
            archive.writestr(f"{ul.unit.code}_{ul.group.value}_v{ul.version}_{ul.filename}",
                             ul.content)
            lines += [[ul.unit.code, ul.unit.name, ul.group.value, r.source_row, r.status.value,
                       ", ".join(r.reasons), r.full_name, r.position, r.phone, r.email,
                       r.address, r.field] for r in ul.rows]
        archive.writestr("tat_ca_danh_sach.csv", csv_bytes(
            ["Mã đơn vị", "Đơn vị", "Nhóm", "Dòng", "Trạng thái", "Lý do", "Họ và tên",
             "Chức vụ", "Điện thoại", "Email", "Địa chỉ", "Lĩnh vực"], lines))
    audit.record(session, AuditAction.EXPORT, user=actor, campaign_id=campaign.id,
                 target="all_lists")
    return buffer.getvalue()


def ingest_message(error: IngestError, locale: str) -> str:
    return error.message_en if locale == "en" else error.message_vi

