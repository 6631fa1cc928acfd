"""Where an address lies, as of a date, by the official units and their successions.

People still write the address they have always written ("Thôn Đoài, xã Phú Đa, huyện Vĩnh
Tường, tỉnh Vĩnh Phúc"), in any of several forms: with or without diacritics, the type
("xã", "phường", "thị trấn", "X.", "P.", "TT."), the district and the province. A
:class:`Gazetteer` reads the parts of an address, finds the communes it can name (in force
on its date, old ones, and former names of old ones) within the province and district it
names, and maps each to the communes in force on the date. A :class:`Locality` answers for
one commune: inside, outside, split (an old unit divided between this commune and others:
the officer confirms) or unknown (a commune name the registry does not know).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from adminunits.model import OfficialUnit, Registry, Tier, UnitType
from adminunits.names import fold_words, name_key

_PARTS = re.compile(r"[,;/()]")
_DASH = re.compile(r"\s[-–]\s")
_TOKEN = re.compile(r"\w+")
_LONGEST_NAME = 6  # words


class Level(StrEnum):
    """The level of a place an address names."""

    COMMUNE = "commune"
    DISTRICT = "district"
    PROVINCE = "province"
    OTHER = "other"  # hamlet, street, house number


# Words an address part starts a place with, longest first; a "thành phố" may be a
# province (Thành phố Huế) or an old district-level city (TP. Vĩnh Yên).
_MARKERS: tuple[tuple[tuple[str, ...], tuple[Level, ...]], ...] = (
    (("to", "dan", "pho"), (Level.OTHER,)),
    (("khu", "pho"), (Level.OTHER,)),
    (("thi", "tran"), (Level.COMMUNE,)),
    (("dac", "khu"), (Level.COMMUNE,)),
    (("thi", "xa"), (Level.DISTRICT,)),
    (("thanh", "pho"), (Level.PROVINCE, Level.DISTRICT)),
    (("xa",), (Level.COMMUNE,)),
    (("phuong",), (Level.COMMUNE,)),
    (("tt",), (Level.COMMUNE,)),
    (("p",), (Level.COMMUNE,)),
    (("f",), (Level.COMMUNE,)),  # "F.15": phường, as Hồ Chí Minh City writes it
    (("x",), (Level.COMMUNE,)),
    (("huyen",), (Level.DISTRICT,)),
    (("q",), (Level.DISTRICT,)),
    (("h",), (Level.DISTRICT,)),
    (("quan",), (Level.DISTRICT,)),
    (("tx",), (Level.DISTRICT,)),
    (("tp",), (Level.PROVINCE, Level.DISTRICT)),
    (("tinh",), (Level.PROVINCE,)),
    (("thon",), (Level.OTHER,)),
    (("xom",), (Level.OTHER,)),
    (("ap",), (Level.OTHER,)),
    (("ban",), (Level.OTHER,)),
    (("to",), (Level.OTHER,)),
    (("khu",), (Level.OTHER,)),
    (("khom",), (Level.OTHER,)),
    (("so",), (Level.OTHER,)),
    (("duong",), (Level.OTHER,)),
    (("ngo",), (Level.OTHER,)),
    (("hem",), (Level.OTHER,)),
    (("kiet",), (Level.OTHER,)),
    (("lang",), (Level.OTHER,)),
    (("cum",), (Level.OTHER,)),
    (("doi",), (Level.OTHER,)),
)
# Names people still write for provinces whose official name changed.
_PROVINCE_ALIASES = {
    "thanhphohue": ("thuathienhue", "tthue"),
    "thanhphohochiminh": ("hochiminh", "hcm", "tphcm", "saigon"),
    "thanhphohanoi": ("hn",),
}
_COMMUNE_MARKERS = {
    ("xa",): UnitType.XA,
    ("x",): UnitType.XA,
    ("phuong",): UnitType.PHUONG,
    ("p",): UnitType.PHUONG,
    ("f",): UnitType.PHUONG,
    ("thi", "tran"): UnitType.THI_TRAN,
    ("tt",): UnitType.THI_TRAN,
    ("dac", "khu"): UnitType.DAC_KHU,
}
_MARKER_WORDS = {words[0] for words, _ in _MARKERS}
_BARE = "\x00"  # marks the words of a part typed without diacritics
# Type words as written with their diacritics (lower case, NFC).
_ACCENTED: dict[str, frozenset[str]] = {
    folded: frozenset(written.split("|"))
    for folded, written in {
        "xa": "xã", "phuong": "phường", "thi": "thị", "tran": "trấn", "dac": "đặc",
        "khu": "khu", "huyen": "huyện", "quan": "quận", "thanh": "thành", "pho": "phố",
        "tinh": "tỉnh", "thon": "thôn", "xom": "xóm", "ap": "ấp", "ban": "bản", "to": "tổ",
        "dan": "dân", "khom": "khóm", "so": "số", "duong": "đường", "ngo": "ngõ",
        "hem": "hẻm", "kiet": "kiệt", "lang": "làng", "cum": "cụm", "doi": "đội",
    }.items()
}  # fmt: skip
_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], tuple[Level, ...]]]] = {}
for _words, _levels in _MARKERS:  # longest first, as in _MARKERS
    _BY_FIRST_WORD.setdefault(_words[0], []).append((_words, _levels))


@dataclass(frozen=True)
class Mention:
    """A place an address names: its level, matching key (None when the registry does not
    know the name), the words as folded, and whether a type word introduced it."""

    level: Level
    key: str | None
    words: str
    marked: bool
    unit_type: UnitType | None = None
    exact: str = ""  # the name as written, lower case with diacritics, no spaces
    ambiguous: bool = False  # a bare name also known as a district or province


@dataclass(frozen=True)
class _Entry:
    """One unit a commune name can mean: the communes in force it became, the provinces it
    can be written with, and (for old units) the district names it can be written with."""

    unit: str
    targets: frozenset[str]
    split: bool
    provinces: frozenset[str]
    districts: frozenset[str]
    current: bool
    unit_type: UnitType
    exact: frozenset[str]


@dataclass(frozen=True)
class Placement:
    """Where one commune an address names lies as of the gazetteer's date."""

    mention: Mention
    targets: frozenset[str]
    split: bool


