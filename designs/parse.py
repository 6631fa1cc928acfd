"""Reading a design document (a mapping, from YAML or JSON) into a checked :class:`CampaignDesign`.

:func:`parse_design` reads everything it can, then checks the parts against each other (levels
named by groups exist, a rated level is an ancestor, a selection has its parameters...), and
raises :class:`DesignInvalid` with every problem by its path, or returns the design. The
schema is documented in ``docs/design-file.md``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from designs.checks import check_evaluations, check_groups, check_levels
from designs.model import (
    SCHEMA_VERSION,
    CampaignDesign,
    Evaluation,
    Group,
    Level,
    ListField,
    ListKind,
    ListSpec,
    RatesShape,
    Selection,
    SelectionRule,
    Text,
    TierPick,
    Window,
)
from designs.reader import Problem, Reader, at
from designs.settings import CampaignSettings
from designs.settings_parse import read_settings

TOP_KEYS = (
    "schema",
    "template",
    "kind",
    "name",
    "description",
    "council_term",
    "levels",
    "groups",
    "evaluations",
    "settings",
)
LIMIT_ITEMS = 200

# What each rule needs and may carry (the rest must be absent).
RULE_NEEDS: dict[SelectionRule, tuple[str, ...]] = {
    SelectionRule.CENSUS: (),
    SelectionRule.QUOTA: ("quota",),
    SelectionRule.STRATIFIED: ("sample_size",),
    SelectionRule.CENSUS_IN_CHOSEN: ("chosen_level", "per_parent"),
}
RULE_MAY: dict[SelectionRule, tuple[str, ...]] = {
    SelectionRule.CENSUS: (),
    SelectionRule.QUOTA: ("quota",),
    SelectionRule.STRATIFIED: ("sample_size", "reserve_size"),
    SelectionRule.CENSUS_IN_CHOSEN: (
        "chosen_level",
        "per_parent",
        "min_per_parent",
        "max_per_parent",
        "tier_pick",
    ),
}
SELECTION_KEYS = ("rule", *sorted({k for keys in RULE_MAY.values() for k in keys}))


class DesignInvalid(ValueError):
    """A design with problems; ``problems`` lists every one, by path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the design")
        self.problems = tuple(problems)


def parse_design(
    data: object,
    *,
    questionnaires: Collection[str] | None = None,
    criteria_trees: Collection[str] | None = None,
) -> CampaignDesign:
    """The design in ``data``; every problem raised at once as :class:`DesignInvalid`.

    ``questionnaires`` / ``criteria_trees``: the codes that exist (None: not checked).
    """
    reader = Reader()
    top = reader.mapping(data, "", TOP_KEYS)
    if top is None:
        raise DesignInvalid(reader.problems)
    schema = top.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        reader.add("schema", "bad_schema", expected=SCHEMA_VERSION)
    name = _text_pair(reader, top.get("name"), "name", required=True)
    description = _text_pair(reader, top.get("description"), "description", required=False)
    levels = [
        _level(reader, v, at("levels", i)) for i, v in enumerate(_list(reader, top, "levels"))
    ]
    groups = [
        _group(reader, v, at("groups", i)) for i, v in enumerate(_list(reader, top, "groups"))
    ]
    evaluations = [
        _evaluation(reader, v, at("evaluations", i))
        for i, v in enumerate(_list(reader, top, "evaluations"))
    ]
    settings = read_settings(reader, top.get("settings"), "settings", criteria_trees)
    design_parts = (
        [lv for lv in levels if lv is not None],
        [g for g in groups if g is not None],
        [e for e in evaluations if e is not None],
    )
    _check_level_trees(reader, settings, design_parts[0])
    if reader.problems or name is None:
        _cross_check(reader, *design_parts, questionnaires)
        raise DesignInvalid(reader.problems)
    _cross_check(reader, *design_parts, questionnaires)
    if reader.problems:
        raise DesignInvalid(reader.problems)
    return CampaignDesign(
        name=name,
        description=description,
        template=reader.code(top.get("template"), "template", required=False),
        kind=reader.code(top.get("kind"), "kind", required=False),
        council_term=_council_term(reader, top.get("council_term")),
        levels=tuple(design_parts[0]),
        groups=tuple(design_parts[1]),
        evaluations=tuple(design_parts[2]),
        settings=settings,
    )


