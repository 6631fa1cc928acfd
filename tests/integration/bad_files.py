"""Hostile and malformed list files, generated in code (no binaries in git).

Each builder returns the bytes of one file; ``CASES`` names them with the upload name and
whether a careful reader may accept the file (``True``: readable, with data rows) or must
refuse it with a message (``False``). The integration test posts every one.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl

HEADER = ["STT", "Họ và tên", "Địa chỉ", "Số điện thoại", "Lĩnh vực", "Ngày nhận kết quả"]
ROW = [1, "Nguyễn Văn An", "Thôn Đông, xã An Bình", "0912345678", "Hộ tịch", "12/03/2021"]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.replace("&lol0;", "&lol;")
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@dataclass(frozen=True)
class Case:
    """One hostile file: the name it is uploaded under, its bytes, whether it may be read."""

    name: str
    build: Callable[[], bytes]
    readable: bool = False


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


_XLSX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def raw_xlsx(
    sheet_data: str,
    *,
    prolog: str = '<?xml version="1.0"?>',
    dimension: str = "",
    shared: str | None = None,
) -> bytes:
    """A minimal .xlsx around ``sheet_data`` (the inside of <sheetData>)."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": _XLSX_TYPES,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _BOOK,
        "xl/_rels/workbook.xml.rels": _BOOK_RELS,
        "xl/worksheets/sheet1.xml": f"{prolog}<worksheet {_SHEET_NS}>{dimension}<sheetData>"
        f"{sheet_data}</sheetData></worksheet>",
    }
    if shared is not None:
        members["xl/sharedStrings.xml"] = shared
    return _zip(members)


