"""The unit registry: import from CSV or XLSX, all rows or none.

Columns (Vietnamese or English headers, any case, with or without diacritics):
code/mã, name/tên, level/cấp, parent_code/mã cấp trên, tier/nhóm, size/quy mô,
procedure_fields/lĩnh vực (separated by ';' or '|').
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from designs import CampaignDesign, ListKind
from survey_app.errors import RowProblem, RowsRejected, ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import Campaign, Unit, User
from survey_app.services import audit
from survey_app.services.designs import design_of

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma", "ma don vi"),
    "name": ("name", "ten", "ten don vi"),
    "level": ("level", "cap", "cap don vi", "loai"),
    "parent_code": ("parent_code", "parent", "ma cap tren", "ma don vi cap tren", "cap tren"),
    "tier": ("tier", "nhom", "nhom kinh te xa hoi", "muc phat trien"),
    "size": ("size", "quy mo", "dan so", "so ho so"),
    "procedure_fields": ("procedure_fields", "fields", "linh vuc", "linh vuc tthc"),
}
REQUIRED = ("code", "name", "level")
COMMON_LEVEL_WORDS: dict[str, str] = {
    "tinh": "province",
    "thanh pho truc thuoc trung uong": "province",
    "so": "department",
    "so nganh": "department",
    "co quan chuyen mon": "department",
    "don vi thuoc so": "subunit",
    "huyen": "district",
    "xa": "commune",
    "phuong": "commune",
    "thi tran": "commune",
    "dac khu": "commune",
    "phong chuyen mon cap xa": "commune_office",
    "bo": "ministry",
    "vu cuc": "ministry_department",
    "hoi": "association",
    "hiep hoi": "association",
}
"""Words people type for a level, and the shipped templates' level code they mean (used only
when the campaign's design has a level of that code)."""


class LevelNames:
    """The campaign design's levels by what an officer may type: the code, the Vietnamese or
    English name, or a common word (``xã``, ``sở``...)."""

    def __init__(self, design: CampaignDesign) -> None:
        self.design = design
        self.by_text: dict[str, str] = {}
        for word, code in COMMON_LEVEL_WORDS.items():
            if design.has_level(code):
                self.by_text[word] = code
        for level in design.levels:
            for text in (level.code, level.name.vi, level.name.en):
                self.by_text[fold(text)] = level.code

    def resolve(self, text: str) -> str | None:
        return self.by_text.get(fold(text))

    def allowed(self) -> str:
        return ", ".join(lv.code for lv in self.design.levels)

    def transactions_levels(self) -> set[str]:
        """Levels that send a transactions list (their units have procedure fields)."""
        return {g.submitted_by for g in self.design.groups if g.list.kind is ListKind.TRANSACTIONS}


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces: for matching what people type."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().replace("_", " ").split())


