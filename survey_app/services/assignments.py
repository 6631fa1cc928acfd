"""Who rates what: a design's evaluation matrix applied to a campaign's units.

Each respondent gets one task per rated unit and questionnaire (docs/adr/0009): the province
their unit belongs to, their own unit or its ancestor at a level, or every unit of a level
(within a shared ancestor). A task becomes an invitation with its own response.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from designs import CampaignDesign, RatesShape
from survey_app.persistence.models import Campaign, Unit


@dataclass(frozen=True)
class Task:
    """One unit a respondent rates, with the questionnaire they rate it with."""

    rated_unit_id: int
    questionnaire: str


class UnitIndex:
    """A campaign's units by id, with their ancestors and the units of each level."""

    def __init__(self, units: list[Unit]) -> None:
        self.by_id = {u.id: u for u in units}
        self.by_level: dict[str, list[Unit]] = defaultdict(list)
        for unit in sorted(units, key=lambda u: u.code):
            self.by_level[unit.level].append(unit)

    @classmethod
    def of(cls, session: Session, campaign: Campaign) -> UnitIndex:
        return cls(list(session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))))

    def chain(self, unit: Unit) -> list[Unit]:
        """The unit and its ancestors, nearest first."""
        found: list[Unit] = []
        current: Unit | None = unit
        seen: set[int] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            found.append(current)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return found

    def ancestor(self, unit: Unit, level: str) -> Unit | None:
        """The unit itself or its nearest ancestor of ``level``."""
        return next((u for u in self.chain(unit) if u.level == level), None)


def tasks_for(design: CampaignDesign, index: UnitIndex, group: str, unit: Unit) -> list[Task]:
    """The tasks of a respondent of ``group`` listed by ``unit``, in design order, each rated
    unit and questionnaire once."""
    tasks: list[Task] = []
    for line in design.evaluations_of(group):
        for rated in _rated(line.rates, line.level, line.within, index, unit):
            task = Task(rated.id, line.questionnaire)
            if task not in tasks:
                tasks.append(task)
    return tasks


def _rated(
    rates: RatesShape, level: str | None, within: str | None, index: UnitIndex, unit: Unit
) -> list[Unit]:
    if rates is RatesShape.PROVINCE:
        return [index.chain(unit)[-1]]
    if rates is RatesShape.OWN_UNIT:
        found = index.ancestor(unit, level) if level else unit
        return [found] if found is not None else []
    assert level is not None
    candidates = index.by_level.get(level, [])
    if within is None:
        return [u for u in candidates if u.id != unit.id]
    shared = index.ancestor(unit, within)
    if shared is None:
        return []
    return [u for u in candidates if u.id != unit.id and shared in index.chain(u)]
