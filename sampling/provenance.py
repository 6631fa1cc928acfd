"""What an auditor needs to redraw a list: run key, frame hash, library version, settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from sampling.errors import SettingsError

SAMPLING_VERSION = "1.0.0"
"""Version of the sampling method; changes whenever the same inputs could give another list."""


def new_run_key(rng: np.random.Generator) -> int:
    """Draw the run key (a 63-bit integer) that seeds every key of one draw."""
    return int(rng.integers(0, 2**63, dtype=np.int64))


class DrawKind(StrEnum):
    """Which draw a provenance record belongs to."""

    CITIZENS = "citizens"
    OFFICIALS = "officials"


@dataclass(frozen=True)
class DrawProvenance:
    """Record of one draw; stored beside its rows so the draw can be redone and compared."""

    kind: DrawKind
    run_key: int
    frame_hash: str
    library_version: str
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the run key as a string: JSON readers may round large integers)."""
        return {
            "kind": self.kind.value,
            "run_key": str(self.run_key),
            "frame_hash": self.frame_hash,
            "library_version": self.library_version,
            "settings": dict(self.settings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawProvenance:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(
                kind=DrawKind(data["kind"]),
                run_key=int(data["run_key"]),
                frame_hash=str(data["frame_hash"]),
                library_version=str(data["library_version"]),
                settings=dict(data["settings"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SettingsError("unreadable_provenance", str(exc)) from exc
