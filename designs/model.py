"""A campaign's design as values: unit levels, respondent groups, who rates whom, settings.

A design is what a province writes in its plan each year (DOMAIN.md §5, §7, §11): which kinds
of units take part, which groups of people answer, how each group is chosen, which units each
group rates with which questionnaire, and what share each group has in the survey points.
Codes are the administrator's (``council_delegate``, ``commune_office``...); the code knows
only the kinds of rules (:class:`SelectionRule`, :class:`RatesShape`, :class:`ListKind`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from designs.settings import CampaignSettings, Deadlines

SCHEMA_VERSION = 1


class SelectionRule(StrEnum):
    """How a group's respondents are chosen from the lists its units send (DOMAIN.md §7)."""

    CENSUS = "census"  # everyone eligible, weight 1
    QUOTA = "quota"  # q per unit at random (weight listed / q), everyone if fewer
    STRATIFIED = "stratified"  # n per unit stratified by field, with ordered reserves
    CENSUS_IN_CHOSEN = "census_in_chosen"  # everyone, in k units chosen by tier per parent


class TierPick(StrEnum):
    """How the first unit of a socio-economic tier is picked (census within chosen units)."""

    PPS = "pps"  # at random, probability proportional to size
    LARGEST = "largest"


class ListKind(StrEnum):
    """The rules a group's list follows (``survey_app.ingest.validate``)."""

    OFFICIALS = "officials"  # a name and the required fields
    TRANSACTIONS = "transactions"  # people who transacted and received a result (seed 004)


class ListField(StrEnum):
    """A column a group's list may be required to fill (a name is always required)."""

    POSITION = "position"
    UNIT = "unit"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"


class RatesShape(StrEnum):
    """Which units a respondent of a group rates (one response per respondent and unit).

    ``PROVINCE``: the province the respondent's unit belongs to (the root of its tree).
    ``OWN_UNIT``: the unit that listed the respondent, or its ancestor at ``level``.
    ``EACH_OF_LEVEL``: every unit of ``level`` in the campaign (a commune leader rating each
    provincial department), or only those under the respondent's ancestor at ``within``.
    """

    PROVINCE = "province"
    OWN_UNIT = "own_unit"
    EACH_OF_LEVEL = "each_of_level"


@dataclass(frozen=True)
class Text:
    """A name in Vietnamese and English."""

    vi: str
    en: str

    def in_locale(self, locale: str) -> str:
        """The English name for "en", else the Vietnamese one."""
        return self.en if locale == "en" else self.vi


@dataclass(frozen=True)
class Level:
    """A kind of unit in use (province, department, commune, commune office...).

    ``parent``: the level of a unit's parent (None for the top level). ``ranked``: units of
    this level are ranked among themselves in the results (their peer group).
    """

    code: str
    name: Text
    parent: str | None = None
    ranked: bool = True


@dataclass(frozen=True)
class Window:
    """Dates a transaction must fall in to be eligible, both inclusive."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class ListSpec:
    """What a group's list must hold. ``expected``: eligible people each unit should list
    (a warning below it; 30 citizens in seed 004), None for no expectation. ``council``:
    a list of council delegates, which carries the design's council term."""

    kind: ListKind = ListKind.OFFICIALS
    required: tuple[ListField, ...] = ()
    expected: int | None = None
    council: bool = False


@dataclass(frozen=True)
class Selection:
    """A group's selection rule with the parameters it uses (others stay None).

    QUOTA: ``quota`` per unit. STRATIFIED: ``sample_size`` per unit and ``reserve_size``
    ordered reserves. CENSUS_IN_CHOSEN: ``per_parent`` units of ``chosen_level`` per parent
    unit, at least ``min_per_parent`` and at most ``max_per_parent``, spread over tiers.
    """

    rule: SelectionRule = SelectionRule.CENSUS
    quota: int | None = None
    sample_size: int | None = None
    reserve_size: int | None = None
    chosen_level: str | None = None
    per_parent: int | None = None
    min_per_parent: int | None = None
    max_per_parent: int | None = None
    tier_pick: TierPick | None = None


