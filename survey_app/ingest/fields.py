"""Mapping the procedure field typed on a row to the commune's canonical field names.

Matching is on folded text (no diacritics, case-insensitive): exact, then containment,
then a close spelling (difflib ratio >= 0.8), then keywords of the field or of the
procedure name ("Đăng ký khai sinh" -> "Hộ tịch").
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from survey_app.ingest.text import fold

DEFAULT_FIELDS: tuple[str, ...] = (
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Bảo trợ xã hội",
    "Người có công",
    "Xây dựng",
    "Lao động",
    "Nuôi con nuôi",
    "Thi đua - Khen thưởng",
    "Tôn giáo",
    "Văn hóa",
    "Giáo dục",
    "Y tế",
    "Môi trường",
    "Nông nghiệp",
    "Kinh tế hợp tác",
    "Giải quyết khiếu nại",
    "Hòa giải cơ sở",
    "Quân sự",
    "Công an",
)
"""Procedure fields commonly handled at a commune one-stop shop (used when none are given)."""

# Folded keyword -> folded default field it points to; checked on field then procedure text.
_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("hotich", "hotich"),
    ("khaisinh", "hotich"),
    ("khaitu", "hotich"),
    ("kethon", "hotich"),
    ("tricluc", "hotich"),
    ("giamho", "hotich"),
    ("caichinh", "hotich"),
    ("chame", "hotich"),
    ("chungthuc", "chungthuc"),
    ("saoy", "chungthuc"),
    ("datdai", "datdai"),
    ("sudungdat", "datdai"),
    ("nguongocdat", "datdai"),
    ("tranhchapdat", "datdai"),
    ("baotro", "baotroxahoi"),
    ("btxh", "baotroxahoi"),
    ("trocapxahoi", "baotroxahoi"),
    ("maitang", "baotroxahoi"),
    ("nguoicocong", "nguoicocong"),
    ("ncc", "nguoicocong"),
    ("lietsi", "nguoicocong"),
    ("thuongbinh", "nguoicocong"),
    ("xaydung", "xaydung"),
    ("connuoi", "nuoiconnuoi"),
)


class FieldMatcher:
    """Canonical field of a row's field text (or procedure name), cached per text pair."""

    def __init__(self, canonical: Sequence[str]) -> None:
        names = tuple(canonical) or DEFAULT_FIELDS
        self._by_fold = {fold(name): name for name in names}
        self._folded = tuple(self._by_fold)
        self._cache: dict[tuple[str, str], str | None] = {}

    def match(self, field_text: str, procedure_text: str) -> str | None:
        """The canonical field for these texts, or None when none fits."""
        key = (field_text, procedure_text)
        if key not in self._cache:
            self._cache[key] = self._match(fold(field_text), fold(procedure_text))
        return self._cache[key]

    def _match(self, field: str, procedure: str) -> str | None:
        """Uncached body of ``match`` on folded texts."""
        if field:
            if field in self._by_fold:
                return self._by_fold[field]
            for folded in self._folded:
                if min(len(folded), len(field)) >= 4 and (folded in field or field in folded):
                    return self._by_fold[folded]
            close = difflib.get_close_matches(field, self._folded, n=1, cutoff=0.8)
            if close:
                return self._by_fold[close[0]]
        for text in (field, procedure):
            for keyword, target in _KEYWORDS:
                if text and keyword in text and target in self._by_fold:
                    return self._by_fold[target]
        return None
