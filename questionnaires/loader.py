"""Loading and validating instrument definitions (YAML) into frozen ``Instrument`` objects.

Every problem is collected and reported at once in an ``InstrumentError``. Besides shapes the
loader checks: unique section and question ids; ``show_if`` conditions (parsed by the safe
expression language, referring only to earlier questions, type-correct); criteria against the
instrument's criteria tree (leaf exists, scored by survey or SIPAS, question points of a survey
sub-criterion add up to its maximum); option shares present where points are scored.

A ``sections`` entry ``{include: fragments/core.yaml}`` splices the sections of a fragment file
(relative to the instrument file, inside its folder) so several instruments share one core.
A top-level ``definitions`` key is ignored: it is a place for YAML anchors.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from questionnaires._questions import ID_PATTERN, build_question
from questionnaires._reader import Reader, read_yaml
from questionnaires.conditions import RefInfo, check
from questionnaires.criteria import CriteriaTree, Method, builtin_criteria_trees
from questionnaires.errors import InstrumentError, Problem
from questionnaires.expr import ExpressionError, parse, references, render
from questionnaires.model import Condition, Instrument, Question, Section

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
_TOP_KEYS = (
    "code",
    "version",
    "title",
    "groups",
    "rated_unit",
    "campaign_kinds",
    "estimated_minutes",
    "intro",
    "confidentiality",
    "criteria_tree",
    "sections",
    "definitions",
)
_TOLERANCE = 1e-6


class _Context:
    """State of one load: problems, the file's folder and the ids seen so far."""

    def __init__(self, source: str, base_dir: Path | None) -> None:
        self.problems: list[Problem] = []
        self.reader = Reader(source, self.problems)
        self.base_dir = base_dir
        self.earlier: dict[str, RefInfo] = {}
        self.all_ids: set[str] = set()


def _expand_sections(ctx: _Context, raw_sections: list[object]) -> list[tuple[Reader, str, object]]:
    """Sections with includes spliced in, each with the reader of the file it came from."""
    expanded: list[tuple[Reader, str, object]] = []
    for i, raw in enumerate(raw_sections):
        path = f"sections[{i}]"
        if isinstance(raw, Mapping) and "include" in raw:
            expanded.extend(_include(ctx, raw, path))
        else:
            expanded.append((ctx.reader, path, raw))
    return expanded


def _include(
    ctx: _Context, raw: Mapping[object, object], path: str
) -> list[tuple[Reader, str, object]]:
    r = ctx.reader
    target = raw.get("include")
    if len(raw) != 1 or not isinstance(target, str):
        r.fail(path, "an include entry is exactly {include: <relative path>}")
        return []
    if ctx.base_dir is None:
        r.fail(path, "include is only available when loading from a file")
        return []
    base = ctx.base_dir.resolve()
    file = (base / target).resolve()
    if not file.is_relative_to(base):
        r.fail(f"{path}.include", f"{target!r} lies outside the instrument's folder")
        return []
    data = read_yaml(file, ctx.problems)
    fragment = Reader(f"{target}", ctx.problems)
    node = fragment.mapping(data, "") if data is not None else None
    if node is None:
        return []
    fragment.allow_keys(node, ("sections", "definitions"), "")
    items = fragment.sequence(node, "sections", "")
    if any(isinstance(item, Mapping) and "include" in item for item in items):
        fragment.fail("sections", "fragments cannot include other fragments")
        return []
    return [(fragment, f"sections[{j}]", item) for j, item in enumerate(items)]


def _condition(
    ctx: _Context, r: Reader, raw: object, path: str, available: Mapping[str, RefInfo]
) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        r.fail(path, "show_if must be a string condition")
        return None
    try:
        ast = parse(raw)
    except ExpressionError as exc:
        r.fail(path, f"{exc.message} at character {exc.position} of {raw!r}")
        return None
    ok = True
    for ref in references(ast):
        if ref.question_id not in available:
            ok = False
            where = (
                "comes later or is the question itself; conditions may only use earlier answers"
                if ref.question_id in ctx.all_ids
                else "is not a question of this instrument"
            )
            r.fail(path, f"{ref.question_id!r} {where}")
    if not ok:
        return None
    type_errors = check(ast, available)
    for message in type_errors:
        r.fail(path, message)
    return None if type_errors else Condition(render(ast), ast)


