"""Reading the country's units and the 2025 old → new mapping from `vietnamadminunits`.

The package (MIT licence, https://github.com/tranngocminhhieu/vietnamadminunits) ships the
63-province list in force until 30 June 2025 (10,040 communes, 696 districts) and the
34-province list from 1 July 2025 (3,321 communes) in a SQLite file, and the mapping of
every old commune to the new one(s) in a JSON file. Only those data files are read (the
package's own address converter geocodes over the network and is not used), through
``importlib`` without importing the package. The result is a :class:`Registry`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from adminunits.model import OfficialUnit, Registry, SourceInfo, Succession, Tier, UnitType

PACKAGE = "vietnamadminunits"
REFORM_2025 = date(2025, 7, 1)
_LAST_DAY_BEFORE = REFORM_2025 - timedelta(days=1)
_DATA_FILES = ("dataset.db", "converter_2025.json")
_PROVINCE_TYPES = {"tinh": UnitType.TINH, "thanhpho": UnitType.THANH_PHO_TRUNG_UONG}
_DISTRICT_TYPES = {
    "Huyện": UnitType.HUYEN,
    "Quận": UnitType.QUAN,
    "Thị xã": UnitType.THI_XA,
    "Thành phố": UnitType.THANH_PHO_THUOC_TINH,
}
_COMMUNE_TYPES = {
    "Xã": UnitType.XA,
    "Phường": UnitType.PHUONG,
    "Thị trấn": UnitType.THI_TRAN,
    "Đặc khu": UnitType.DAC_KHU,
}


_TYPE_WORDS: tuple[str, ...] = ("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Thị xã ", "Xã ")
_TYPE_WORDS += ("Phường ", "Thị trấn ", "Đặc khu ")


def _commune_type(name: str, given: str) -> UnitType:
    """A commune's type by its name ("Phường 5"), else as the source gives it."""
    for word, kind in _COMMUNE_TYPES.items():
        if name.lower().startswith(word.lower() + " "):
            return kind
    return _COMMUNE_TYPES[given]


def short_name(name: str) -> str:
    """A unit's name without its type ("Thị trấn Mường Tè" → "Mường Tè"); the source's
    own short names add "(Thị trấn)" where two units of a district share a name."""
    for word in _TYPE_WORDS:
        if name.lower().startswith(word.lower()) and len(name) > len(word):
            return name[len(word) :]
    return name


class SourceMissing(Exception):
    """The data package is not installed or its files are not where they should be."""


def data_directory() -> Path:
    """The installed package's data folder (found without importing the package)."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec else []
    for location in locations:
        folder = Path(location) / "data"
        if all((folder / name).is_file() for name in _DATA_FILES):
            return folder
    raise SourceMissing(f"{PACKAGE} is not installed (pip install {PACKAGE})")


def read_registry(folder: Path | None = None) -> Registry:
    """Every unit before and after 1 July 2025 and the successions between them."""
    folder = folder or data_directory()
    registry = Registry(_source_info(folder))
    with sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        legacy = [dict(row) for row in connection.execute("SELECT * FROM admin_units_legacy")]
        current = [dict(row) for row in connection.execute("SELECT * FROM admin_units")]
    mapping = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    old_provinces = _add_legacy(registry, legacy)
    new_provinces, new_wards = _add_current(registry, current)
    _add_successions(registry, mapping, old_provinces, new_provinces, new_wards, legacy)
    return registry


def restrict(registry: Registry, province_code: str) -> Registry:
    """The part of ``registry`` about one province in force from 1 July 2025: the province,
    its communes, and every old unit that became (part of) them."""
    province = registry.find(province_code, REFORM_2025, Tier.PROVINCE)
    if province is None:
        raise KeyError(province_code)
    keep = {province.key}
    keep.update(
        unit.key
        for unit in registry.units.values()
        if unit.parent == province.key and unit.valid_on(REFORM_2025)
    )
    old_keys = {succession.old for succession in registry.successions if succession.new in keep}
    keep |= old_keys
    keep.update(registry.units[key].parent or "" for key in old_keys)
    keep.discard("")
    part = Registry(registry.source)
    for key in keep:
        part.add(registry.units[key])
    part.successions = [
        succession
        for succession in registry.successions
        if succession.new in keep and succession.old in keep
    ]
    return part


def _source_info(folder: Path) -> SourceInfo:
    """Name, version, licence and a digest of the data files."""
    digest = hashlib.sha256()
    for name in _DATA_FILES:
        digest.update((folder / name).read_bytes())
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return SourceInfo(PACKAGE, version, REFORM_2025, "MIT", digest.hexdigest())


def _aliases(text: str | None) -> tuple[str, ...]:
    """Former names (folded keys) from the source's JSON list."""
    if not text:
        return ()
    return tuple(sorted({str(alias) for alias in json.loads(text)}))