class Verdict(StrEnum):
    """Whether an address lies in one commune."""

    INSIDE = "inside"
    OUTSIDE = "outside"
    SPLIT = "split"
    UNKNOWN = "unknown"
    UNNAMED = "unnamed"  # names no commune: the benefit of the doubt


@dataclass(frozen=True)
class Finding:
    """A :class:`Locality`'s answer: the verdict, the place named (as written, folded) and,
    for a split unit, the communes in force it may lie in."""

    verdict: Verdict
    place: str = ""
    candidates: tuple[str, ...] = ()


class Gazetteer:
    """Commune, district and province names of ``registry``, read as of ``as_of``."""

    def __init__(self, registry: Registry, as_of: date) -> None:
        self.registry = registry
        self.as_of = as_of
        self._successors: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self._predecessors: dict[str, list[str]] = defaultdict(list)
        for succession in registry.successions:
            self._successors[succession.old].append((succession.new, succession.whole))
            self._predecessors[succession.new].append(succession.old)
        self._provinces: dict[str, set[str]] = defaultdict(set)
        self._districts: dict[str, set[str]] = defaultdict(set)
        self._communes: dict[str, list[_Entry]] = defaultdict(list)
        self._cache: dict[str, tuple[Mention, ...]] = {}
        self._pieces: dict[str, tuple[Mention, ...]] = {}
        self._placed: dict[
            tuple[tuple[Mention, ...], frozenset[str] | None], tuple[Placement, ...]
        ] = {}
        for unit in registry.units.values():
            self._index(unit)

    def current(self, key: str) -> tuple[frozenset[str], bool]:
        """The units in force on the date that unit ``key`` is or became, and whether it
        was split on the way."""
        unit = self.registry.units[key]
        if unit.valid_on(self.as_of):
            return frozenset({key}), False
        if unit.valid_from is not None and unit.valid_from > self.as_of:
            return frozenset(), False
        targets: set[str] = set()
        split = False
        for new, whole in self._successors.get(key, ()):
            found, found_split = self.current(new)
            targets |= found
            split = split or not whole or found_split
        return frozenset(targets), split

    def related_provinces(self, unit: OfficialUnit) -> frozenset[str]:
        """Keys of the provinces (old and in force) an address of ``unit`` may name."""
        province = self.registry.province_of(unit)
        if province is None:
            return frozenset()
        related = {province.key}
        targets, _ = self.current(province.key)
        related |= targets
        if unit.valid_on(self.as_of):  # a unit in force: any province it was made from
            for target in targets:
                related.update(self._predecessors.get(target, ()))
        return frozenset(related)

    def mentions(self, address: str) -> tuple[Mention, ...]:
        """The places ``address`` names, in order (cached per address)."""
        found = self._cache.get(address)
        if found is None:
            found = tuple(self._read(address))
            if len(self._cache) < 500_000:
                self._cache[address] = found
        return found

    def locate(self, address: str, scope: frozenset[str] | None = None) -> list[Placement]:
        """Where each commune ``address`` names lies; ``scope``: the province keys to look
        in when the address names no province (None: the whole country). Addresses that
        differ only in the hamlet or house share one answer."""
        places = tuple(m for m in self.mentions(address) if m.level is not Level.OTHER)
        found = self._placed.get((places, scope))
        if found is None:
            found = self._place(places, scope)
            if len(self._placed) < 200_000:
                self._placed[(places, scope)] = found
        return list(found)

    def _place(
        self, mentions: tuple[Mention, ...], scope: frozenset[str] | None
    ) -> tuple[Placement, ...]:
        """Uncached body of :meth:`locate`, on the address's places."""
        named = frozenset().union(
            *(
                self._provinces.get(mention.key, ())
                for mention in mentions
                if mention.level is Level.PROVINCE and mention.key
            )
        )
        districts = frozenset().union(
            *(
                self._districts.get(mention.key, ())
                for index, mention in enumerate(mentions)
                if mention.level is Level.DISTRICT and mention.key and _as_district(mentions, index)
            )
        )
        provinces = named or scope
        placements = []
        for mention in mentions:
            known = self._communes.get(mention.key or "", [])
            if mention.level is Level.DISTRICT:  # an island district is a commune too
                known = [entry for entry in known if entry.unit_type is UnitType.HUYEN_DAO]
                if not known:
                    continue
            elif mention.level is not Level.COMMUNE:
                continue
            entries = self._choose(known, provinces, districts)
            if not entries and provinces and not named:
                entries = self._choose(known, None, districts)  # a commune of elsewhere
            typed = [entry for entry in entries if entry.unit_type is mention.unit_type]
            entries = typed or entries  # "thị trấn Mường Tè" beside "xã Mường Tè"
            written = [entry for entry in entries if mention.exact in entry.exact]
            entries = written or entries  # "Minh Quán" beside "Minh Quân"
            if not entries and not mention.marked:
                continue
            targets = frozenset().union(*(entry.targets for entry in entries))
            split = len(targets) > 1 or any(entry.split for entry in entries)
            placements.append(Placement(mention, targets, split))
        return tuple(placements)

    def _choose(
        self,
        entries: list[_Entry],
        provinces: frozenset[str] | None,
        districts: frozenset[str],
    ) -> list[_Entry]:
        """The units a commune name means within ``provinces``: with a district named, the
        old units of that district (else the units in force); without, the units in force
        (else the old units), since people write new names in the new form."""
        if provinces:
            entries = [entry for entry in entries if entry.provinces & provinces]
        old = [entry for entry in entries if not entry.current]
        current = [entry for entry in entries if entry.current]
        if districts:
            old = [entry for entry in old if entry.districts & districts]
            return old or current
        return current or old

    def names_province(self, address: str) -> frozenset[str]:
        """Keys of the provinces ``address`` names."""
        return frozenset().union(
            *(
                self._provinces.get(mention.key, ())
                for mention in self.mentions(address)
                if mention.level is Level.PROVINCE and mention.key
            )
        )

    def _index(self, unit: OfficialUnit) -> None:
        """Adds the names ``unit`` can be written with."""
        short = name_key(fold_words(unit.short_name))
        full = name_key(fold_words(unit.name))
        keys = {short, full, *unit.former_names, *_PROVINCE_ALIASES.get(full, ())}
        if unit.tier is Tier.PROVINCE:
            for key in keys:
                self._provinces[key].add(unit.key)
            return
        if unit.tier is Tier.DISTRICT:
            for key in keys:
                self._districts[key].add(unit.key)
            return
        targets, split = self.current(unit.key)
        if not targets:
            return
        district = self.registry.units.get(unit.parent or "")
        districts: frozenset[str] = frozenset()
        if district is not None and district.tier is Tier.DISTRICT:
            districts = frozenset({district.key})
        entry = _Entry(
            unit.key,
            targets,
            split,
            self.related_provinces(unit),
            districts,
            unit.valid_on(self.as_of),
            unit.unit_type,
            frozenset({_exact(unit.short_name), _exact(unit.name)}),
        )
        for key in keys:
            self._communes[key].append(entry)

    def _read(self, address: str) -> Iterable[Mention]:
        """The mentions of every part of ``address`` (parts recur across addresses: the
        commune, district and province parts are read once each, hamlets are cheap)."""
        for part in _PARTS.split(address):
            for piece in self._split_dashes(part) if _DASH.search(part) else (part,):
                found = self._pieces.get(piece)
                if found is None:
                    found = tuple(self._read_piece(piece))
                    if len(self._pieces) < 200_000:
                        self._pieces[piece] = found
                yield from found

    def _read_piece(self, piece: str) -> Iterable[Mention]:
        """The mentions of one part of an address."""
        text = unicodedata.normalize("NFC", piece).lower()
        pairs = [(f, r) for r in _TOKEN.findall(text) for f in [fold_words(r)]]
        pairs = [(f, r) for f, r in pairs if f and " " not in f]
        pairs = [split for pair in pairs for split in _unglued(pair)]
        if all(f == r for f, r in pairs):  # typed without diacritics: type words folded
            pairs = [(f, _BARE + r) for f, r in pairs]
        if pairs:
            words, raw = [f for f, _ in pairs], [r for _, r in pairs]
            yield from self._read_part(words, raw)

    def _read_part(self, words: list[str], raw: list[str]) -> Iterable[Mention]:
        """The mentions in one part's words (``raw``: as written): marked places, or the
        whole part unmarked."""
        if _marker(words, raw, 0) is None:
            mentions = self._unmarked(words)
            if mentions:
                yield from mentions
                return
        position = 0
        while position < len(words):
            found = _marker(words, raw, position)
            if found is None:
                position += 1
                continue
            length, levels = found
            start = position + length
            mentions, used = self._names_after(words, raw, start, levels)
            if mentions and mentions[0].level is Level.COMMUNE:
                unit_type = _COMMUNE_MARKERS.get(tuple(words[position:start]))
                exact = "".join(raw[start : start + used]).replace(_BARE, "")
                mentions = [replace(m, unit_type=unit_type, exact=exact) for m in mentions]
            yield from mentions
            position = start + max(used, 1) if mentions else start

    def _unmarked(self, words: list[str]) -> list[Mention]:
        """A part that is only a place name ("Vĩnh Phúc", "Phú Đa"): one mention per level
        the name is known at; a commune reading that is also a district or province name
        is ambiguous ("Quang Bình": a commune and an old district)."""
        text = " ".join(words)
        key = name_key(text)
        levels = [
            level
            for level, names in (
                (Level.PROVINCE, self._provinces),
                (Level.DISTRICT, self._districts),
                (Level.COMMUNE, self._communes),
            )
            if key in names
        ]
        several = len(levels) > 1
        return [
            Mention(level, key, text, False, ambiguous=several and level is Level.COMMUNE)
            for level in levels
        ]

    def _split_dashes(self, part: str) -> list[str]:
        """A part split at its dashes ("Lũng Hòa - Vĩnh Tường - Vĩnh Phúc", "Thôn 1 - xã
        Phú Đa"), except where words across a dash make a known name ("Phan Rang - Tháp
        Chàm", "Chân Mây - Lăng Cô", "Bà Rịa - Vũng Tàu")."""
        pieces = _DASH.split(part)
        joined = [pieces[0]]
        for piece in pieces[1:]:
            if self._names_across(joined[-1], piece):
                joined[-1] = f"{joined[-1]} {piece}"
            else:
                joined.append(piece)
        return joined

    def _names_across(self, left: str, right: str) -> bool:
        """Whether words at the end of ``left`` and all of ``right`` make a known name."""
        before = fold_words(left).split()[-_LONGEST_NAME:]
        after = fold_words(right).split()
        if not after or len(after) > _LONGEST_NAME:
            return False
        for i in range(1, len(before) + 1):  # the whole right piece ends the name
            key = name_key(" ".join(before[-i:] + after))
            if key in self._communes or key in self._districts or key in self._provinces:
                return True
        return False

    def _names_after(
        self, words: list[str], raw: list[str], start: int, levels: tuple[Level, ...]
    ) -> tuple[list[Mention], int]:
        """The longest known name of ``levels`` after a type word (one mention per level
        it is known at: "Thành phố Cao Bằng" is a district-level city and a province),
        else the words up to the next type word as an unknown name; and the words used."""
        if levels == (Level.OTHER,):
            end = _next_marker(words, raw, start + 1)
            return [Mention(Level.OTHER, None, " ".join(words[start:end]), True)], end - start
        for length in range(min(_LONGEST_NAME, len(words) - start), 0, -1):
            text = " ".join(words[start : start + length])
            key = name_key(text)
            found = [
                Mention(level, key, text, True) for level in levels if key in self._names(level)
            ]
            if found:
                return found, length
        end = _next_marker(words, raw, start + 1)
        if end == start:
            return [], 0
        return [Mention(levels[-1], None, " ".join(words[start:end]), True)], end - start

    def _names(self, level: Level) -> dict[str, set[str]] | dict[str, list[_Entry]]:
        """The name index of ``level``."""
        if level is Level.PROVINCE:
            return self._provinces
        if level is Level.DISTRICT:
            return self._districts
        return self._communes


