"""Every campaign setting that is not the design's shape, in one typed object.

Deadlines, sampling, entry and analysis: :class:`CampaignSettings` is read from and written to
the stored design by ``survey_app.services.designs`` only; everything else asks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from analysis.settings import (
    NATIONAL_BANDS,
    PROVINCIAL_BANDS,
    BandScheme,
    EstimationSettings,
    ParIndexSettings,
    QualitySettings,
    SipasSettings,
)


@dataclass(frozen=True)
class Deadlines:
    """When lists are due and fieldwork runs; ``late_uploads``: lists accepted (marked late)
    after ``lists``."""

    lists: dt.date | None = None
    fieldwork_opens: dt.date | None = None
    fieldwork_closes: dt.date | None = None
    late_uploads: bool = False


@dataclass(frozen=True)
class SamplingOptions:
    """``margin_of_error``: e of the sample-size helper n = N / (1 + N e²) (DOMAIN.md §7)."""

    margin_of_error: float = 0.05


@dataclass(frozen=True)
class EntryOptions:
    """``double_entry``: paper and phone forms are keyed twice and compared."""

    double_entry: bool = False


@dataclass(frozen=True)
class AnalysisOptions:
    """What a result depends on besides the data and the groups' shares (DOMAIN.md §9).

    ``criteria_tree``: the criteria tree of rated units (None: the design kind's default);
    ``level_trees``: another tree for the units of some levels (communes beside agencies).
    """

    criteria_tree: str | None = None
    level_trees: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    estimation: EstimationSettings = field(default_factory=EstimationSettings)
    sipas: SipasSettings = field(default_factory=SipasSettings)
    par_index: ParIndexSettings = field(default_factory=ParIndexSettings)
    national_bands: BandScheme = NATIONAL_BANDS
    provincial_bands: BandScheme = PROVINCIAL_BANDS
    quality: QualitySettings = field(default_factory=QualitySettings)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level_trees", MappingProxyType(dict(self.level_trees)))

    def tree_of(self, level: str, default: str) -> str:
        """The tree name for units of ``level``."""
        return self.level_trees.get(level) or self.criteria_tree or default


@dataclass(frozen=True)
class CampaignSettings:
    """All of a campaign's settings."""

    deadlines: Deadlines = field(default_factory=Deadlines)
    sampling: SamplingOptions = field(default_factory=SamplingOptions)
    entry: EntryOptions = field(default_factory=EntryOptions)
    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)
