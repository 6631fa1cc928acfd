"""Analysis settings of a campaign: ``campaign.settings`` over the library's defaults.

Recognised keys (all optional)::

    {"criteria_tree": "province_2022",
     "pooling": {"group_shares": {"department_leader": 0.5, "district_leader": 0.5}},
     "estimation": {"small_cell_n": 10, "confidence": 0.95},
     "sipas": {"aggregation": "mean_of_elements", "satisfied_options": [4, 5]},
     "par_index": {"sipas_share_of_max": 1.0, "decimals": 2},
     "bands": {"national": [["A", 90], ["B", 80], ["C", 70], ["D", 0]],
               "provincial": [["Tốt", 90], ["Khá", 80], ["Trung bình", 65], ["Yếu", 0]]}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.settings import (
    NATIONAL_BANDS,
    PROVINCIAL_BANDS,
    Band,
    BandScheme,
    EstimationSettings,
    ParIndexSettings,
    PoolingSettings,
    QualitySettings,
    SipasAggregation,
    SipasSettings,
)
from domain import CampaignKind, RespondentGroup
from questionnaires import builtin_criteria_trees
from survey_app.errors import ServiceError
from survey_app.persistence.models import Campaign

DEFAULT_TREES = {CampaignKind.COMMUNE_INDEX: "commune_2021"}
DEFAULT_TREE = "province_2022"


@dataclass(frozen=True)
class AnalysisSettings:
    """Everything a result depends on besides the data; recorded with each export."""

    criteria_tree: str
    pooling: PoolingSettings
    estimation: EstimationSettings
    sipas: SipasSettings
    par_index: ParIndexSettings
    national_bands: BandScheme
    provincial_bands: BandScheme
    quality: QualitySettings


def settings_of(campaign: Campaign) -> AnalysisSettings:
    """The campaign's analysis settings, each missing value taken from the library default.

    Raises ServiceError("bad_analysis_settings") naming the key when a stored value is not
    usable (edited by hand, or written by an older version), instead of failing later.
    """
    raw: Mapping[str, Any] = campaign.settings or {}
    if not isinstance(raw, Mapping):
        raise ServiceError("bad_analysis_settings", key="settings")
    for key, parse in _PARTS.items():
        try:
            parse(raw)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            raise ServiceError("bad_analysis_settings", key=key) from exc
    return _settings(campaign, raw)


def _settings(campaign: Campaign, raw: Mapping[str, Any]) -> AnalysisSettings:
    bands = raw.get("bands") or {}
    return AnalysisSettings(
        criteria_tree=str(raw.get("criteria_tree")
                          or DEFAULT_TREES.get(campaign.kind, DEFAULT_TREE)),
        pooling=_pooling(raw.get("pooling") or {}),
        estimation=_estimation(raw.get("estimation") or {}),
        sipas=_sipas(raw.get("sipas") or {}),
        par_index=_par_index(raw.get("par_index") or {}),
        national_bands=_bands(bands.get("national"), NATIONAL_BANDS),
        provincial_bands=_bands(bands.get("provincial"), PROVINCIAL_BANDS),
        quality=QualitySettings(),
    )


def _pooling(raw: Mapping[str, Any]) -> PoolingSettings:
    shares = raw.get("group_shares") or {}
    return PoolingSettings({RespondentGroup(g): float(v) for g, v in shares.items()})


def _estimation(raw: Mapping[str, Any]) -> EstimationSettings:
    default = EstimationSettings()
    return EstimationSettings(
        confidence=float(raw.get("confidence", default.confidence)),
        small_cell_n=int(raw.get("small_cell_n", default.small_cell_n)),
    )


def _sipas(raw: Mapping[str, Any]) -> SipasSettings:
    default = SipasSettings()
    return SipasSettings(
        satisfied_options=tuple(int(v) for v in raw.get("satisfied_options",
                                                        default.satisfied_options)),
        aggregation=SipasAggregation(raw.get("aggregation", default.aggregation.value)),
    )


def _par_index(raw: Mapping[str, Any]) -> ParIndexSettings:
    default = ParIndexSettings()
    return ParIndexSettings(
        sipas_share_of_max=float(raw.get("sipas_share_of_max", default.sipas_share_of_max)),
        rescale_to=float(raw.get("rescale_to", default.rescale_to)),
        decimals=int(raw.get("decimals", default.decimals)),
    )


def _bands(raw: Sequence[Sequence[Any]] | None, default: BandScheme) -> BandScheme:
    if not raw:
        return default
    return BandScheme(tuple(Band(str(label), float(lower)) for label, lower in raw))


def _check_tree(raw: Mapping[str, Any]) -> None:
    name = raw.get("criteria_tree")
    if name is not None and str(name) not in builtin_criteria_trees():
        raise ValueError(name)


# Each part of the settings parsed on its own, so that an error names the key at fault.
_PARTS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    "criteria_tree": _check_tree,
    "pooling": lambda raw: _pooling(raw.get("pooling") or {}),
    "estimation": lambda raw: _estimation(raw.get("estimation") or {}),
    "sipas": lambda raw: _sipas(raw.get("sipas") or {}),
    "par_index": lambda raw: _par_index(raw.get("par_index") or {}),
    "bands": lambda raw: (_bands((raw.get("bands") or {}).get("national"), NATIONAL_BANDS),
                          _bands((raw.get("bands") or {}).get("provincial"),
                                 PROVINCIAL_BANDS)),
}