def _inline_row(number: int, values: list[object]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def _list_rows(count: int = 3) -> str:
    rows = [_inline_row(1, HEADER)]
    rows += [
        _inline_row(i + 2, [i + 1, f"Nguyễn Văn {chr(65 + i)}"] + ROW[2:]) for i in range(count)
    ]
    return "".join(rows)


def xlsx_list(count: int = 3) -> bytes:
    """A readable list written by openpyxl."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(count):
        sheet.append([i + 1, f"Trần Thị {chr(65 + i)}"] + ROW[2:])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _far_cell(with_list: bool) -> bytes:
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return raw_xlsx((_list_rows() if with_list else "") + far)


def _columns_20000() -> bytes:
    cells = "".join(f'<c r="{_letters(i)}1"><v>{i}</v></c>' for i in range(1, 20_001))
    return raw_xlsx(f'<row r="1">{cells}</row>')


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _shared_strings_bomb() -> bytes:
    shared = (
        f'<?xml version="1.0"?><sst {_SHEET_NS} count="1" uniqueCount="1"><si><t>'
        f"{'Nguyễn ' * 4000}</t></si></sst>"
    )
    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{_letters(c)}{r}" t="s"><v>0</v></c>' for c in range(1, 21))
        + "</row>"
        for r in range(1, 5001)
    )
    return raw_xlsx(rows, shared=shared)


def _zip_bomb(kind: str) -> bytes:
    filler = b" " * (40 * 1024 * 1024)
    if kind == "xlsx":
        return _zip(
            {
                "[Content_Types].xml": _XLSX_TYPES,
                "xl/workbook.xml": _BOOK,
                "xl/worksheets/sheet1.xml": filler,
            }
        )
    if kind == "docx":
        return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": filler})
    return _zip({"mimetype": ODS_MIME, "content.xml": filler})


ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def raw_ods(rows: str, prolog: str = '<?xml version="1.0"?>') -> bytes:
    """A minimal .ods with one table of ``rows`` (table:table-row elements)."""
    content = (
        f"{prolog}<office:document-content {_ODS_NS}><office:body><office:spreadsheet>"
        f'<table:table table:name="DS">{rows}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    return _zip({"mimetype": ODS_MIME, "content.xml": content})


def _ods_cells(values: list[str]) -> str:
    return (
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        + "</table:table-row>"
    )


def _ods_list(extra_cell: str = "") -> str:
    rows = _ods_cells(HEADER)
    for i in range(3):
        rows += _ods_cells(
            [str(i + 1), f"Lê Văn {chr(65 + i)}", "Thôn Đông", "0912345678", "Hộ tịch"]
        )[: -len("</table:table-row>")]
        rows += extra_cell + "</table:table-row>"
    return rows


def _ods_spaces() -> bytes:
    spaces = '<text:s text:c="400000000"/>'
    cell = (
        f'<table:table-cell office:value-type="string"><text:p>a{spaces}b</text:p>'
        "</table:table-cell>"
    )
    return raw_ods(_ods_list(cell * 10))


def _ods_date_without_value() -> bytes:
    return raw_ods(
        _ods_list(
            '<table:table-cell office:value-type="date"><text:p>12/03/2021'
            "</text:p></table:table-cell>"
        )
    )


def _ods_repeated_rows() -> bytes:
    row = _ods_cells([str(n) for n in range(1, 7)]).replace(
        "<table:table-row>", '<table:table-row table:number-rows-repeated="1000">'
    )
    return raw_ods(_ods_cells(HEADER) + row * 600)


def _docx(document: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Override PartName="/word/document.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
        "/></Types>"
    )
    rels = _RELS.replace("xl/workbook.xml", "word/document.xml")
    return _zip({"[Content_Types].xml": types, "_rels/.rels": rels, "word/document.xml": document})


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_entities(prolog: str, entity: str) -> bytes:
    return _docx(
        f"{prolog}<w:document {_W}><w:body><w:p><w:r><w:t>{entity}</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_list())).encrypt("mật-khẩu", encrypted)
    return encrypted.getvalue()


def _garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "\n".join(lines).encode(encoding)


_CSV_HEADER = ",".join(HEADER)
_CSV_ROW = ",".join(str(v) for v in ROW)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


CASES: tuple[Case, ...] = (
    Case("far_cell_only.xlsx", lambda: _far_cell(False)),
    Case("far_cell_with_list.xlsx", lambda: _far_cell(True), readable=True),
    Case(
        "dimension_lies.xlsx",
        lambda: raw_xlsx(_list_rows(), dimension='<dimension ref="A1:XFD1048576"/>'),
        readable=True,
    ),
    Case("columns_20000.xlsx", _columns_20000),
    Case("shared_strings_bomb.xlsx", _shared_strings_bomb),
    Case("zip_bomb.xlsx", lambda: _zip_bomb("xlsx")),
    Case("zip_bomb.docx", lambda: _zip_bomb("docx")),
    Case("zip_bomb.ods", lambda: _zip_bomb("ods")),
    Case("truncated.xlsx", lambda: _truncated(xlsx_list(50))),
    Case("truncated.ods", lambda: _truncated(raw_ods(_ods_list()))),
    Case("truncated.docx", lambda: _truncated(_docx_entities("", "x"))),
    Case("billion_laughs.xlsx", lambda: raw_xlsx(_inline_row(1, ["&lol9;"]), prolog=LAUGHS)),
    Case(
        "billion_laughs_shared.xlsx",
        lambda: raw_xlsx(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            shared=f"{LAUGHS}<sst {_SHEET_NS}><si><t>&lol9;</t></si></sst>",
        ),
    ),
    Case("billion_laughs.ods", lambda: raw_ods(_ods_cells(["&lol9;"]), prolog=LAUGHS)),
    Case("billion_laughs.docx", lambda: _docx_entities(LAUGHS, "&lol9;")),
    Case("external_entity.xlsx", lambda: raw_xlsx(_inline_row(1, ["&xxe;"]), prolog=XXE)),
    Case("external_entity.ods", lambda: raw_ods(_ods_cells(["&xxe;"]), prolog=XXE)),
    Case("external_entity.docx", lambda: _docx_entities(XXE, "&xxe;")),
    Case("text_s_400M.ods", _ods_spaces, readable=True),
    Case("date_without_value.ods", _ods_date_without_value, readable=True),
    Case("rows_repeated.ods", _ods_repeated_rows),
    Case("bad_xml.xlsx", lambda: raw_xlsx("<row r='1'><c r=\"A1\"><v>1</v></row>")),
    Case("password.xlsx", _encrypted_xlsx),
    Case("random_ole.xls", lambda: OLE + _garbage(4000, 1) + "Workbook".encode("utf-16-le")),
    Case("short_ole.xls", lambda: OLE + b"\x00" * 100 + "Workbook".encode("utf-16-le")),
    Case("random_ole.doc", lambda: OLE + _garbage(4000, 2) + "WordDocument".encode("utf-16-le")),
    Case("png.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + _garbage(500, 3)),
    Case("pdf.csv", lambda: b"%PDF-1.7\n" + _garbage(500, 4)),
    Case("html.xls", lambda: b"<html><table><tr><td>H\xe1\xbb\x8d t\xc3\xaan</td></tr></table>"),
    Case("csv_named.xlsx", lambda: _csv([_CSV_HEADER, _CSV_ROW]), readable=True),
    Case("zero_bytes.csv", lambda: b""),
    Case("only_bom.csv", lambda: b"\xef\xbb\xbf"),
    Case("only_newlines.csv", lambda: b"\r\n\r\n \t\r\n"),
    Case("garbage.xlsx", lambda: _garbage(20_000, 5)),
    Case("garbage.csv", lambda: _garbage(20_000, 6)),
    Case("nul_bytes.csv", lambda: _csv([_CSV_HEADER, _CSV_ROW.replace("An", "A\x00n")])),
    Case(
        "mixed_encodings.csv",
        lambda: (
            _CSV_HEADER.encode()
            + b"\n"
            + _CSV_ROW.encode("cp1258", errors="replace")
            + b"\n"
            + _CSV_ROW.encode()
        ),
    ),
    Case("cell_over_csv_limit.csv", lambda: _csv([_CSV_HEADER, _CSV_ROW + "," + "x" * 140_000])),
    Case("unclosed_quote.csv", lambda: _csv([_CSV_HEADER, '1,"Nguyễn Văn An' + ",a" * 80_000])),
    Case(
        "rows_200000.csv",
        lambda: _csv(["STT,Họ và tên"] + [f"{i},Người {i}" for i in range(1, 200_001)]),
    ),
    Case(
        "one_column.csv",
        lambda: _csv(["Họ và tên", "Nguyễn Văn An", "Trần Thị Bình"]),
        readable=True,
    ),
    Case("blank_rows_only.csv", lambda: _csv([_CSV_HEADER] + [",,,,,"] * 500)),
    Case("header_only.csv", lambda: _csv([_CSV_HEADER])),
    Case("header_only.xlsx", lambda: xlsx_list(0)),
    Case("header_only.ods", lambda: raw_ods(_ods_cells(HEADER))),
    Case(
        "formulas.xlsx",
        lambda: raw_xlsx(
            _inline_row(1, HEADER) + '<row r="2"><c r="A2"><f>1+1'
            '</f></c><c r="B2"><f>CONCAT("A","B")</f></c></row>'
        ),
    ),
    Case("huge_line.csv", lambda: b"a," * 2_000_000),
    Case("no_table.docx", lambda: _docx_entities("", "Danh sách")),
)
