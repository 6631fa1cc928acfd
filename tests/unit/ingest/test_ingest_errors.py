"""Bad files are refused with a typed IngestError and a stable code."""

from __future__ import annotations

import io
import zipfile

import pytest
from ingest_samples import CITIZEN_HEADER, citizen_rows, csv_text, xlsx_bytes

from survey_app.ingest import ErrorCode, IngestError, read_table
from survey_app.ingest.catalogue import render
from survey_app.ingest.readers import shutil as readers_shutil

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def _code(filename: str, data: bytes, **limits: int) -> ErrorCode:
    with pytest.raises(IngestError) as caught:
        read_table(filename, data, **limits)
    error = caught.value
    assert error.message_vi and error.message_en and error.message_vi != error.message_en
    return error.code


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_ingest_empty_file(data: bytes) -> None:
    assert _code("list.csv", data) is ErrorCode.EMPTY_FILE


def test_ingest_corrupt_files() -> None:
    good = xlsx_bytes(CITIZEN_HEADER, citizen_rows(3))
    assert _code("list.xlsx", good[: len(good) // 2]) is ErrorCode.CORRUPT_FILE
    assert _code("list.xlsx", bytes(range(256)) * 8) is ErrorCode.CORRUPT_FILE


def test_ingest_too_large_is_checked_before_parsing() -> None:
    data = b"\x00garbage" * (10 * 1024 * 1024 // 8 + 1)
    assert _code("list.xlsx", data) is ErrorCode.TOO_LARGE
    small = csv_text(CITIZEN_HEADER, citizen_rows(30), ",").encode()
    assert _code("list.csv", small, max_bytes=1000) is ErrorCode.TOO_LARGE


def test_ingest_zip_bomb_refused_by_uncompressed_size() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (3 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 50_000
    assert _code("bomb.xlsx", data, max_uncompressed=1024 * 1024) is ErrorCode.TOO_LARGE


def test_ingest_wrong_type_png_renamed_xlsx() -> None:
    assert _code("list.xlsx", PNG) is ErrorCode.UNSUPPORTED_TYPE
    assert _code("list.pdf", b"%PDF-1.7\n...") is ErrorCode.UNSUPPORTED_TYPE


def test_ingest_zip_that_is_not_an_office_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _code("list.xlsx", buffer.getvalue()) is ErrorCode.UNSUPPORTED_TYPE


def test_ingest_no_header() -> None:
    rows = [["a", "b", "c"], [1, 2, 3]] * 15
    data = xlsx_bytes(["x", "y", "z"], rows)
    assert _code("list.xlsx", data) is ErrorCode.NO_HEADER
    assert _code("list.csv", b"1,2,3\n4,5,6\n") is ErrorCode.NO_HEADER


def _long_csv(count: int) -> bytes:
    lines = ["STT,Họ và tên,Số điện thoại"]
    lines += [f"{i},Người {i},09{i:08d}" for i in range(1, count + 1)]
    return "\n".join(lines).encode()


def test_ingest_row_limit_is_inclusive() -> None:
    assert len(read_table("ok.csv", _long_csv(100_000)).rows) == 100_000
    assert _code("big.csv", _long_csv(100_001)) is ErrorCode.TOO_MANY_ROWS
    assert _code("small.csv", _long_csv(11), max_rows=10) is ErrorCode.TOO_MANY_ROWS


def _encrypted_xlsx() -> bytes:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        pytest.skip("msoffcrypto-tool is not installed to encrypt a workbook")
    plain = io.BytesIO(xlsx_bytes(CITIZEN_HEADER, citizen_rows(3)))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("mật-khẩu", encrypted)
    return encrypted.getvalue()


def test_ingest_password_protected_workbook() -> None:
    data = _encrypted_xlsx()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    assert _code("secret.xlsx", data) is ErrorCode.PASSWORD_PROTECTED


def test_ingest_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers_shutil, "which", lambda name: None)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le")
    assert _code("old.doc", header + bytes(1000)) is ErrorCode.DOC_NEEDS_LIBREOFFICE


def test_ingest_every_error_code_has_both_messages() -> None:
    for code in ErrorCode:  # from the application's one catalogue
        assert render(code).vi and render(code).en