@dataclass(frozen=True)
class RegistryRow:
    row: int
    code: str
    name: str
    level: str
    parent_code: str | None
    tier: int | None
    size: int | None
    procedure_fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows keyed by canonical column names, with their 1-based row numbers in the file."""
    try:
        grid = _xlsx_grid(data) if filename.lower().endswith(".xlsx") else _csv_grid(data)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a user-facing message
        raise ServiceError("file_unreadable", detail=type(exc).__name__) from exc
    if not grid:
        raise ServiceError("empty_file")
    columns = [_canonical(cell) for cell in grid[0]]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ServiceError("missing_columns", columns=", ".join(missing))
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        values = {col: cells[i].strip() for i, col in enumerate(columns) if col and i < len(cells)}
        if any(values.values()):
            rows.append((number, values))
    if not rows:
        raise ServiceError("empty_file")
    return rows


def _canonical(header: str) -> str | None:
    folded = fold(header)
    return next(
        (
            key
            for key, aliases in HEADER_ALIASES.items()
            if folded in {fold(alias) for alias in aliases}
        ),
        None,
    )


def _csv_grid(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnicodeDecodeError("unknown", data, 0, 1, "no known encoding")
    text = unicodedata.normalize("NFC", text)
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_grid(data: bytes) -> list[list[str]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            [unicodedata.normalize("NFC", "" if v is None else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def parse_rows(
    rows: list[tuple[int, dict[str, str]]],
    known: dict[str, str | None],
    levels: LevelNames,
    known_levels: dict[str, str] | None = None,
) -> tuple[list[RegistryRow], list[RowProblem]]:
    """Check every row; return the parsed rows and every problem found (not just the first).

    ``known`` maps the codes already in the registry to their parent codes, ``known_levels``
    to their levels; a parent must be of the level the design names as the parent level.
    """
    parsed: list[RegistryRow] = []
    problems: list[RowProblem] = []
    first_seen: dict[str, int] = {}
    for number, values in rows:
        row_problems = _row_problems(number, values, first_seen, levels)
        problems.extend(row_problems)
        if not row_problems:
            parsed.append(_to_row(number, values, levels))
        first_seen.setdefault(values.get("code", ""), number)
    all_codes = set(known) | {row.code for row in parsed}
    for row in parsed:
        if row.parent_code and row.parent_code not in all_codes:
            problems.append(RowProblem(row.row, "unknown_parent", {"value": row.parent_code}))
    problems.extend(_parent_levels(parsed, levels, known_levels or {}))
    in_cycle = on_cycles({**known, **{row.code: row.parent_code for row in parsed}})
    problems.extend(
        RowProblem(row.row, "parent_cycle", {"value": row.code})
        for row in parsed
        if row.code in in_cycle
    )
    return parsed, sorted(problems, key=lambda p: p.row)


def on_cycles(parents: dict[str, str | None]) -> set[str]:
    """Codes whose chain of parents comes back to them (A → B → A, or A its own parent)."""
    state: dict[str, int] = {}  # 1: on the chain being followed, 2: finished
    cycles: set[str] = set()
    for start in parents:
        chain: list[str] = []
        code: str | None = start
        while code is not None and code in parents and code not in state:
            state[code] = 1
            chain.append(code)
            code = parents[code]
        if code is not None and state.get(code) == 1:
            cycles.update(chain[chain.index(code) :])
        for seen in chain:
            state[seen] = 2
    return cycles


def _parent_levels(
    parsed: list[RegistryRow], levels: LevelNames, known_levels: dict[str, str]
) -> list[RowProblem]:
    """Rows whose parent is missing, not allowed, or not of the level the design puts above
    theirs (a commune without its province would rate itself as "its province")."""
    level_of = {**known_levels, **{row.code: row.level for row in parsed}}
    problems = []
    for row in parsed:
        expected = levels.design.level(row.level).parent
        found = level_of.get(row.parent_code or "")
        if expected is not None and not row.parent_code:
            problems.append(RowProblem(row.row, "parent_missing", {"expected": expected}))
        elif expected is None and row.parent_code:
            problems.append(RowProblem(row.row, "parent_not_allowed", {"value": row.parent_code}))
        elif row.parent_code and found is not None and found != expected:
            params = {"value": row.parent_code, "found": found, "expected": expected or ""}
            problems.append(RowProblem(row.row, "parent_wrong_level", params))
    return problems


def _row_problems(
    number: int, values: dict[str, str], seen: dict[str, int], levels: LevelNames
) -> list[RowProblem]:
    problems = [
        RowProblem(number, "required", {"column": col}) for col in REQUIRED if not values.get(col)
    ]
    code, level_text = values.get("code", ""), values.get("level", "")
    if code and code in seen:
        problems.append(
            RowProblem(number, "duplicate_code", {"value": code, "first_row": seen[code]})
        )
    level = levels.resolve(level_text) if level_text else None
    if level_text and level is None:
        problems.append(
            RowProblem(number, "unknown_level", {"value": level_text, "allowed": levels.allowed()})
        )
    tier = values.get("tier", "")
    if tier and (not tier.isdigit() or not 1 <= int(tier) <= 9):
        problems.append(RowProblem(number, "bad_tier", {"value": tier}))
    size = values.get("size", "").replace(".", "").replace(",", "").replace(" ", "")
    if size and not size.isdigit():
        problems.append(RowProblem(number, "bad_size", {"value": values["size"]}))
    fields = values.get("procedure_fields")
    if fields and level is not None and level not in levels.transactions_levels():
        problems.append(RowProblem(number, "fields_not_commune"))
    return problems


def _to_row(number: int, values: dict[str, str], levels: LevelNames) -> RegistryRow:
    fields_text = values.get("procedure_fields", "").replace("|", ";")
    size = values.get("size", "").replace(".", "").replace(",", "").replace(" ", "")
    return RegistryRow(
        row=number,
        code=values["code"],
        name=values["name"],
        level=levels.resolve(values["level"]) or "",
        parent_code=values.get("parent_code") or None,
        tier=int(values["tier"]) if values.get("tier") else None,
        size=int(size) if size else None,
        procedure_fields=tuple(f.strip() for f in fields_text.split(";") if f.strip()),
    )


def import_units(
    session: Session, campaign: Campaign, filename: str, data: bytes, actor: User | None
) -> ImportResult:
    """Create or update the campaign's units from a file. Any bad row: nothing is written."""
    existing = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    codes = {u.id: u.code for u in existing.values()}
    known = {u.code: codes.get(u.parent_id) if u.parent_id else None for u in existing.values()}
    levels = LevelNames(design_of(campaign))
    known_levels = {u.code: u.level for u in existing.values()}
    parsed, problems = parse_rows(read_rows(filename, data), known, levels, known_levels)
    if problems:
        raise RowsRejected(problems)
    created = updated = 0
    by_code: dict[str, Unit] = dict(existing)
    for row in parsed:
        unit = by_code.get(row.code)
        if unit is None:
            unit = Unit(campaign_id=campaign.id, code=row.code)
            session.add(unit)
            by_code[row.code] = unit
            created += 1
        else:
            updated += 1
        _apply(unit, row)
    session.flush()
    for row in parsed:
        by_code[row.code].parent_id = by_code[row.parent_code].id if row.parent_code else None
    session.flush()
    audit.record(
        session,
        AuditAction.UNITS_IMPORTED,
        user=actor,
        campaign_id=campaign.id,
        target=filename,
        created=created,
        updated=updated,
    )
    return ImportResult(created=created, updated=updated)


