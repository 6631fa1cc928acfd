"""Folding names and addresses for matching: no diacritics, lower case, plain words.

"Xã Phú Đa", "xa phu da" and "XÃ PHÚ ĐA" fold to the words ``phu da`` and the key
``phuda`` (the form the source's former names are written in).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_D = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=200_000)
def fold_words(text: str) -> str:
    """``text`` without diacritics, lower case, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    bare = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", bare).strip()


def name_key(words: str) -> str:
    """The matching key of folded words: the words run together ("phu da" → "phuda")."""
    return words.replace(" ", "")