def _list(reader: Reader, top: Mapping[str, Any], key: str) -> list[Any]:
    items = reader.items(top.get(key), key)
    if not items:
        if top.get(key) is not None:
            reader.add(key, "required")
        return []
    if len(items) > LIMIT_ITEMS:
        reader.add(key, "too_many", limit=LIMIT_ITEMS)
        return items[:LIMIT_ITEMS]
    return items


def _text_pair(reader: Reader, value: object, path: str, *, required: bool) -> Text | None:
    """``{vi: ..., en: ...}``; a plain string is the Vietnamese name and the English one."""
    if value is None:
        if required:
            reader.add(path, "required")
        return None
    if isinstance(value, str):
        text = reader.text(value, path)
        return Text(text, text) if text else None
    pair = reader.mapping(value, path, ("vi", "en"))
    if pair is None:
        return None
    vi = reader.text(pair.get("vi"), at(path, "vi"))
    en = reader.text(pair.get("en"), at(path, "en"), required=False)
    return Text(vi, en or vi) if vi else None


def _level(reader: Reader, value: object, path: str) -> Level | None:
    raw = reader.mapping(value, path, ("code", "name", "parent", "ranked"))
    if raw is None:
        return None
    code = reader.code(raw.get("code"), at(path, "code"))
    name = _text_pair(reader, raw.get("name"), at(path, "name"), required=True)
    parent = reader.code(raw.get("parent"), at(path, "parent"), required=False)
    ranked = reader.boolean(raw.get("ranked"), at(path, "ranked"), True)
    if code is None or name is None:
        return None
    return Level(code, name, parent, ranked)


def _group(reader: Reader, value: object, path: str) -> Group | None:
    keys = ("code", "name", "submitted_by", "selection", "list", "window", "share")
    raw = reader.mapping(value, path, keys)
    if raw is None:
        return None
    code = reader.code(raw.get("code"), at(path, "code"))
    name = _text_pair(reader, raw.get("name"), at(path, "name"), required=True)
    submitted_by = reader.code(raw.get("submitted_by"), at(path, "submitted_by"))
    selection = _selection(reader, raw.get("selection"), at(path, "selection"))
    spec = _list_spec(reader, raw.get("list"), at(path, "list"))
    window = _window(reader, raw.get("window"), at(path, "window"))
    share = reader.number(raw.get("share"), at(path, "share"), 0.0, 1.0)
    if None in (code, name, submitted_by, selection, spec):
        return None
    assert code and name and submitted_by and selection and spec
    return Group(code, name, submitted_by, selection, spec, window, share)


def _selection(reader: Reader, value: object, path: str) -> Selection | None:
    raw = reader.mapping(value, path, SELECTION_KEYS)
    if raw is None:
        return None
    rule = reader.choice(raw.get("rule", "census"), at(path, "rule"), SelectionRule)
    if rule is None:
        return None
    for key in RULE_NEEDS[rule]:
        if raw.get(key) is None:
            reader.add(at(path, key), "needed_by_rule", rule=rule.value)
    for key in raw:
        if key != "rule" and key in SELECTION_KEYS and key not in RULE_MAY[rule]:
            reader.add(at(path, key), "not_for_rule", rule=rule.value)
    count = 100_000

    def num(key: str, low: int) -> int | None:
        return reader.integer(raw.get(key), at(path, key), low, count)

    selection = Selection(
        rule=rule,
        quota=num("quota", 1),
        sample_size=num("sample_size", 1),
        reserve_size=num("reserve_size", 0) if rule is SelectionRule.STRATIFIED else None,
        chosen_level=reader.code(raw.get("chosen_level"), at(path, "chosen_level"), required=False),
        per_parent=num("per_parent", 1),
        min_per_parent=num("min_per_parent", 1),
        max_per_parent=num("max_per_parent", 1),
        tier_pick=reader.choice(
            raw.get("tier_pick"), at(path, "tier_pick"), TierPick, required=False
        ),
    )
    return _with_defaults(reader, selection, path)