def _province_type(key: str) -> UnitType:
    """Tỉnh or thành phố trực thuộc trung ương, from the source's key ("tinhphutho")."""
    return next(kind for prefix, kind in _PROVINCE_TYPES.items() if key.startswith(prefix))


def _province(row: Mapping[str, Any], start: date | None, end: date | None) -> OfficialUnit:
    """The province of a source row, valid from ``start`` to ``end``."""
    return OfficialUnit(
        row["provinceCode"],
        Tier.PROVINCE,
        _province_type(row["provinceKey"]),
        row["province"],
        short_name(row["province"]),
        None,
        start,
        end,
    )


def _add_legacy(registry: Registry, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The units in force until 30 June 2025; returns old province key → registry key."""
    provinces: dict[str, str] = {}
    for row in rows:
        province = _province(row, None, _LAST_DAY_BEFORE)
        district = OfficialUnit(
            row["districtCode"],
            Tier.DISTRICT,
            _DISTRICT_TYPES[row["districtType"]],
            row["district"],
            short_name(row["district"]),
            province.key,
            None,
            _LAST_DAY_BEFORE,
            _aliases(row["districtAlias"]),
        )
        if province.key not in registry.units:
            registry.add(province)
            provinces[row["provinceKey"]] = province.key
        if district.key not in registry.units:
            registry.add(district)
        if row["wardCode"]:
            commune = OfficialUnit(
                row["wardCode"],
                Tier.COMMUNE,
                _commune_type(row["ward"], row["wardType"]),
                row["ward"],
                short_name(row["ward"]),
                district.key,
                None,
                _LAST_DAY_BEFORE,
                _aliases(row["wardAlias"]),
            )
        else:  # an island district with no communes: it is its own commune-level unit
            commune = OfficialUnit(
                row["districtCode"],
                Tier.COMMUNE,
                UnitType.HUYEN_DAO,
                row["district"],
                short_name(row["district"]),
                district.key,
                None,
                _LAST_DAY_BEFORE,
            )
        registry.add(commune)
    return provinces


def _add_current(
    registry: Registry, rows: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The units in force from 1 July 2025; returns the province and ward keys of the
    source (province key, and (province key, ward key)) → registry key."""
    provinces: dict[str, str] = {}
    wards: dict[tuple[str, str], str] = {}
    for row in rows:
        province = _province(row, REFORM_2025, None)
        if province.key not in registry.units:
            registry.add(province)
            provinces[row["provinceKey"]] = province.key
        commune = OfficialUnit(
            row["wardCode"],
            Tier.COMMUNE,
            _commune_type(row["ward"], row["wardType"]),
            row["ward"],
            short_name(row["ward"]),
            province.key,
            REFORM_2025,
            None,
            _aliases(row["wardAlias"]),
        )
        registry.add(commune)
        wards[(row["provinceKey"], row["wardKey"])] = commune.key
    return provinces, wards


def _add_successions(
    registry: Registry,
    mapping: Mapping[str, Any],
    old_provinces: Mapping[str, str],
    new_provinces: Mapping[str, str],
    new_wards: Mapping[tuple[str, str], str],
    legacy: Iterable[dict[str, Any]],
) -> None:
    """Provinces merged whole; communes merged whole or split between several."""
    old_wards = {_legacy_key(row): _legacy_commune_key(row) for row in legacy}
    for new_key, old_keys in mapping["DICT_PROVINCE"].items():
        for old_key in old_keys:
            registry.successions.append(
                Succession(old_provinces[old_key], new_provinces[new_key], REFORM_2025, True)
            )
    for province_key, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            new = new_wards[(province_key, ward_key)]
            for old in olds:
                registry.successions.append(Succession(old_wards[old], new, REFORM_2025, True))
    for province_key, divided in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in divided.items():
            for part in parts:
                registry.successions.append(
                    Succession(
                        old_wards[old],
                        new_wards[(province_key, part["newWardKey"])],
                        REFORM_2025,
                        False,
                        bool(part["isDefaultNewWard"]),
                    )
                )


def _legacy_key(row: Mapping[str, Any]) -> str:
    """The source's key of an old commune ("tinhvinhphuc_huyenvinhtuong_xavinhphu")."""
    return f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"


def _legacy_commune_key(row: Mapping[str, Any]) -> str:
    """The registry key of the old commune of a legacy row (the district for islands)."""
    code = row["wardCode"] or row["districtCode"]
    return f"{Tier.COMMUNE.value}:{code}:before"