def _as_district(mentions: tuple[Mention, ...], index: int) -> bool:
    """Whether a district reading counts: a bare name that is also a province's ("Tuyên
    Quang", "Cao Bằng") is the district only when a province follows it."""
    mention = mentions[index]
    if mention.marked:
        return True
    also_province = any(
        other.level is Level.PROVINCE and other.key == mention.key and not other.marked
        for other in mentions
    )
    if not also_province:
        return True
    return (
        any(
            other.level is Level.PROVINCE and other.key != mention.key for other in mentions[index:]
        )
        or sum(1 for other in mentions if other.key == mention.key) > 3
    )


_GLUED = re.compile(r"^(p|f|q|x|tt)(\d{1,2})$")


def _unglued(pair: tuple[str, str]) -> list[tuple[str, str]]:
    """ "p15", "f12", "q3" (a type letter glued to a number) as two words."""
    folded, raw = pair
    glued = _GLUED.match(folded)
    if glued is None or not raw.removeprefix(_BARE).isascii():
        return [pair]
    prefix = _BARE if raw.startswith(_BARE) else ""
    letter, number = glued.groups()
    return [(letter, prefix + letter), (number, prefix + number)]


def _exact(name: str) -> str:
    """A name as written: lower case, diacritics kept, no spaces or punctuation."""
    return "".join(_TOKEN.findall(unicodedata.normalize("NFC", name).lower()))


