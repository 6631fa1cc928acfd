"""The 2025 two-tier demo province: reproducible, shaped as after the reform (DOMAIN.md §11),
its leaders and deputies, and citizen lists with the rows §6 excludes."""

import re
from collections import Counter

import numpy as np
import pytest

from survey_app.demo import province2025 as p25
from survey_app.demo.data import PROVINCE as PROVINCE_2023

SEEDS = (0, 1, 7, 2025, 20260315)
LEVELS = {"province", "department", "subunit", "commune", "commune_office"}


def make(seed: int = 2025) -> list[p25.Unit2025]:
    return p25.units(np.random.default_rng(seed))


def of_level(units: list[p25.Unit2025], level: str) -> list[p25.Unit2025]:
    return [u for u in units if u.level == level]


def test_same_seed_same_province_other_seed_another():
    assert make(11) == make(11)
    assert make(11) != make(12)


def test_province_is_fictional_and_distinct_from_the_2023_demo():
    code, name = p25.PROVINCE
    assert code != PROVINCE_2023[0] and name.startswith("Tỉnh ")
    assert p25.COUNCIL_TERM == "2026–2031"
    assert p25.COUNCIL_ELECTION_DAY.isoformat() == "2026-03-15"


@pytest.mark.parametrize("seed", SEEDS)
def test_two_tiers_without_districts(seed):
    units = make(seed)
    assert {u.level for u in units} == LEVELS
    (province,) = of_level(units, "province")
    assert province.code == p25.PROVINCE[0] and province.parent_code == ""
    communes = of_level(units, "commune")
    assert province.size == sum(c.size for c in communes)
    assert all(c.parent_code == province.code for c in communes)


@pytest.mark.parametrize("seed", SEEDS)
def test_fourteen_merged_agencies_with_one_to_four_subunits(seed):
    units = make(seed)
    departments = of_level(units, "department")
    assert [d.code for d in departments] == [f"S{i:02d}" for i in range(1, 15)]
    names = {d.name for d in departments}
    assert {"Sở Nội vụ", "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng"} <= names
    assert {"Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Văn phòng UBND tỉnh"} <= names
    gone = ("Kế hoạch và Đầu tư", "Giao thông", "Tài nguyên", "Lao động", "Thông tin và Truyền")
    assert not [n for n in names for old in gone if old in n]
    subunits = Counter(u.parent_code for u in of_level(units, "subunit"))
    assert all(1 <= subunits[d.code] <= 4 for d in departments)


@pytest.mark.parametrize("seed", SEEDS)
def test_about_a_hundred_communes_fifteen_wards_one_special_zone(seed):
    communes = of_level(make(seed), "commune")
    kinds = Counter(p25.commune_kind(c) for c in communes)
    assert 95 <= len(communes) <= 110
    assert kinds["Đặc khu"] == 1
    assert 10 <= kinds["Phường"] <= 20
    assert kinds["Xã"] == len(communes) - kinds["Phường"] - 1
    for c in communes:
        assert c.tier in (1, 2, 3)
        assert isinstance(c.size, int) and 5_000 <= c.size <= 100_000
        assert c.procedure_fields[:3] == ("Hộ tịch", "Chứng thực", "Đất đai")
        assert len(set(c.procedure_fields)) == len(c.procedure_fields) >= 6
    bases = [c.name[len(p25.commune_kind(c)) + 1 :] for c in communes]
    assert len(set(bases)) == len(bases)  # "Xã Yên Lạc" and "Phường Yên Lạc" never both


@pytest.mark.parametrize("seed", SEEDS)
def test_every_commune_has_exactly_its_four_offices(seed):
    units = make(seed)
    offices: dict[str, list[p25.Unit2025]] = {}
    for office in of_level(units, "commune_office"):
        offices.setdefault(office.parent_code, []).append(office)
    communes = of_level(units, "commune")
    assert set(offices) == {c.code for c in communes}
    for c in communes:
        kind = p25.commune_kind(c)
        where = kind.lower() + c.name[len(kind) :]  # "xã Yên Lạc"
        economic = "Phòng Kinh tế, Hạ tầng và Đô thị" if kind == "Phường" else "Phòng Kinh tế"
        assert [(o.code, o.name) for o in offices[c.code]] == [
            (f"{c.code}.VP", f"Văn phòng HĐND và UBND {where}"),
            (f"{c.code}.KT", f"{economic} {where}"),
            (f"{c.code}.VHXH", f"Phòng Văn hóa – Xã hội {where}"),
            (f"{c.code}.TTHCC", f"Trung tâm Phục vụ hành chính công {where}"),
        ]


@pytest.mark.parametrize("seed", SEEDS)
def test_codes_unique_short_parents_exist_names_unique_per_level(seed):
    units = make(seed)
    codes = [u.code for u in units]
    assert len(set(codes)) == len(codes)
    assert all(0 < len(code) <= 40 for code in codes)
    known = set(codes)
    assert all(u.parent_code in known for u in units if u.level != "province")
    patterns = {
        "province": r"T91",
        "department": r"S\d\d",
        "subunit": r"S\d\d\.\d\d",
        "commune": r"C\d{4}",
        "commune_office": r"C\d{4}\.(VP|KT|VHXH|TTHCC)",
    }
    assert all(re.fullmatch(patterns[u.level], u.code) for u in units)
    nested = [u for u in units if u.level in ("subunit", "commune_office")]
    assert all(u.code.startswith(u.parent_code + ".") for u in nested)
    for level in LEVELS:
        names = [u.name for u in of_level(units, level)]
        assert len(set(names)) == len(names), level
    assert all(u.procedure_fields == () for u in units if u.level != "commune")


