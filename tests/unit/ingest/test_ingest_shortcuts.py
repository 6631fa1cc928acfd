"""The shortcuts that make 100,000-row lists fast give exactly what the general paths give."""

from __future__ import annotations

import gc
import re
import unicodedata

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey_app.ingest.gc_pause import paused_gc
from survey_app.ingest.headers import Column, classify_row, match_header
from survey_app.ingest.normalise import _each, _each_pair
from survey_app.ingest.table import _looks_like_name_header, _numbered_person
from survey_app.ingest.text import (
    _normalise_phone_text,
    _vn_mobile,
    clean_text,
    fold,
    normalise_phone,
)

_VN_MOBILE = re.compile(
    phonenumbers.PhoneMetadata.metadata_for_region("VN").mobile.national_number_pattern
)


def _fold_by_definition(text: str) -> str:
    """ASCII letters and digits of the NFD of the whole text, lower case (đ as d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^0-9a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


_VIETNAMESE = "Đđăâêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_TEXT = st.text(
    alphabet=st.sampled_from(
        list(_VIETNAMESE + "aAhHoOtT09 -.,:\t\u00a0\u0301\u0323\u0309\u2126\u212b\ufb01\u00bd²ΩЖ中")
    ),
    max_size=30,
)


@given(_TEXT)
def test_fold_is_the_fold_of_the_whole_text_and_of_its_characters(text: str) -> None:
    assert fold(text) == _fold_by_definition(text)
    assert fold(text) == "".join(fold(char) for char in text)
    assert fold(clean_text(text)) == fold(text)
    assert fold(unicodedata.normalize("NFC", text)) == fold(text)


def test_fold_of_every_latin_character_follows_the_definition() -> None:
    for code in range(0x3000):
        assert fold(chr(code)) == _fold_by_definition(chr(code)), hex(code)


_PHONE_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789 .-+/;,hoặc\t٣")), max_size=20),
    st.builds(
        lambda prefix, number, separator: (
            prefix + separator.join((number[:3], number[3:6], number[6:]))
        ),
        st.sampled_from(["", "0", "84", "84-", "+84", "+84 ", "0084", " "]),
        st.integers(100_000_000, 999_999_999).map(str),
        st.sampled_from(["", ".", " ", "-", "  ", " - "]),
    ),
)


@given(_PHONE_TEXT)
def test_plain_mobile_shortcut_agrees_with_the_full_phone_path(text: str) -> None:
    assert normalise_phone(text) == _normalise_phone_text(clean_text(text))


@given(st.integers(-(10**11), 10**11))
def test_numeric_phone_cells_agree_with_the_full_phone_path(number: int) -> None:
    assert normalise_phone(number) == _normalise_phone_text(clean_text(number))
    assert normalise_phone(float(number)) == _normalise_phone_text(clean_text(number))


@given(st.integers(100_000_000, 999_999_999).map(str).filter(_VN_MOBILE.fullmatch))
def test_vn_mobile_shortcut_agrees_with_phonenumbers(national: str) -> None:
    for typed in ("0" + national, "84" + national, national):
        parsed = phonenumbers.parse(
            "+84" + national if typed.startswith("84") else "0" + national, "VN"
        )
        assert phonenumbers.is_valid_number(parsed)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert _vn_mobile(typed, plus=False) == e164


def test_each_keeps_equal_values_of_different_types_apart() -> None:
    cells = ["1", 1, 1.0, True, None, "1", None, 1]
    assert _each(cells, repr) == [repr(cell) for cell in cells]
    assert _each(["a", None, "a"], repr) == ["'a'", "None", "'a'"]
    pairs = _each_pair(cells, list(reversed(cells)), lambda a, b: repr((a, b)))
    assert pairs == [repr(pair) for pair in zip(cells, reversed(cells), strict=True)]


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-2, 2),
    st.sampled_from(
        [
            "",
            " ",
            "1",
            " 12 ",
            "-3",
            "²",
            "Tổng cộng",
            "TONG CONG: 5",
            "Cộng",
            "Nguyễn Văn An",
            " Trần Thị Bình ",
            "vd",
            "(1)",
            "Người lập biểu",
        ]
    ),
)


@given(st.lists(_CELL, min_size=0, max_size=4), st.booleans())
def test_numbered_person_shortcut_agrees_with_classify_row(
    cells: list[object], in_footer: bool
) -> None:
    columns = {Column.STT: 0, Column.FULL_NAME: 1}
    if _numbered_person(cells, 0, 1):
        assert classify_row(cells, columns, in_footer) is None


_HEADER_WORDS = [
    "Họ",
    "và",
    "tên",
    "Ho",
    "ten",
    "HỌ VÀ TÊN",
    "Tên",
    "người",
    "Hoàng",
    "Hồ",
    "Trần",
    "Thị",
    "tổ chức",
    "cá nhân",
    "đại biểu",
    "-",
    ":",
    "\u0301",
    "H",
    "T",
    "Tê",
    "HoTen",
    "Họtên",
    "nộp",
    "Hovaten",
]


@given(
    st.lists(st.sampled_from(_HEADER_WORDS), min_size=1, max_size=5),
    st.sampled_from(["", " ", "  "]),
)
def test_name_header_shortcut_agrees_with_match_header(words: list[str], space: str) -> None:
    cell = space.join(words)
    expected = len(cell) <= 40 and cell[:1] in "HhTt" and match_header(cell) is Column.FULL_NAME
    assert _looks_like_name_header(cell) == expected


def test_paused_gc_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