def _marker(
    words: list[str], raw: list[str], position: int
) -> tuple[int, tuple[Level, ...]] | None:
    """The type word(s) starting at ``position``: their length and the levels they mean.
    A word written with diacritics must be the type word as written ("Lạng Sơn" is not
    "làng Sơn", "Phương Liệt" not "phường Liệt"); one written without them matches its
    folded form."""
    for marker, levels in _BY_FIRST_WORD.get(words[position], ()):
        end = position + len(marker)
        if tuple(words[position:end]) == marker and all(
            _written_as(raw[index], words[index]) for index in range(position, end)
        ):
            return len(marker), levels
    return None


def _written_as(raw: str, folded: str) -> bool:
    """Whether a word as written is the type word ``folded``: in text typed with diacritics
    ("Bạch Xa" is a name, not "Bạch xã"), as the type word is written; in text typed without
    them, its folded form. Abbreviations (X., P., TT., H.) have no diacritics."""
    accented = _ACCENTED.get(folded)
    if accented is None or raw.startswith(_BARE):
        return raw == folded or raw.removeprefix(_BARE) == folded
    return raw in accented


def _next_marker(words: list[str], raw: list[str], position: int) -> int:
    """The position of the next type word at or after ``position`` (or the end)."""
    for index in range(position, len(words)):
        if words[index] in _MARKER_WORDS and _marker(words, raw, index) is not None:
            return index
    return len(words)