def _unit(units: list[p25.Unit2025], name_start: str, level: str) -> p25.Unit2025:
    return next(u for u in of_level(units, level) if u.name.startswith(name_start))


LEADER_CASES = (  # (level, the unit's name starts with, head, deputy)
    ("department", "Sở Tư pháp", "Giám đốc", "Phó Giám đốc"),
    ("department", "Thanh tra tỉnh", "Chánh Thanh tra tỉnh", "Phó Chánh Thanh tra tỉnh"),
    ("department", "Văn phòng UBND", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("department", "Ban Quản lý", "Trưởng ban", "Phó Trưởng ban"),
    ("subunit", "Chi cục Kiểm lâm", "Chi cục trưởng", "Phó Chi cục trưởng"),
    ("subunit", "Trung tâm Chuyển đổi số", "Giám đốc", "Phó Giám đốc"),
    ("subunit", "Phòng Công chứng", "Trưởng phòng", "Phó Trưởng phòng"),
    ("subunit", "Ban Tiếp công dân", "Trưởng ban", "Phó Trưởng ban"),
    ("commune", "Xã ", "Chủ tịch UBND xã", "Phó Chủ tịch UBND xã"),
    ("commune", "Phường ", "Chủ tịch UBND phường", "Phó Chủ tịch UBND phường"),
    ("commune", "Đặc khu ", "Chủ tịch UBND đặc khu", "Phó Chủ tịch UBND đặc khu"),
    ("commune_office", "Văn phòng HĐND", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("commune_office", "Phòng Kinh tế", "Trưởng phòng", "Phó Trưởng phòng"),
    ("commune_office", "Phòng Văn hóa", "Trưởng phòng", "Phó Trưởng phòng"),
    ("commune_office", "Trung tâm Phục vụ", "Giám đốc Trung tâm", "Phó Giám đốc Trung tâm"),
)


@pytest.mark.parametrize(("level", "start", "head", "deputy"), LEADER_CASES)
def test_leaders_one_head_and_one_to_three_deputies(level, start, head, deputy):
    unit = _unit(make(), start, level)
    sizes = set()
    for seed in SEEDS:
        people = p25.leaders(np.random.default_rng(seed), unit)
        assert people == p25.leaders(np.random.default_rng(seed), unit)
        assert 2 <= len(people) <= 4
        assert [x.position for x in people] == [head] + [deputy] * (len(people) - 1)
        assert all(x.full_name and x.phone for x in people)
        sizes.add(len(people))
    assert len(sizes) > 1


def test_every_unit_but_the_province_has_leaders():
    units = make()
    rng = np.random.default_rng(3)
    for unit in units:
        if unit.level == "province":
            with pytest.raises(ValueError):
                p25.leaders(rng, unit)
        else:
            assert 2 <= len(p25.leaders(rng, unit)) <= 4


def test_delegates_of_the_2026_2031_council():
    people = p25.delegates(np.random.default_rng(5))
    assert people == p25.delegates(np.random.default_rng(5))
    assert len(people) == 60
    positions = Counter(x.position for x in people)
    assert positions["Chủ tịch HĐND tỉnh khóa XI"] == 1
    assert positions["Phó Chủ tịch HĐND tỉnh khóa XI"] == 2
    assert positions["Đại biểu HĐND tỉnh khóa XI, chuyên trách"] > 0
    assert all("HĐND tỉnh khóa XI" in x.position and x.full_name for x in people)
    assert [len(p25.delegates(np.random.default_rng(5), n)) for n in (3, 75)] == [3, 75]


def _commune(units: list[p25.Unit2025], kind: str) -> p25.Unit2025:
    return next(c for c in of_level(units, "commune") if p25.commune_kind(c) == kind)


@pytest.mark.parametrize("kind", ["Xã", "Phường", "Đặc khu"])
def test_citizens_reproducible_in_window_covering_fields(kind):
    commune = _commune(make(), kind)
    people = p25.citizens(np.random.default_rng(9), commune, 40)
    assert people == p25.citizens(np.random.default_rng(9), commune, 40)
    assert len(people) == 40
    reasons = Counter(p25.expected_exclusion(x, commune) for x in people)
    assert reasons == {None: 36, p25.NOT_RECEIVED: 2, p25.OUTSIDE_LOCALITY: 2}
    eligible = [x for x in people if p25.expected_exclusion(x, commune) is None]
    assert {x.field for x in eligible} == set(commune.procedure_fields)
    start, end = p25.WINDOW
    assert start.isoformat() == "2025-07-01"
    assert all(start <= x.application_date <= x.result_date <= end for x in eligible)
    assert len({(x.full_name, x.address) for x in people}) == len(people)


def test_citizens_of_a_non_commune_are_refused():
    units = make()
    with pytest.raises(ValueError):
        p25.citizens(np.random.default_rng(0), _unit(units, "Sở Y tế", "department"), 30)