@dataclass(frozen=True)
class Group:
    """A respondent group: who lists it, what the list holds, how it is chosen, its share."""

    code: str
    name: Text
    submitted_by: str
    selection: Selection = field(default_factory=Selection)
    list: ListSpec = field(default_factory=ListSpec)
    window: Window | None = None
    share: float | None = None


@dataclass(frozen=True)
class Evaluation:
    """One line of the evaluation matrix: a group rates some units with a questionnaire.

    ``level``: for OWN_UNIT the ancestor level rated (None: the unit itself); for
    EACH_OF_LEVEL the level rated. ``within``: for EACH_OF_LEVEL, only units under the
    respondent's ancestor at this level.
    """

    group: str
    rates: RatesShape
    questionnaire: str
    level: str | None = None
    within: str | None = None


@dataclass(frozen=True)
class CampaignDesign:
    """A whole design. Build it with :func:`designs.parse_design`, which checks it."""

    name: Text
    levels: tuple[Level, ...]
    groups: tuple[Group, ...]
    evaluations: tuple[Evaluation, ...]
    settings: CampaignSettings = field(default_factory=CampaignSettings)
    description: Text | None = None
    template: str | None = None
    kind: str | None = None
    council_term: str | None = None
    _levels: Mapping[str, Level] = field(init=False, repr=False, compare=False)
    _groups: Mapping[str, Group] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_levels", MappingProxyType({lv.code: lv for lv in self.levels}))
        object.__setattr__(self, "_groups", MappingProxyType({g.code: g for g in self.groups}))

    def level(self, code: str) -> Level:
        """The level with this code (KeyError when the design has none)."""
        return self._levels[code]

    def group(self, code: str) -> Group:
        """The group with this code (KeyError when the design has none)."""
        return self._groups[code]

    def has_level(self, code: str) -> bool:
        return code in self._levels

    def has_group(self, code: str) -> bool:
        return code in self._groups

    def groups_submitted_by(self, level: str) -> tuple[Group, ...]:
        """Groups whose lists units of this level send, in design order."""
        return tuple(g for g in self.groups if g.submitted_by == level)

    def evaluations_of(self, group: str) -> tuple[Evaluation, ...]:
        """The evaluation lines of a group, in design order."""
        return tuple(e for e in self.evaluations if e.group == group)

    def root_levels(self) -> tuple[str, ...]:
        """Codes of the top levels (no parent level)."""
        return tuple(lv.code for lv in self.levels if lv.parent is None)

    def group_shares(self) -> dict[str, float]:
        """The configured share of each group in the survey points (every group has one, or
        none has and answers are pooled by respondent)."""
        return {g.code: g.share for g in self.groups if g.share is not None}

    def rated_levels(self) -> tuple[str, ...]:
        """Levels whose units the evaluation matrix rates, in level order."""
        rated: set[str] = set()
        for line in self.evaluations:
            if line.rates is RatesShape.PROVINCE:
                rated.update(self.root_levels())
            elif line.rates is RatesShape.OWN_UNIT:
                rated.add(line.level or self.group(line.group).submitted_by)
            elif line.level is not None:
                rated.add(line.level)
        return tuple(lv.code for lv in self.levels if lv.code in rated)

    def indexed_levels(self) -> tuple[str, ...]:
        """Levels whose units get an index: those rated by the matrix and those ranked (a
        level may be scored by appraisal alone), in level order."""
        rated = set(self.rated_levels())
        return tuple(lv.code for lv in self.levels if lv.code in rated or lv.ranked)

    def questionnaires(self) -> tuple[str, ...]:
        """Questionnaire codes the design uses, each once, in design order."""
        return tuple(dict.fromkeys(e.questionnaire for e in self.evaluations))


def dated(
    design: CampaignDesign,
    *,
    window: Window | None = None,
    deadlines: Deadlines | None = None,
    group: str | None = None,
) -> CampaignDesign:
    """The design with another transaction window (for ``group``, else every group that has
    one) and other deadlines; what is not given stays."""
    groups = design.groups
    if window is not None:
        groups = tuple(
            replace(g, window=window)
            if (g.code == group if group is not None else g.window is not None)
            else g
            for g in groups
        )
    settings = design.settings
    if deadlines is not None:
        settings = replace(settings, deadlines=deadlines)
    return replace(design, groups=groups, settings=settings)
