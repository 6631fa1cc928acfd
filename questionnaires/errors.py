"""Typed errors raised when an instrument or criteria tree definition is invalid.

A loader never stops at the first mistake: it collects every problem, each with the path to
the offending element, and raises one error listing them all, so an author fixes a file in one
pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in a definition file.

    ``source`` names the file (or ``<memory>``), ``path`` the element inside it, e.g.
    ``sections[2].questions[0](par.f3.q1).show_if``.
    """

    source: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: {self.message}"


class DefinitionError(ValueError):
    """Base of the loaders' errors; ``problems`` lists every mistake found."""

    kind = "definition"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid {self.kind} ({len(self.problems)} problem(s)):\n{lines}")


class InstrumentError(DefinitionError):
    """An instrument definition is invalid."""

    kind = "instrument"


class CriteriaError(DefinitionError):
    """A criteria tree definition is invalid."""

    kind = "criteria tree"


class PublishedInstrumentChangedError(ValueError):
    """A different definition was offered under an already published (code, version)."""

    def __init__(self, code: str, version: str, published_hash: str, offered_hash: str) -> None:
        self.code = code
        self.version = version
        self.published_hash = published_hash
        self.offered_hash = offered_hash
        super().__init__(
            f"instrument {code} version {version} is already published with content hash "
            f"{published_hash[:12]}…; the offered definition hashes to {offered_hash[:12]}…: "
            "publish it under a new version"
        )
