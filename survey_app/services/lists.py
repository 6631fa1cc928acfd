"""Unit lists: upload, validate, keep every version, report, and the status board.

An upload is read and validated by ``survey_app.ingest``; every data row is stored with its
status and reasons (``list_rows``), whatever its status. Identical content is recognised by
its SHA-256 and never stored twice; a new version replaces the current list of that unit and
group (``uq_unit_lists_one_current``) and the older versions stay as history.

Once the sample is drawn (a sampling run or respondents exist), a new upload is kept as a
version ``after_sampling`` that is not current: people drawn from the list in use stay in
the field. The administrator sees it on the board and decides: use it as current (only while
no invitation exists) or leave it unused. Files are read in a limited child process
(``read_table_isolated``); the unit row is locked before the next version is chosen, so two
uploads at once become consecutive versions, never a 500. Each row keeps its cells and issues
and the summary the table's layout, so the report is never read from the file again
(``list_reports``); a re-check of the same bytes (``recheck=True``) is a new version only if
the outcome differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from designs import ListKind
from survey_app.errors import ServiceError
from survey_app.ingest import (
    IngestError,
    Issue,
    ListContext,
    ListReport,
    ListRules,
    ParseLimits,
    RawTable,
    read_table_isolated,
    safe_filename,
    template_xlsx,
    validate_list,
)
from survey_app.ingest.stored import LAYOUT_KEY, cells_json, issues_json, layout_of
from survey_app.persistence.enums import AuditAction, CampaignStatus
from survey_app.persistence.enums import RowStatus as StoredRowStatus
from survey_app.persistence.locks import lock_campaign, lock_row, table_of
from survey_app.persistence.models import (
    Campaign,
    Invitation,
    Respondent,
    SamplingRun,
    Unit,
    UnitList,
    User,
)
from survey_app.persistence.queries import list_rows as list_rows_sql
from survey_app.services import audit, official_units
from survey_app.services.designs import design_of, settings_of
from survey_app.services.spreadsheet import csv_bytes


class BoardStatus(StrEnum):
    MISSING = "missing"
    RECEIVED = "received"
    PROBLEMS = "problems"
    LATE = "late"


RECHECK_KEY = "recheck_of"
"""Key in ``UnitList.summary``: the version whose bytes a re-check stored again."""
DECISION_KEY = "after_sampling_decision"
"""Key in ``UnitList.summary`` recording the administrator's choice for a late version."""


class Decision(StrEnum):
    """What the administrator decided for a version received after sampling."""

    ACCEPTED = "accepted"
    NOT_USED = "not_used"


@dataclass(frozen=True)
class UploadResult:
    unit_list: UnitList
    report: ListReport
    new_version: bool
    after_sampling: bool = False


@dataclass(frozen=True)
class BoardRow:
    unit: Unit
    group: str
    status: BoardStatus
    current: UnitList | None
    pending: UnitList | None = None
    """The newest version received after sampling that awaits the administrator."""


def officer_units(session: Session, user: User) -> list[Unit]:
    """The units of a unit officer in every open campaign (a commune may send lists to the
    Ministry's survey and the province's index at the same time), newest campaign first."""
    query = (
        select(Unit)
        .join(Campaign, Campaign.id == Unit.campaign_id)
        .where(Unit.code == user.unit_code, Campaign.status == CampaignStatus.OPEN)
        .order_by(Campaign.year.desc(), Campaign.id)
    )
    return list(session.scalars(query))


def required_groups(campaign: Campaign, unit: Unit) -> tuple[str, ...]:
    """The lists this unit must send in this campaign: the design's groups its level lists."""
    return tuple(g.code for g in design_of(campaign).groups_submitted_by(unit.level))


def _council_term(campaign: Campaign, group: str) -> str | None:
    """The council term a delegates' list carries (the design's), None for other lists."""
    design = design_of(campaign)
    return design.council_term if design.group(group).list.council else None


def rules_for(campaign: Campaign, group: str) -> ListRules:
    """The rules the design gives this group's lists."""
    return ListRules.of(group, design_of(campaign).group(group).list)


def blank_list(unit: Unit, group: str) -> bytes:
    """A blank list for this unit and group, with the unit's procedure fields in the
    drop-down of a transactions list."""
    spec = design_of(unit.campaign).group(group)
    return template_xlsx(
        spec.name.vi,
        spec.list.kind is ListKind.TRANSACTIONS,
        tuple(unit.procedure_fields or ()),
    )


