"""Building one Question from its YAML mapping (shape checks only; cross-question checks such
as skip logic and criteria live in ``loader``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from questionnaires._reader import Reader
from questionnaires.model import (
    IntegrityTopic,
    LocalizedText,
    Option,
    ProfileVariable,
    Question,
    QuestionType,
    SipasElement,
)
from questionnaires.scales import LIKERT5_OPTIONS, RATING4_OPTIONS

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_OPTION_VALUE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
TEXT_LIMITS = {QuestionType.SHORT_TEXT: (255, 1000), QuestionType.LONG_TEXT: (4000, 20000)}

QUESTION_KEYS = frozenset(
    {
        "id",
        "type",
        "text",
        "help",
        "required",
        "options",
        "min_selections",
        "max_selections",
        "min",
        "max",
        "integer",
        "max_length",
        "show_if",
        "criterion",
        "points",
        "element",
        "satisfaction",
        "integrity",
        "profile",
        "constraint_message",
    }
)
_TYPE_KEYS = {
    "options": {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.RATING4},
    "min_selections": {QuestionType.MULTIPLE_CHOICE},
    "max_selections": {QuestionType.MULTIPLE_CHOICE},
    "min": {QuestionType.NUMBER},
    "max": {QuestionType.NUMBER},
    "integer": {QuestionType.NUMBER},
    "max_length": {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT},
    "satisfaction": {QuestionType.LIKERT5},
}


def _option(r: Reader, raw: object, path: str) -> Option | None:
    node = r.mapping(raw, path)
    if node is None:
        return None
    r.allow_keys(node, ("value", "label", "share", "substantive"), path)
    value = r.string(node, "value", path, pattern=_OPTION_VALUE)
    label = r.text(node, "label", path)
    share = r.number(node, "share", path, low=0.0, high=1.0)
    substantive = r.boolean(node, "substantive", path, True)
    if not substantive and share is not None:
        r.fail(f"{path}.share", "a non-substantive option (don't know) cannot carry a share")
    if value is None or label is None:
        return None
    return Option(value, label, share, substantive)


def _options(
    r: Reader, node: Mapping[str, object], qtype: QuestionType, path: str
) -> tuple[Option, ...]:
    if qtype is QuestionType.LIKERT5:
        return LIKERT5_OPTIONS
    if qtype is QuestionType.RATING4 and "options" not in node:
        return RATING4_OPTIONS
    if not qtype.has_options:
        return ()
    raw = r.sequence(node, "options", path)
    built = [_option(r, item, f"{path}.options[{i}]") for i, item in enumerate(raw)]
    options = tuple(o for o in built if o is not None)
    values = [o.value for o in options]
    for value in sorted({v for v in values if values.count(v) > 1}):
        r.fail(f"{path}.options", f"duplicate option value {value!r}")
    substantive = [o for o in options if o.substantive]
    if qtype is QuestionType.RATING4:
        if len(substantive) != 4 or len(options) - len(substantive) > 1:
            r.fail(
                f"{path}.options",
                "a rating4 question needs exactly 4 substantive options "
                "and at most one don't-know option",
            )
        if any(o.share is None for o in substantive):
            r.fail(f"{path}.options", "every substantive rating4 option needs a share")
    elif len(raw) < 2 and qtype is QuestionType.SINGLE_CHOICE:
        r.fail(f"{path}.options", "a single-choice question needs at least 2 options")
    elif not raw:
        r.fail(f"{path}.options", "needs at least 1 option")
    return options


def _check_type_keys(r: Reader, node: Mapping[str, object], qtype: QuestionType, path: str) -> None:
    for key, types in _TYPE_KEYS.items():
        if key in node and qtype not in types:
            allowed = ", ".join(sorted(t.value for t in types))
            r.fail(f"{path}.{key}", f"not allowed for {qtype} questions (only {allowed})")


def _selections(
    r: Reader, node: Mapping[str, object], n_options: int, path: str
) -> tuple[int, int | None]:
    low = r.integer(node, "min_selections", path, low=0, high=max(n_options, 0)) or 0
    high = r.integer(node, "max_selections", path, low=1, high=max(n_options, 1))
    if high is not None and low > high:
        r.fail(f"{path}.min_selections", f"min_selections {low} exceeds max_selections {high}")
    return low, high


def _number_bounds(
    r: Reader, node: Mapping[str, object], path: str
) -> tuple[float | None, float | None]:
    low = r.number(node, "min", path)
    high = r.number(node, "max", path)
    if low is not None and high is not None and low > high:
        r.fail(f"{path}.min", f"min {low:g} exceeds max {high:g}")
    return low, high


def _max_length(
    r: Reader, node: Mapping[str, object], qtype: QuestionType, path: str
) -> int | None:
    if qtype not in TEXT_LIMITS:
        return None
    default, ceiling = TEXT_LIMITS[qtype]
    value = r.integer(node, "max_length", path, low=1, high=ceiling)
    return default if value is None else value


def _tags(
    r: Reader, node: Mapping[str, object], qtype: QuestionType, path: str
) -> tuple[SipasElement | None, IntegrityTopic | None, ProfileVariable | None, bool]:
    element = r.enum(node, "element", path, SipasElement, required=False)
    integrity = r.enum(node, "integrity", path, IntegrityTopic, required=False)
    profile = r.enum(node, "profile", path, ProfileVariable, required=False)
    satisfaction = r.boolean(node, "satisfaction", path, False)
    if profile is not None and not qtype.has_options:
        r.fail(f"{path}.profile", "profile variables must be choice questions")
    return element, integrity, profile, satisfaction


def build_question(r: Reader, raw: object, path: str, section_id: str) -> Question | None:
    """Shape-check one question mapping; None (with problems recorded) when unusable.

    ``show_if`` is left unparsed here; the loader parses it with the earlier questions known.
    """
    node = r.mapping(raw, path)
    if node is None:
        return None
    qid = r.string(node, "id", path, pattern=ID_PATTERN)
    path = f"{path}({qid})" if qid else path
    r.allow_keys(node, QUESTION_KEYS, path)
    qtype = r.enum(node, "type", path, QuestionType)
    text = r.text(node, "text", path)
    help_text: LocalizedText | None = r.text(node, "help", path, required=False)
    constraint_message = r.text(node, "constraint_message", path, required=False)
    if qtype is None:
        return None
    _check_type_keys(r, node, qtype, path)
    options = _options(r, node, qtype, path)
    low_sel, high_sel = _selections(r, node, len(options), path)
    low, high = _number_bounds(r, node, path)
    element, integrity, profile, satisfaction = _tags(r, node, qtype, path)
    criterion = r.string(node, "criterion", path, required=False)
    points = r.number(node, "points", path, low=0.0, high=100.0)
    if qid is None or text is None:
        return None
    return Question(
        id=qid,
        section_id=section_id,
        type=qtype,
        text=text,
        required=r.boolean(node, "required", path, True),
        help=help_text,
        constraint_message=constraint_message,
        options=options,
        min_selections=low_sel,
        max_selections=high_sel,
        minimum=low,
        maximum=high,
        integer=r.boolean(node, "integer", path, False),
        max_length=_max_length(r, node, qtype, path),
        criterion=criterion,
        points=points,
        element=element,
        satisfaction=satisfaction,
        integrity=integrity,
        profile=profile,
    )
