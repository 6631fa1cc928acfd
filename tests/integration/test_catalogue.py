"""The one error catalogue: every code has a Vietnamese and an English message, every code is
raised somewhere, and no library's English text reaches the Vietnamese interface."""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import pytest
from flask import Flask

from analysis.errors import ErrorCode as AnalysisCode
from survey_app.catalogue import CATALOGUE, library_message

ROOT = Path(__file__).resolve().parents[2]


def _has_vietnamese(text: str) -> bool:
    """A letter with a Vietnamese mark (ă â ê ô ơ ư, the tones) or đ."""
    return any(c in "đĐ" or (c.isalpha() and unicodedata.normalize("NFD", c) != c) for c in text)


def _source(*folders: str, skip: str = "catalogue") -> str:
    return "\n".join(
        p.read_text()
        for folder in folders
        for p in (ROOT / folder).rglob("*.py")
        if skip not in p.parts
    )


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_a_vietnamese_and_an_english_message(code: str) -> None:
    vi, en = CATALOGUE[code]
    assert vi.strip() and en.strip()
    assert _has_vietnamese(vi), f"{code}: the Vietnamese message has no Vietnamese letters"
    assert not _has_vietnamese(en), f"{code}: the English message has Vietnamese letters"
    if code != "answer.out_of_range":  # its range is phrased per language: range_vi, range_en
        assert _fields(vi) == _fields(en), f"{code}: parameters differ between the languages"


def test_every_sampling_code_is_catalogued_and_every_catalogued_one_is_raised() -> None:
    source = _source("sampling")
    raised = set(re.findall(r'Error\(\s*"([a-z_]+)"', source))
    raised |= {f"invalid_{name}" for name in re.findall(r'_check\([^"]*"([a-z_]+)"', source)}
    catalogued = {c.removeprefix("sampling.") for c in CATALOGUE if c.startswith("sampling.")}
    assert raised == catalogued


def test_every_analysis_code_is_catalogued_and_used() -> None:
    source = _source("analysis")
    for code in AnalysisCode:
        assert code.value in CATALOGUE
        assert f"ErrorCode.{code.name}" in source, f"{code} is never raised"


def test_every_application_code_is_raised_somewhere() -> None:
    source = _source("survey_app")
    library = ("sampling.", "analysis.", "appraisal.", "answer.", "design.")
    for code in (c for c in CATALOGUE if not c.startswith(library)):
        # a refused request's kind is named where it is refused ("too_deep"), then prefixed
        named = f'"{code.removeprefix("request.")}"' if code.startswith("request.") else None
        assert f'"{code}"' in source or (named and named in source), (
            f"{code} is catalogued but never raised"
        )


def test_every_design_problem_is_catalogued_and_every_catalogued_one_is_raised() -> None:
    """The designs library's problem codes (``reader.add(path, "code")``, ``Problem(..)``)."""
    import ast

    files = [*(ROOT / "designs").glob("*.py"), ROOT / "survey_app/services/designs.py"]
    raised = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            code = node.args[1]
            if name in ("add", "Problem") and isinstance(code, ast.Constant):
                raised.add(code.value)
    catalogued = {c.removeprefix("design.") for c in CATALOGUE if c.startswith("design.")}
    assert raised == catalogued


def test_a_sampling_failure_reaches_the_interface_in_vietnamese(app: Flask) -> None:
    import sampling

    error = sampling.ReplacementError("no_reserve_left", "commune 'X' has no unused reserve")
    with app.test_request_context():
        vi, en = library_message(error, "vi"), library_message(error, "en")
    assert "dự phòng" in vi and "commune" not in vi and "reserve" in en


def test_every_answer_code_is_catalogued_and_raised() -> None:
    from questionnaires.answer_errors import ErrorCode as AnswerCode

    source = _source("questionnaires")
    for code in AnswerCode:
        assert f"answer.{code.value}" in CATALOGUE
        assert f"ErrorCode.{code.name}" in source.replace(f"    {code.name} = ", ""), (
            f"{code} is never raised"
        )


def test_answer_messages_in_both_languages(app: Flask) -> None:
    from questionnaires.answer_errors import ErrorCode as AnswerCode
    from questionnaires.answer_errors import make_error, range_phrases
    from survey_app.catalogue import answer_message

    error = make_error("q", AnswerCode.OUT_OF_RANGE, **range_phrases(1, 10))
    assert answer_message(error, "vi") == "Giá trị phải từ 1 đến 10."
    assert answer_message(error, "en") == "The value must be between 1 and 10."
    long = make_error("q", AnswerCode.NUMBER_TOO_LONG, limit=15)
    assert answer_message(long, "vi") == "Số quá dài: tối đa 15 chữ số."


def test_every_list_reader_code_is_catalogued_and_raised() -> None:
    from survey_app.ingest.catalogue import ErrorCode as FileCode
    from survey_app.ingest.catalogue import ListWarningCode, ReasonCode, WarningCode

    source = _source("survey_app/ingest")
    for enum in (FileCode, ReasonCode, WarningCode, ListWarningCode):
        for code in enum:
            assert code.value in CATALOGUE, code
            assert f"{enum.__name__}.{code.name}" in source or f"Code.{code.name}" in source, (
                f"{code} is never raised"
            )


def test_one_wording_for_an_empty_file_and_for_a_file_too_large() -> None:
    """``empty_file`` was worded twice, the file size had three codes: one of each now."""
    assert "file_too_large" not in CATALOGUE
    sizes = [code for code in CATALOGUE if "too_large" in code]
    assert sizes == ["too_large"] or sorted(sizes) == ["request.too_large", "too_large"]


def test_a_damaged_file_is_explained_without_the_readers_english(app: Flask) -> None:
    from survey_app.ingest.catalogue import ErrorCode as FileCode
    from survey_app.ingest.catalogue import IngestError

    error = IngestError.of(FileCode.CORRUPT_FILE, kind="xlsx", detail="BadZipFile: not a zip")
    assert "BadZipFile" not in error.message_vi and "xlsx" in error.message_vi
