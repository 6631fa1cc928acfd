"""The state of a campaign's data a result was computed from, and how fresh a result is
(see :mod:`results_store`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DataState:
    """What a campaign's results depend on: its count of logged changes (and the highest
    change id, the same for the same count) and a hash of its design, name and trees."""

    campaign_id: int
    changes: int
    last_change: int
    inputs: str

    @property
    def key(self) -> str:
        """A short name of the state, recorded with exports."""
        text = f"{self.campaign_id}:{self.changes}:{self.last_change}:{self.inputs}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Freshness:
    """When and from what a shown result was computed."""

    state: DataState
    computed_at: dt.datetime
    seconds: float
    responses: int
    merged: int | None
    """Responses taken in by merging (None: everything was read)."""
