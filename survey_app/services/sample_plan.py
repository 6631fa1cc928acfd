"""From a campaign's design to a draw: the plan, the frames and the draw itself.

A :class:`Plan` is what a draw depends on besides the frames and the seed: each group's
selection rule with its parameters, the levels whose units are chosen by tier, and the
margin of error. It is stored with every run (``SamplingRun.settings``), so a run is redrawn
by the plan it was drawn with even after the design changed. One draw takes, in this fixed
order from one ``numpy.random.Generator(seed)``: the chosen units of each level, the officials
(census, quota and chosen-unit groups), then each stratified group in design order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import designs
import sampling
from adminunits.names import fold_words
from designs import CampaignDesign, SelectionRule
from survey_app.errors import ServiceError
from survey_app.persistence.enums import RowStatus
from survey_app.persistence.models import Campaign, ListRow, Unit, UnitList
from survey_app.services.designs import design_of

NO_FIELD = "(không rõ lĩnh vực)"


@dataclass(frozen=True)
class GroupRule:
    """One group's selection as a draw uses it."""

    code: str
    rule: SelectionRule
    quota: int | None = None
    sample_size: int | None = None
    reserve_size: int = 0
    chosen_level: str | None = None
    units: sampling.DistrictSettings | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule.value,
            "quota": self.quota,
            "sample_size": self.sample_size,
            "reserve_size": self.reserve_size,
            "chosen_level": self.chosen_level,
            "units": self.units.to_dict() if self.units else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupRule:
        units = data.get("units")
        return cls(
            code=str(data["code"]),
            rule=SelectionRule(data["rule"]),
            quota=data.get("quota"),
            sample_size=data.get("sample_size"),
            reserve_size=int(data.get("reserve_size") or 0),
            chosen_level=data.get("chosen_level"),
            units=sampling.DistrictSettings.from_dict(units) if units else None,
        )


@dataclass(frozen=True)
class Plan:
    """Everything a draw depends on besides the frames, the seed and the overrides."""

    groups: tuple[GroupRule, ...]
    margin_of_error: float = 0.05

    @property
    def stratified(self) -> tuple[GroupRule, ...]:
        return tuple(g for g in self.groups if g.rule is SelectionRule.STRATIFIED)

    @property
    def officials(self) -> tuple[GroupRule, ...]:
        return tuple(g for g in self.groups if g.rule is not SelectionRule.STRATIFIED)

    def chosen_levels(self) -> dict[str, sampling.DistrictSettings]:
        """Levels whose units are chosen by tier, each with the first group's settings."""
        found: dict[str, sampling.DistrictSettings] = {}
        for group in self.groups:
            if group.chosen_level and group.units and group.chosen_level not in found:
                found[group.chosen_level] = group.units
        return found

    def quotas(self) -> sampling.QuotaSettings:
        return sampling.QuotaSettings({g.code: g.quota for g in self.groups if g.quota is not None})

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [g.to_dict() for g in self.groups],
            "margin_of_error": self.margin_of_error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """A stored plan; a run stored before designs (citizens/districts/quotas keys) gets
        the plan of the fixed 2023 design it was drawn with."""
        if "groups" not in data:
            return _legacy_plan(data)
        return cls(
            tuple(GroupRule.from_dict(g) for g in data["groups"]),
            float(data.get("margin_of_error", 0.05)),
        )


def plan_of(design: CampaignDesign) -> Plan:
    """The plan of a design: its groups' selections, in design order."""
    rules = []
    for group in design.groups:
        s = group.selection
        units = None
        if s.rule is SelectionRule.CENSUS_IN_CHOSEN:
            assert s.per_parent and s.min_per_parent and s.max_per_parent
            units = sampling.DistrictSettings(
                s.per_parent,
                s.min_per_parent,
                s.max_per_parent,
                sampling.TierPick((s.tier_pick or designs.TierPick.PPS).value),
            )
        rules.append(
            GroupRule(
                group.code,
                s.rule,
                quota=s.quota,
                sample_size=s.sample_size,
                reserve_size=s.reserve_size or 0,
                chosen_level=s.chosen_level,
                units=units,
            )
        )
    return Plan(tuple(rules), design.settings.sampling.margin_of_error)


