"""The official registry of administrative units: import it, read it, link campaigns to it.

The registry (``official_units``, ``official_successions``) is the country's, shared by
every campaign; a campaign reads it as of one date (:func:`as_of`) and its units may point
at official units (``units.official_key``). The import reads the pinned data package
(``adminunits.read_registry``) and writes only what is new or changed; every run is
recorded with its source, version, data date and digest (``official_imports``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adminunits import (
    REFORM_2025,
    OfficialUnit,
    Registry,
    SourceInfo,
    SourceMissing,
    Succession,
    Tier,
    UnitType,
    read_registry,
    restrict,
)
from adminunits.gazetteer import Gazetteer, Locality
from adminunits.names import fold_words
from survey_app.errors import ServiceError
from survey_app.persistence import models
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Campaign, OfficialImport, Unit, User
from survey_app.persistence.queries import official_units as queries
from survey_app.services import audit
from survey_app.services.designs import design_of


@dataclass(frozen=True)
class ImportSummary:
    """What an import found and changed (the CLI's JSON, the browser's report)."""

    source: str
    version: str
    data_date: str | None
    digest: str
    province: str | None
    as_of: str
    provinces: int
    communes: int
    mapped_old_units: int
    created: int
    updated: int
    unchanged: int
    successions_added: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_official(
    session: Session,
    *,
    province_code: str | None = None,
    as_of: dt.date = REFORM_2025,
    actor: User | None = None,
    registry: Registry | None = None,
) -> ImportSummary:
    """Load the country's units (or one province's, with what it was made of) and the
    old → new mapping; idempotent. ``ServiceError`` when the data package is missing or the
    province code is unknown."""
    try:
        source = registry or read_registry()
    except SourceMissing as missing:
        raise ServiceError("registry_source_missing", detail=str(missing)) from missing
    if province_code:
        try:
            source = restrict(source, province_code.strip())
        except KeyError:
            raise ServiceError("unknown_province_code", code=province_code) from None
    created, updated, unchanged = _write_units(session, source)
    added = _write_successions(session, source)
    summary = _summary(source, province_code, as_of, created, updated, unchanged, added)
    session.add(
        OfficialImport(
            source=source.source.name,
            version=source.source.version,
            licence=source.source.licence,
            data_date=source.source.data_date,
            digest=source.source.digest,
            province_code=province_code,
            as_of=as_of,
            summary=summary.to_dict(),
            imported_by_id=actor.id if actor else None,
        )
    )
    audit.record(
        session,
        AuditAction.UNITS_IMPORTED,
        user=actor,
        target="official_units",
        official=True,
        source=f"{summary.source} {summary.version}",
        created=created,
        updated=updated,
    )
    session.flush()
    return summary


def ensure_imported(session: Session) -> ImportSummary | None:
    """Import the registry if it never was (the demo's first start); None when it was."""
    if queries.latest_import(session) is not None:
        return None
    return import_official(session)


def _row(unit: OfficialUnit) -> dict[str, Any]:
    """The stored form of one unit."""
    return {
        "key": unit.key,
        "code": unit.code,
        "tier": unit.tier.value,
        "unit_type": unit.unit_type.value,
        "name": unit.name,
        "short_name": unit.short_name,
        "parent_key": unit.parent,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "former_names": list(unit.former_names),
    }


def _write_units(session: Session, source: Registry) -> tuple[int, int, int]:
    """Insert new units (parents first), update changed ones; (created, updated, same)."""
    stored = queries.unit_rows(session)
    rows = [_row(unit) for unit in source.units.values()]
    order = {Tier.PROVINCE.value: 0, Tier.DISTRICT.value: 1, Tier.COMMUNE.value: 2}
    rows.sort(key=lambda row: order[row["tier"]])
    new = [row for row in rows if row["key"] not in stored]
    changed = [
        row
        for row in rows
        if row["key"] in stored
        and stored[row["key"]] != tuple(row[name] for name in queries.UNIT_COLUMNS)
    ]
    queries.insert_new(session, models.OfficialUnit, new)
    queries.update_units(session, changed)
    return len(new), len(changed), len(rows) - len(new) - len(changed)


def _write_successions(session: Session, source: Registry) -> int:
    """Insert the successions not stored yet; how many were added."""
    stored = {(old, new) for old, new, *_ in queries.succession_rows(session)}
    rows = [
        {
            "old_key": item.old,
            "new_key": item.new,
            "took_effect": item.on,
            "whole": item.whole,
            "main": item.main,
        }
        for item in source.successions
        if (item.old, item.new) not in stored
    ]
    queries.insert_new(session, models.OfficialSuccession, rows)
    return len(rows)


def _summary(
    source: Registry,
    province_code: str | None,
    as_of: dt.date,
    created: int,
    updated: int,
    unchanged: int,
    added: int,
) -> ImportSummary:
    """Counts as of ``as_of``: provinces, communes, old units with a successor."""
    info = source.source
    return ImportSummary(
        source=info.name,
        version=info.version,
        data_date=info.data_date.isoformat() if info.data_date else None,
        digest=info.digest,
        province=province_code,
        as_of=as_of.isoformat(),
        provinces=len(source.valid_on(as_of, Tier.PROVINCE)),
        communes=len(source.valid_on(as_of, Tier.COMMUNE)),
        mapped_old_units=len(
            {item.old for item in source.successions if source.units[item.old].tier is Tier.COMMUNE}
        ),
        created=created,
        updated=updated,
        unchanged=unchanged,
        successions_added=added,
    )


# Reading the stored registry: rebuilt once per import (14,000 units, a fraction of a
# second) and kept per process, keyed by the latest import so a new one is seen at once;
# gazetteers (about 25 MB each) are kept for the last few dates asked.
_CACHE: dict[tuple[str, int], Registry] = {}
_GAZETTEERS: OrderedDict[tuple[str, int, dt.date], Gazetteer] = OrderedDict()
_GAZETTEERS_KEPT = 4
_LOCK = threading.Lock()


def stored_registry(session: Session) -> Registry | None:
    """The registry as stored, or None before the first import."""
    found = _stored(session)
    return found[1] if found else None


def _stored(session: Session) -> tuple[tuple[str, int], Registry] | None:
    """The cache key (database, latest import) and the registry it holds."""
    latest = queries.latest_import(session)
    if latest is None:
        return None
    key = (str(session.get_bind().engine.url), latest.id)
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()
            _GAZETTEERS.clear()
            _CACHE[key] = _load(session, latest)
        return key, _CACHE[key]


def gazetteer(session: Session, day: dt.date) -> Gazetteer | None:
    """The stored registry read as of ``day`` (cached), or None before the first import."""
    found = _stored(session)
    if found is None:
        return None
    (url, import_id), registry = found
    key = (url, import_id, day)
    with _LOCK:
        if key in _GAZETTEERS:
            _GAZETTEERS.move_to_end(key)
            return _GAZETTEERS[key]
    places = Gazetteer(registry, day)  # built outside the lock: a second build is harmless
    with _LOCK:
        _GAZETTEERS[key] = places
        while len(_GAZETTEERS) > _GAZETTEERS_KEPT:
            _GAZETTEERS.popitem(last=False)
    return places


def _load(session: Session, latest: OfficialImport) -> Registry:
    """The stored registry as ``adminunits`` values."""
    info = SourceInfo(
        latest.source, latest.version, latest.data_date, latest.licence, latest.digest
    )
    registry = Registry(info)
    for row in queries.unit_rows(session).values():
        key, code, tier, kind, name, short, parent, start, end, former = row
        registry.add(
            OfficialUnit(
                code, Tier(tier), UnitType(kind), name, short, parent, start, end, tuple(former)
            )
        )
    registry.successions = [
        Succession(old, new, on, whole, main)
        for old, new, on, whole, main in queries.succession_rows(session)
    ]
    return registry


def as_of(campaign: Campaign) -> dt.date:
    """The date ``campaign`` reads the registry as of: the pinned date, else the end of
    its transaction window, else its fieldwork start, else the end of its year."""
    if campaign.registry_as_of is not None:
        return campaign.registry_as_of
    ends = [group.window.end for group in design_of(campaign).groups if group.window]
    if ends:
        return max(ends)
    return campaign.fieldwork_opens or dt.date(campaign.year, 12, 31)


def locality_for(session: Session, campaign: Campaign, unit: Unit) -> Locality | None:
    """The registry's locality rule for a campaign unit that is an official commune in force
    on the campaign's date: linked to it, or (not linked) with its 5-digit code and its name;
    None otherwise (the name-based rule applies)."""
    if not unit.official_key and not _looks_official(unit.code):
        return None
    places = gazetteer(session, as_of(campaign))
    if places is None:
        return None
    official = places.registry.units.get(unit.official_key or "")
    if official is None and not unit.official_key:
        found = places.registry.find(unit.code, places.as_of)
        same_name = found is not None and fold_words(found.short_name) in fold_words(unit.name)
        official = found if same_name else None
    if official is None or official.tier is not Tier.COMMUNE or not official.valid_on(places.as_of):
        return None
    return Locality(places, official.key)


def _looks_official(code: str) -> bool:
    """Whether a unit's own code has the form of an official commune code."""
    return len(code) == 5 and code.isdigit()


def last_imports(session: Session, limit: int = 10) -> list[OfficialImport]:
    """The most recent imports, newest first."""
    query = select(OfficialImport).order_by(OfficialImport.id.desc()).limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Found:
    """An official unit as the registry pages show it: the unit, its province, and the
    units it was made from and became."""

    unit: OfficialUnit
    province: OfficialUnit | None
    predecessors: tuple[tuple[OfficialUnit, bool], ...] = ()
    successors: tuple[tuple[OfficialUnit, bool], ...] = ()


def provinces(session: Session, day: dt.date) -> list[OfficialUnit]:
    """The provinces in force on ``day`` (empty before the first import)."""
    registry = stored_registry(session)
    if registry is None:
        return []
    return sorted(registry.valid_on(day, Tier.PROVINCE), key=lambda unit: unit.name)


def search(
    session: Session, text: str, day: dt.date, province: str | None = None, limit: int = 100
) -> tuple[list[OfficialUnit], int]:
    """Communes in force on ``day`` (of ``province``) whose code or name matches ``text``
    (with or without diacritics); the first ``limit`` and how many match."""
    registry = stored_registry(session)
    if registry is None:
        return [], 0
    wanted = fold_words(text)
    found = []
    for unit in registry.valid_on(day, Tier.COMMUNE):
        if province and (registry.province_of(unit) or unit).code != province:
            continue
        if not wanted or unit.code.startswith(wanted) or wanted in fold_words(unit.name):
            found.append(unit)
    found.sort(key=lambda unit: (unit.parent or "", unit.name))
    return found[:limit], len(found)


def detail(session: Session, key: str) -> Found | None:
    """One official unit with its province, predecessors and successors."""
    registry = stored_registry(session)
    if registry is None or key not in registry.units:
        return None
    unit = registry.units[key]
    return Found(
        unit,
        registry.province_of(unit),
        tuple((registry.units[s.old], s.whole) for s in registry.predecessors_of(key)),
        tuple((registry.units[s.new], s.whole) for s in registry.successors_of(key)),
    )


def pin(session: Session, campaign: Campaign, day: dt.date | None, actor: User | None) -> None:
    """Pin ``campaign`` to the registry as of ``day`` (None: its window's end)."""
    campaign.registry_as_of = day
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target="registry_as_of",
        value=day.isoformat() if day else None,
    )
    session.flush()


