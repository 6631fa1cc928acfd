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
    successors: dict[str, set[str]] = {}
    for succession in registry.successions:
        successors.setdefault(succession.old, set()).add(succession.new)
    for unit in registry.valid_on(REFORM_2025.replace(day=1, month=6), Tier.COMMUNE):
        district = registry.units[unit.parent or ""]
        province = registry.units[district.parent or ""]
        address = f"{unit.name}, {district.name}, {province.name}"
        expected = successors.get(unit.key, set())
        found = set().union(*(p.targets for p in gazetteer.locate(address)))
        if found != expected:
            wrong.append(address)
    assert not wrong, wrong[:20]


@pytest.mark.parametrize(
    ("address", "verdict"),
    [
        ("Phú Đa, xã Lũng Hòa, huyện Vĩnh Tường", Verdict.OUTSIDE),  # the typed commune decides
        ("Lũng Hòa - Vĩnh Tường - Vĩnh Phúc", Verdict.OUTSIDE),  # dashes, no type words
        ("Phú Đa - Vĩnh Tường - Vĩnh Phúc", Verdict.INSIDE),
        ("Thôn Đoài, Vĩnh Tường", Verdict.UNNAMED),  # a district (and an old town): no verdict
        ("Thôn 1, Lạng Sơn", Verdict.OUTSIDE),  # "Lạng" is not "làng": a province
    ],
)
def test_bare_names_dashes_and_type_words_as_written(
    gazetteer: Gazetteer, address: str, verdict: Verdict
) -> None:
    assert _locality(gazetteer, "09154").check(address).verdict is verdict


def test_names_that_look_like_type_words_without_their_diacritics(
    gazetteer: Gazetteer,
) -> None:
    """ "Bạch Xa" is a commune, not "Bạch xã"; "Phương Liệt" a ward, not "phường Liệt"."""
    mentions = gazetteer.mentions("Thôn 1, Bạch Xa, Tuyên Quang")
    assert any(m.level.value == "commune" and m.key == "bachxa" for m in mentions)
    words = [m.words for m in gazetteer.mentions("Số 5 ngõ 2, Phương Liệt, Hà Nội")]
    assert "phuong liet" in words


def test_no_commune_written_without_type_words_is_wrongly_outside(
    registry: Registry, gazetteer: Gazetteer
) -> None:
    """Every commune in force, and every old one, written only by names ("Thôn 1, Hưng Đạo,
    Cao Bằng"; "Tân Quang - Tuyên Quang"), is never excluded from its own commune."""
    wrong = []
    for unit in registry.valid_on(REFORM_2025, Tier.COMMUNE):
        province = registry.units[unit.parent or ""]
        locality = Locality(gazetteer, unit.key)
        for address in (
            f"Thôn 1, {unit.short_name}, {province.short_name}",
            f"{unit.short_name} - {province.short_name}",
        ):
            if locality.check(address).verdict is Verdict.OUTSIDE:
                wrong.append(address)
    successors: dict[str, list[str]] = {}
    for succession in registry.successions:
        successors.setdefault(succession.old, []).append(succession.new)
    for unit in registry.valid_on(REFORM_2025.replace(month=6, day=30), Tier.COMMUNE):
        district = registry.units[unit.parent or ""]
        province = registry.units[district.parent or ""]
        address = f"Thôn 1, {unit.short_name}, {district.short_name}, {province.short_name}"
        for new in successors.get(unit.key, []):
            if Locality(gazetteer, new).check(address).verdict is Verdict.OUTSIDE:
                wrong.append(address)
    assert not wrong, wrong[:10]


def _by_name(registry: Registry, gazetteer: Gazetteer, name: str, province: str) -> Locality:
    unit = next(
        u
        for u in registry.valid_on(REFORM_2025, Tier.COMMUNE)
        if u.name == name and registry.units[u.parent or ""].short_name == province
    )
    return Locality(gazetteer, unit.key)


@pytest.mark.parametrize(
    "address",
    [
        "F.15, Q. Phú Nhuận",
        "P.15, Q.Phú Nhuận, TP.HCM",
        "P15 Q.Phu Nhuan",
        "phường 15, Q. Phú Nhuận",
    ],
)
def test_city_shorthand_for_numbered_wards(
    registry: Registry, gazetteer: Gazetteer, address: str
) -> None:
    """Old phường 15 of quận Phú Nhuận was divided: a warning naming both, never outside."""
    finding = _by_name(registry, gazetteer, "Phường Phú Nhuận", "Hồ Chí Minh").check(address)
    assert finding.verdict is Verdict.SPLIT
    assert set(finding.candidates) == {"Phường Cầu Kiệu", "Phường Phú Nhuận"}


@pytest.mark.parametrize(
    "address",
    ["Số 5 Xã Đàn, Kim Liên, Đống Đa, Hà Nội", "5 Xa Dan, Kim Lien, Dong Da, Ha Noi"],
)
def test_a_street_named_xa_does_not_hide_the_commune(
    registry: Registry, gazetteer: Gazetteer, address: str
) -> None:
    locality = _by_name(registry, gazetteer, "Phường Kim Liên", "Hà Nội")
    assert locality.check(address).verdict is Verdict.INSIDE
