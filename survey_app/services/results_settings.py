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
    parts: dict[str, Any] = {}
    for key, parse in _PARTS.items():
        try:
            parts[key] = parse(raw)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
            raise ServiceError("bad_analysis_settings", key=key) from exc
    national_bands, provincial_bands = parts["bands"]
    return AnalysisSettings(
        criteria_tree=parts["criteria_tree"] or DEFAULT_TREES.get(campaign.kind, DEFAULT_TREE),
        pooling=parts["pooling"],
        estimation=parts["estimation"],
        sipas=parts["sipas"],
        par_index=parts["par_index"],
        national_bands=national_bands,
        provincial_bands=provincial_bands,
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
        satisfied_options=tuple(
            int(v) for v in raw.get("satisfied_options", default.satisfied_options)
        ),
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


def _check_tree(raw: Mapping[str, Any]) -> str | None:
    """The named criteria tree (None: the campaign kind's default); unknown names refused."""
    name = raw.get("criteria_tree")
    if not name:
        return None
    if str(name) not in builtin_criteria_trees():
        raise ValueError(name)
    return str(name)


def _in_range(value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(value)


def _checked_estimation(raw: Mapping[str, Any]) -> EstimationSettings:
    settings = _estimation(raw.get("estimation") or {})
    _in_range(settings.confidence, 0.5, 0.999)
    _in_range(settings.small_cell_n, 0, 10_000)
    return settings


def _checked_sipas(raw: Mapping[str, Any]) -> SipasSettings:
    settings = _sipas(raw.get("sipas") or {})
    for option in settings.satisfied_options:
        _in_range(option, 1, 5)
    return settings


def _checked_par_index(raw: Mapping[str, Any]) -> ParIndexSettings:
    settings = _par_index(raw.get("par_index") or {})
    _in_range(settings.sipas_share_of_max, 0.0, 1.0)
    _in_range(settings.rescale_to, 1.0, 1000.0)
    _in_range(settings.decimals, 0, 6)
    return settings


def _checked_pooling(raw: Mapping[str, Any]) -> PoolingSettings:
    settings = _pooling(raw.get("pooling") or {})
    for share in settings.group_shares.values():
        _in_range(share, 0.0, 1.0)
    return settings


def _checked_bands(raw: Mapping[str, Any]) -> tuple[BandScheme, BandScheme]:
    bands = raw.get("bands") or {}
    schemes = (
        _bands(bands.get("national"), NATIONAL_BANDS),
        _bands(bands.get("provincial"), PROVINCIAL_BANDS),
    )
    for scheme in schemes:
        for band in scheme.bands:
            _in_range(band.lower, 0.0, 100.0)
    return schemes


# Each part of the settings parsed on its own, so that an error names the key at fault.
_PARTS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    "criteria_tree": _check_tree,
    "pooling": _checked_pooling,
    "estimation": _checked_estimation,
    "sipas": _checked_sipas,
    "par_index": _checked_par_index,
    "bands": _checked_bands,
}
