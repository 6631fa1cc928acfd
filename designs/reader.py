"""A reader of untrusted nested mappings that collects every problem with its path.

Each ``take_*`` returns a usable value or None and records a :class:`Problem` instead of
raising, so that one pass over a design lists everything wrong with it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_LIMIT = 500


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design: where (``groups[2].selection.quota``), a stable code
    and the parameters its message needs."""

    path: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, **dict(self.params)}


@dataclass
class Reader:
    """Collects problems while values are read."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, problem: str, /, **params: object) -> None:
        """Record ``problem`` (a stable code) at ``path`` with its message's parameters."""
        self.problems.append(Problem(path, problem, tuple((k, str(v)) for k, v in params.items())))

    def mapping(
        self, value: object, path: str, keys: Iterable[str] | None
    ) -> Mapping[str, Any] | None:
        """``value`` as a mapping with only ``keys`` (unknown keys are problems; None: any)."""
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(path, "not_a_mapping")
            return None
        allowed = set(keys) if keys is not None else None
        for key in value:
            if allowed is not None and str(key) not in allowed:
                known = ", ".join(sorted(allowed))
                self.add(_join(path, str(key)), "unknown_key", allowed=known)
        return {str(k): v for k, v in value.items()}

    def items(self, value: object, path: str, *, required: bool = True) -> list[Any]:
        """``value`` as a list (a missing required list is a problem)."""
        if value is None:
            if required:
                self.add(path, "required")
            return []
        if not isinstance(value, list):
            self.add(path, "not_a_list")
            return []
        return value

    def text(self, value: object, path: str, *, required: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path, "required")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.add(path, "not_text")
            return None
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            self.add(path, "too_long", limit=TEXT_LIMIT)
            return None
        return text

    def code(self, value: object, path: str, *, required: bool = True) -> str | None:
        text = self.text(value, path, required=required)
        if text is not None and not CODE_PATTERN.match(text):
            self.add(path, "bad_code", value=text)
            return None
        return text

    def choice(self, value: object, path: str, enum: type[E], *, required: bool = True) -> E | None:
        text = self.text(value, path, required=required)
        if text is None:
            return None
        try:
            return enum(text)
        except ValueError:
            self.add(path, "bad_choice", value=text, choices=", ".join(m.value for m in enum))
            return None

    def integer(
        self, value: object, path: str, low: int, high: int, *, required: bool = False
    ) -> int | None:
        if value is None:
            if required:
                self.add(path, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "not_int")
            return None
        if not low <= value <= high:
            self.add(path, "out_of_range", low=low, high=high)
            return None
        return value

    def number(
        self, value: object, path: str, low: float, high: float, *, required: bool = False
    ) -> float | None:
        if value is None:
            if required:
                self.add(path, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(path, "not_number")
            return None
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            self.add(path, "out_of_range", low=_num(low), high=_num(high))
            return None
        return number

    def boolean(self, value: object, path: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(path, "not_bool")
            return default
        return value

    def date(self, value: object, path: str) -> dt.date | None:
        """A date from YAML (a date), ISO text or dd/mm/yyyy text."""
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return dt.datetime.strptime(value.strip(), pattern).date()
                except ValueError:
                    continue
        self.add(path, "not_date")
        return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def at(path: str, key: str | int) -> str:
    """The path of a key (``a.b``) or of a list item (``a[2]``)."""
    return f"{path}[{key}]" if isinstance(key, int) else _join(path, key)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