def campaign_plan(campaign: Campaign) -> Plan:
    return plan_of(design_of(campaign))


def _legacy_plan(data: Mapping[str, Any]) -> Plan:
    old = sampling.SamplingSettings.from_dict(data)
    rules = [
        GroupRule("council_delegate", SelectionRule.CENSUS),
        GroupRule("department_leader", SelectionRule.CENSUS),
        GroupRule("subunit_leader", SelectionRule.CENSUS),
        GroupRule(
            "district_leader",
            SelectionRule.CENSUS_IN_CHOSEN,
            chosen_level="district",
            units=old.districts,
        ),
        *(GroupRule(g, SelectionRule.QUOTA, quota=q) for g, q in old.quotas.quotas.items()),
        GroupRule(
            "citizen",
            SelectionRule.STRATIFIED,
            sample_size=old.citizens.sample_size,
            reserve_size=old.citizens.reserve_size,
        ),
    ]
    return Plan(tuple(rules), old.margin_of_error)


@dataclass(frozen=True)
class Frames:
    """The eligible frames of a campaign, from the current version of every list.

    ``people``: ``unit_code, person_id, group, field`` (person_id = list row id).
    ``choosable``: per chosen level, its units as ``code, tier, size, province_code`` (the
    parent's code). ``under``: unit code -> the codes of the unit and its ancestors.
    ``level_names``: the design's Vietnamese name of each level, for messages.
    """

    people: pd.DataFrame
    choosable: dict[str, pd.DataFrame]
    under: dict[str, tuple[str, ...]]
    rows: dict[int, ListRow] = field(repr=False)
    level_names: dict[str, str] = field(default_factory=dict)

    def stratified(self, group: str) -> pd.DataFrame:
        frame = self.people[self.people["group"] == group]
        return frame[["unit_code", "person_id", "field"]].reset_index(drop=True)

    def officials(self, plan: Plan) -> pd.DataFrame:
        codes = {g.code for g in plan.officials}
        frame = self.people[self.people["group"].isin(codes)]
        return frame[["unit_code", "person_id", "group"]].reset_index(drop=True)

    def hash(self, plan: Plan) -> str:
        """One SHA-256 over the frames' hashes (row order does not matter)."""
        parts = []
        for group in plan.stratified:
            frame = self.stratified(group.code)
            parts.append(sampling.frame_hash(frame) if len(frame) else "-")
        officials = self.officials(plan)
        parts.append(sampling.frame_hash(officials, label="group") if len(officials) else "-")
        for level in plan.chosen_levels():
            units = self.choosable.get(level, _NO_UNITS)
            parts.append(
                hashlib.sha256(units.sort_values("code").to_csv(index=False).encode()).hexdigest()
            )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


_NO_UNITS = pd.DataFrame(columns=["code", "tier", "size", "province_code"])


@dataclass(frozen=True)
class Draw:
    """A complete draw before it is stored."""

    chosen: dict[str, sampling.DistrictSelection]
    officials: sampling.OfficialsDraw
    stratified: dict[str, sampling.CitizenDraw]
    frame_hash: str


def build_frames(session: Session, campaign: Campaign, plan: Plan) -> Frames:
    """Eligible rows of current lists as sampling frames, and the units that can be chosen."""
    query = (
        select(ListRow, UnitList.group, Unit.code)
        .join(UnitList, ListRow.list_id == UnitList.id)
        .join(Unit, UnitList.unit_id == Unit.id)
        .where(
            UnitList.campaign_id == campaign.id,
            UnitList.is_current,
            ListRow.status == RowStatus.ELIGIBLE,
        )
    )
    people, rows = [], {}
    for row, group, unit_code in session.execute(query):
        rows[row.id] = row
        people.append((unit_code, str(row.id), group, row.field or NO_FIELD))
    units = list(session.scalars(select(Unit).where(Unit.campaign_id == campaign.id)))
    by_id = {u.id: u for u in units}
    choosable = {
        level: pd.DataFrame(
            [
                (u.code, u.tier or 1, u.size or 0, by_id[u.parent_id].code if u.parent_id else "")
                for u in units
                if u.level == level
            ],
            columns=["code", "tier", "size", "province_code"],
        )
        for level in plan.chosen_levels()
    }
    return Frames(
        people=pd.DataFrame(people, columns=["unit_code", "person_id", "group", "field"]),
        choosable=choosable,
        under={u.code: _chain(u, by_id) for u in units},
        rows=rows,
        level_names={lv.code: lv.name.vi for lv in design_of(campaign).levels},
    )