def context_for(session: Session, campaign: Campaign, unit: Unit, group: str) -> ListContext:
    """Window, locality and procedure fields that the list of ``unit`` is checked against.

    A unit linked to an official commune is checked by the registry (its old communes are
    inside, split ones warn); otherwise by the names of the campaign's other units."""
    spec = design_of(campaign).group(group)
    if spec.list.kind is not ListKind.TRANSACTIONS:
        return ListContext(unit_name=unit.name)
    others = session.scalars(
        select(Unit.name).where(
            Unit.campaign_id == campaign.id, Unit.level == unit.level, Unit.id != unit.id
        )
    )
    return ListContext(
        date_from=spec.window.start if spec.window else None,
        date_to=spec.window.end if spec.window else None,
        unit_name=unit.name,
        other_localities=tuple(others),
        procedure_fields=tuple(unit.procedure_fields or ()),
        required_count=spec.list.expected,
        locality=official_units.locality_for(session, campaign, unit),
    )


def validate(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    group: str,
    filename: str,
    data: bytes,
    max_rows: int = 100_000,
    limits: ParseLimits | None = None,
) -> tuple[RawTable, ListReport]:
    """Read (in a limited child process) and validate a file without storing anything;
    IngestError for unreadable files."""
    table = read_table_isolated(filename, data, max_rows=max_rows, limits=limits)
    rules = rules_for(campaign, group)
    return table, validate_list(table, rules, context_for(session, campaign, unit, group))


def upload(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    group: str,
    filename: str,
    data: bytes,
    actor: User | None,
    *,
    today: dt.date | None = None,
    max_rows: int = 100_000,
    limits: ParseLimits | None = None,
    recheck: bool = False,
) -> UploadResult:
    """Store a new version of the list (or recognise identical content). All or nothing.

    Refuses a file without data rows (``empty_file``). After sampling the version is kept but
    not made current (``after_sampling``). A concurrent upload that wins the race makes this
    one ``list_upload_conflict`` (the session is rolled back: its flush already failed).
    ``recheck``: the bytes of a stored version checked again against today's rules; identical
    content then becomes a new version only if the outcome differs (``recheck``).
    """
    if group not in required_groups(campaign, unit):
        design = design_of(campaign)
        name = design.group(group).name.vi if design.has_group(group) else group
        raise ServiceError("group_not_for_unit", group=name, unit=unit.name)
    late = _late(campaign, today or dt.date.today())
    table, report = validate(session, campaign, unit, group, filename, data, max_rows, limits)
    if report.data_rows == 0:
        raise ServiceError("empty_file")
    try:
        return _store_version(
            session,
            campaign,
            unit,
            group,
            safe_filename(filename),
            data,
            (table, report),
            actor,
            late,
            recheck,
        )
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
            raise
        session.rollback()
        raise ServiceError("list_upload_conflict") from exc


def _store_version(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    group: str,
    filename: str,
    data: bytes,
    checked: tuple[RawTable, ListReport],
    actor: User | None,
    late: bool,
    recheck: bool,
) -> UploadResult:
    """The writing half of ``upload``, decided under the campaign's and the unit's row locks
    (the campaign's: a sampling run cannot draw between "no sample yet" and this commit)."""
    table, report = checked
    lock_campaign(session, campaign.id)
    lock_unit(session, unit)
    after = sample_drawn(session, campaign)
    digest = hashlib.sha256(data).hexdigest()
    same = session.scalar(
        select(UnitList).where(
            UnitList.unit_id == unit.id, UnitList.group == group, UnitList.content_hash == digest
        )
    )
    summary = {**report.to_summary_dict(), LAYOUT_KEY: layout_of(table)}
    if same is not None:
        if not recheck or _same_outcome(session, same, report):
            return _same_content(session, same, report, after)
        summary[RECHECK_KEY] = same.version
        _supersede(session, same)
    version = (
        session.scalar(
            select(func.max(UnitList.version)).where(
                UnitList.unit_id == unit.id, UnitList.group == group
            )
        )
        or 0
    ) + 1
    if not after:
        session.execute(
            update(UnitList)
            .where(UnitList.unit_id == unit.id, UnitList.group == group)
            .values(is_current=False)
        )
    unit_list = UnitList(
        campaign_id=campaign.id,
        unit_id=unit.id,
        group=group,
        version=version,
        is_current=not after,
        is_late=late,
        after_sampling=after,
        content_hash=digest,
        filename=filename,
        content=data,
        summary=summary,
        uploaded_by_id=actor.id if actor else None,
        council_term=_council_term(campaign, group),
    )
    session.add(unit_list)
    session.flush()
    _store_rows(session, unit_list.id, table, report)
    audit.record(
        session,
        AuditAction.LIST_UPLOADED,
        user=actor,
        campaign_id=campaign.id,
        target=f"{unit.code}/{group}",
        version=version,
        late=late,
        rows=report.data_rows,
        eligible=report.eligible,
        after_sampling=after,
    )
    return UploadResult(unit_list, report, new_version=True, after_sampling=after)