def _section(
    ctx: _Context, r: Reader, raw: object, path: str, section_ids: set[str]
) -> Section | None:
    node = r.mapping(raw, path)
    if node is None:
        return None
    sid = r.string(node, "id", path, pattern=ID_PATTERN)
    if sid is not None:
        path = f"{path}({sid})"
        if sid in section_ids:
            r.fail(path, f"duplicate section id {sid!r}")
        section_ids.add(sid)
    r.allow_keys(node, ("id", "title", "intro", "show_if", "questions"), path)
    title = r.text(node, "title", path)
    intro = r.text(node, "intro", path, required=False)
    show_if = _condition(ctx, r, node.get("show_if"), f"{path}.show_if", dict(ctx.earlier))
    questions: list[Question] = []
    for j, raw_q in enumerate(r.sequence(node, "questions", path)):
        qpath = f"{path}.questions[{j}]"
        question = build_question(r, raw_q, qpath, sid or "")
        if question is None:
            continue
        qpath = f"{qpath}({question.id})"
        if question.id in ctx.earlier:
            r.fail(qpath, f"duplicate question id {question.id!r}")
            continue
        raw_cond = raw_q.get("show_if") if isinstance(raw_q, Mapping) else None
        cond = _condition(ctx, r, raw_cond, f"{qpath}.show_if", ctx.earlier)
        question = dataclasses.replace(question, show_if=cond)
        ctx.earlier[question.id] = RefInfo(
            question.type.value_kind, frozenset(o.value for o in question.options)
        )
        questions.append(question)
    if sid is None or title is None:
        return None
    return Section(sid, title, tuple(questions), intro, show_if)


def _collect_ids(expanded: list[tuple[Reader, str, object]]) -> set[str]:
    ids: set[str] = set()
    for _, _, raw in expanded:
        if isinstance(raw, Mapping) and isinstance(raw.get("questions"), list):
            ids.update(
                q["id"]
                for q in raw["questions"]
                if isinstance(q, Mapping) and isinstance(q.get("id"), str)
            )
    return ids


def _check_scoring(r: Reader, q: Question, tree: CriteriaTree | None, path: str) -> None:
    """Points need shares; with a tree, the criterion must be a survey or SIPAS leaf."""
    if q.points is not None and q.criterion is None:
        r.fail(f"{path}.points", "points need a criterion")
    if q.points is not None and any(o.share is None for o in q.options if o.substantive):
        r.fail(f"{path}.points", "every substantive option of a scored question needs a share")
    if q.points is not None and not q.options:
        r.fail(f"{path}.points", "only choice questions can carry points")
    if tree is None or q.criterion is None:
        return
    leaf = tree.leaf(q.criterion)
    if leaf is None:
        r.fail(f"{path}.criterion", f"{q.criterion!r} is not a sub-criterion of tree {tree.code}")
    elif leaf.method is Method.APPRAISAL:
        r.fail(f"{path}.criterion", f"{q.criterion} is scored by appraisal, not by survey")
    elif leaf.method is Method.SURVEY and q.points is None:
        r.fail(f"{path}.points", f"{q.criterion} is a survey criterion: give the question points")
    elif leaf.method is Method.SIPAS and q.points is not None:
        r.fail(f"{path}.points", f"{q.criterion} is derived from SIPAS: questions carry no points")


def _check_criteria(r: Reader, sections: list[Section], tree: CriteriaTree | None) -> None:
    sums: dict[str, float] = defaultdict(float)
    for s in sections:
        for q in s.questions:
            path = f"sections({s.id}).questions({q.id})"
            _check_scoring(r, q, tree, path)
            if q.criterion is not None and q.points is not None:
                sums[q.criterion] += q.points
    if tree is None:
        return
    for code, total in sorted(sums.items()):
        leaf = tree.leaf(code)
        if (
            leaf is not None
            and leaf.method is Method.SURVEY
            and abs(leaf.max_points - total) > _TOLERANCE
        ):
            r.fail(
                f"criterion {code}",
                f"question points add up to {total:g} but the "
                f"sub-criterion's maximum is {leaf.max_points:g}",
            )