def _apply(unit: Unit, row: RegistryRow) -> None:
    unit.name = row.name
    unit.level = row.level
    unit.tier = row.tier
    unit.size = row.size
    unit.procedure_fields = list(row.procedure_fields)


def list_units(session: Session, campaign: Campaign, level: str | None = None) -> list[Unit]:
    query = select(Unit).where(Unit.campaign_id == campaign.id)
    if level is not None:
        query = query.where(Unit.level == level)
    return list(session.scalars(query.order_by(Unit.level, Unit.code)))


def top_units(session: Session, campaign: Campaign) -> list[Unit]:
    """The campaign's units without a parent (the province, for the letters' heading)."""
    query = select(Unit).where(Unit.campaign_id == campaign.id, Unit.parent_id.is_(None))
    return list(session.scalars(query.order_by(Unit.code)))


def unit_by_code(session: Session, campaign: Campaign, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.campaign_id == campaign.id, Unit.code == code))
    if unit is None:
        raise ServiceError("unknown_unit", value=code)
    return unit


def as_registry_rows(units: list[Unit]) -> list[dict[str, Any]]:
    """Units as rows of the registry file format (for download and the demo)."""
    codes = {u.id: u.code for u in units}
    return [
        {
            "code": u.code,
            "name": u.name,
            "level": u.level,
            "parent_code": codes.get(u.parent_id) if u.parent_id else "",
            "tier": u.tier or "",
            "size": u.size or "",
            "procedure_fields": "; ".join(u.procedure_fields or []),
        }
        for u in units
    ]
