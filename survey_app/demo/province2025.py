"""A fictional province after the 1 July 2025 reform, generated reproducibly.

Tỉnh Minh Sơn (code T91) stands for the province formed when the 2023 demo's Tỉnh Minh Sơn
(T01, :mod:`survey_app.demo.data`) merged with a neighbour; it does not exist. Local government
has two tiers (DOMAIN.md §11): the province, with 14 agencies after the mergers of Nghị định
45/2025 and 150/2025 and their sub-units, and about 100 communes (xã, about 15 phường, one đặc
khu), each with its specialised offices and one-stop shop. There are no districts. The
provincial People's Council is that of the 2026–2031 term (deputies elected 15/03/2026). Names
and phones come from :mod:`survey_app.demo.data`; everything comes from one explicit numpy
Generator, so the same seed gives the same province. No I/O.

Unit codes (fictional, not the official codes of Quyết định 19/2025/QĐ-TTg; at most 12 chars):

- province: ``T91``;
- provincial agency (level ``department``): ``S01`` .. ``S14``, in the order of ``DEPARTMENTS``;
- its sub-unit (``subunit``): agency code, dot, two digits: ``S05.01``;
- commune (``commune``): ``C`` and four digits, phường first, then xã, the đặc khu last:
  ``C0001``;
- commune office (``commune_office``): commune code, dot, office suffix of ``COMMUNE_OFFICES``:
  ``C0001.VP``, ``C0001.KT``, ``C0001.VHXH``, ``C0001.TTHCC``.

Levels are the codes of the 2025 templates (``designs/templates``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from survey_app.demo.data import PROCEDURE_FIELDS, Person, person_name, phone

PROVINCE = ("T91", "Tỉnh Minh Sơn")
NEIGHBOUR = "Tỉnh Lạc Hà"  # fictional too: where the addresses outside the locality lie
COUNCIL_TERM = "2026–2031"
COUNCIL_NAME = "khóa XI"
COUNCIL_ELECTION_DAY = dt.date(2026, 3, 15)
WINDOW = (dt.date(2025, 7, 1), dt.date(2025, 10, 15))
"""Transactions counted for a commune: from the day the new communes began to 15 October."""

PROVINCE_LEVEL = "province"
DEPARTMENT = "department"
SUBUNIT = "subunit"
COMMUNE = "commune"
COMMUNE_OFFICE = "commune_office"

XA, PHUONG, DAC_KHU = "Xã", "Phường", "Đặc khu"
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Sở Nội vụ",  # with Lao động - Thương binh và Xã hội
        (
            "Trung tâm Lưu trữ lịch sử",
            "Trung tâm Dịch vụ việc làm",
            "Cơ sở Bảo trợ xã hội tổng hợp",
        ),
    ),
    (
        "Sở Tài chính",  # with Kế hoạch và Đầu tư
        (
            "Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp",
            "Trung tâm Tin học và Dịch vụ tài chính công",
        ),
    ),
    (
        "Sở Khoa học và Công nghệ",  # with Thông tin và Truyền thông
        (
            "Trung tâm Chuyển đổi số",
            "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
            "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
        ),
    ),
    (
        "Sở Xây dựng",  # with Giao thông vận tải
        (
            "Trung tâm Kiểm định chất lượng xây dựng",
            "Ban Quản lý bảo trì đường bộ",
            "Trung tâm Đăng kiểm xe cơ giới",
        ),
    ),
    (
        "Sở Nông nghiệp và Môi trường",  # Nông nghiệp with Tài nguyên và Môi trường
        (
            "Chi cục Kiểm lâm",
            "Chi cục Thủy lợi",
            "Chi cục Chăn nuôi và Thú y",
            "Văn phòng Đăng ký đất đai",
        ),
    ),
    (
        "Sở Tư pháp",
        (
            "Trung tâm Trợ giúp pháp lý nhà nước",
            "Phòng Công chứng số 1",
            "Trung tâm Dịch vụ đấu giá tài sản",
        ),
    ),
    (
        "Sở Công Thương",
        ("Chi cục Quản lý thị trường", "Trung tâm Khuyến công và Xúc tiến thương mại"),
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        ("Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Thông tin xúc tiến du lịch"),
    ),
    (
        "Sở Giáo dục và Đào tạo",
        ("Trung tâm Giáo dục thường xuyên tỉnh", "Trung tâm Hỗ trợ phát triển giáo dục hòa nhập"),
    ),
    (
        "Sở Y tế",
        (
            "Trung tâm Kiểm soát bệnh tật",
            "Chi cục Dân số",
            "Chi cục An toàn vệ sinh thực phẩm",
            "Trung tâm Giám định y khoa",
        ),
    ),
    ("Sở Dân tộc và Tôn giáo", ("Trung tâm Hỗ trợ đồng bào dân tộc thiểu số",)),
    ("Thanh tra tỉnh", ("Ban Tiếp công dân tỉnh",)),
    (
        "Văn phòng UBND tỉnh",
        ("Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Thông tin - Công báo"),
    ),
    (
        "Ban Quản lý các khu công nghiệp",
        ("Trung tâm Dịch vụ hỗ trợ đầu tư các khu công nghiệp",),
    ),
)
COMMUNE_OFFICES: tuple[tuple[str, str], ...] = (
    ("VP", "Văn phòng HĐND và UBND"),
    ("KT", "Phòng Kinh tế"),  # "Phòng Kinh tế, Hạ tầng và Đô thị" in a phường
    ("VHXH", "Phòng Văn hóa – Xã hội"),
    ("TTHCC", "Trung tâm Phục vụ hành chính công"),
)
"""Suffix and name of each commune office (Nghị định 150/2025); the name takes the commune's."""
WARD_ECONOMIC_OFFICE = "Phòng Kinh tế, Hạ tầng và Đô thị"