def link(
    session: Session, campaign: Campaign, unit: Unit, code: str | None, actor: User | None
) -> OfficialUnit | None:
    """Link a campaign unit to the official commune or province with ``code`` in force on
    the campaign's date (empty code: unlink); ``ServiceError`` for an unknown code."""
    lock_campaign(session, campaign.id)
    official = None
    if code and code.strip():
        official = _official_on(session, campaign, code.strip())
        other = session.scalars(
            select(Unit).where(
                Unit.campaign_id == campaign.id,
                Unit.official_key == official.key,
                Unit.id != unit.id,
            )
        ).first()
        if other is not None:
            raise ServiceError("official_already_linked", code=official.code, name=other.name)
    unit.official_key = official.key if official else None
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target=f"unit:{unit.code}",
        official=official.key if official else None,
    )
    session.flush()
    return official


def _official_on(session: Session, campaign: Campaign, code: str) -> OfficialUnit:
    """The official commune (5 digits) or province (2 digits) ``code`` on the campaign's date."""
    registry = stored_registry(session)
    day = as_of(campaign)
    if registry is None:
        raise ServiceError("registry_not_imported")
    tier = Tier.PROVINCE if len(code) <= 2 else Tier.COMMUNE
    found = registry.find(code.zfill(2) if tier is Tier.PROVINCE else code, day, tier)
    if found is None:
        raise ServiceError("unknown_official_code", code=code, day=day.strftime("%d/%m/%Y"))
    return found


