"""Helpers shared by the loaders: safe YAML reading and typed field access that records
problems (with a path) instead of stopping at the first one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import yaml

from questionnaires.errors import Problem
from questionnaires.model import LocalizedText

E = TypeVar("E", bound=StrEnum)

MAX_FILE_BYTES = 2_000_000


# libyaml's parser when PyYAML was built with it (about 10x faster), else the pure-Python one;
# both with the safe constructor only.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that rejects a key repeated in one mapping (PyYAML keeps the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, problems: list[Problem]) -> object:
    """Parse a YAML file safely; on failure record a problem and return None."""
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(source, "", f"cannot read file: {exc.strerror or exc}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(source, "", f"file larger than {MAX_FILE_BYTES} bytes"))
        return None
    return parse_yaml_text(raw.decode("utf-8", errors="replace"), source, problems)


def parse_yaml_text(text: str, source: str, problems: list[Problem]) -> object:
    """Parse YAML text safely (no Python tags, no duplicate keys)."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(source, where, f"YAML syntax error: {problem}"))
        return None


class Reader:
    """Reads typed values out of parsed YAML, recording a Problem for each mistake."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems

    def fail(self, path: str, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(self.source, path.lstrip("."), message))

    def mapping(self, value: object, path: str) -> Mapping[str, object] | None:
        """``value`` as a mapping with string keys, or None after recording a problem."""
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            self.fail(path, f"expected a mapping, found {type(value).__name__}")
            return None
        return value

    def sequence(
        self, node: Mapping[str, object], key: str, path: str, required: bool = True
    ) -> list[object]:
        """A list under ``key`` (empty when absent and optional)."""
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required")
            return []
        if not isinstance(value, list):
            self.fail(f"{path}.{key}", f"expected a list, found {type(value).__name__}")
            return []
        return value

    def allow_keys(self, node: Mapping[str, object], allowed: Iterable[str], path: str) -> None:
        """Record every key not in ``allowed`` (catches typos such as ``requried``)."""
        allowed_set = set(allowed)
        for key in node:
            if key not in allowed_set:
                self.fail(
                    f"{path}.{key}", "unknown key (allowed: " + ", ".join(sorted(allowed_set)) + ")"
                )

    def string(
        self,
        node: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        """A non-empty string, optionally matching ``pattern``."""
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(
                f"{path}.{key}",
                "expected a non-empty string"
                + (
                    " (quote values such as yes, no, 1.1 in YAML)"
                    if isinstance(value, bool | int | float)
                    else ""
                ),
            )
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(f"{path}.{key}", f"{value!r} does not match {pattern.pattern}")
            return None
        return value

    def text(
        self, node: Mapping[str, object], key: str, path: str, required: bool = True
    ) -> LocalizedText | None:
        """A ``{vi: ..., en: ...}`` mapping; both translations must be present."""
        value = node.get(key)
        where = f"{path}.{key}"
        if value is None:
            if required:
                self.fail(where, "is required (a mapping with vi and en)")
            return None
        mapping = self.mapping(value, where)
        if mapping is None:
            return None
        self.allow_keys(mapping, ("vi", "en"), where)
        vi = mapping.get("vi")
        en = mapping.get("en")
        ok = True
        for lang, name, text in (("vi", "Vietnamese", vi), ("en", "English", en)):
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{where}.{lang}", f"missing {name} text")
                ok = False
        if not ok:
            return None
        assert isinstance(vi, str) and isinstance(en, str)
        return LocalizedText(vi.strip(), en.strip())

    def number(
        self,
        node: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        """A finite number within [low, high]."""
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.fail(f"{path}.{key}", f"expected a number, found {value!r}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(f"{path}.{key}", f"{value} is outside [{low}, {high}]")
            return None
        return float(value)

    def integer(
        self,
        node: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        low: int = 0,
        high: int = 1_000_000,
    ) -> int | None:
        """An integer within [low, high]."""
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"{path}.{key}", f"expected an integer in [{low}, {high}], found {value!r}")
            return None
        return value

    def boolean(self, node: Mapping[str, object], key: str, path: str, default: bool) -> bool:
        """A boolean flag with a default."""
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", f"expected true or false, found {value!r}")
            return default
        return value

    def enum(
        self,
        node: Mapping[str, object],
        key: str,
        path: str,
        enum_type: type[E],
        *,
        required: bool = True,
    ) -> E | None:
        """A member of ``enum_type`` given by its value."""
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required")
            return None
        return self.enum_value(value, f"{path}.{key}", enum_type)

    def enum_value(self, value: object, path: str, enum_type: type[E]) -> E | None:
        """Convert one value to ``enum_type``, recording a problem if unknown."""
        try:
            if isinstance(value, str):
                return enum_type(value)
        except ValueError:
            pass
        known = ", ".join(m.value for m in enum_type)
        self.fail(path, f"unknown {enum_type.__name__} {value!r} (known: {known})")
        return None