# Head first, then the deputy; every leader list is one head and one to three deputies.
AGENCY_POSITIONS = {
    "Thanh tra tỉnh": ("Chánh Thanh tra tỉnh", "Phó Chánh Thanh tra tỉnh"),
    "Văn phòng UBND tỉnh": ("Chánh Văn phòng", "Phó Chánh Văn phòng"),
    "Ban Quản lý các khu công nghiệp": ("Trưởng ban", "Phó Trưởng ban"),
}
SUBUNIT_POSITIONS = (  # by the start of the sub-unit's name; otherwise Giám đốc
    ("Chi cục", ("Chi cục trưởng", "Phó Chi cục trưởng")),
    ("Ban", ("Trưởng ban", "Phó Trưởng ban")),
    ("Phòng", ("Trưởng phòng", "Phó Trưởng phòng")),
)
OFFICE_POSITIONS = {
    "VP": ("Chánh Văn phòng", "Phó Chánh Văn phòng"),
    "KT": ("Trưởng phòng", "Phó Trưởng phòng"),
    "VHXH": ("Trưởng phòng", "Phó Trưởng phòng"),
    "TTHCC": ("Giám đốc Trung tâm", "Phó Giám đốc Trung tâm"),
}
HEAD_DEPUTY = ("Giám đốc", "Phó Giám đốc")