def _chain(unit: Unit, by_id: dict[int, Unit]) -> tuple[str, ...]:
    codes: list[str] = []
    current: Unit | None = unit
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        codes.append(current.code)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return tuple(codes)


def draw(
    frames: Frames,
    seed: int,
    plan: Plan,
    overrides: Sequence[sampling.DistrictOverride] = (),
) -> Draw:
    """The whole draw from one generator, in a fixed order (module docstring)."""
    rng = np.random.default_rng(seed)
    chosen: dict[str, sampling.DistrictSelection] = {}
    for level, settings in plan.chosen_levels().items():
        units = frames.choosable.get(level, _NO_UNITS)
        if units.empty:
            raise ServiceError("no_chosen_units", level=frames.level_names.get(level, level))
        mine = tuple(o for o in overrides if o.code in set(units["code"]))
        chosen[level] = sampling.select_districts(units, rng, settings, mine)
    within = {}
    for group in plan.officials:
        if group.chosen_level:
            picked = set(chosen[group.chosen_level].chosen_codes)
            within[group.code] = [
                code for code, chain in frames.under.items() if picked.intersection(chain)
            ]
    officials = sampling.draw_officials(frames.officials(plan), rng, plan.quotas(), within)
    stratified = {}
    for group in plan.stratified:
        frame = frames.stratified(group.code)
        if len(frame):
            assert group.sample_size is not None
            sizes = sampling.CitizenSettings(group.sample_size, group.reserve_size)
            stratified[group.code] = sampling.draw_citizens(frame, rng, sizes)
    return Draw(chosen, officials, stratified, frames.hash(plan))


PREVIEW_UNIT_COLUMNS = ("unit_id", "unit_name", "level")
"""What ``preview`` adds to the library's table: each unit's id, name and level code."""


def preview(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Frame size, sample size and expected forms per unit and group; nothing is drawn.
    People of groups limited to chosen units count 0 until the units are chosen. Each row
    names its unit (``PREVIEW_UNIT_COLUMNS`` beside ``unit_code``); rows by unit code."""
    plan = campaign_plan(campaign)
    frames = build_frames(session, campaign, plan)
    plans = {
        g.code: sampling.GroupPlan(
            g.rule.value,
            cap=g.quota if g.quota is not None else g.sample_size,
            reserve_size=g.reserve_size,
            units=frozenset() if g.chosen_level else None,
        )
        for g in plan.groups
    }
    people = frames.people[["unit_code", "person_id", "group"]]
    table = sampling.preview_plan(people, plans, plan.margin_of_error)
    units = pd.DataFrame(
        session.execute(
            select(Unit.code, Unit.id, Unit.name, Unit.level).where(Unit.campaign_id == campaign.id)
        ).all(),
        columns=["unit_code", *PREVIEW_UNIT_COLUMNS],
    )
    return table.merge(units, on="unit_code", how="left")


def preview_matching(
    table: pd.DataFrame, search: str = "", level: str | None = None
) -> pd.DataFrame:
    """The rows of a ``preview`` whose unit's code or name holds ``search`` (case, diacritics
    and punctuation ignored: "phu da" finds "Xã Phú Đa", "h03 01" finds "H03.01") and, given
    ``level``, whose unit is of that level."""
    found = table
    words = fold_words(search)
    if words and len(found):
        names = found["unit_code"].astype(str) + " " + found["unit_name"].fillna("").astype(str)
        found = found[names.map(fold_words).str.contains(words, regex=False)]
    if level:
        found = found[found["level"] == level]
    return found