class Locality:
    """Whether addresses lie in the commune ``unit_key`` (in force on the gazetteer's date)."""

    def __init__(self, gazetteer: Gazetteer, unit_key: str) -> None:
        self.gazetteer = gazetteer
        self.unit = gazetteer.registry.units[unit_key]
        self.scope = gazetteer.related_provinces(self.unit)
        self._cache: dict[str, Finding] = {}

    def check(self, address: str) -> Finding:
        """The finding for ``address`` (cached per address)."""
        found = self._cache.get(address)
        if found is None:
            found = self._check(address)
            self._cache[address] = found
        return found

    def name_of(self, key: str) -> str:
        """The full name of a unit by key."""
        return self.gazetteer.registry.units[key].name

    def _check(self, address: str) -> Finding:
        """Uncached body of :meth:`check`."""
        placements = self.gazetteer.locate(address, self.scope)
        marked = [p for p in placements if p.mention.marked and p.targets]
        if marked:  # "Phú Đa, xã Lũng Hòa": a commune placed by its type word decides
            placements = marked
        unit = self.unit.key
        findings = []
        for placement in placements:
            if placement.mention.ambiguous and unit not in placement.targets:
                continue  # a bare name that may be the district or province: no verdict
            words = placement.mention.words
            if not placement.targets:
                findings.append(Finding(Verdict.UNKNOWN, words))
            elif placement.targets == {unit}:
                findings.append(Finding(Verdict.INSIDE, words))
            elif unit in placement.targets:
                others = sorted(self.name_of(key) for key in placement.targets)
                findings.append(Finding(Verdict.SPLIT, words, tuple(others)))
            else:
                others = sorted(self.name_of(key) for key in placement.targets)
                findings.append(Finding(Verdict.OUTSIDE, words, tuple(others)))
        for verdict in (Verdict.INSIDE, Verdict.SPLIT, Verdict.OUTSIDE, Verdict.UNKNOWN):
            for finding in findings:
                if finding.verdict is verdict:
                    return finding
        named = self.gazetteer.names_province(address)
        if named and not named & self.scope:
            return Finding(Verdict.OUTSIDE, self._province_words(address))
        return Finding(Verdict.UNNAMED)

    def _province_words(self, address: str) -> str:
        """The province an address names, as written (folded)."""
        for mention in self.gazetteer.mentions(address):
            if mention.level is Level.PROVINCE and mention.key:
                return mention.words
        return ""
