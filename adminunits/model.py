"""Official administrative units as values: codes, types, dates and successions.

The codes are those of the national list of administrative units (Quyết định
19/2025/QĐ-TTg from 1 July 2025: a 2-digit province code and a 5-digit commune code;
before it, Quyết định 124/2004/QĐ-TTg with 3-digit districts). A code names a unit in one
period: after the 2025 reform a new commune took the code of one of the communes it was
made from (xã Vĩnh Phú, Phú Thọ, is 09154, which was xã Vĩnh Thịnh's), so a unit is
identified by its code *and* the date it became valid (:attr:`OfficialUnit.key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Tier(StrEnum):
    """The tier of local government a unit belongs to."""

    PROVINCE = "province"
    DISTRICT = "district"  # abolished on 1 July 2025
    COMMUNE = "commune"


class UnitType(StrEnum):
    """The legal type of a unit (what its name starts with)."""

    TINH = "tinh"
    THANH_PHO_TRUNG_UONG = "thanh_pho_trung_uong"
    HUYEN = "huyen"
    QUAN = "quan"
    THI_XA = "thi_xa"
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh"
    XA = "xa"
    PHUONG = "phuong"
    THI_TRAN = "thi_tran"
    DAC_KHU = "dac_khu"
    HUYEN_DAO = "huyen_dao"  # island districts with no communes (before 2025)

    @property
    def label_vi(self) -> str:
        """The type as it is written before the unit's name."""
        return _LABELS_VI[self]


_LABELS_VI = {
    UnitType.TINH: "Tỉnh",
    UnitType.THANH_PHO_TRUNG_UONG: "Thành phố",
    UnitType.HUYEN: "Huyện",
    UnitType.QUAN: "Quận",
    UnitType.THI_XA: "Thị xã",
    UnitType.THANH_PHO_THUOC_TINH: "Thành phố",
    UnitType.XA: "Xã",
    UnitType.PHUONG: "Phường",
    UnitType.THI_TRAN: "Thị trấn",
    UnitType.DAC_KHU: "Đặc khu",
    UnitType.HUYEN_DAO: "Huyện",
}


@dataclass(frozen=True)
class OfficialUnit:
    """One official unit in one period.

    ``name`` is the full name ("Xã Vĩnh Phú"), ``short_name`` without the type ("Vĩnh
    Phú"). ``parent`` is the key of the unit above (the province; before 2025 a commune's
    district). ``valid_from`` is None when the source does not say when the unit was made
    (units that existed before the 2025 reform); ``valid_to`` None while it is in force.
    ``former_names`` are earlier names of the same unit (folded, for matching addresses:
    xã Vĩnh Phú of Vĩnh Tường was made in 2019 from xã Phú Đa and xã Vĩnh Ninh).
    """

    code: str
    tier: Tier
    unit_type: UnitType
    name: str
    short_name: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    former_names: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The unit's identity across periods: tier, code and start of validity."""
        start = self.valid_from.isoformat() if self.valid_from else "before"
        return f"{self.tier.value}:{self.code}:{start}"

    def valid_on(self, day: date) -> bool:
        """Whether the unit is in force on ``day``."""
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Succession:
    """An old unit (or part of it) that became a new one on ``on``.

    ``whole`` is False when the old unit was split between several new ones; ``main``
    marks the new unit that took most of it (the source's default).
    """

    old: str
    new: str
    on: date
    whole: bool
    main: bool = True


@dataclass(frozen=True)
class SourceInfo:
    """Where a registry came from, recorded with every import."""

    name: str
    version: str
    data_date: date | None
    licence: str
    digest: str


@dataclass
class Registry:
    """Units and successions, indexed by key; built once and read many times."""

    source: SourceInfo
    units: dict[str, OfficialUnit] = field(default_factory=dict)
    successions: list[Succession] = field(default_factory=list)

    def add(self, unit: OfficialUnit) -> None:
        """Adds ``unit`` (a unit with the same key is replaced)."""
        self.units[unit.key] = unit

    def valid_on(self, day: date, tier: Tier | None = None) -> list[OfficialUnit]:
        """The units in force on ``day`` (of ``tier``), by code."""
        found = [
            unit
            for unit in self.units.values()
            if unit.valid_on(day) and (tier is None or unit.tier is tier)
        ]
        return sorted(found, key=lambda unit: unit.code)

    def find(self, code: str, day: date, tier: Tier = Tier.COMMUNE) -> OfficialUnit | None:
        """The unit of ``tier`` with ``code`` in force on ``day``, if any."""
        for unit in self.units.values():
            if unit.code == code and unit.tier is tier and unit.valid_on(day):
                return unit
        return None

    def successors_of(self, key: str) -> list[Succession]:
        """The successions that start from the unit ``key``."""
        return [succession for succession in self.successions if succession.old == key]

    def predecessors_of(self, key: str) -> list[Succession]:
        """The successions that end in the unit ``key``."""
        return [succession for succession in self.successions if succession.new == key]

    def province_of(self, unit: OfficialUnit) -> OfficialUnit | None:
        """The province ``unit`` lies in (itself for a province)."""
        current: OfficialUnit | None = unit
        while current is not None and current.tier is not Tier.PROVINCE:
            current = self.units.get(current.parent) if current.parent else None
        return current
