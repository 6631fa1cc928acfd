"""Does an address lie in the commune (or ward) that submitted the list?

An address that names a commune, ward or town ("xã", "phường", "thị trấn", or "X.",
"P.", "TT." at the start of a part) other than the unit is outside the locality;
"Thôn X, xã Phú Đa, huyện Vĩnh Tường" is inside Phú Đa. An address with no such
marker is outside only when it names one of the other communes of the district or
province as whole words and does not name the unit. Addresses that name no commune at
all ("Thôn Đoài") are given the benefit of the doubt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from survey_app.ingest.text import fold_words

_PARTS = re.compile(r"[,;/()]|\s[-–]\s")
_MARKER = re.compile(r"(?:^|\s)(?<!thi )(?:xa|phuong|thi tran)\s+(.+)$")
_SHORT_MARKER = re.compile(r"^(?:tt|p|x)\s+(.+)$")
_HIGHER_LEVEL = re.compile(r"\s(?:huyen|tinh|thi xa|thanh pho|tp|tx|quan)\b.*$")
_UNIT_PREFIX = re.compile(r"^(?:ubnd\s+)?(?:xa|phuong|thi tran)\s+")


class LocalityChecker:
    """Finds the place an address names outside the unit, cached per address."""

    def __init__(self, unit_name: str, other_localities: Sequence[str] = ()) -> None:
        self.unit_name = unit_name
        self._unit = _UNIT_PREFIX.sub("", fold_words(unit_name))
        others = sorted(
            {_UNIT_PREFIX.sub("", fold_words(name)) for name in other_localities} - {self._unit},
            key=len,
            reverse=True,
        )
        alternatives = "|".join(re.escape(name) for name in others if name)
        self._others = re.compile(rf"\b(?:{alternatives})\b") if alternatives else None
        self._cache: dict[str, str | None] = {}

    def outside_place(self, address: str) -> str | None:
        """The commune or ward outside the unit that ``address`` names, or None if inside."""
        if address not in self._cache:
            self._cache[address] = self._check(address)
        return self._cache[address]

    def _check(self, address: str) -> str | None:
        """Uncached body of ``outside_place``."""
        named_unit = False
        for part in _PARTS.split(address):
            folded = fold_words(part)
            match = _MARKER.search(folded) or _SHORT_MARKER.match(folded)
            if not match:
                continue
            name = _HIGHER_LEVEL.sub("", match.group(1)).strip()
            if name == self._unit:
                named_unit = True
            elif name:
                return part.strip()
        if named_unit or self._others is None:
            return None
        folded_address = fold_words(address)
        found = self._others.search(folded_address)
        if found and not re.search(rf"\b{re.escape(self._unit)}\b", folded_address):
            return found.group(0)
        return None