# Communes named after the 2023 demo's districts, as many communes merged in 2025 were.
_NAMED_WARDS = ("Minh Sơn", "Bình An")
_NAMED_COMMUNES = ("Đông Hòa", "Yên Phú", "Kim Thành", "Thanh Lâm", "Phù Ninh", "Lục Yên")
_ISLANDS = ("Hòn Ngọc", "Cồn Mây", "Bạch Sa")
_FIRST = (
    "An",
    "Bình",
    "Phú",
    "Tân",
    "Hòa",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Kim",
    "Thanh",
    "Yên",
    "Vĩnh",
    "Hưng",
    "Quang",
    "Trung",
    "Đại",
    "Thái",
    "Cao",
    "Phúc",
    "Hồng",
    "Tam",
)
_SECOND = (
    "Lạc",
    "Lợi",
    "Thịnh",
    "Xuân",
    "Sơn",
    "Lâm",
    "Hải",
    "Tiến",
    "Phong",
    "Long",
    "Thành",
    "Đức",
    "Khánh",
    "Lộc",
    "Mỹ",
    "Điền",
    "Hà",
    "Trạch",
)
_CORE_FIELDS = PROCEDURE_FIELDS[:3]  # Hộ tịch, Chứng thực, Đất đai: at every one-stop shop
_OTHER_FIELDS = PROCEDURE_FIELDS[3:] + ("Hộ kinh doanh", "Lao động", "Giáo dục", "Y tế")
_OUTSIDE_PLACES = ("Xã Nậm Cang", "Xã Pà Vầy", "Phường Cốc Lếu", "Xã Bản Xèo")
_EXCLUDED_EVERY = 10  # one row in ten of a citizen list should be excluded

NOT_RECEIVED = "result_not_received"
OUTSIDE_LOCALITY = "outside_locality"
OUTSIDE_WINDOW = "outside_window"
"""Codes of :class:`survey_app.ingest.catalogue.ReasonCode` that ``expected_exclusion`` gives."""


@dataclass(frozen=True)
class Unit2025:
    """A unit of the two-tier province: size is a population (province, communes only)."""

    code: str
    name: str
    level: str
    parent_code: str
    size: int | None = None
    tier: int | None = None
    procedure_fields: tuple[str, ...] = ()


def units(rng: np.random.Generator) -> list[Unit2025]:
    """The whole registry: province, agencies, sub-units, communes, commune offices."""
    out: list[Unit2025] = []
    for i, (name, subunits) in enumerate(DEPARTMENTS, start=1):
        code = f"S{i:02d}"
        out.append(Unit2025(code, name, DEPARTMENT, PROVINCE[0]))
        out += [
            Unit2025(f"{code}.{j:02d}", sub, SUBUNIT, code)
            for j, sub in enumerate(subunits, start=1)
        ]
    total = int(rng.integers(98, 106))
    wards = int(rng.integers(13, 18))
    kinds = [PHUONG] * wards + [XA] * (total - wards - 1) + [DAC_KHU]
    names = _commune_names(rng, wards, total - wards - 1)
    communes = []
    for i, (kind, base) in enumerate(zip(kinds, names, strict=True), start=1):
        tier, size = _tier_and_size(rng, kind)
        communes.append(
            Unit2025(
                f"C{i:04d}",
                f"{kind} {base}",
                COMMUNE,
                PROVINCE[0],
                size=size,
                tier=tier,
                procedure_fields=_fields(rng, kind),
            )
        )
    province = Unit2025(
        PROVINCE[0], PROVINCE[1], PROVINCE_LEVEL, "", size=sum(c.size or 0 for c in communes)
    )
    out.insert(0, province)
    for commune in communes:
        out.append(commune)
        qualifier = _qualified(commune.name)
        out += [
            Unit2025(
                f"{commune.code}.{suffix}", f"{name} {qualifier}", COMMUNE_OFFICE, commune.code
            )
            for suffix, name in _offices(commune)
        ]
    return out


def commune_kind(commune: Unit2025) -> str:
    """``Xã``, ``Phường`` or ``Đặc khu``: the kind a commune's name starts with."""
    for kind in (DAC_KHU, PHUONG, XA):
        if commune.name.startswith(kind + " "):
            return kind
    raise ValueError(f"{commune.code} is not a commune: {commune.name}")


def _offices(commune: Unit2025) -> tuple[tuple[str, str], ...]:
    """Suffix and unqualified name of the commune's offices, by its kind."""
    ward = commune_kind(commune) == PHUONG
    return tuple(
        (suffix, WARD_ECONOMIC_OFFICE if ward and suffix == "KT" else name)
        for suffix, name in COMMUNE_OFFICES
    )


