"""An instrument rebuilt from its stored canonical definition (``Instrument.canonical()``).

A published version is kept as the canonical JSON of its parsed definition with its content
hash; :func:`instrument_from_canonical` turns it back into the same instrument through the
validating loader and refuses it when the hash does not match, so what a response was given
on is exactly what scores it, whatever the shipped files say today.
"""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires.criteria import CriteriaTree
from questionnaires.errors import InstrumentError, Problem
from questionnaires.loader import instrument_from_data
from questionnaires.model import Instrument

_RENAMED = {"minimum": "min", "maximum": "max"}
_DEFAULTS: dict[str, object] = {
    "required": True,
    "min_selections": 0,
    "integer": False,
    "satisfaction": False,
}
_DROPPED = ("section_id",)


def _question(data: Mapping[str, object]) -> dict[str, object]:
    node: dict[str, object] = {}
    for key, value in data.items():
        if key in _DROPPED or value is None:
            continue
        if key in _DEFAULTS and value == _DEFAULTS[key] and key != "required":
            continue
        if key == "options" and (not value or data.get("type") == "likert5"):
            continue
        if key == "max_length" and data.get("type") not in ("short_text", "long_text"):
            continue
        node[_RENAMED.get(key, key)] = value
    return node


def _section(data: Mapping[str, object]) -> dict[str, object]:
    node = {k: v for k, v in data.items() if v is not None and k != "questions"}
    questions = data.get("questions")
    assert isinstance(questions, list)
    node["questions"] = [_question(q) for q in questions]
    return node


def instrument_from_canonical(
    data: Mapping[str, object],
    content_hash: str,
    *,
    criteria_trees: Mapping[str, CriteriaTree] | None = None,
) -> Instrument:
    """The instrument of a stored definition; InstrumentError when it is not the one hashed."""
    document = {k: v for k, v in data.items() if v is not None and k != "sections"}
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise InstrumentError([Problem("<stored>", "sections", "missing")])
    document["sections"] = [_section(s) for s in sections]
    instrument = instrument_from_data(document, "<stored>", criteria_trees=criteria_trees)
    if instrument.content_hash != content_hash:
        raise InstrumentError(
            [Problem("<stored>", "", f"content hash {instrument.content_hash[:12]}… ≠ stored")]
        )
    return instrument
