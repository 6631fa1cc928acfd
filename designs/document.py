"""A design as a document: to a plain mapping, to YAML or JSON-able form, and back.

``load_yaml(dump_yaml(design)) == design`` and ``parse_design(to_json(design)) == design``:
a design exported and imported again is the same design.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import yaml

from designs.model import SCHEMA_VERSION, CampaignDesign, Evaluation, Group, Level, Text
from designs.parse import DesignInvalid, parse_design
from designs.reader import Problem
from designs.settings_parse import dump_settings

MAX_DOCUMENT_BYTES = 512 * 1024


def to_document(design: CampaignDesign) -> dict[str, Any]:
    """The design as a mapping with dates (for YAML); None values are left out."""
    doc: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "template": design.template,
        "kind": design.kind,
        "name": _text(design.name),
        "description": _text(design.description) if design.description else None,
        "council_term": design.council_term,
        "levels": [_level(lv) for lv in design.levels],
        "groups": [_group(g) for g in design.groups],
        "evaluations": [_evaluation(e) for e in design.evaluations],
        "settings": dump_settings(design.settings),
    }
    dropped: dict[str, Any] = _drop_none(doc)
    return dropped


def to_json(design: CampaignDesign) -> dict[str, Any]:
    """The design as a JSON-able mapping (dates as ISO text), as stored with a campaign."""
    converted: dict[str, Any] = _iso_dates(to_document(design))
    return converted


def dump_yaml(design: CampaignDesign) -> str:
    """The design as YAML text in Vietnamese-readable UTF-8."""
    return yaml.safe_dump(
        to_document(design), allow_unicode=True, sort_keys=False, width=100, indent=2
    )


def load_yaml(
    text: str | bytes,
    *,
    questionnaires: Collection[str] | None = None,
    criteria_trees: Collection[str] | None = None,
) -> CampaignDesign:
    """The design in YAML ``text``; :class:`DesignInvalid` for unreadable or invalid text
    (too long, not UTF-8, not YAML: one problem at the root)."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DesignInvalid([Problem("", "document_size", (("limit", "512 KB"),))])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DesignInvalid([Problem("", "not_utf8")]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        params = (("line", str(line + 1)),) if line is not None else (("line", "?"),)
        raise DesignInvalid([Problem("", "not_yaml", params)]) from exc
    except (ValueError, TypeError, RecursionError) as exc:  # 2025-02-30, nesting too deep
        raise DesignInvalid([Problem("", "not_yaml", (("line", "?"),))]) from exc
    return parse_design(data, questionnaires=questionnaires, criteria_trees=criteria_trees)


def _text(text: Text) -> dict[str, str]:
    return {"vi": text.vi, "en": text.en}


def _level(level: Level) -> dict[str, Any]:
    return {
        "code": level.code,
        "name": _text(level.name),
        "parent": level.parent,
        "ranked": level.ranked,
    }


def _group(group: Group) -> dict[str, Any]:
    s = group.selection
    selection = {
        "rule": s.rule.value,
        "quota": s.quota,
        "sample_size": s.sample_size,
        "reserve_size": s.reserve_size,
        "chosen_level": s.chosen_level,
        "per_parent": s.per_parent,
        "min_per_parent": s.min_per_parent,
        "max_per_parent": s.max_per_parent,
        "tier_pick": s.tier_pick.value if s.tier_pick else None,
    }
    return {
        "code": group.code,
        "name": _text(group.name),
        "submitted_by": group.submitted_by,
        "selection": selection,
        "list": {
            "kind": group.list.kind.value,
            "required": [f.value for f in group.list.required],
            "expected": group.list.expected,
            **({"council": True} if group.list.council else {}),
        },
        "window": {"start": group.window.start, "end": group.window.end} if group.window else None,
        "share": group.share,
    }


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "group": evaluation.group,
        "rates": evaluation.rates.value,
        "level": evaluation.level,
        "within": evaluation.within,
        "questionnaire": evaluation.questionnaire,
    }


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _iso_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


__all__ = ["dump_yaml", "load_yaml", "parse_design", "to_document", "to_json"]
