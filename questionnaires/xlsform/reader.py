"""An XLSForm workbook as a validated :class:`~questionnaires.model.Instrument`.

The workbook is read into the same data an instrument YAML file holds and built by
``questionnaires.loader``, so both formats obey one set of rules. The checks an author meets
most (names, lists, types, relevance, scoring) are made here first, each with its sheet, row
and column and a message in Vietnamese and English; anything the loader still finds is
reported on the row of the question or page it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from questionnaires.conditions import RefInfo, ValueKind, check
from questionnaires.criteria import CriteriaTree, Method, builtin_criteria_trees
from questionnaires.errors import InstrumentError
from questionnaires.expr import references, render
from questionnaires.loader import instrument_from_data
from questionnaires.model import Instrument, LocalizedText, Option
from questionnaires.scales import LIKERT5_OPTIONS
from questionnaires.xlsform.problems import SheetProblem, WorkbookError
from questionnaires.xlsform.relevance import RelevanceError, from_xlsform
from questionnaires.xlsform.sheets import Row, Sheet, read_sheets
from questionnaires.xlsform.standard import standard_problems

MAX_NAME = 80
"""Longest question or page name (the database keeps answers by it)."""
MAX_CODE, MAX_VERSION = 80, 40
UNSUPPORTED_COLUMNS = (
    "choice_filter",
    "default",
    "read_only",
    "calculation",
    "required_message",
    "repeat_count",
    "trigger",
    "parameters",
)
"""XLSForm columns the respondent form does not implement (refused when filled in)."""
_CHOICE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SETTING_PATTERNS = {
    "form_id": re.compile(r"[a-z][a-z0-9_]*"),
    "version": re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*"),
    "rated_unit": re.compile(r"[a-z][a-z0-9_]*"),
}
"""What the loader accepts, checked here so the message names the cell in both languages."""
_RELEVANCE_PROBLEMS = {
    "function": "relevance_function",
    "too_long": "relevance_too_complex",
    "too_deep": "relevance_too_complex",
    "empty": "relevance_answered",
}
"""The workbook problem of each kind of relevance the subset refuses (else a syntax one)."""
RESERVED_NAMES = frozenset({"go", "shown", "page", "client_key", "csrf_token", "preview_state"})
"""Field names the form itself posts: a question of that name could never be answered."""

_YES = {"yes", "true", "1", "có", "co", "x"}
_NO = {"no", "false", "0", "không", "khong", ""}
_IGNORED_TYPES = frozenset({"end group"})
_NOT_SUPPORTED = frozenset(
    {
        "begin repeat",
        "end repeat",
        "calculate",
        "geopoint",
        "image",
        "audio",
        "video",
        "file",
        "barcode",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "time",
        "datetime",
        "range",
        "rank",
        "acknowledge",
        "hidden",
        "audit",
        "select_one_from_file",
        "select_multiple_from_file",
        "begin_repeat",
        "end_repeat",
    }
)
_MIN_MAX = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
_COUNT = re.compile(r"^count-selected\(\s*\.\s*\)\s*(>=|<=)\s*(\d+)$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")
_DATE = "date"
_QUESTION_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "note", _DATE)


@dataclass
class _State:
    problems: list[SheetProblem] = field(default_factory=list)
    rows_of: dict[str, int] = field(default_factory=dict)  # question / section id -> row
    lists: dict[str, list[tuple[Row, dict[str, object]]]] = field(default_factory=dict)
    earlier: dict[str, RefInfo] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def fail(self, sheet: str, row: int, column: str, code: str, detail: str = "") -> None:
        self.problems.append(SheetProblem(sheet, row, column, code, detail))


def _flag(state: _State, sheet: str, row: Row, column: str) -> bool | None:
    value = row.get(column).strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    state.fail(sheet, row.number, column, "invalid_value", f"“{row.get(column)}” (yes/no)")
    return None


def _text(row: Row, base: str, default_language: str) -> dict[str, str] | None:
    """``{vi, en}`` from ``base::vi``, ``base::en`` (or ``base_en``, as the untranslatable
    ``form_title`` is written) or a plain ``base`` column."""
    plain = row.get(base)
    vi = row.get(f"{base}::vi") or (plain if default_language != "en" else "")
    en = row.get(f"{base}::en") or row.get(f"{base}_en")
    en = en or (plain if default_language == "en" else "")
    if not vi and not en:
        return None
    return {"vi": vi or en, "en": en or vi}


def _read_choices(state: _State, sheet: Sheet | None, language: str) -> None:
    if sheet is None:
        return
    seen: set[tuple[str, str]] = set()
    for row in sheet.rows:
        _formulas(state, sheet.name, row)
        list_name, name = row.get("list_name"), row.get("name")
        if not list_name or not name:
            state.fail(
                sheet.name,
                row.number,
                "list_name" if not list_name else "name",
                "missing_value",
                "list_name, name",
            )
            continue
        if (list_name, name) in seen:
            state.fail(sheet.name, row.number, "name", "duplicate_name", f"{list_name}/{name}")
            continue
        if not _CHOICE_NAME.fullmatch(name):
            state.fail(sheet.name, row.number, "name", "bad_choice_name", name[:60])
            continue
        seen.add((list_name, name))
        label = _text(row, "label", language)
        if label is None:
            state.fail(sheet.name, row.number, "label::vi", "missing_value", "label")
            continue
        option: dict[str, object] = {"value": name, "label": label}
        share = row.get("share")
        if share:
            number = _float(state, sheet.name, row, "share")
            if number is not None:
                if not 0.0 <= number <= 1.0:
                    state.fail(sheet.name, row.number, "share", "invalid_value", f"{share} (0–1)")
                option["share"] = number
        substantive = (
            _flag(state, sheet.name, row, "substantive") if row.get("substantive") else True
        )
        if substantive is False:
            option["substantive"] = False
        state.lists.setdefault(list_name, []).append((row, option))


def _float(state: _State, sheet: str, row: Row, column: str) -> float | None:
    text = row.get(column).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        state.fail(sheet, row.number, column, "invalid_value", f"“{row.get(column)}”")
        return None


def _formulas(state: _State, sheet: str, row: Row) -> None:
    for column in sorted(row.formulas):
        state.fail(sheet, row.number, column, "formula_cell")


def _same_as_likert(options: list[dict[str, object]]) -> bool:
    built = tuple(
        Option(
            str(o["value"]),
            LocalizedText(**o["label"]),  # type: ignore[arg-type]
            o.get("share"),  # type: ignore[arg-type]
            bool(o.get("substantive", True)),
        )
        for o in options
    )
    return built == LIKERT5_OPTIONS


class _Survey:
    """Reads the ``survey`` sheet into sections of question mappings."""

    def __init__(self, state: _State, sheet: Sheet, language: str, tree: CriteriaTree | None):
        self.state = state
        self.sheet = sheet
        self.language = language
        self.tree = tree
        self.sections: list[dict[str, object]] = []
        self.current: dict[str, object] | None = None
        self.loose = 0
        self.points: dict[str, float] = {}
        self.point_rows: dict[str, int] = {}

    def fail(self, row: Row, column: str, code: str, detail: str = "") -> None:
        self.state.fail(self.sheet.name, row.number, column, code, detail)

    def read(self, title: dict[str, str]) -> None:
        for row in self.sheet.rows:
            _formulas(self.state, self.sheet.name, row)
            self.unsupported(row)
            kind = " ".join(row.get("type").lower().split())
            if not kind:
                if any(row.cells.get(c) for c in ("name", "label::vi", "label::en", "label")):
                    self.fail(row, "type", "missing_value", "type")
                continue
            if kind in ("begin group", "begin_group"):
                self.begin(row)
            elif kind in ("end group", "end_group"):
                if self.current is None:
                    self.fail(row, "type", "group_unopened", row.get("name"))
                self.current = None
            else:
                self.question(row, kind, title)
        if self.current is not None and not self.current["questions"]:
            pass
        self.check_points()

    def unsupported(self, row: Row) -> None:
        """XLSForm features this service would silently not honour are refused on their cell:
        the form must behave as its author (and ODK) expects."""
        for column in UNSUPPORTED_COLUMNS:
            if row.get(column):
                self.fail(row, column, "unsupported_column", column)
        for column, text in row.cells.items():
            if column.split("::")[0] in ("label", "hint") and "${" in text:
                self.fail(row, column, "label_reference", column)

    def begin(self, row: Row) -> None:
        if self.current is not None:
            self.fail(row, "type", "group_nested", row.get("name"))
            return
        name = row.get("name")
        if not self.new_name(row, name):
            return
        self.state.rows_of[name] = row.number
        section: dict[str, object] = {"id": name, "questions": []}
        section["title"] = _text(row, "label", self.language) or {"vi": name, "en": name}
        intro = _text(row, "hint", self.language)
        if intro:
            section["intro"] = intro
        condition = self.relevance(row, name, inside=None)
        if condition:
            section["show_if"] = condition
        self.sections.append(section)
        self.current = section

    def new_name(self, row: Row, name: str) -> bool:
        if not name:
            self.fail(row, "name", "missing_value", "name")
            return False
        if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*", name) or len(name) > MAX_NAME:
            self.fail(row, "name", "invalid_value", f"“{name[:90]}” (a-z, 0-9, _ .; ≤ {MAX_NAME})")
            return False
        if name in RESERVED_NAMES:
            self.fail(row, "name", "reserved_name", name)
            return False
        if name in self.state.names:
            self.fail(row, "name", "duplicate_name", name)
            return False
        self.state.names.add(name)
        return True

    def page(self, title: dict[str, str]) -> dict[str, object]:
        """The page a question outside any group goes on (one per run of such questions)."""
        if self.current is None:
            self.loose += 1
            section: dict[str, object] = {
                "id": f"page_{self.loose}",
                "title": title,
                "questions": [],
            }
            self.sections.append(section)
            self.current = section
            self.current["_loose"] = True
        return self.current

    def question(self, row: Row, kind: str, title: dict[str, str]) -> None:
        head, _, list_name = kind.partition(" ")
        if (
            kind in _NOT_SUPPORTED
            or head not in _QUESTION_TYPES
            or (head in ("select_one", "select_multiple") and not list_name)
        ):
            self.fail(row, "type", "wrong_type", row.get("type"))
            return
        name = row.get("name")
        if head == "note":
            self.note(row, name)
            return
        if not self.new_name(row, name):
            return
        section = self.page(title)
        self.state.rows_of[name] = row.number
        text = _text(row, "label", self.language)
        if text is None:
            self.fail(row, "label::vi", "missing_value", "label")
            return
        node: dict[str, object] = {"id": name, "text": text}
        help_text = _text(row, "hint", self.language)
        if help_text:
            node["help"] = help_text
        constraint_message = _text(row, "constraint_message", self.language)
        if constraint_message:
            node["constraint_message"] = constraint_message
        required = _flag(self.state, self.sheet.name, row, "required")
        node["required"] = bool(required)
        info = self.typed(row, head, list_name, node)
        if info is None:
            return
        self.scoring(row, node)
        condition = self.relevance(row, name, inside=section["id"])
        if condition:
            node["show_if"] = condition
        questions = section["questions"]
        assert isinstance(questions, list)
        questions.append(node)
        self.state.earlier[name] = info

    def note(self, row: Row, name: str) -> None:
        """A note opens a page: it becomes the page's introduction."""
        section = self.current
        text = _text(row, "label", self.language)
        if section is None or section.get("questions") or "intro" in section or text is None:
            self.fail(row, "type", "note_position", row.get("name"))
            return
        section["intro"] = text

    def typed(self, row: Row, head: str, list_name: str, node: dict[str, object]) -> RefInfo | None:
        appearance = row.get("appearance").lower().split()
        constraint = row.get("constraint").strip()
        if head in ("select_one", "select_multiple"):
            return self.choice(row, head, list_name, appearance, constraint, node)
        if head in ("integer", "decimal"):
            node["type"] = "number"
            if head == "integer":
                node["integer"] = True
            for op, value in self.constraint_parts(row, constraint, _MIN_MAX):
                node["min" if op == ">=" else "max"] = float(value)
            return RefInfo(ValueKind.NUMBER)
        if head == _DATE:
            node["type"] = "date"
            if constraint:
                self.fail(row, "constraint", "constraint", constraint)
            return RefInfo(ValueKind.TEXT)
        node["type"] = "long_text" if "multiline" in appearance else "short_text"
        for match in self.constraint_parts(row, constraint, _LENGTH, single=True):
            node["max_length"] = int(match[0])
        return RefInfo(ValueKind.TEXT)

    def constraint_parts(
        self, row: Row, constraint: str, pattern: re.Pattern[str], single: bool = False
    ) -> list[tuple[str, ...]]:
        if not constraint:
            return []
        found = []
        for part in re.split(r"\s+and\s+", constraint):
            match = pattern.match(part.strip())
            if match is None:
                self.fail(row, "constraint", "constraint", constraint)
                return []
            found.append(match.groups())
        return found[:1] if single else found

    def choice(
        self,
        row: Row,
        head: str,
        list_name: str,
        appearance: list[str],
        constraint: str,
        node: dict[str, object],
    ) -> RefInfo | None:
        entries = self.state.lists.get(list_name)
        if entries is None:
            self.fail(row, "type", "unknown_list", list_name)
            return None
        options = [dict(option) for _, option in entries]
        values = frozenset(str(o["value"]) for o in options)
        if head == "select_multiple":
            node["type"] = "multiple_choice"
            for op, value in self.constraint_parts(row, constraint, _COUNT):
                node["min_selections" if op == ">=" else "max_selections"] = int(value)
            node["options"] = options
            return RefInfo(ValueKind.CHOICES, values)
        if constraint:
            self.fail(row, "constraint", "constraint", constraint)
        if "likert" in appearance and _same_as_likert(options):
            node["type"] = "likert5"
        else:
            node["type"] = "rating4" if "rating4" in appearance else "single_choice"
            node["options"] = options
        return RefInfo(ValueKind.CHOICE, values)

    def scoring(self, row: Row, node: dict[str, object]) -> None:
        criterion = row.get("criterion")
        points_text = row.get("max_points")
        for column, key in (
            ("factor", "element"),
            ("integrity", "integrity"),
            ("profile", "profile"),
        ):
            if row.get(column):
                node[key] = row.get(column)
        if row.get("satisfaction") and _flag(self.state, self.sheet.name, row, "satisfaction"):
            node["satisfaction"] = True
        if criterion:
            node["criterion"] = criterion
            self.check_criterion(row, criterion, bool(points_text))
        if not points_text:
            return
        points = _float(self.state, self.sheet.name, row, "max_points")
        if points is None:
            return
        node["points"] = points
        if criterion:
            self.points[criterion] = self.points.get(criterion, 0.0) + points
            self.point_rows.setdefault(criterion, row.number)
        options = node.get("options")
        if node.get("type") == "likert5" or not isinstance(options, list):
            return
        for option in options:
            if option.get("substantive", True) and "share" not in option:
                self.fail(row, "max_points", "missing_share", str(option["value"]))

    def check_criterion(self, row: Row, criterion: str, has_points: bool) -> None:
        if self.tree is None:
            return
        leaf = self.tree.leaf(criterion)
        if leaf is None:
            self.fail(row, "criterion", "unknown_criterion", criterion)
        elif leaf.method is Method.APPRAISAL:
            self.fail(row, "criterion", "criterion_method", f"{criterion}: appraisal")
        elif leaf.method is Method.SIPAS and has_points:
            self.fail(row, "max_points", "criterion_method", f"{criterion}: SIPAS")

    def check_points(self) -> None:
        if self.tree is None:
            return
        for code, total in sorted(self.points.items()):
            leaf = self.tree.leaf(code)
            if (
                leaf is not None
                and leaf.method is Method.SURVEY
                and abs(leaf.max_points - total) > 1e-6
            ):
                detail = f"{code}: {total:g} ≠ {leaf.max_points:g}"
                row = self.point_rows[code]
                self.state.fail(self.sheet.name, row, "max_points", "points_sum", detail)

    def relevance(self, row: Row, name: str, inside: object) -> str | None:
        source = row.get("relevant")
        if not source:
            return None
        try:
            ast = from_xlsform(source)
        except RelevanceError as exc:
            code, detail = _RELEVANCE_PROBLEMS.get(exc.code, "relevance_syntax"), source[:200]
            self.fail(row, "relevant", code, exc.token if code == "relevance_function" else detail)
            return None
        ok = True
        for ref in references(ast):
            target = ref.question_id
            if target == name:
                self.fail(row, "relevant", "relevance_cycle", target)
                ok = False
            elif target in self.state.earlier:
                continue
            elif target in self.state.names or target in self.later:
                self.fail(row, "relevant", "relevance_later", target)
                ok = False
            else:
                self.fail(row, "relevant", "relevance_unknown", target)
                ok = False
        if not ok:
            return None
        for message in check(ast, self.state.earlier):
            self.fail(row, "relevant", "relevance_type", message)
            ok = False
        return render(ast) if ok else None

    @property
    def later(self) -> set[str]:
        return {r.get("name") for r in self.sheet.rows if r.get("name")}


