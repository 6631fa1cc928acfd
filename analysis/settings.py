"""Analysis settings: frozen dataclasses with documented defaults (DOMAIN.md §8-9).

Every rule that DOMAIN.md marks **configurable** is a field here, so an export can record the
exact settings it was computed with (see :mod:`analysis.reproducibility`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class SingletonMethod(StrEnum):
    """Variance contribution of a stratum holding a single PSU.

    ``ADJUST`` (default): the PSU total is centred on the grand mean of the linearised variable,
    which is zero for a ratio mean, so the stratum adds its squared PSU total (R survey's
    ``options(survey.lonely.psu = "adjust")``, svy's ``singleton="center"``). Conservative.
    ``CERTAINTY``: the stratum adds nothing, as if the PSU were taken with certainty
    (R ``"certainty"``, svy ``"skip"``).
    """

    ADJUST = "adjust"
    CERTAINTY = "certainty"


class IntervalDistribution(StrEnum):
    """Reference distribution of confidence intervals.

    ``T_DOMAIN_DF`` (default, as svy): Student t with the domain's design degrees of freedom,
    the sum over strata of (PSUs holding domain members - 1). ``Z``: the standard normal, as R's
    ``confint`` on ``svymean``/``svyby`` results.
    """

    T_DOMAIN_DF = "t_domain_df"
    Z = "z"


class ShareInterval(StrEnum):
    """Confidence interval of a share (a mean of a 0/1 variable).

    ``WILSON`` (default): Wilson score interval on the effective sample size p(1-p)/SE², which
    behaves near 0 and 1. ``LOGIT``: Wald interval on the logit scale, back-transformed
    (svy's default, R ``svyciprop(method="logit")``). Both as in svy 0.35 ``prop``.
    """

    WILSON = "wilson"
    LOGIT = "logit"


class SipasAggregation(StrEnum):
    """How the overall SIPAS index is built (DOMAIN.md §9, configurable).

    ``MEAN_OF_ELEMENTS`` (default): mean of the five element indices.
    ``MEAN_OF_QUESTIONS``: mean of all satisfaction-question indices.
    ``POOLED_RESPONSES``: weighted share of satisfied answers over all valid answers pooled.
    """

    MEAN_OF_ELEMENTS = "mean_of_elements"
    MEAN_OF_QUESTIONS = "mean_of_questions"
    POOLED_RESPONSES = "pooled_responses"
    FACTORS_AND_PARTS = "factors_and_parts"
    """SIPAS 2023-2026 (QĐ 1001/QĐ-BNV): item -> factor -> part -> index, each level a mean
    of the one below, equal or with the configured weights."""


class SipasItemScore(StrEnum):
    """What one satisfaction item contributes (DOMAIN.md §11, configurable).

    ``SATISFIED_SHARE`` (default): the weighted share of valid answers at the satisfied levels
    (4-5). ``MEAN_RESCALED``: the weighted 1-5 mean rescaled to 0-1, ``(mean - 1) / 4``.
    """

    SATISFIED_SHARE = "satisfied_share"
    MEAN_RESCALED = "mean_rescaled"


@dataclass(frozen=True)
class EstimationSettings:
    """Weighted estimation settings.

    ``confidence``: two-sided level of intervals (default 0.95). ``small_cell_n``: cells with
    fewer valid unweighted answers are flagged, never hidden (default 10).
    ``finite_population``: correct each stratum's variance by ``1 - n_h / N_h`` when the
    population sizes are known (default on, as R's ``fpc`` and svy's ``pop_size``).
    """

    confidence: float = 0.95
    distribution: IntervalDistribution = IntervalDistribution.T_DOMAIN_DF
    share_interval: ShareInterval = ShareInterval.WILSON
    singleton: SingletonMethod = SingletonMethod.ADJUST
    small_cell_n: int = 10
    finite_population: bool = True


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class PoolingSettings:
    """How respondent groups are pooled into one survey score (DOMAIN.md §9).

    ``group_shares``: configured share of each group; groups present in a cell are renormalised
    to sum to 1. Empty (default) means equal shares for the groups present. Within a group each
    respondent counts by its design weight normalised to sum to 1 (equal per respondent when
    weights are equal).
    """

    group_shares: Mapping[str, float] = field(default_factory=lambda: _frozen({}))


@dataclass(frozen=True)
class Band:
    """A classification band: ``label`` for an index percent ``>= lower``."""

    label: str
    lower: float


@dataclass(frozen=True)
class BandScheme:
    """Ordered bands, highest ``lower`` first; an index gets the first band it reaches."""

    bands: tuple[Band, ...]


NATIONAL_BANDS = BandScheme((Band("A", 90.0), Band("B", 80.0), Band("C", 70.0), Band("D", 0.0)))
"""National groups (DOMAIN.md §9): A >= 90, B 80-<90, C 70-<80, D < 70."""

PROVINCIAL_BANDS = BandScheme(
    (Band("Tốt", 90.0), Band("Khá", 80.0), Band("Trung bình", 65.0), Band("Yếu", 0.0))
)
"""Provincial scheme, configurable cut-offs; default Tốt >= 90, Khá 80-<90,
Trung bình 65-<80, Yếu < 65."""


@dataclass(frozen=True)
class SipasSettings:
    """SIPAS settings: satisfied options on the 1-5 scale, what an item contributes, the
    overall aggregation and, for ``FACTORS_AND_PARTS``, the weights of factors within their
    part and of parts within the index (a factor or part not named weighs 1)."""

    satisfied_options: tuple[int, ...] = (4, 5)
    aggregation: SipasAggregation = SipasAggregation.MEAN_OF_ELEMENTS
    item_score: SipasItemScore = SipasItemScore.SATISFIED_SHARE
    factor_weights: tuple[tuple[str, float], ...] = ()
    part_weights: tuple[tuple[str, float], ...] = ()

    def weight(self, kind: str, name: str) -> float:
        """The configured weight of a factor (``kind="factor"``) or part, else 1."""
        pairs = self.factor_weights if kind == "factor" else self.part_weights
        return dict(pairs).get(name, 1.0)


@dataclass(frozen=True)
class ParIndexSettings:
    """PAR Index settings (DOMAIN.md §9).

    ``sipas_share_of_max``: a SIPAS-derived criterion gets ``SIPAS % / 100 x max x`` this factor
    (default 1.0). ``rescale_to``: a level with no survey is rescaled to this total (100).
    ``decimals``: index percent rounded half up to this many decimals (2).
    """

    sipas_share_of_max: float = 1.0
    rescale_to: float = 100.0
    decimals: int = 2


@dataclass(frozen=True)
class QualitySettings:
    """Data-quality flag settings.

    ``speed_fraction``: a completion faster than this fraction of the median duration is flagged
    (default 1/3). ``speed_floor_seconds``: or faster than this absolute floor (default 60 s).
    ``straightline_min_items``: grids of at least this many answered items are checked (5).
    """

    speed_fraction: float = 1.0 / 3.0
    speed_floor_seconds: float = 60.0
    straightline_min_items: int = 5