def _with_defaults(reader: Reader, s: Selection, path: str) -> Selection:
    """Fill the defaults of a rule (reserves 0, bounds = k, PPS) and check the bounds."""
    if s.rule is SelectionRule.STRATIFIED and s.reserve_size is None:
        s = Selection(s.rule, sample_size=s.sample_size, reserve_size=0)
    if s.rule is SelectionRule.CENSUS_IN_CHOSEN and s.per_parent is not None:
        low = s.min_per_parent or s.per_parent
        high = s.max_per_parent or s.per_parent
        if not low <= s.per_parent <= high:
            reader.add(at(path, "per_parent"), "bounds_order", low=low, high=high)
        s = Selection(
            s.rule,
            chosen_level=s.chosen_level,
            per_parent=s.per_parent,
            min_per_parent=low,
            max_per_parent=high,
            tier_pick=s.tier_pick or TierPick.PPS,
        )
    return s


_TERM = re.compile(r"^\s*(\d{4})\s*[-–—/]\s*(\d{4})\s*$")


def _council_term(reader: Reader, value: object) -> str | None:
    """A council term of five years, written "2026–2031" (or with a hyphen)."""
    text = reader.text(value, "council_term", required=False)
    if text is None:
        return None
    match = _TERM.match(text)
    if not match or int(match.group(2)) - int(match.group(1)) != 5:
        reader.add("council_term", "bad_council_term", value=text)
        return None
    return f"{match.group(1)}–{match.group(2)}"


def _list_spec(reader: Reader, value: object, path: str) -> ListSpec | None:
    raw = reader.mapping(value, path, ("kind", "required", "expected", "council"))
    if raw is None:
        return None
    kind = reader.choice(raw.get("kind", "officials"), at(path, "kind"), ListKind)
    required: list[ListField] = []
    for i, item in enumerate(
        reader.items(raw.get("required"), at(path, "required"), required=False)
    ):
        choice = reader.choice(item, at(at(path, "required"), i), ListField)
        if choice is not None and choice not in required:
            required.append(choice)
    expected = reader.integer(raw.get("expected"), at(path, "expected"), 0, 100_000)
    council = reader.boolean(raw.get("council"), at(path, "council"), False)
    if kind is None:
        return None
    return ListSpec(kind, tuple(required), expected, council)


def _window(reader: Reader, value: object, path: str) -> Window | None:
    if value is None:
        return None
    raw = reader.mapping(value, path, ("start", "end"))
    if raw is None:
        return None
    start = reader.date(raw.get("start"), at(path, "start"))
    end = reader.date(raw.get("end"), at(path, "end"))
    if start is None or end is None:
        if raw.get("start") is None or raw.get("end") is None:
            reader.add(path, "window_incomplete")
        return None
    if start > end:
        reader.add(path, "window_order")
        return None
    return Window(start, end)


def _evaluation(reader: Reader, value: object, path: str) -> Evaluation | None:
    raw = reader.mapping(value, path, ("group", "rates", "level", "within", "questionnaire"))
    if raw is None:
        return None
    group = reader.code(raw.get("group"), at(path, "group"))
    rates = reader.choice(raw.get("rates"), at(path, "rates"), RatesShape)
    questionnaire = reader.code(raw.get("questionnaire"), at(path, "questionnaire"))
    level = reader.code(raw.get("level"), at(path, "level"), required=False)
    within = reader.code(raw.get("within"), at(path, "within"), required=False)
    if group is None or rates is None or questionnaire is None:
        return None
    return Evaluation(group, rates, questionnaire, level, within)


def _cross_check(
    reader: Reader,
    levels: list[Level],
    groups: list[Group],
    evaluations: list[Evaluation],
    questionnaires: Collection[str] | None,
) -> None:
    """Checks between the parts: every code named exists and makes sense where it is used."""
    parents = check_levels(reader, levels)
    check_groups(reader, groups, parents)
    check_evaluations(reader, evaluations, groups, parents, questionnaires)


def _check_level_trees(reader: Reader, settings: CampaignSettings, levels: list[Level]) -> None:
    """A level named by ``settings.analysis.level_trees`` must be a level of the design."""
    codes = {lv.code for lv in levels}
    for level in settings.analysis.level_trees:
        if level not in codes:
            reader.add(f"settings.analysis.level_trees.{level}", "unknown_level", code=level)