def _same_content(
    session: Session, same: UnitList, report: ListReport, after: bool
) -> UploadResult:
    """Identical content sent again: made current before sampling; after it, an older
    version sent again waits for the administrator like a new one."""
    if not after:
        _make_current(session, same)
        return UploadResult(same, report, new_version=False)
    if same.is_current:
        return UploadResult(same, report, new_version=False)
    same.after_sampling = True
    same.summary = {k: v for k, v in (same.summary or {}).items() if k != DECISION_KEY}
    session.flush()
    return UploadResult(same, report, new_version=False, after_sampling=True)


def _same_outcome(session: Session, stored: UnitList, report: ListReport) -> bool:
    """Whether ``report`` gives every row of ``stored`` the same status, reason and warning
    codes, and the list the same list warnings (codes and messages)."""
    fresh = [
        (
            r.source_row,
            r.status.value,
            [str(i.code) for i in r.reasons],
            [str(i.code) for i in r.warnings],
        )
        for r in report.rows
    ]
    warnings = report.to_summary_dict()["list_warnings"]
    return warnings == (stored.summary or {}).get(
        "list_warnings"
    ) and fresh == list_rows_sql.outcomes(session, stored.id)


def _supersede(session: Session, stored: UnitList) -> None:
    """A version whose bytes a re-check stores again keeps them, but gives up the plain
    content hash (``uq_unit_lists_same_content``) to the new version, so the same file sent
    later finds the newest outcome: its hash becomes sha256("<hash>:v<version>")."""
    stored.content_hash = hashlib.sha256(
        f"{stored.content_hash}:v{stored.version}".encode()
    ).hexdigest()
    session.flush()


def lock_unit(session: Session, unit: Unit) -> None:
    """Take the unit's row lock until the transaction ends, so uploads for it queue
    (``persistence.locks``: FOR UPDATE on PostgreSQL, the write lock on SQLite)."""
    lock_row(session, table_of(Unit), unit.id)


def sample_drawn(session: Session, campaign: Campaign) -> bool:
    """Whether the campaign's sample exists (a sampling run or any respondent)."""
    return bool(
        session.scalar(
            select(
                exists().where(SamplingRun.campaign_id == campaign.id)
                | exists().where(Respondent.campaign_id == campaign.id)
            )
        )
    )


def invitations_issued(session: Session, campaign: Campaign) -> bool:
    """Whether any invitation exists for the campaign (the sample is then fixed)."""
    return bool(session.scalar(select(exists().where(Invitation.campaign_id == campaign.id))))


def is_pending(unit_list: UnitList) -> bool:
    """A version received after sampling, not in use, that nobody has decided on yet."""
    return (
        unit_list.after_sampling
        and not unit_list.is_current
        and DECISION_KEY not in (unit_list.summary or {})
    )


