"""Appraisal points: a template to fill in and an all-or-nothing import.

The template lists every unit to be indexed × every appraisal sub-criterion of the campaign's
criteria tree. An upload is checked row by row against the tree and the unit registry
(``analysis.criteria.validate_appraisal``); one bad row refuses the whole file.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.criteria import validate_appraisal
from analysis.errors import ErrorCode
from questionnaires import CriteriaTree, Method
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, AuditAction
from survey_app.persistence.models import AppraisalPoint, Assessment, Campaign, Unit, User
from survey_app.persistence.queries.assessment import lock_assessment
from survey_app.services import audit, criteria_trees
from survey_app.services.designs import design_of
from survey_app.services.exports import safe_rows
from survey_app.services.results import analysis_tree
from survey_app.services.results_settings import settings_of

HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã tiêu chí thành phần",
    "Tên tiêu chí",
    "Điểm tối đa",
    "Điểm thẩm định",
    "Không áp dụng",
)
_ALIASES = {
    "unit_code": ("ma don vi", "unit code", "unit_code", "unit"),
    "sub_criterion": (
        "ma tieu chi thanh phan",
        "ma tieu chi",
        "sub_criterion",
        "sub-criterion",
        "criterion",
    ),
    "points": ("diem tham dinh", "diem", "points"),
    "not_applicable": ("khong ap dung", "not applicable", "not_applicable", "na"),
}
_YES = {"x", "1", "co", "yes", "true", "khong ap dung", "kad", "na"}


@dataclass(frozen=True)
class AppraisalRow:
    """One data row as read: ``row`` is the row number the analyst sees in the file."""

    row: int
    unit_code: str
    sub_criterion: str
    points: str
    not_applicable: bool


@dataclass(frozen=True)
class AppraisalProblem:
    """One bad row: its number, the code (its message is in the catalogue) and the values as
    written (unit, sub-criterion, points), never the library's English text."""

    row: int
    code: ErrorCode
    detail: str


class AppraisalRejected(Exception):
    """The file had bad rows; nothing was imported."""

    def __init__(self, problems: list[AppraisalProblem]) -> None:
        super().__init__(f"{len(problems)} bad rows")
        self.problems = problems


def campaign_tree(session: Session, campaign: Campaign, level: str | None = None) -> CriteriaTree:
    """The criteria tree of the campaign's rated units (of ``level`` when given): shipped or
    published (``no_tree`` when the design names one that is neither)."""
    settings = settings_of(campaign)
    name = settings.tree_of(level) if level else settings.criteria_tree
    tree = criteria_trees.available(session).get(name)
    if tree is None:
        raise ServiceError("no_tree", code=name)
    return tree


def indexed_units(session: Session, campaign: Campaign) -> list[Unit]:
    """Units the campaign's design gives an index (rated or ranked levels)."""
    levels = design_of(campaign).indexed_levels()
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.campaign_id == campaign.id, Unit.level.in_(levels))
            .order_by(Unit.code)
        )
    )


def template_rows(session: Session, campaign: Campaign) -> list[list[object]]:
    """Unit × appraisal sub-criterion rows (points left empty), in :data:`HEADERS` order."""
    rows: list[list[object]] = []
    for unit in indexed_units(session, campaign):
        tree = campaign_tree(session, campaign, unit.level)
        leaves = [r for r in tree.flatten() if r.method is Method.APPRAISAL]
        rows += [
            [unit.code, unit.name, leaf.code, leaf.title.vi, leaf.max_points, None, None]
            for leaf in leaves
        ]
    return rows