def _metadata_codes(r: Reader, node: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """The groups the instrument was written for and the campaign kinds it suits: codes of
    campaign designs (``designs``), which say who answers it; here they only document it."""
    groups = [_code(r, g, f"groups[{i}]") for i, g in enumerate(r.sequence(node, "groups", ""))]
    kinds = [
        _code(r, k, f"campaign_kinds[{i}]")
        for i, k in enumerate(r.sequence(node, "campaign_kinds", ""))
    ]
    if not node.get("groups"):
        r.fail("groups", "list at least one respondent group")
    return [g for g in groups if g], [k for k in kinds if k]


def _code(r: Reader, value: object, path: str) -> str | None:
    if isinstance(value, str) and _CODE.fullmatch(value):
        return value
    r.fail(path, f"not a code (lower-case letters, digits, _): {value!r}")
    return None


def instrument_from_data(
    data: object,
    source: str = "<memory>",
    *,
    base_dir: Path | None = None,
    criteria_trees: Mapping[str, CriteriaTree] | None = None,
) -> Instrument:
    """Build an instrument from parsed YAML; raises InstrumentError listing every problem.

    ``criteria_trees`` maps tree code to tree; when None the built-in trees are used.
    """
    ctx = _Context(source, base_dir)
    r = ctx.reader
    node = r.mapping(data, "")
    if node is None:
        raise InstrumentError(ctx.problems)
    r.allow_keys(node, _TOP_KEYS, "")
    meta = {key: r.text(node, key, "") for key in ("title", "intro", "confidentiality")}
    code = r.string(node, "code", "", pattern=_CODE)
    version = r.string(node, "version", "", pattern=_VERSION)
    groups, kinds = _metadata_codes(r, node)
    rated = r.string(node, "rated_unit", "", pattern=_CODE)
    minutes = r.integer(node, "estimated_minutes", "", required=True, low=1, high=240)
    tree_code = r.string(node, "criteria_tree", "", required=False)
    tree = _find_tree(r, tree_code, criteria_trees)
    expanded = _expand_sections(ctx, r.sequence(node, "sections", ""))
    ctx.all_ids = _collect_ids(expanded)
    section_ids: set[str] = set()
    built = [_section(ctx, reader, raw, path, section_ids) for reader, path, raw in expanded]
    sections = [s for s in built if s is not None]
    if not sections and not ctx.problems:
        r.fail("sections", "an instrument needs at least one section")
    _check_criteria(r, sections, tree)
    if ctx.problems:
        raise InstrumentError(ctx.problems)
    assert code and version and rated and minutes and all(meta.values())
    title, intro, confidentiality = meta["title"], meta["intro"], meta["confidentiality"]
    assert title and intro and confidentiality
    return Instrument(
        code,
        version,
        title,
        tuple(groups),
        rated,
        tuple(kinds),
        minutes,
        intro,
        confidentiality,
        tuple(sections),
        tree_code,
    )


def _find_tree(
    r: Reader, code: str | None, trees: Mapping[str, CriteriaTree] | None
) -> CriteriaTree | None:
    if code is None:
        return None
    if trees is None:
        trees = builtin_criteria_trees()
    tree = trees.get(code)
    if tree is None:
        r.fail(
            "criteria_tree",
            f"unknown criteria tree {code!r} (known: " + ", ".join(sorted(trees)) + ")",
        )
    return tree


def load_instrument(
    path: str | Path, *, criteria_trees: Mapping[str, CriteriaTree] | None = None
) -> Instrument:
    """Load and validate an instrument YAML file; raises InstrumentError."""
    file = Path(path)
    problems: list[Problem] = []
    data = read_yaml(file, problems)
    if problems:
        raise InstrumentError(problems)
    return instrument_from_data(
        data, file.name, base_dir=file.parent, criteria_trees=criteria_trees
    )