def decide_after_sampling(
    session: Session, unit_list: UnitList, decision: Decision, actor: User | None
) -> None:
    """The administrator's choice for a version received after sampling.

    ACCEPTED makes it the current list (refused with ``list_sample_in_use`` once invitations
    exist: the sample then changes only by replacement); NOT_USED leaves it stored, unused.
    Either is recorded in the version's summary and in the audit log.
    """
    unit = unit_list.unit
    lock_campaign(session, unit.campaign_id)  # issuing invitations takes it too
    lock_unit(session, unit)
    session.refresh(unit_list)
    if not is_pending(unit_list):
        raise ServiceError("list_not_pending")
    if decision is Decision.ACCEPTED:
        if invitations_issued(session, unit.campaign):
            raise ServiceError("list_sample_in_use")
        _make_current(session, unit_list)
    unit_list.summary = {
        **(unit_list.summary or {}),
        DECISION_KEY: {
            "decision": decision.value,
            "by": actor.username if actor else None,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }
    session.flush()
    audit.record(
        session,
        AuditAction.LIST_UPLOADED,
        user=actor,
        campaign_id=unit.campaign_id,
        target=f"{unit.code}/{unit_list.group}",
        version=unit_list.version,
        after_sampling=True,
        decision=decision.value,
    )


def _late(campaign: Campaign, today: dt.date) -> bool:
    deadlines = settings_of(campaign).deadlines
    if deadlines.lists is None or today <= deadlines.lists:
        return False
    if not deadlines.late_uploads:
        raise ServiceError("deadline_passed", deadline=deadlines.lists.strftime("%d/%m/%Y"))
    return True


def _make_current(session: Session, unit_list: UnitList) -> None:
    if unit_list.is_current:
        return
    session.execute(
        update(UnitList)
        .where(UnitList.unit_id == unit_list.unit_id, UnitList.group == unit_list.group)
        .values(is_current=False)
    )
    session.flush()
    unit_list.is_current = True
    session.flush()


def _store_rows(session: Session, list_id: int, table: RawTable, report: ListReport) -> None:
    """Every data row, eligible or not, with its codes, its cells as sent and its issues, in
    the stored form that ``queries.list_rows.insert_rows`` takes (the hot path of a large
    upload)."""
    iso_dates = list_rows_sql.stores_dates_as_text(session)

    def day(value: dt.date | None) -> dt.date | str | None:
        return value.isoformat() if iso_dates and value is not None else value

    list_rows_sql.insert_rows(
        session,
        [
            (
                list_id,
                r.source_row,
                StoredRowStatus(r.status.value).value,
                _codes_json(r.reasons),
                _codes_json(r.warnings),
                _cut(r.full_name, 200),
                r.phone_e164,
                _cut(r.email, 200),
                _cut(r.position, 200),
                _cut(r.unit_name, 255),
                _cut(r.address, 500),
                _cut(r.field, 200),
                _cut(r.procedure, 500),
                day(r.application_date),
                day(r.result_date),
                cells_json(raw.cells),
                issues_json(r),
            )
            for raw, r in zip(table.rows, report.rows, strict=True)
        ],
    )


def _codes_json(issues: tuple[Issue, ...]) -> str:
    return json.dumps([str(i.code) for i in issues]) if issues else "[]"


def _cut(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


def current_list(session: Session, unit: Unit, group: str) -> UnitList | None:
    return session.scalar(
        select(UnitList).where(
            UnitList.unit_id == unit.id, UnitList.group == group, UnitList.is_current
        )
    )


def history(session: Session, unit: Unit, group: str) -> list[UnitList]:
    return list(
        session.scalars(
            select(UnitList)
            .where(UnitList.unit_id == unit.id, UnitList.group == group)
            .order_by(UnitList.version.desc())
        )
    )


def board(session: Session, campaign: Campaign) -> list[BoardRow]:
    """Every unit × required list: missing, received, with problems, or late."""
    units = session.scalars(
        select(Unit).where(Unit.campaign_id == campaign.id).order_by(Unit.level, Unit.code)
    )
    current = {
        (ul.unit_id, ul.group): ul
        for ul in session.scalars(
            select(UnitList).where(UnitList.campaign_id == campaign.id, UnitList.is_current)
        )
    }
    pending = pending_lists(session, campaign)
    rows = []
    for unit in units:
        for group in required_groups(campaign, unit):
            ul = current.get((unit.id, group))
            rows.append(BoardRow(unit, group, _status(ul), ul, pending.get((unit.id, group))))
    return rows


def pending_lists(session: Session, campaign: Campaign) -> dict[tuple[int, str], UnitList]:
    """The newest version awaiting a decision, by (unit id, group)."""
    found: dict[tuple[int, str], UnitList] = {}
    for ul in session.scalars(
        select(UnitList)
        .where(
            UnitList.campaign_id == campaign.id,
            UnitList.after_sampling,
            UnitList.is_current.is_(False),
        )
        .order_by(UnitList.version)
    ):
        if is_pending(ul):
            found[(ul.unit_id, ul.group)] = ul
    return found


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
        for ul in session.scalars(
            select(UnitList).where(UnitList.campaign_id == campaign.id, UnitList.is_current)
        ):
            member = (
                f"{safe_filename(ul.unit.code, 'don_vi')}_{ul.group}_"
                f"v{ul.version}_{safe_filename(ul.filename)}"
            )
            archive.writestr(member, ul.content)
            lines += [
                [
                    ul.unit.code,
                    ul.unit.name,
                    ul.group,
                    r.source_row,
                    r.status.value,
                    ", ".join(r.reasons),
                    r.full_name,
                    r.position,
                    r.phone,
                    r.email,
                    r.address,
                    r.field,
                ]
                for r in ul.rows
            ]
        archive.writestr(
            "tat_ca_danh_sach.csv",
            csv_bytes(
                [
                    "Mã đơn vị",
                    "Đơn vị",
                    "Nhóm",
                    "Dòng",
                    "Trạng thái",
                    "Lý do",
                    "Họ và tên",
                    "Chức vụ",
                    "Điện thoại",
                    "Email",
                    "Địa chỉ",
                    "Lĩnh vực",
                ],
                lines,
            ),
        )
    audit.record(
        session, AuditAction.EXPORT, user=actor, campaign_id=campaign.id, target="all_lists"
    )
    return buffer.getvalue()


def ingest_message(error: IngestError, locale: str) -> str:
    return error.message_en if locale == "en" else error.message_vi
