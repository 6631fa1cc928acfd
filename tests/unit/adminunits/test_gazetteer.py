"""Where addresses lie as of 1 July 2025: old names, split units, other places."""

from __future__ import annotations

import pytest

from adminunits import REFORM_2025, Registry, Tier
from adminunits.gazetteer import Gazetteer, Locality, Verdict


def _locality(gazetteer: Gazetteer, code: str) -> Locality:
    unit = gazetteer.registry.find(code, REFORM_2025)
    assert unit is not None
    return Locality(gazetteer, unit.key)


@pytest.mark.parametrize(
    "address",
    [
        "Thôn Đoài, xã Phú Đa, huyện Vĩnh Tường, tỉnh Vĩnh Phúc",  # a former name (2019)
        "thon doai xa phu da huyen vinh tuong tinh vinh phuc",  # no diacritics, no commas
        "Phú Đa, Vĩnh Tường",  # no type words
        "Xóm 3, X. Ngũ Kiên, H. Vĩnh Tường",  # abbreviations
        "xã An Nhân, Vĩnh Tường, Vĩnh Phúc",
        "Thôn Đông, Vĩnh Thịnh",
        "Thôn 2, xã Vĩnh Phú, tỉnh Phú Thọ",  # the new address
        "XÃ VĨNH PHÚ",
    ],
)
def test_old_and_new_names_of_the_commune_are_inside(gazetteer: Gazetteer, address: str) -> None:
    assert _locality(gazetteer, "09154").check(address).verdict is Verdict.INSIDE


@pytest.mark.parametrize(
    "address",
    [
        "Số 12 Lê Lợi, Phường Ngô Quyền, TP. Vĩnh Yên, tỉnh Vĩnh Phúc",  # now phường Vĩnh Phúc
        "xã Lũng Hòa, huyện Vĩnh Tường",  # an old commune now part of another
        "xã Vĩnh Phú, huyện Phù Ninh",  # the same old name in another district
        "xã Bình Phú, tỉnh Phú Thọ",  # another new commune
        "thị trấn Phú Đa, huyện Phú Vang, Thừa Thiên Huế",  # the same name in another province
        "Phường Ba Đình, Hà Nội",
    ],
)
def test_other_communes_old_or_new_are_outside(gazetteer: Gazetteer, address: str) -> None:
    finding = _locality(gazetteer, "09154").check(address)
    assert finding.verdict is Verdict.OUTSIDE
    assert finding.candidates or finding.place


def test_an_old_commune_split_between_several_warns_with_its_candidates(
    registry: Registry, gazetteer: Gazetteer
) -> None:
    split = next(s for s in registry.successions if not s.whole)
    old = registry.units[split.old]
    district = registry.units[old.parent or ""]
    parts = sorted(registry.units[s.new].name for s in registry.successions if s.old == old.key)
    address = f"Thôn 1, {old.name}, {district.name}"
    for succession in registry.successions:
        if succession.old != old.key:
            continue
        finding = Locality(gazetteer, succession.new).check(address)
        assert finding.verdict is Verdict.SPLIT
        assert sorted(finding.candidates) == parts
    elsewhere = next(
        unit
        for unit in registry.valid_on(REFORM_2025, Tier.COMMUNE)
        if unit.parent == registry.units[split.new].parent and unit.name not in parts
    )
    assert Locality(gazetteer, elsewhere.key).check(address).verdict is Verdict.OUTSIDE


def test_addresses_that_name_no_commune_get_the_benefit_of_the_doubt(
    gazetteer: Gazetteer,
) -> None:
    locality = _locality(gazetteer, "09154")
    assert locality.check("Thôn Đoài").verdict is Verdict.UNNAMED
    assert locality.check("Huyện Vĩnh Tường, tỉnh Vĩnh Phúc").verdict is Verdict.UNNAMED
    assert locality.check("").verdict is Verdict.UNNAMED


def test_a_commune_name_the_registry_does_not_know_is_unknown(gazetteer: Gazetteer) -> None:
    finding = _locality(gazetteer, "09154").check("Thôn 1, xã Xyzabc, huyện Vĩnh Tường")
    assert finding.verdict is Verdict.UNKNOWN
    assert finding.place == "xyzabc"


def test_the_whole_country_resolves_each_old_communes_name_in_its_district(
    registry: Registry, gazetteer: Gazetteer
) -> None:
    """Every old commune written with its district and province lands in its successors."""
    wrong = []
    for unit in registry.valid_on(REFORM_2025.replace(day=1, month=6), Tier.COMMUNE):
        district = registry.units[unit.parent or ""]
        province = registry.units[district.parent or ""]
        address = f"{unit.name}, {district.name}, {province.name}"
        expected = {s.new for s in registry.successions if s.old == unit.key}
        found = set().union(*(p.targets for p in gazetteer.locate(address)))
        if found != expected:
            wrong.append(address)
    assert not wrong, wrong[:20]
