"""The registry read from the data package: counts, codes, dates and successions."""

from __future__ import annotations

from datetime import date

from adminunits import REFORM_2025, Registry, Tier, UnitType, restrict


def test_the_country_after_1_july_2025_has_34_provinces_and_3321_communes(
    registry: Registry,
) -> None:
    assert len(registry.valid_on(REFORM_2025, Tier.PROVINCE)) == 34
    communes = registry.valid_on(REFORM_2025, Tier.COMMUNE)
    assert len(communes) == 3321
    assert {unit.unit_type for unit in communes} == {
        UnitType.XA,
        UnitType.PHUONG,
        UnitType.DAC_KHU,
    }
    assert all(len(unit.code) == 5 and unit.code.isdigit() for unit in communes)
    provinces = registry.valid_on(REFORM_2025, Tier.PROVINCE)
    assert all(len(unit.code) == 2 for unit in provinces)


def test_before_the_reform_63_provinces_and_10040_communes(registry: Registry) -> None:
    day = date(2025, 6, 30)
    assert len(registry.valid_on(day, Tier.PROVINCE)) == 63
    assert len(registry.valid_on(day, Tier.COMMUNE)) == 10040
    assert not registry.valid_on(day, Tier.COMMUNE)[0].valid_on(REFORM_2025)


def test_a_code_is_a_unit_in_one_period_only(registry: Registry) -> None:
    new = registry.find("09154", REFORM_2025)
    old = registry.find("09154", date(2025, 6, 30))
    assert new is not None and old is not None
    assert (new.name, old.name) == ("Xã Vĩnh Phú", "Xã Vĩnh Thịnh")
    assert new.key != old.key
    assert registry.province_of(new) is not None
    assert registry.province_of(new).name == "Tỉnh Phú Thọ"  # type: ignore[union-attr]


def test_every_old_commune_has_a_successor_and_split_ones_have_one_main(
    registry: Registry,
) -> None:
    old = registry.valid_on(date(2025, 6, 30), Tier.COMMUNE)
    by_old: dict[str, list[bool]] = {}
    for succession in registry.successions:
        by_old.setdefault(succession.old, []).append(succession.main)
    assert all(unit.key in by_old for unit in old)
    split = [key for key, mains in by_old.items() if len(mains) > 1]
    assert split, "the 2025 mapping divides some old communes"
    assert all(sum(by_old[key]) == 1 for key in split)


def test_vinh_phu_is_made_of_four_old_communes_one_with_former_names(
    registry: Registry,
) -> None:
    unit = registry.find("09154", REFORM_2025)
    assert unit is not None
    old = [registry.units[s.old] for s in registry.predecessors_of(unit.key)]
    assert sorted(u.short_name for u in old) == ["An Nhân", "Ngũ Kiên", "Vĩnh Phú", "Vĩnh Thịnh"]
    assert "phuda" in next(u for u in old if u.short_name == "Vĩnh Phú").former_names


def test_restrict_keeps_one_province_and_what_it_was_made_of(registry: Registry) -> None:
    part = restrict(registry, "25")
    provinces = part.valid_on(REFORM_2025, Tier.PROVINCE)
    assert [p.name for p in provinces] == ["Tỉnh Phú Thọ"]
    old_provinces = {p.short_name for p in part.valid_on(date(2025, 6, 30), Tier.PROVINCE)}
    assert old_provinces == {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}
    communes = part.valid_on(REFORM_2025, Tier.COMMUNE)
    assert len(communes) == sum(
        1
        for unit in registry.valid_on(REFORM_2025, Tier.COMMUNE)
        if unit.parent == provinces[0].key
    )
    assert all(s.new in part.units and s.old in part.units for s in part.successions)
    assert source_recorded(part)


def source_recorded(part: Registry) -> bool:
    source = part.source
    return (
        source.name == "vietnamadminunits" and source.licence == "MIT" and len(source.digest) == 64
    )
