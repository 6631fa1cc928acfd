"""Criteria trees as workbooks, both ways: sheet ``criteria`` (one row per field, criterion
and sub-criterion: ``code``, ``level``, ``title::vi``, ``title::en``, ``max_points``,
``method``) and sheet ``settings`` (``tree_id``, ``version``, ``level``, ``title::vi``,
``title::en``, ``note::vi``, ``note::en``, ``total_points``, ``total_appraisal``,
``total_survey``, ``total_sipas``). Sums and codes are checked by ``questionnaires.criteria``."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from questionnaires.criteria import (
    CriteriaTree,
    CriterionNode,
    Method,
    NodeLevel,
    criteria_tree_from_data,
)
from questionnaires.errors import CriteriaError
from questionnaires.xlsform.problems import SheetProblem, WorkbookError
from questionnaires.xlsform.sheets import Row, read_sheets
from questionnaires.xlsform.writer import literal_text

CRITERIA_COLUMNS = ("code", "level", "title::vi", "title::en", "max_points", "method")
TREE_SETTINGS = (
    "tree_id",
    "version",
    "level",
    "title::vi",
    "title::en",
    "note::vi",
    "note::en",
    "total_points",
    "total_appraisal",
    "total_survey",
    "total_sipas",
)
_LEVELS = {
    "field": NodeLevel.FIELD,
    "lĩnh vực": NodeLevel.FIELD,
    "criterion": NodeLevel.CRITERION,
    "tiêu chí": NodeLevel.CRITERION,
    "sub_criterion": NodeLevel.SUB_CRITERION,
    "tiêu chí thành phần": NodeLevel.SUB_CRITERION,
}
_CHILDREN = {NodeLevel.FIELD: "criteria", NodeLevel.CRITERION: "sub_criteria"}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def tree_workbook(tree: CriteriaTree) -> bytes:
    """The workbook of a criteria tree, as .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "criteria"
    sheet.append(list(CRITERIA_COLUMNS))

    def add(node: CriterionNode) -> None:
        method = node.method.value if node.method else None
        sheet.append(
            [
                node.code,
                node.level.value,
                node.title.vi,
                node.title.en,
                _number(node.max_points),
                method,
            ]
        )
        for child in node.children:
            add(child)

    for field in tree.fields:
        add(field)
    settings = book.create_sheet("settings")
    settings.append(list(TREE_SETTINGS))
    totals = [_number(tree.total(m)) for m in (Method.APPRAISAL, Method.SURVEY, Method.SIPAS)]
    settings.append(
        [
            tree.code,
            tree.version,
            tree.level,
            tree.title.vi,
            tree.title.en,
            tree.note.vi,
            tree.note.en,
            _number(tree.total()),
            *totals,
        ]
    )
    for ws in (sheet, settings):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 40
    literal_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(row: Row, base: str) -> dict[str, str] | None:
    vi, en = row.get(f"{base}::vi") or row.get(base), row.get(f"{base}::en")
    if not vi and not en:
        return None
    return {"vi": vi or en, "en": en or vi}


def _as_number(text: str) -> float | str:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def read_tree(data: bytes) -> CriteriaTree:
    """The criteria tree of a workbook; raises WorkbookError listing every problem."""
    problems: list[SheetProblem] = []
    sheets = read_sheets(data, problems)
    if sheets is None:
        raise WorkbookError(problems)
    criteria, settings = sheets.get("criteria"), sheets.get("settings")
    for name, sheet in (("criteria", criteria), ("settings", settings)):
        if sheet is None or not sheet.rows:
            problems.append(SheetProblem(name, 0, "", "missing_sheet", name))
    if problems or criteria is None or settings is None:
        raise WorkbookError(problems)
    rows_of: dict[str, int] = {}
    fields: list[dict[str, object]] = []
    parents: dict[NodeLevel, dict[str, object]] = {}
    for row in criteria.rows:
        for column in sorted(row.formulas):
            problems.append(SheetProblem(criteria.name, row.number, column, "formula_cell"))
        level = _LEVELS.get(row.get("level").strip().lower())
        code = row.get("code")
        if level is None:
            problems.append(
                SheetProblem(
                    criteria.name,
                    row.number,
                    "level",
                    "invalid_value",
                    f"“{row.get('level')}” (field, criterion, sub_criterion)",
                )
            )
            continue
        node: dict[str, object] = {"code": code, "max_points": _as_number(row.get("max_points"))}
        title = _title(row, "title")
        if title:
            node["title"] = title
        if row.get("method"):
            node["method"] = row.get("method").strip().lower()
        rows_of.setdefault(code, row.number)
        if level is NodeLevel.FIELD:
            fields.append(node)
        else:
            above = NodeLevel.FIELD if level is NodeLevel.CRITERION else NodeLevel.CRITERION
            parent = parents.get(above)
            if parent is None:
                problems.append(
                    SheetProblem(
                        criteria.name,
                        row.number,
                        "level",
                        "tree_structure",
                        f"{code}: no parent row above",
                    )
                )
                continue
            children = parent.setdefault(_CHILDREN[above], [])
            assert isinstance(children, list)
            children.append(node)
        parents[level] = node
        if level is NodeLevel.FIELD:
            parents.pop(NodeLevel.CRITERION, None)
    top = settings.rows[0]
    document: dict[str, object] = {
        "code": top.get("tree_id"),
        "version": top.get("version"),
        "level": top.get("level"),
        "title": _title(top, "title"),
        "note": _title(top, "note") or {"vi": "", "en": ""},
        "total_points": _as_number(top.get("total_points")) if top.get("total_points") else None,
        "fields": fields,
    }
    totals = {
        m.value: _as_number(top.get(f"total_{m.value}"))
        for m in Method
        if top.get(f"total_{m.value}")
    }
    if totals:
        document["totals"] = totals
    if problems:
        raise WorkbookError(problems)
    try:
        return criteria_tree_from_data(document, "criteria")
    except CriteriaError as exc:
        raise WorkbookError([_placed(p.path, p.message, rows_of) for p in exc.problems]) from exc


def _placed(path: str, message: str, rows_of: dict[str, int]) -> SheetProblem:
    codes = re.findall(r"\(([^()]+)\)", path)
    for code in reversed(codes):
        if code in rows_of:
            kind = "tree_sum" if "sum of its children" in message else "tree_structure"
            detail = code if kind == "tree_sum" else f"{code}: {message}"
            return SheetProblem(
                "criteria", rows_of[code], "max_points" if kind == "tree_sum" else "", kind, detail
            )
    return SheetProblem("settings", 2, path.split(".")[0], "tree_structure", f"{path}: {message}")