def _qualified(commune_name: str) -> str:
    """ "Xã Yên Lạc" -> "xã Yên Lạc", as an office's name takes it."""
    return commune_name[0].lower() + commune_name[1:]


def _commune_names(rng: np.random.Generator, wards: int, communes: int) -> list[str]:
    """Unique base names: the wards', the communes', then the đặc khu's (an island)."""
    named = _NAMED_WARDS + _NAMED_COMMUNES
    pairs = [f"{a} {b}" for a in _FIRST for b in _SECOND if f"{a} {b}" not in named]
    pool = iter(pairs[i] for i in rng.permutation(len(pairs)))
    ward_names = list(_NAMED_WARDS) + [next(pool) for _ in range(wards - len(_NAMED_WARDS))]
    rest = list(_NAMED_COMMUNES) + [next(pool) for _ in range(communes - len(_NAMED_COMMUNES))]
    return ward_names + rest + [str(rng.choice(_ISLANDS))]


def _tier_and_size(rng: np.random.Generator, kind: str) -> tuple[int, int]:
    """A socio-economic tier (1 developed .. 3 less developed) and a population for the kind."""
    if kind == PHUONG:
        tier = int(rng.choice((1, 2), p=(0.7, 0.3)))
        return tier, int(rng.integers(25_000, 90_000)) // 10 * 10
    if kind == DAC_KHU:
        return 2, int(rng.integers(6_000, 30_000)) // 10 * 10
    tier = int(rng.choice((1, 2, 3), p=(0.1, 0.45, 0.45)))
    low, high = {1: (30_000, 50_000), 2: (18_000, 38_000), 3: (9_000, 26_000)}[tier]
    return tier, int(rng.integers(low, high)) // 10 * 10


def _fields(rng: np.random.Generator, kind: str) -> tuple[str, ...]:
    """The commune's procedure fields: the three every one-stop shop has, and three to six more."""
    others = [f for f in _OTHER_FIELDS if not (kind == PHUONG and f == "Nông nghiệp")]
    count = int(rng.integers(3, 7))
    extra = [str(f) for f in rng.choice(others, count, replace=False)]
    return _CORE_FIELDS + tuple(sorted(extra))


