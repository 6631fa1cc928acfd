"""Units across campaigns: which earlier units a unit continues, and their results.

A unit continues an earlier campaign's unit when (1) an administrator linked them
(``unit_predecessors``: Sở Tài chính 2025 ⇐ Sở Tài chính and Sở Kế hoạch và Đầu tư 2024),
(2) both have the same code, or (3) both are official units and the earlier one became
(part of) this one (``official_successions``: xã Vĩnh Phú 2025 ⇐ Ngũ Kiên, An Nhân, Vĩnh
Thịnh, Vĩnh Phú 2024). Links are followed back through every earlier campaign.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Campaign, Unit, UnitPredecessor, User
from survey_app.services import audit, official_units

_MAX_YEARS_BACK = 10


def set_predecessors(
    session: Session, unit: Unit, predecessor_ids: list[int], actor: User | None
) -> list[Unit]:
    """Replace the units ``unit`` continues by those of ``predecessor_ids`` (units of
    earlier campaigns); ``ServiceError`` for a unit of the same or a later campaign."""
    lock_campaign(session, unit.campaign_id)  # two editors of one unit's links queue
    chosen = list(session.scalars(select(Unit).where(Unit.id.in_(predecessor_ids))))
    if len(chosen) != len(set(predecessor_ids)):
        raise ServiceError("unknown_predecessor")
    this_year = (unit.campaign.year, unit.campaign_id)
    for earlier in chosen:
        if (earlier.campaign.year, earlier.campaign_id) >= this_year:
            raise ServiceError("predecessor_not_earlier", name=earlier.name)
    session.execute(delete(UnitPredecessor).where(UnitPredecessor.unit_id == unit.id))
    session.add_all(UnitPredecessor(unit_id=unit.id, predecessor_id=u.id) for u in chosen)
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=unit.campaign_id,
        target=f"unit:{unit.code}",
        predecessors=[f"{u.campaign_id}:{u.code}" for u in chosen],
    )
    session.flush()
    return chosen


def linked_predecessors(session: Session, unit: Unit) -> list[Unit]:
    """The units an administrator linked as ``unit``'s predecessors."""
    query = (
        select(Unit)
        .join(UnitPredecessor, UnitPredecessor.predecessor_id == Unit.id)
        .where(UnitPredecessor.unit_id == unit.id)
        .order_by(Unit.campaign_id, Unit.code)
    )
    return list(session.scalars(query))


def candidates(session: Session, unit: Unit) -> list[Unit]:
    """Units of earlier campaigns that may be ``unit``'s predecessors: those of the same
    level first, then the others, newest campaign first, by name."""
    earlier = [c.id for c in _earlier_campaigns(session, unit)]
    found = list(session.scalars(select(Unit).where(Unit.campaign_id.in_(earlier))))
    order = {campaign_id: index for index, campaign_id in enumerate(earlier)}
    found.sort(key=lambda u: (u.level != unit.level, order[u.campaign_id], u.name))
    return found


def _earlier_campaigns(session: Session, unit: Unit) -> list[Campaign]:
    """The campaigns before ``unit``'s (by year, then creation), newest first."""
    query = select(Campaign).where(Campaign.year <= unit.campaign.year)
    mine = (unit.campaign.year, unit.campaign_id)
    earlier = [c for c in session.scalars(query) if (c.year, c.id) < mine]
    return sorted(earlier, key=lambda c: (c.year, c.id), reverse=True)


def earlier_units(session: Session, unit: Unit) -> list[tuple[Unit, str]]:
    """Every earlier unit ``unit`` continues, with how it is known, newest campaign first."""
    return Lineage(session).earlier_units(unit)


class Lineage:
    """Every campaign's units, the administrators' links and the official successions,
    loaded once (a whole campaign's comparison asks for each of its units)."""

    def __init__(self, session: Session) -> None:
        self.order = {c.id: (c.year, c.id) for c in session.scalars(select(Campaign))}
        self.units = {u.id: u for u in session.scalars(select(Unit))}
        self.by_code: dict[tuple[int, str], Unit] = {}
        self.by_official: dict[tuple[int, str], list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            self.by_code[(unit.campaign_id, unit.code)] = unit
            if unit.official_key:
                self.by_official[(unit.campaign_id, unit.official_key)].append(unit)
        self.links: dict[int, list[Unit]] = defaultdict(list)
        for link in session.scalars(select(UnitPredecessor)):
            self.links[link.unit_id].append(self.units[link.predecessor_id])
        self.official_before: dict[str, set[str]] = defaultdict(set)
        registry = official_units.stored_registry(session)
        for succession in registry.successions if registry else ():
            self.official_before[succession.new].add(succession.old)

    def earlier_units(self, unit: Unit) -> list[tuple[Unit, str]]:
        """Every earlier unit ``unit`` continues, with how it is known, newest first."""
        found: dict[int, tuple[Unit, str]] = {}
        frontier = [unit]
        for _ in range(_MAX_YEARS_BACK):
            step: list[Unit] = []
            for current in frontier:
                for earlier, how in self._direct(current):
                    if earlier.id not in found and earlier.id != unit.id:
                        found[earlier.id] = (earlier, how)
                        step.append(earlier)
            if not step:
                break
            frontier = step
        return sorted(
            found.values(),
            key=lambda pair: (*(-part for part in self.order[pair[0].campaign_id]), pair[0].name),
        )

    def _direct(self, unit: Unit) -> list[tuple[Unit, str]]:
        """The units ``unit`` directly continues: those an administrator linked; else, in
        the latest earlier campaign that has any, the units of its official unit or of the
        official units it was made from; else the unit with the same code (when the two are
        not linked to different official units)."""
        linked = sorted(self.links.get(unit.id, ()), key=lambda u: (u.campaign_id, u.code))
        if linked:
            return [(u, "linked") for u in linked]
        mine = self.order[unit.campaign_id]
        earlier = sorted((o for o in self.order.values() if o < mine), reverse=True)
        keys = set()
        if unit.official_key:
            keys = {unit.official_key, *self.official_before.get(unit.official_key, ())}
        for _year, campaign_id in earlier:
            matches = [
                u for key in sorted(keys) for u in self.by_official.get((campaign_id, key), ())
            ]
            if matches:
                return [
                    (u, "same_code" if u.official_key == unit.official_key else "official")
                    for u in matches
                ]
            same = self.by_code.get((campaign_id, unit.code))
            if same is not None and not (unit.official_key and same.official_key):
                return [(same, "same_code")]
        return []
