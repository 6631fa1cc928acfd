"""Safe file names for what officers upload: stored, shown and used inside zip archives."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120
DEFAULT_NAME = "danh_sach"
_SEPARATORS = re.compile(r"[/\\]")
_UNSAFE = re.compile(r'[<>:"|?*]')


def safe_filename(name: str, default: str = DEFAULT_NAME) -> str:
    """The last path component of ``name`` as a harmless file name.

    Directory parts (``../``, ``C:\\``, absolute paths, either slash) are dropped, control
    and format characters removed, Windows-reserved punctuation replaced by ``_``, leading
    dots and spaces stripped (no hidden or ``..`` names), the text NFC-normalised and cut to
    ``MAX_NAME_CHARS`` keeping the extension. ``default`` when nothing is left.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _SEPARATORS.split(text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text:
        return default
    if len(text) > MAX_NAME_CHARS:
        stem, dot, suffix = text.rpartition(".")
        keep = suffix if dot and len(suffix) <= 10 else ""
        text = (stem if keep else text)[: MAX_NAME_CHARS - len(keep) - 1].rstrip(" .")
        text = f"{text}.{keep}" if keep else text
    return text