def template_xlsx(rows: list[list[object]]) -> bytes:
    """The template as XLSX: a header row, one row per unit × sub-criterion, cells neutralised."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Điểm thẩm định")
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True})
    for c, title in enumerate(HEADERS):
        sheet.write_string(0, c, title, bold)
    for r, row in enumerate(safe_rows(rows), start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 32)
    sheet.set_column(3, 3, 48)
    sheet.set_column(4, 6, 14)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _fold(text: object) -> str:
    """Lower case without diacritics (đ -> d), single spaces: how headers are matched."""
    plain = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if unicodedata.category(c) != "Mn")
    return " ".join(plain.lower().replace("*", " ").split())


def _table(filename: str, data: bytes) -> list[list[object]]:
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        text = data.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        return [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except (
        UnicodeDecodeError,
        csv.Error,
        OSError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        InvalidFileException,
    ) as exc:
        raise ServiceError("file_unreadable", detail=type(exc).__name__) from exc


def read_rows(filename: str, data: bytes) -> list[AppraisalRow]:
    """The data rows of an uploaded template (CSV or XLSX); the header may be on any row."""
    table = _table(filename, data)
    found = [(i, p) for i, p in enumerate(map(_header_positions, table[:20])) if p is not None]
    if not found:
        raise ServiceError("missing_columns", columns=", ".join(HEADERS[i] for i in (0, 2, 5)))
    index, positions = found[0]
    rows = [
        _row(index + 2 + offset, values, positions)
        for offset, values in enumerate(table[index + 1 :])
        if any(v not in (None, "") for v in values)
    ]
    if not rows:
        raise ServiceError("empty_file")
    return rows


def _header_positions(header: list[object]) -> dict[str, int] | None:
    folded = [_fold(h) for h in header]
    positions = {
        key: folded.index(alias)
        for key, aliases in _ALIASES.items()
        for alias in aliases
        if alias in folded
    }
    required = ("unit_code", "sub_criterion", "points")
    return positions if all(k in positions for k in required) else None


def _row(number: int, values: list[object], positions: dict[str, int]) -> AppraisalRow:
    def cell(key: str) -> str:
        at = positions.get(key)
        value = values[at] if at is not None and at < len(values) else None
        return "" if value is None else str(value).strip()

    return AppraisalRow(
        number,
        cell("unit_code"),
        cell("sub_criterion"),
        cell("points").replace(",", "."),
        _fold(cell("not_applicable")) in _YES,
    )


def check_rows(
    rows: list[AppraisalRow], tree: CriteriaTree, unit_codes: set[str]
) -> list[AppraisalProblem]:
    """Row problems (unknown unit or criterion, points above the maximum...), in file order.

    A not-applicable row needs no points and may name any sub-criterion of the tree.
    """
    frame = pd.DataFrame(
        {
            "unit_code": [r.unit_code for r in rows],
            "sub_criterion": [r.sub_criterion for r in rows],
            "points": ["0" if r.not_applicable else r.points for r in rows],
        }
    )
    checked = validate_appraisal(frame, analysis_tree(tree), unit_codes)
    return [
        AppraisalProblem(rows[e.row].row, e.code, _values(rows[e.row]))
        for e in checked.errors
        if not (rows[e.row].not_applicable and e.code is ErrorCode.NOT_APPRAISAL_CRITERION)
    ]


def _values(row: AppraisalRow) -> str:
    return ", ".join(v for v in (row.unit_code, row.sub_criterion, row.points) if v)


def import_appraisal(
    session: Session, campaign: Campaign, filename: str, data: bytes, actor: User | None
) -> int:
    """Store every row of the file, or none: raises :class:`AppraisalRejected` on bad rows;
    ``appraisal_locked`` once the council approved the campaign's appraisal."""
    opened = session.scalar(select(Assessment.id).where(Assessment.campaign_id == campaign.id))
    if opened is not None and (
        lock_assessment(session, opened, exclusive=False) is not AssessmentStatus.OPEN
    ):  # locked shared: an approval in progress waits for this import, or refuses it after
        raise ServiceError("appraisal_locked")
    rows = read_rows(filename, data)
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    by_tree: dict[str, list[AppraisalRow]] = {}
    trees: dict[str, CriteriaTree] = {}
    for row in rows:
        unit = units.get(row.unit_code)
        tree = campaign_tree(session, campaign, unit.level if unit is not None else None)
        trees[tree.code] = tree
        by_tree.setdefault(tree.code, []).append(row)
    problems = sorted(
        (p for code, part in by_tree.items() for p in check_rows(part, trees[code], set(units))),
        key=lambda p: p.row,
    )
    if problems:
        raise AppraisalRejected(problems)
    return store_points(session, campaign, rows, units, actor, filename)


def store_points(
    session: Session,
    campaign: Campaign,
    rows: list[AppraisalRow],
    units: dict[str, Unit],
    actor: User | None,
    source: str,
) -> int:
    """Insert or replace the points of each (unit, sub-criterion) row; audited."""
    existing = {
        (p.unit_id, p.sub_criterion): p
        for p in session.scalars(
            select(AppraisalPoint).where(AppraisalPoint.campaign_id == campaign.id)
        )
    }
    for row in rows:
        unit = units[row.unit_code]
        point = existing.get((unit.id, row.sub_criterion))
        if point is None:
            point = AppraisalPoint(
                campaign_id=campaign.id, unit_id=unit.id, sub_criterion=row.sub_criterion
            )
            session.add(point)
        point.points = None if row.not_applicable else float(row.points)
        point.not_applicable = row.not_applicable
    session.flush()
    audit.record(
        session,
        AuditAction.APPRAISAL_IMPORTED,
        user=actor,
        campaign_id=campaign.id,
        target=source,
        rows=len(rows),
    )
    return len(rows)
