"""A fictional but realistic province for the demo campaign, generated reproducibly.

Tỉnh Minh Sơn does not exist: 20 departments with their sub-units, 8 districts in three
socio-economic tiers, about 100 communes with procedure fields, and people with Vietnamese
names. Everything comes from one explicit numpy Generator, so the demo is the same each time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

PROVINCE = ("T01", "Tỉnh Minh Sơn")
DEPARTMENTS = (
    ("Sở Nội vụ", ("Ban Thi đua - Khen thưởng", "Chi cục Văn thư - Lưu trữ")),
    ("Sở Tư pháp", ("Trung tâm Trợ giúp pháp lý", "Phòng Công chứng số 1")),
    ("Sở Kế hoạch và Đầu tư", ("Trung tâm Xúc tiến đầu tư",)),
    ("Sở Tài chính", ("Trung tâm Thẩm định giá",)),
    ("Sở Công Thương", ("Chi cục Quản lý thị trường", "Trung tâm Khuyến công")),
    (
        "Sở Nông nghiệp và Phát triển nông thôn",
        ("Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Chi cục Chăn nuôi và Thú y"),
    ),
    ("Sở Giao thông vận tải", ("Thanh tra giao thông", "Ban Quản lý bảo trì đường bộ")),
    ("Sở Xây dựng", ("Trung tâm Kiểm định chất lượng xây dựng",)),
    ("Sở Tài nguyên và Môi trường", ("Văn phòng Đăng ký đất đai", "Chi cục Bảo vệ môi trường")),
    ("Sở Thông tin và Truyền thông", ("Trung tâm Công nghệ thông tin và Truyền thông",)),
    (
        "Sở Lao động - Thương binh và Xã hội",
        ("Trung tâm Dịch vụ việc làm", "Trung tâm Bảo trợ xã hội"),
    ),
    ("Sở Văn hóa, Thể thao và Du lịch", ("Bảo tàng tỉnh", "Thư viện tỉnh")),
    ("Sở Khoa học và Công nghệ", ("Chi cục Tiêu chuẩn Đo lường Chất lượng",)),
    ("Sở Giáo dục và Đào tạo", ("Trung tâm Giáo dục thường xuyên tỉnh",)),
    ("Sở Y tế", ("Trung tâm Kiểm soát bệnh tật", "Chi cục Dân số")),
    ("Thanh tra tỉnh", ()),
    ("Văn phòng UBND tỉnh", ("Trung tâm Phục vụ hành chính công",)),
    ("Ban Dân tộc", ()),
    ("Ban Quản lý các khu công nghiệp", ()),
    ("Sở Ngoại vụ", ()),
)
DISTRICTS = (
    ("Thành phố Minh Sơn", 1),
    ("Thị xã Bình An", 1),
    ("Huyện Đông Hòa", 2),
    ("Huyện Yên Phú", 2),
    ("Huyện Kim Thành", 2),
    ("Huyện Thanh Lâm", 3),
    ("Huyện Phù Ninh", 3),
    ("Huyện Lục Yên", 3),
)
PROCEDURE_FIELDS = (
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Bảo trợ xã hội",
    "Người có công",
    "Xây dựng",
    "Môi trường",
    "Nông nghiệp",
    "Thi đua - khen thưởng",
    "Tôn giáo",
)
_SYLLABLES_A = (
    "An",
    "Bình",
    "Phú",
    "Tân",
    "Hòa",
    "Đông",
    "Tây",
    "Nam",
    "Kim",
    "Thanh",
    "Yên",
    "Vĩnh",
    "Hưng",
    "Minh",
    "Quang",
    "Trung",
    "Đại",
    "Lạc",
    "Thái",
    "Cao",
)
_SYLLABLES_B = (
    "Bình",
    "Phú",
    "Hòa",
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
    "Hưng",
    "Khánh",
    "Lộc",
    "Mỹ",
)
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = (
    ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành"),
    ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai"),
)
GIVEN = (
    (
        "Hùng",
        "Dũng",
        "Tuấn",
        "Minh",
        "Nam",
        "Long",
        "Hải",
        "Sơn",
        "Thắng",
        "Cường",
        "Phong",
        "Quân",
        "Bình",
        "Toàn",
        "Khánh",
    ),
    (
        "Lan",
        "Hương",
        "Hoa",
        "Mai",
        "Linh",
        "Trang",
        "Thảo",
        "Hà",
        "Nga",
        "Yến",
        "Phương",
        "Hạnh",
        "Thủy",
        "Dung",
        "Nhung",
    ),
)
MOBILE_PREFIXES = (
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "070",
    "077",
    "081",
    "083",
)
LEADER_POSITIONS = ("Giám đốc", "Phó Giám đốc", "Phó Giám đốc")


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    level: str
    parent_code: str
    tier: int | None = None
    size: int | None = None
    procedure_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    full_name: str
    phone: str
    position: str = ""
    address: str = ""
    field: str = ""
    application_date: dt.date | None = None
    result_date: dt.date | None = None


def person_name(rng: np.random.Generator) -> str:
    sex = int(rng.integers(2))
    return " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE[sex]), rng.choice(GIVEN[sex])))


def phone(rng: np.random.Generator) -> str:
    return str(rng.choice(MOBILE_PREFIXES)) + "".join(str(d) for d in rng.integers(0, 10, 7))


def units(rng: np.random.Generator) -> list[DemoUnit]:
    """The whole registry: province, departments, sub-units, districts, communes."""
    out = [DemoUnit(PROVINCE[0], PROVINCE[1], "province", "")]
    for i, (name, subunits) in enumerate(DEPARTMENTS, start=1):
        code = f"S{i:02d}"
        out.append(DemoUnit(code, name, "department", PROVINCE[0]))
        out += [
            DemoUnit(f"{code}.{j}", sub, "subunit", code) for j, sub in enumerate(subunits, start=1)
        ]
    names = iter(_commune_names(rng))
    for i, (name, tier) in enumerate(DISTRICTS, start=1):
        code = f"H{i:02d}"
        out.append(
            DemoUnit(
                code,
                name,
                "district",
                PROVINCE[0],
                tier=tier,
                size=int(rng.integers(60_000, 260_000)),
            )
        )
        urban = tier == 1
        for j in range(1, int(rng.integers(11, 15)) + 1):
            kind = "Phường" if urban else ("Thị trấn" if j == 1 else "Xã")
            count = int(rng.integers(4, 8))
            fields = tuple(sorted(rng.choice(PROCEDURE_FIELDS[:8], count, replace=False)))
            out.append(
                DemoUnit(
                    f"{code}.{j:02d}",
                    f"{kind} {next(names)}",
                    "commune",
                    code,
                    procedure_fields=fields,
                )
            )
    return out


def _commune_names(rng: np.random.Generator) -> list[str]:
    pairs = [f"{a} {b}" for a in _SYLLABLES_A for b in _SYLLABLES_B if a != b]
    return [pairs[i] for i in rng.permutation(len(pairs))]


def leaders(rng: np.random.Generator, count: int = 3) -> list[Person]:
    positions = ("Giám đốc",) + ("Phó Giám đốc",) * (count - 1)
    return [Person(person_name(rng), phone(rng), position=p) for p in positions]


def delegates(rng: np.random.Generator, count: int = 56) -> list[Person]:
    return [
        Person(person_name(rng), phone(rng), position="Đại biểu HĐND tỉnh") for _ in range(count)
    ]


def citizens(
    rng: np.random.Generator, commune: DemoUnit, district: str, year: int, count: int
) -> list[Person]:
    """People who transacted at the commune's one-stop shop in the year's window."""
    start = dt.date(year, 1, 1)
    people = []
    for _ in range(count):
        applied = start + dt.timedelta(days=int(rng.integers(0, 270)))
        received = applied + dt.timedelta(days=int(rng.integers(0, 15)))
        village = f"Thôn {int(rng.integers(1, 12))}"
        people.append(
            Person(
                person_name(rng),
                phone(rng) if rng.random() > 0.05 else "",
                address=f"{village}, {commune.name}, {district}",
                field=str(rng.choice(commune.procedure_fields)),
                application_date=applied,
                result_date=received,
            )
        )
    return people
