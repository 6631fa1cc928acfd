"""Reading and writing the ``settings`` part of a design document (:class:`CampaignSettings`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from analysis.settings import (
    Band,
    BandScheme,
    EstimationSettings,
    ParIndexSettings,
    SipasAggregation,
    SipasItemScore,
    SipasSettings,
)
from designs.reader import Reader, at
from designs.settings import (
    AnalysisOptions,
    CampaignSettings,
    Deadlines,
    EntryOptions,
    SamplingOptions,
)
from questionnaires.model import SipasElement

_SECTIONS = ("deadlines", "sampling", "entry", "analysis")
_ANALYSIS = ("criteria_tree", "level_trees", "estimation", "sipas", "par_index", "bands")


def read_settings(
    reader: Reader, value: object, path: str, criteria_trees: Collection[str] | None
) -> CampaignSettings:
    """The settings in ``value`` (defaults for what is missing); problems go to ``reader``."""
    raw = reader.mapping(value, path, _SECTIONS) or {}
    return CampaignSettings(
        deadlines=_deadlines(reader, raw.get("deadlines"), at(path, "deadlines")),
        sampling=_sampling(reader, raw.get("sampling"), at(path, "sampling")),
        entry=_entry(reader, raw.get("entry"), at(path, "entry")),
        analysis=_analysis(reader, raw.get("analysis"), at(path, "analysis"), criteria_trees),
    )


def _deadlines(reader: Reader, value: object, path: str) -> Deadlines:
    keys = ("lists", "fieldwork_opens", "fieldwork_closes", "late_uploads")
    raw = reader.mapping(value, path, keys) or {}
    opens = reader.date(raw.get("fieldwork_opens"), at(path, "fieldwork_opens"))
    closes = reader.date(raw.get("fieldwork_closes"), at(path, "fieldwork_closes"))
    if opens and closes and opens > closes:
        reader.add(at(path, "fieldwork_closes"), "fieldwork_order")
    return Deadlines(
        lists=reader.date(raw.get("lists"), at(path, "lists")),
        fieldwork_opens=opens,
        fieldwork_closes=closes,
        late_uploads=reader.boolean(raw.get("late_uploads"), at(path, "late_uploads"), False),
    )


def _sampling(reader: Reader, value: object, path: str) -> SamplingOptions:
    raw = reader.mapping(value, path, ("margin_of_error",)) or {}
    margin = reader.number(raw.get("margin_of_error"), at(path, "margin_of_error"), 0.001, 0.5)
    return SamplingOptions(margin if margin is not None else SamplingOptions().margin_of_error)


def _entry(reader: Reader, value: object, path: str) -> EntryOptions:
    raw = reader.mapping(value, path, ("double_entry",)) or {}
    return EntryOptions(reader.boolean(raw.get("double_entry"), at(path, "double_entry"), False))


def _analysis(
    reader: Reader, value: object, path: str, trees: Collection[str] | None
) -> AnalysisOptions:
    raw = reader.mapping(value, path, _ANALYSIS) or {}
    tree = reader.code(raw.get("criteria_tree"), at(path, "criteria_tree"), required=False)
    if tree is not None and trees is not None and tree not in trees:
        reader.add(at(path, "criteria_tree"), "unknown_tree", code=tree)
    level_trees: dict[str, str] = {}
    listed = reader.mapping(raw.get("level_trees"), at(path, "level_trees"), None) or {}
    for level, name in listed.items():
        code = reader.code(name, at(at(path, "level_trees"), level))
        if code is not None and trees is not None and code not in trees:
            reader.add(at(at(path, "level_trees"), level), "unknown_tree", code=code)
        elif code is not None:
            level_trees[level] = code
    default = AnalysisOptions()
    bands = reader.mapping(raw.get("bands"), at(path, "bands"), ("national", "provincial")) or {}
    return AnalysisOptions(
        criteria_tree=tree,
        level_trees=level_trees,
        estimation=_estimation(reader, raw.get("estimation"), at(path, "estimation")),
        sipas=_sipas(reader, raw.get("sipas"), at(path, "sipas")),
        par_index=_par_index(reader, raw.get("par_index"), at(path, "par_index")),
        national_bands=_bands(reader, bands.get("national"), at(at(path, "bands"), "national"))
        or default.national_bands,
        provincial_bands=_bands(
            reader, bands.get("provincial"), at(at(path, "bands"), "provincial")
        )
        or default.provincial_bands,
    )


def _estimation(reader: Reader, value: object, path: str) -> EstimationSettings:
    raw = reader.mapping(value, path, ("confidence", "small_cell_n", "finite_population")) or {}
    default = EstimationSettings()
    confidence = reader.number(raw.get("confidence"), at(path, "confidence"), 0.5, 0.999)
    small = reader.integer(raw.get("small_cell_n"), at(path, "small_cell_n"), 0, 10_000)
    finite = reader.boolean(
        raw.get("finite_population"), at(path, "finite_population"), default.finite_population
    )
    return EstimationSettings(
        confidence=default.confidence if confidence is None else confidence,
        small_cell_n=default.small_cell_n if small is None else small,
        finite_population=finite,
    )


def _sipas_json(sipas: SipasSettings) -> dict[str, object]:
    """The SIPAS settings as written (the 2023-2026 keys only when set, so older designs
    read and write as before)."""
    data: dict[str, object] = {
        "aggregation": sipas.aggregation.value,
        "satisfied_options": list(sipas.satisfied_options),
    }
    if sipas.item_score is not SipasItemScore.SATISFIED_SHARE:
        data["item_score"] = sipas.item_score.value
    if sipas.factor_weights:
        data["factor_weights"] = dict(sipas.factor_weights)
    if sipas.part_weights:
        data["part_weights"] = dict(sipas.part_weights)
    return data


SIPAS_FACTORS = frozenset(m.value for m in SipasElement)
SIPAS_PARTS = frozenset(m.part for m in SipasElement)


def _weights(
    reader: Reader, value: object, path: str, names: frozenset[str]
) -> tuple[tuple[str, float], ...]:
    """``{factor or part: weight}`` (weights above 0, at most 1000; a name not listed weighs
    1; a name that is no factor or part is a problem, not a silent equal weight)."""
    listed = reader.mapping(value, path, None) or {}
    pairs = []
    for name, raw in listed.items():
        if str(name) not in names:
            reader.add(at(path, str(name)), "unknown_name", choices=", ".join(sorted(names)))
            continue
        weight = reader.number(raw, at(path, str(name)), 0.001, 1000, required=True)
        if weight is not None:
            pairs.append((str(name), weight))
    return tuple(sorted(pairs))


_SIPAS_KEYS = ("aggregation", "satisfied_options", "item_score", "factor_weights", "part_weights")


def _sipas(reader: Reader, value: object, path: str) -> SipasSettings:
    raw = reader.mapping(value, path, _SIPAS_KEYS) or {}
    default = SipasSettings()
    aggregation = reader.choice(
        raw.get("aggregation"), at(path, "aggregation"), SipasAggregation, required=False
    )
    options: list[int] = []
    listed = reader.items(
        raw.get("satisfied_options"), at(path, "satisfied_options"), required=False
    )
    for i, item in enumerate(listed):
        option = reader.integer(item, at(at(path, "satisfied_options"), i), 1, 5, required=True)
        if option is not None:
            options.append(option)
    item_score = reader.choice(
        raw.get("item_score"), at(path, "item_score"), SipasItemScore, required=False
    )
    chosen = aggregation or default.aggregation
    for key in ("factor_weights", "part_weights"):
        if raw.get(key) and chosen is not SipasAggregation.FACTORS_AND_PARTS:
            reader.add(at(path, key), "weights_unused")
    factors = _weights(reader, raw.get("factor_weights"), at(path, "factor_weights"), SIPAS_FACTORS)
    return SipasSettings(
        satisfied_options=tuple(options) or default.satisfied_options,
        aggregation=chosen,
        item_score=item_score or default.item_score,
        factor_weights=factors,
        part_weights=_weights(
            reader, raw.get("part_weights"), at(path, "part_weights"), SIPAS_PARTS
        ),
    )


def _par_index(reader: Reader, value: object, path: str) -> ParIndexSettings:
    raw = reader.mapping(value, path, ("sipas_share_of_max", "rescale_to", "decimals")) or {}
    default = ParIndexSettings()
    share = reader.number(raw.get("sipas_share_of_max"), at(path, "sipas_share_of_max"), 0, 1)
    rescale = reader.number(raw.get("rescale_to"), at(path, "rescale_to"), 1, 1000)
    decimals = reader.integer(raw.get("decimals"), at(path, "decimals"), 0, 6)
    return ParIndexSettings(
        sipas_share_of_max=default.sipas_share_of_max if share is None else share,
        rescale_to=default.rescale_to if rescale is None else rescale,
        decimals=default.decimals if decimals is None else decimals,
    )


def _bands(reader: Reader, value: object, path: str) -> BandScheme | None:
    """``[[label, lower], ...]``, highest first."""
    items = reader.items(value, path, required=False)
    bands: list[Band] = []
    for i, item in enumerate(items):
        if not isinstance(item, list) or len(item) != 2:
            reader.add(at(path, i), "bad_band")
            continue
        label = reader.text(item[0], at(at(path, i), 0))
        lower = reader.number(item[1], at(at(path, i), 1), 0, 100, required=True)
        if label is not None and lower is not None:
            bands.append(Band(label, lower))
    if any(a.lower <= b.lower for a, b in zip(bands, bands[1:], strict=False)):
        reader.add(path, "band_order")
    return BandScheme(tuple(bands)) if bands else None


def dump_settings(settings: CampaignSettings) -> dict[str, Any]:
    """The settings as a plain mapping that :func:`read_settings` reads back equal."""
    d, a = settings.deadlines, settings.analysis
    return {
        "deadlines": {
            "lists": d.lists,
            "fieldwork_opens": d.fieldwork_opens,
            "fieldwork_closes": d.fieldwork_closes,
            "late_uploads": d.late_uploads,
        },
        "sampling": {"margin_of_error": settings.sampling.margin_of_error},
        "entry": {"double_entry": settings.entry.double_entry},
        "analysis": {
            "criteria_tree": a.criteria_tree,
            "level_trees": dict(a.level_trees) or None,
            "estimation": {
                "confidence": a.estimation.confidence,
                "small_cell_n": a.estimation.small_cell_n,
                # written only when turned off, so older designs read and write as before
                "finite_population": None if a.estimation.finite_population else False,
            },
            "sipas": _sipas_json(a.sipas),
            "par_index": {
                "sipas_share_of_max": a.par_index.sipas_share_of_max,
                "rescale_to": a.par_index.rescale_to,
                "decimals": a.par_index.decimals,
            },
            "bands": {
                "national": [[b.label, b.lower] for b in a.national_bands.bands],
                "provincial": [[b.label, b.lower] for b in a.provincial_bands.bands],
            },
        },
    }
