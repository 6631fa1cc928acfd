"""Units across campaigns: which earlier units a unit continues, and their results.

A unit continues an earlier campaign's unit when (1) an administrator linked them
(``unit_predecessors``: Sở Tài chính 2025 ⇐ Sở Tài chính and Sở Kế hoạch và Đầu tư 2024),
(2) both have the same code, or (3) both are official units and the earlier one became
(part of) this one (``official_successions``: xã Vĩnh Phú 2025 ⇐ Ngũ Kiên, An Nhân, Vĩnh
Thịnh, Vĩnh Phú 2024). Links are followed back through every earlier campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import Campaign, Unit, UnitPredecessor, User
from survey_app.services import audit, official_units

_MAX_YEARS_BACK = 10


@dataclass(frozen=True)
class PastResult:
    """One earlier unit's results: the campaign, the unit, its index and points per field."""

    campaign: Campaign
    unit: Unit
    how: str  # "linked", "same_code", "official"
    index_pct: float | None = None
    rank: int | None = None
    fields: dict[str, float] = field(default_factory=dict)
    field_titles: dict[str, str] = field(default_factory=dict)


def set_predecessors(
    session: Session, unit: Unit, predecessor_ids: list[int], actor: User | None
) -> list[Unit]:
    """Replace the units ``unit`` continues by those of ``predecessor_ids`` (units of
    earlier campaigns); ``ServiceError`` for a unit of the same or a later campaign."""
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
    earlier = [c for c in session.scalars(query) if (c.year, c.id) < _order(unit)]
    return sorted(earlier, key=lambda c: (c.year, c.id), reverse=True)


def earlier_units(session: Session, unit: Unit) -> list[tuple[Unit, str]]:
    """Every earlier unit ``unit`` continues, with how it is known, newest campaign first."""
    found: dict[int, tuple[Unit, str]] = {}
    frontier = [unit]
    for _ in range(_MAX_YEARS_BACK):
        step: list[Unit] = []
        for current in frontier:
            for earlier, how in _direct(session, current):
                if earlier.id not in found and earlier.id != unit.id:
                    found[earlier.id] = (earlier, how)
                    step.append(earlier)
        if not step:
            break
        frontier = step
    return sorted(
        found.values(),
        key=lambda pair: (-pair[0].campaign.year, -pair[0].campaign_id, pair[0].name),
    )


def _order(unit: Unit) -> tuple[int, int]:
    return (unit.campaign.year, unit.campaign_id)


def _direct(session: Session, unit: Unit) -> list[tuple[Unit, str]]:
    """The units ``unit`` directly continues: linked; else in the latest earlier campaign
    with the same code or an official predecessor."""
    linked = [(u, "linked") for u in linked_predecessors(session, unit)]
    if linked:
        return linked
    official = _official_predecessor_keys(session, unit)
    for campaign in _earlier_campaigns(session, unit):
        same = session.scalars(
            select(Unit).where(Unit.campaign_id == campaign.id, Unit.code == unit.code)
        ).first()
        if same is not None:
            return [(same, "same_code")]
        if official:
            matches = list(
                session.scalars(
                    select(Unit).where(
                        Unit.campaign_id == campaign.id, Unit.official_key.in_(official)
                    )
                )
            )
            if matches:
                return [(u, "official") for u in matches]
    return []


def _official_predecessor_keys(session: Session, unit: Unit) -> set[str]:
    """The official units that became (part of) ``unit``'s official unit."""
    if not unit.official_key:
        return set()
    registry = official_units.stored_registry(session)
    if registry is None:
        return set()
    return {s.old for s in registry.predecessors_of(unit.official_key)}