def add_communes(
    session: Session,
    campaign: Campaign,
    province_code: str,
    level: str,
    parent: Unit | None,
    actor: User | None,
) -> tuple[int, int]:
    """Add every commune of an official province in force on the campaign's date as units
    of ``level`` under ``parent`` (None, where the level above is the top one: the
    campaign's unit of that province, added if missing), with the official code, name and
    link; a unit with that code already there is linked, not duplicated. Returns (added,
    linked)."""
    lock_campaign(session, campaign.id)
    design = design_of(campaign)
    if not design.has_level(level):
        raise ServiceError("unknown_level", value=level, allowed=", ".join(design_codes(campaign)))
    expected = design.level(level).parent
    province = _official_on(session, campaign, province_code)
    if expected is not None and parent is None and design.level(expected).parent is None:
        parent = _province_unit(session, campaign, province, expected)
    if expected is not None and parent is None:
        raise ServiceError("parent_missing", expected=design.level(expected).name.vi)
    if expected is None and parent is not None:
        raise ServiceError("parent_not_allowed", value=parent.code)
    if parent is not None and parent.level != expected:
        found = (
            design.level(parent.level).name.vi if design.has_level(parent.level) else parent.level
        )
        wanted = design.level(expected).name.vi if expected else ""
        raise ServiceError("parent_wrong_level", value=parent.code, found=found, expected=wanted)
    registry = stored_registry(session)
    assert registry is not None
    day = as_of(campaign)
    communes = [
        unit for unit in registry.valid_on(day, Tier.COMMUNE) if unit.parent == province.key
    ]
    existing = {
        unit.code: unit
        for unit in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    taken = {unit.official_key for unit in existing.values() if unit.official_key}
    added = linked = 0
    for commune in communes:
        unit = existing.get(commune.code)
        if unit is None:
            session.add(
                Unit(
                    campaign_id=campaign.id,
                    code=commune.code,
                    name=commune.name,
                    level=level,
                    parent_id=parent.id if parent else None,
                    official_key=commune.key,
                    procedure_fields=[],
                )
            )
            added += 1
        elif unit.official_key != commune.key and commune.key not in taken:
            unit.official_key = commune.key
            linked += 1
    audit.record(
        session,
        AuditAction.UNITS_IMPORTED,
        user=actor,
        campaign_id=campaign.id,
        target=f"official:{province.code}",
        created=added,
        linked=linked,
    )
    session.flush()
    return added, linked


def _province_unit(
    session: Session, campaign: Campaign, province: OfficialUnit, level: str
) -> Unit:
    """The campaign's unit of an official province at the top ``level``: the one linked to
    it or with its code, else a new one (code, name and link from the registry)."""
    for unit in session.scalars(
        select(Unit).where(Unit.campaign_id == campaign.id, Unit.level == level)
    ):
        if unit.official_key == province.key or unit.code == province.code:
            unit.official_key = province.key
            return unit
    unit = Unit(
        campaign_id=campaign.id,
        code=province.code,
        name=province.name,
        level=level,
        official_key=province.key,
        procedure_fields=[],
    )
    session.add(unit)
    session.flush()
    return unit


def design_codes(campaign: Campaign) -> list[str]:
    """The level codes of the campaign's design."""
    return [level.code for level in design_of(campaign).levels]