def _settings(state: _State, sheet: Sheet | None) -> tuple[Row, str]:
    if sheet is None or not sheet.rows:
        state.fail("settings", 0, "", "missing_sheet", "settings")
        return Row(0, {}), "vi"
    row = sheet.rows[0]
    _formulas(state, sheet.name, row)
    language = row.get("default_language").lower()
    language = "en" if language.startswith("en") or language.endswith("(en)") else "vi"
    return row, language


_DEFAULT_INTRO = {
    "vi": "Xin Ông/Bà dành ít phút trả lời các câu hỏi dưới đây.",
    "en": "Please take a few minutes to answer the questions below.",
}
_DEFAULT_CONFIDENTIALITY = {
    "vi": "Câu trả lời của Ông/Bà được giữ bí mật và chỉ dùng để tổng hợp thống kê.",
    "en": "Your answers are kept confidential and used only for statistics.",
}


def _top(state: _State, row: Row, language: str) -> dict[str, object]:
    data: dict[str, object] = {}
    limits = {"form_id": MAX_CODE, "version": MAX_VERSION, "rated_unit": 40}
    for column, key in (("form_id", "code"), ("version", "version"), ("rated_unit", "rated_unit")):
        value = row.get(column)
        if not value:
            state.fail("settings", row.number or 2, column, "missing_value", column)
        elif len(value) > limits[column]:
            state.fail("settings", row.number or 2, column, "too_long", str(limits[column]))
        elif not _SETTING_PATTERNS[column].fullmatch(value):
            state.fail("settings", row.number or 2, column, f"bad_{column}", value[:60])
        data[key] = value
    data["title"] = _text(row, "form_title", language) or {"vi": data["code"], "en": data["code"]}
    data["intro"] = _text(row, "intro", language) or _DEFAULT_INTRO
    data["confidentiality"] = _text(row, "confidentiality", language) or _DEFAULT_CONFIDENTIALITY
    data["groups"] = row.get("groups").split() or ["respondent"]
    data["campaign_kinds"] = row.get("campaign_kinds").split()
    minutes = row.get("estimated_minutes") or "10"
    data["estimated_minutes"] = int(minutes) if re.fullmatch(r"[0-9]{1,4}", minutes) else minutes
    if row.get("criteria_tree"):
        data["criteria_tree"] = row.get("criteria_tree")
    return data