def delegates(rng: np.random.Generator, count: int = 60) -> list[Person]:
    """Provincial People's Council deputies of the 2026–2031 term: its leaders, then the rest."""
    term = f"HĐND tỉnh {COUNCIL_NAME}"
    heads = (
        f"Chủ tịch {term}",
        f"Phó Chủ tịch {term}",
        f"Phó Chủ tịch {term}",
        f"Trưởng Ban Pháp chế {term}",
        f"Trưởng Ban Kinh tế - Ngân sách {term}",
        f"Trưởng Ban Văn hóa - Xã hội {term}",
        f"Trưởng Ban Dân tộc {term}",
    )
    full_time = max(0, count // 5 - len(heads))  # about one in five deputies works full time
    seats = [
        *heads,
        *[f"Đại biểu {term}, chuyên trách"] * full_time,
        *[f"Đại biểu {term}"] * max(0, count - len(heads) - full_time),
    ][:count]
    return [Person(person_name(rng), phone(rng), position=p) for p in seats]


def positions(unit: Unit2025) -> tuple[str, str]:
    """The head's and a deputy's position in the unit, by its level and kind."""
    if unit.level == DEPARTMENT:
        return AGENCY_POSITIONS.get(unit.name, HEAD_DEPUTY)
    if unit.level == SUBUNIT:
        for start, pair in SUBUNIT_POSITIONS:
            if unit.name.startswith(start + " "):
                return pair
        return HEAD_DEPUTY
    if unit.level == COMMUNE:
        kind = commune_kind(unit).lower()
        return f"Chủ tịch UBND {kind}", f"Phó Chủ tịch UBND {kind}"
    if unit.level == COMMUNE_OFFICE:
        return OFFICE_POSITIONS[unit.code.rsplit(".", 1)[1]]
    raise ValueError(f"{unit.code} ({unit.level}) has no leaders in this demo")


def leaders(rng: np.random.Generator, unit: Unit2025) -> list[Person]:
    """The head and one to three deputies (2–4 people) of an agency, sub-unit, commune or office."""
    head, deputy = positions(unit)
    count = int(rng.integers(2, 5))
    return [
        Person(person_name(rng), phone(rng), position=p) for p in (head, *[deputy] * (count - 1))
    ]


def citizens(
    rng: np.random.Generator,
    commune: Unit2025,
    count: int,
    window: tuple[dt.date, dt.date] = WINDOW,
) -> list[Person]:
    """People who transacted at the commune's one-stop shop within ``window``, in list order.

    One row in ten (``count // 10``) should be excluded: alternately, a result not received yet
    (no result date) and an address in a neighbouring province. The eligible rows cover every
    procedure field of the commune while they are as many as its fields. Phones are missing on
    about one row in twenty (a warning, not an exclusion), as in ``data.citizens``; no two rows
    share a name and an address, so none reads as listed twice.
    """
    if commune.level != COMMUNE or not commune.procedure_fields:
        raise ValueError(f"{commune.code} is not a commune with procedure fields")
    start, end = window
    span = (end - start).days
    excluded = count // _EXCLUDED_EVERY
    eligible = count - excluded
    fields = [str(f) for f in rng.permutation(commune.procedure_fields)][:eligible]
    fields += [str(rng.choice(commune.procedure_fields)) for _ in range(eligible - len(fields))]
    hamlet = "Tổ dân phố" if commune_kind(commune) == PHUONG else "Thôn"
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    for i in range(count):
        inside = f"{hamlet} {int(rng.integers(1, 16))}, {commune.name}, {PROVINCE[1]}"
        if i < eligible:
            applied = start + dt.timedelta(days=int(rng.integers(0, max(1, span - 14))))
            received: dt.date | None = applied + dt.timedelta(days=int(rng.integers(0, 15)))
            address, field = inside, fields[i]
        elif (i - eligible) % 2 == 0:
            applied = end - dt.timedelta(days=int(rng.integers(0, 10)))
            received, address = None, inside
            field = str(rng.choice(commune.procedure_fields))
        else:
            applied = start + dt.timedelta(days=int(rng.integers(0, max(1, span - 14))))
            received = applied + dt.timedelta(days=int(rng.integers(0, 15)))
            place = str(rng.choice(_OUTSIDE_PLACES))
            address = f"Thôn {int(rng.integers(1, 9))}, {place}, {NEIGHBOUR}"
            field = str(rng.choice(commune.procedure_fields))
        name = person_name(rng)
        while (name, address) in seen:  # a namesake at the same address reads as a duplicate
            name = person_name(rng)
        seen.add((name, address))
        people.append(
            Person(
                name,
                phone(rng) if rng.random() > 0.05 else "",
                address=address,
                field=field,
                application_date=applied,
                result_date=received,
            )
        )
    return [people[i] for i in rng.permutation(count)]


def expected_exclusion(
    person: Person, commune: Unit2025, window: tuple[dt.date, dt.date] = WINDOW
) -> str | None:
    """Why the list rules (DOMAIN.md §6) should exclude a generated row, or None if eligible.

    Only what this module generates is judged: a missing result date, a date outside the
    window, or an address that does not name the commune.
    """
    start, end = window
    if person.result_date is None:
        return NOT_RECEIVED
    days = (person.application_date, person.result_date)
    if any(day is not None and not start <= day <= end for day in days):
        return OUTSIDE_WINDOW
    if f", {commune.name}, " not in person.address:
        return OUTSIDE_LOCALITY
    return None
