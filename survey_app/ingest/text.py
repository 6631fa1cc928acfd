"""Cell-level normalisation: Vietnamese text, folding for matching, dates and phone numbers.

Everything here is pure and cached by the raw value where the same strings repeat
(addresses, field names, phone numbers), so that 100,000-row lists stay fast.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

import phonenumbers

_NON_DIGIT = re.compile(r"\D+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_ALNUM_SPACED = re.compile(r"[^0-9a-z]+")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})(?:\s+.*)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDY = re.compile(r"^ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_PHONE_SPLIT = re.compile(r"[/;,]|\s-\s|\bho[aặ]c\b")
# What every match of _PHONE_SPLIT contains, in text from clean_text (whose only whitespace
# is a single space): a cheap test that spares the split for the usual one-number cell.
_MAY_SPLIT = re.compile(r"[/;,]| - |ho")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000  # 1954-10-03 .. 2119-01-09
_STRIP_MARKS = str.maketrans({"đ": "d", "Đ": "D"})
_VN_METADATA = phonenumbers.PhoneMetadata.metadata_for_region("VN")
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:[ .\-][0-9]+)*")
# Fast path: a national number matching VN's mobile pattern is valid (what is_valid_number
# checks after a full parse); anything else takes the full phonenumbers route.
_VN_MOBILE = re.compile(
    _VN_METADATA.mobile.national_number_pattern
    if _VN_METADATA and _VN_METADATA.mobile and _VN_METADATA.mobile.national_number_pattern
    else r"(?!)"
)


def clean_text(value: object) -> str:
    """Cell value as NFC text, trimmed, with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean_str(str(value))


@lru_cache(maxsize=131_072)
def _clean_str(text: str) -> str:
    """clean_text of a string, cached: lists repeat villages, fields, procedures and dates."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Text without diacritics, lower case, letters and digits only ("Số ĐT" -> "sodt").

    Folding is character by character (the ASCII letters of a canonical decomposition do
    not depend on the neighbouring characters), so it is one ``str.translate`` through a
    table filled on demand: no cache of whole texts is needed for names that never repeat.
    """
    return text.translate(_FOLD_TABLE)


def _fold_char(char: str) -> str:
    """``fold`` of one character, by its definition: ASCII letters and digits of its NFD."""
    decomposed = unicodedata.normalize("NFD", char.translate(_STRIP_MARKS))
    return _NON_ALNUM.sub("", decomposed.encode("ascii", "ignore").decode("ascii").lower())


class _FoldTable(dict[int, str]):
    """Code point -> folded text, for ``str.translate``; filled as characters are met.

    Only characters below U+3000 (all Latin, Vietnamese and punctuation) are kept, so a
    file of unusual characters cannot grow the table without bound.
    """

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if code < 0x3000:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=65_536)
def fold_words(text: str) -> str:
    """Text without diacritics, lower case, words separated by single spaces.

    Vietnamese letters decompose to ASCII letters plus combining marks (đ is mapped to d);
    characters with no ASCII base are dropped.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_STRIP_MARKS))
    bare = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM_SPACED.sub(" ", bare).strip()


def parse_date(value: object) -> date | None:
    """Read a date typed day first (dd/mm/yyyy, d-m-yy, dd.mm.yyyy), ISO, or stored natively.

    Spreadsheet serial numbers (days since 1899-12-30, the Excel 1900 system) between
    20,000 and 80,000 are accepted both as numbers and as digit strings. Returns None
    when the value is not a readable date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _from_serial(float(value))
    return _parse_date_text(clean_text(value))


@lru_cache(maxsize=65_536)
def _parse_date_text(text: str) -> date | None:
    """Parse a date string; see ``parse_date``."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _safe_date(year, month, day)
    match = _WORDY.match(fold_words(text))
    if match:
        day, month, year = (int(part) for part in match.groups())
        return _safe_date(year, month, day)
    if _SERIAL.match(text):
        return _from_serial(float(text))
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None when the parts do not form one (31/02)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_serial(serial: float) -> date | None:
    """Date of an Excel 1900-system serial number, None outside the plausible range."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return (_EXCEL_EPOCH + timedelta(days=int(serial))).date()


def normalise_phone(value: object) -> tuple[str | None, bool]:
    """Phone number as E.164 for region VN, and whether a number was given at all.

    Handles dots, spaces and dashes, a lost leading zero (numeric cells), the 84 prefix
    without "+", and several numbers in one cell (the first valid one wins).
    Returns (e164 or None, given).
    """
    if value is None:
        return None, False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value.__class__ is str or value.__class__ is int:
        mobile = _plain_mobile(str(value))
        if mobile is not None:
            return mobile, True
    return _normalise_phone_text(clean_text(value))


def _plain_mobile(text: str) -> str | None:
    """E.164 of the usual cell, one VN mobile number in ASCII digits with dots, dashes or
    single spaces between groups ("0912.345.678", "84-912345678", "912 345 678"); else None.

    Such a text is its own ``clean_text``, holds no separator of several numbers (" - "
    needs spaces around the dash) and no "+", so ``_normalise_phone_text`` would reach
    ``_vn_mobile`` with the same digits: this only skips steps that cannot change the result.
    """
    digits = text.replace(".", "").replace("-", "")
    if not (digits.isdigit() and digits.isascii()):
        if " " not in text or not _PLAIN_NUMBER.fullmatch(text):
            return None
        digits = digits.replace(" ", "")
    return _vn_mobile(digits, plus=False)


@lru_cache(maxsize=262_144)
def _normalise_phone_text(text: str) -> tuple[str | None, bool]:
    """Cached body of ``normalise_phone`` for one text as ``clean_text`` returns it."""
    if not text:
        return None, False
    parts = _PHONE_SPLIT.split(text) if _MAY_SPLIT.search(text) else [text]
    for part in parts:
        e164 = _one_phone(part)
        if e164:
            return e164, True
    return None, True


def _one_phone(text: str) -> str | None:
    """E.164 of one typed number, or None when it is not a valid VN or international number."""
    plus = text.lstrip().startswith("+")
    digits = _NON_DIGIT.sub("", text)
    if len(digits) < 8:
        return None
    mobile = _vn_mobile(digits, plus=plus)
    if mobile is not None:
        return mobile
    if plus or (digits.startswith("84") and len(digits) >= 11):
        candidate = "+" + digits
    elif digits.startswith("0"):
        candidate = digits
    else:
        candidate = "0" + digits
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _vn_mobile(digits: str, *, plus: bool) -> str | None:
    """E.164 of a VN mobile number typed as 0 + 9 digits, 84 + 9 digits or 9 digits (not
    after "+"), else None: a national number matching VN's mobile pattern is valid, which
    is what phonenumbers' is_valid_number would find after a full parse."""
    national = None
    if digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        national = digits[1:]
    elif len(digits) == 9 and not plus:
        national = digits
    if national and _VN_MOBILE.fullmatch(national):
        return "+84" + national
    return None


def normalise_email(value: object) -> tuple[str | None, bool]:
    """Lower-cased email and whether one was given; (None, True) for an invalid address."""
    text = clean_text(value).lower().removeprefix("mailto:")
    if not text:
        return None, False
    return (text if _EMAIL.match(text) else None), True


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula (OWASP CSV injection)."""
    return text.startswith(_FORMULA_START)
