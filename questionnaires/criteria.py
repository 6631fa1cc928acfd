"""Criteria trees (field -> criterion -> sub-criterion) as data, with a validating loader.

A tree says how the 100 points of a PAR index are split and how each leaf is scored
(DOMAIN.md §9): by appraisal of evidence, by the officials' survey, or derived from SIPAS.
A criterion may be a leaf itself (e.g. 1.7 in the 2022-2030 provincial index); otherwise its
maximum must equal the sum of its sub-criteria, and a field's the sum of its criteria.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType

from questionnaires._reader import Reader, read_yaml
from questionnaires.errors import CriteriaError, Problem
from questionnaires.model import LocalizedText

MAX_NODE_CODE, MAX_TREE_CODE = 40, 80
"""Longest criterion code and tree code (the database keeps appraisal points by them)."""
_CODE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
_TREE_CODE = re.compile(r"[a-z][a-z0-9_]*")
_LEVEL_CODE = re.compile(r"[a-z][a-z0-9_]*")  # the unit level the tree was written for
_TOLERANCE = 1e-6


class Method(StrEnum):
    """How a leaf of the tree is scored."""

    APPRAISAL = "appraisal"
    SURVEY = "survey"
    SIPAS = "sipas"


class NodeLevel(StrEnum):
    """Depth of a node in the tree."""

    FIELD = "field"
    CRITERION = "criterion"
    SUB_CRITERION = "sub_criterion"


@dataclass(frozen=True)
class CriterionNode:
    """A field, criterion or sub-criterion; leaves carry a method, inner nodes children."""

    code: str
    level: NodeLevel
    title: LocalizedText
    max_points: float
    method: Method | None
    children: tuple[CriterionNode, ...] = ()


@dataclass(frozen=True)
class LeafRow:
    """One scored leaf as a flat row (the leaf is its own criterion when it has no parent)."""

    code: str
    title: LocalizedText
    criterion: str
    field: str
    max_points: float
    method: Method


@dataclass(frozen=True)
class CriteriaTree:
    """A versioned criteria tree for one unit level."""

    code: str
    version: str
    level: str
    title: LocalizedText
    note: LocalizedText
    fields: tuple[CriterionNode, ...]

    def flatten(self) -> tuple[LeafRow, ...]:
        """Every scored leaf in tree order."""
        rows: list[LeafRow] = []
        for fld in self.fields:
            for crit in fld.children:
                leaves = crit.children or (crit,)
                for leaf in leaves:
                    assert leaf.method is not None
                    rows.append(
                        LeafRow(
                            leaf.code, leaf.title, crit.code, fld.code, leaf.max_points, leaf.method
                        )
                    )
        return tuple(rows)

    def titles(self) -> dict[str, LocalizedText]:
        """The title of every field, criterion and sub-criterion, by its code."""
        found: dict[str, LocalizedText] = {}
        stack = list(self.fields)
        while stack:
            node = stack.pop()
            found[node.code] = node.title
            stack.extend(node.children)
        return found

    def leaf(self, code: str) -> LeafRow | None:
        """The scored leaf with this code, if any."""
        return next((row for row in self.flatten() if row.code == code), None)

    def total(self, method: Method | None = None) -> float:
        """Maximum points of the tree, or of the leaves scored by ``method``."""
        return round(
            float(
                sum(r.max_points for r in self.flatten() if method is None or r.method is method)
            ),
            6,
        )


class _TreeBuilder:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.codes: set[str] = set()

    def node(
        self, raw: object, path: str, level: NodeLevel, parent: str | None, inherited: Method | None
    ) -> CriterionNode | None:
        r = self.r
        node = r.mapping(raw, path)
        if node is None:
            return None
        child_key = {NodeLevel.FIELD: "criteria", NodeLevel.CRITERION: "sub_criteria"}.get(level)
        r.allow_keys(
            node,
            {"code", "title", "max_points", "method"} | ({child_key} if child_key else set()),
            path,
        )
        code = r.string(node, "code", path, pattern=_CODE)
        title = r.text(node, "title", path)
        max_points = r.number(node, "max_points", path, required=True, low=0.0, high=1000.0)
        method = r.enum(node, "method", path, Method, required=False) or inherited
        if code is not None:
            path = f"{path}({code})"
            self._check_code(code, parent, path)
            if len(code) > MAX_NODE_CODE:
                r.fail(path, f"a code has at most {MAX_NODE_CODE} characters")
        children = self._children(node, child_key, path, level, code, method)
        if not children and method is None:
            r.fail(path, "a leaf needs a method (appraisal, survey or sipas)")
        if level is NodeLevel.FIELD and not children:
            r.fail(path, "a field needs at least one criterion")
        if children and max_points is not None:
            total = sum(c.max_points for c in children)
            if abs(total - max_points) > _TOLERANCE:
                r.fail(
                    path,
                    f"max_points {max_points:g} differs from the sum of its children {total:g}",
                )
        if code is None or title is None or max_points is None:
            return None
        return CriterionNode(
            code, level, title, max_points, None if children else method, tuple(children)
        )

    def _check_code(self, code: str, parent: str | None, path: str) -> None:
        if code in self.codes:
            self.r.fail(path, f"duplicate code {code}")
        self.codes.add(code)
        if parent is not None and not code.startswith(parent + "."):
            self.r.fail(path, f"code {code} should start with its parent's code {parent}.")

    def _children(
        self,
        node: Mapping[str, object],
        key: str | None,
        path: str,
        level: NodeLevel,
        code: str | None,
        method: Method | None,
    ) -> list[CriterionNode]:
        if key is None:
            return []
        below = NodeLevel.CRITERION if level is NodeLevel.FIELD else NodeLevel.SUB_CRITERION
        built = [
            self.node(raw, f"{path}.{key}[{i}]", below, code, method)
            for i, raw in enumerate(self.r.sequence(node, key, path, required=False))
        ]
        return [c for c in built if c is not None]


def _check_totals(tree: CriteriaTree, node: Mapping[str, object], r: Reader) -> None:
    declared_total = r.number(node, "total_points", "", required=True, low=0.0)
    if declared_total is not None and abs(tree.total() - declared_total) > _TOLERANCE:
        r.fail(
            "total_points", f"declared {declared_total:g} but the fields sum to {tree.total():g}"
        )
    totals = r.mapping(node.get("totals", {}), "totals") or {}
    for key, value in totals.items():
        method = r.enum_value(key, f"totals.{key}", Method)
        if method is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            r.fail(f"totals.{key}", f"expected a number, found {value!r}")
        elif abs(tree.total(method) - value) > _TOLERANCE:
            r.fail(
                f"totals.{key}",
                f"declared {value:g} but {key} leaves sum to {tree.total(method):g}",
            )


def criteria_tree_from_data(data: object, source: str = "<memory>") -> CriteriaTree:
    """Build a tree from parsed YAML data; raises CriteriaError listing every problem."""
    problems: list[Problem] = []
    r = Reader(source, problems)
    node = r.mapping(data, "")
    if node is None:
        raise CriteriaError(problems)
    r.allow_keys(
        node, ("code", "version", "level", "title", "note", "total_points", "totals", "fields"), ""
    )
    builder = _TreeBuilder(r)
    fields = [
        builder.node(raw, f"fields[{i}]", NodeLevel.FIELD, None, None)
        for i, raw in enumerate(r.sequence(node, "fields", ""))
    ]
    code = r.string(node, "code", "", pattern=_TREE_CODE)
    version = r.string(node, "version", "")
    level = r.string(node, "level", "", pattern=_LEVEL_CODE)
    title = r.text(node, "title", "")
    note = r.text(node, "note", "")
    for value, limit, key in ((code, MAX_TREE_CODE, "code"), (version, 40, "version")):
        if value is not None and len(value) > limit:
            r.fail(key, f"at most {limit} characters")
    if problems or None in (code, version, level, title, note):
        raise CriteriaError(problems)
    assert code and version and level and title and note
    tree = CriteriaTree(
        code, version, level, title, note, tuple(f for f in fields if f is not None)
    )
    _check_totals(tree, node, r)
    if problems:
        raise CriteriaError(problems)
    return tree


_CHILD_KEYS = {NodeLevel.FIELD: "criteria", NodeLevel.CRITERION: "sub_criteria"}


def _node_document(node: CriterionNode) -> dict[str, object]:
    data: dict[str, object] = {
        "code": node.code,
        "title": {"vi": node.title.vi, "en": node.title.en},
        "max_points": node.max_points,
    }
    if node.method is not None:
        data["method"] = node.method.value
    if node.children:
        data[_CHILD_KEYS[node.level]] = [_node_document(c) for c in node.children]
    return data


def tree_document(tree: CriteriaTree) -> dict[str, object]:
    """The tree as the data :func:`criteria_tree_from_data` reads (its inverse): what is stored
    for a published tree."""
    return {
        "code": tree.code,
        "version": tree.version,
        "level": tree.level,
        "title": {"vi": tree.title.vi, "en": tree.title.en},
        "note": {"vi": tree.note.vi, "en": tree.note.en},
        "total_points": tree.total(),
        "fields": [_node_document(f) for f in tree.fields],
    }


def tree_hash(tree: CriteriaTree) -> str:
    """sha256 hex digest of the tree's canonical JSON (its document, keys sorted)."""
    text = json.dumps(
        tree_document(tree), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_criteria_tree(path: str | Path) -> CriteriaTree:
    """Load and validate a criteria tree YAML file; raises CriteriaError."""
    file = Path(path)
    problems: list[Problem] = []
    data = read_yaml(file, problems)
    if problems:
        raise CriteriaError(problems)
    return criteria_tree_from_data(data, file.name)


CRITERIA_DIR = Path(__file__).parent / "data" / "criteria"


@cache
def builtin_criteria_trees() -> Mapping[str, CriteriaTree]:
    """The shipped criteria trees by code (read once, then cached; read-only mapping)."""
    trees = [load_criteria_tree(p) for p in sorted(CRITERIA_DIR.glob("*.yaml"))]
    return MappingProxyType({t.code: t for t in trees})