def read_instrument(
    data: bytes,
    *,
    criteria_trees: Mapping[str, CriteriaTree] | None = None,
    source: str = "workbook.xlsx",
) -> Instrument:
    """The instrument of an XLSForm workbook; raises WorkbookError listing every problem."""
    state = _State()
    sheets = read_sheets(data, state.problems)
    if sheets is None:
        raise WorkbookError(state.problems)
    trees = builtin_criteria_trees() if criteria_trees is None else criteria_trees
    settings_row, language = _settings(state, sheets.get("settings"))
    top = _top(state, settings_row, language)
    tree = None
    if "criteria_tree" in top:
        tree = trees.get(str(top["criteria_tree"]))
        if tree is None:
            state.fail(
                "settings",
                settings_row.number,
                "criteria_tree",
                "unknown_tree",
                str(top["criteria_tree"]),
            )
            del top["criteria_tree"]
    survey = sheets.get("survey")
    if survey is None:
        state.fail("survey", 0, "", "missing_sheet", "survey")
        raise WorkbookError(state.problems)
    for column in ("type", "name"):
        if column not in survey.columns:
            state.fail("survey", 1, column, "missing_column", column)
    if state.problems:
        raise WorkbookError(state.problems)
    _read_choices(state, sheets.get("choices"), language)
    reader = _Survey(state, survey, language, tree)
    reader.read(top["title"])  # type: ignore[arg-type]
    for section in reader.sections:
        section.pop("_loose", None)
    if state.problems:
        raise WorkbookError(state.problems)
    top["sections"] = reader.sections
    try:
        instrument = instrument_from_data(top, source, criteria_trees=trees)
    except InstrumentError as exc:
        raise WorkbookError(
            [_placed(p.path, p.message, state.rows_of) for p in exc.problems]
        ) from exc
    standard = standard_problems(sheets)
    if standard:
        raise WorkbookError(standard)
    return instrument


def _placed(path: str, message: str, rows_of: Mapping[str, int]) -> SheetProblem:
    """A loader problem on the row of the last question or page its path names."""
    names = re.findall(r"\(([^()]+)\)", path)
    for name in reversed(names):
        if name in rows_of:
            return SheetProblem("survey", rows_of[name], "", "definition", message)
    return SheetProblem(
        "settings" if "." not in path and path else "survey",
        0,
        "",
        "definition",
        f"{path}: {message}" if path else message,
    )
