"""Exports: they open, carry no personal data, neutralise formulas and record provenance; the
workbook reads in Vietnamese (English in the English interface) with codes under the headings,
while CSV keeps the machine column names."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import AuditEvent, Campaign, ExportRecord, Unit
from survey_app.services import designs, results
from survey_app.services.exports import neutralise
from tests.integration.results_fixtures import (
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_PHONE,
    results_campaign,
    seed_results,
    staff,
)

EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def results_id(session: Session) -> int:
    """A campaign built by the factories (the demo's contents change no number here)."""
    return results_campaign(session)


@pytest.fixture
def seeded(session: Session, results_id: int) -> int:
    unit = session.scalar(select(Unit).where(Unit.code == "S03"))
    assert unit is not None
    unit.name = EVIL
    seed_results(session, results_id)
    return results_id


@pytest.fixture
def analyst(app: Flask, results_id: int) -> FlaskClient:
    return staff(app, Role.ANALYST)


def _get(client: FlaskClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data()


def _all_exports(client: FlaskClient, campaign_id: int) -> dict[str, bytes]:
    base = f"/results/campaigns/{campaign_id}"
    files = {
        "xlsx": _get(client, f"{base}/export.xlsx"),
        "microdata.csv": _get(client, f"{base}/microdata.csv"),
        "microdata.sav": _get(client, f"{base}/microdata.sav"),
    }
    for kind in ("scores", "ranking", "sipas", "estimates", "questions"):
        files[f"{kind}.csv"] = _get(client, f"{base}/export/{kind}.csv")
    return files


def _text_of(name: str, data: bytes) -> str:
    if name == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def test_no_export_contains_personal_data(analyst: FlaskClient, seeded: int) -> None:
    for name, data in _all_exports(analyst, seeded).items():
        text = _text_of(name, data)
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL):
            assert secret not in text, (name, secret)
        assert "Người thứ" not in text, name


def test_workbook_opens_with_sheets_charts_and_vietnamese_formats(
    analyst: FlaskClient, seeded: int
) -> None:
    data = _get(analyst, f"/results/campaigns/{seeded}/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Thông tin", "Điểm số", "Xếp hạng", "SIPAS", "Ước lượng", "Câu hỏi"]
    ranking = book["Xếp hạng"]
    codes = [c.value for c in ranking[2]]
    index_cell = ranking.cell(row=3, column=codes.index("index_pct") + 1)
    assert index_cell.number_format == "[$-42A]0.00%"
    assert 0 < index_cell.value <= 1
    rank_cell = ranking.cell(row=3, column=codes.index("rank") + 1)
    assert rank_cell.value == 1 and rank_cell.number_format == "[$-42A]#,##0"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(n.startswith("xl/charts/chart") for n in archive.namelist()) == 2


def test_formula_injection_is_neutralised(analyst: FlaskClient, seeded: int) -> None:
    csv_text = _get(analyst, f"/results/campaigns/{seeded}/export/ranking.csv").decode("utf-8")
    assert "'" + EVIL.replace('"', '""') in csv_text
    assert "\n=" not in csv_text and ",=" not in csv_text
    book = openpyxl.load_workbook(
        io.BytesIO(_get(analyst, f"/results/campaigns/{seeded}/export.xlsx"))
    )
    names = [row[1] for row in book["Xếp hạng"].iter_rows(min_row=3, values_only=True)]
    assert "'" + EVIL in names and EVIL not in names
    beside = _table(book["Ước lượng"])[2]
    shown = {row["domain_name"] for row in beside if row["domain"] == "S03"}
    assert shown == {"'" + EVIL}, "a unit's name beside its code is neutralised too"
    assert neutralise("-1") == "'-1" and neutralise("\tx") == "'\tx" and neutralise(-1) == -1
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("Sở Y tế") == "Sở Y tế"


def _table(sheet: object) -> tuple[list[object], list[object], list[dict[object, object]]]:
    """A sheet's headings (row 1), codes (row 2) and rows below as dicts by code."""
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    headings, codes = list(rows[0]), list(rows[1])
    return headings, codes, [dict(zip(codes, row, strict=True)) for row in rows[2:]]


def _csv_header(client: FlaskClient, campaign_id: int, kind: str) -> list[str]:
    data = _get(client, f"/results/campaigns/{campaign_id}/export/{kind}.csv")
    return data.decode("utf-8-sig").splitlines()[0].split(",")


def _workbook(client: FlaskClient, campaign_id: int) -> openpyxl.Workbook:
    data = _get(client, f"/results/campaigns/{campaign_id}/export.xlsx")
    return openpyxl.load_workbook(io.BytesIO(data))


def _english(client: FlaskClient) -> FlaskClient:
    with client.session_transaction() as browser:
        browser["locale"] = "en"
    return client


def test_workbook_headings_are_vietnamese_over_the_codes_csv_keeps(
    analyst: FlaskClient, seeded: int
) -> None:
    book = _workbook(analyst, seeded)
    headings, codes, rows = _table(book["Xếp hạng"])
    named = dict(zip(codes, headings, strict=True))
    assert named["unit_code"] == "Mã đơn vị" and named["unit_name"] == "Tên đơn vị"
    assert named["peer_group_name"] == "Nhóm so sánh" and named["rank"] == "Thứ hạng"
    assert named["index_pct"] == "Chỉ số (%)" and named["max_points"] == "Điểm tối đa"
    for kind, title in [("scores", "Điểm số"), ("ranking", "Xếp hạng"), ("estimates", "Ước lượng")]:
        csv_codes = _csv_header(analyst, seeded, kind)
        sheet_codes = _table(book[title])[1]
        assert [c for c in sheet_codes if c in csv_codes] == csv_codes, kind
        assert not set(csv_codes) & set(_table(book[title])[0]), "no code left as a heading"
    assert _csv_header(analyst, seeded, "ranking")[:4] == [
        "unit_code",
        "unit_name",
        "peer_group",
        "points",
    ]
    headings, codes, _ = _table(book["Ước lượng"])
    estimates = dict(zip(codes, headings, strict=True))
    assert estimates["se"] == "Sai số chuẩn" and estimates["small_cell"] == "Ô mẫu nhỏ"
    assert estimates["ci_low"] == "Khoảng tin cậy dưới"
    assert estimates["ci_high"] == "Khoảng tin cậy trên"
    assert estimates["deff"] == "Hiệu ứng thiết kế" and estimates["n_eff"] == "Cỡ mẫu hiệu dụng"
    sheet = book["Xếp hạng"]
    assert sheet.freeze_panes == "C3", "both header rows and the unit's code and name stay"
    assert sheet.cell(row=1, column=1).alignment.wrap_text
    assert sheet.cell(row=2, column=1).font.sz < sheet.cell(row=1, column=1).font.sz
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    assert rows[0]["peer_group"] == "department" and rows[0]["peer_group_name"] == "Sở, ban, ngành"


def test_workbook_says_co_khong_and_names_fields_and_groups_beside_codes(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    tree = results.compute(session, campaign).tree
    titles = {f.code: f.title.vi for f in tree.fields}
    book = _workbook(analyst, seeded)
    _, _, ranking = _table(book["Xếp hạng"])
    assert {row["has_survey"] for row in ranking} == {"Có"}
    _, _, estimates = _table(book["Ước lượng"])
    assert {row["small_cell"] for row in estimates} == {"Có", "Không"}
    assert all(row["field_title"] == titles[row["field"]] for row in estimates)
    groups = {row["domain"]: row["domain_name"] for row in estimates if row["level"] == "group"}
    design = designs.design_of(campaign)
    assert groups and all(name == design.group(code).name.vi for code, name in groups.items())
    assert groups["department_leader"] == "Lãnh đạo sở, ban, ngành"
    units = {row["domain"]: row["domain_name"] for row in estimates if row["level"] == "unit"}
    assert units["S01"] == "Sở thử nghiệm S01"
    headings, codes, _ = _table(book["Điểm số"])
    field = dict(zip(codes, headings, strict=True))["field_1_index_pct"]
    assert field == f"Lĩnh vực 1. {titles['1']}: chỉ số (%)"
    headings, codes, sipas = _table(book["SIPAS"])
    assert dict(zip(codes, headings, strict=True))["element_access_pct"] == "Tiếp cận dịch vụ (%)"
    assert {row["level_name"] for row in sipas if row["level"] == "commune"} == {
        design.level("commune").name.vi
    }


def test_information_sheet_has_one_setting_per_row(analyst: FlaskClient, seeded: int) -> None:
    sheet = _workbook(analyst, seeded)["Thông tin"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_key = {row[2]: row for row in rows}
    assert by_key["campaign.name"][:2] == ("Tên đợt khảo sát", "Kết quả thử nghiệm")
    assert by_key["responses"][1] == "47"
    assert by_key["estimation.finite_population"][:2] == ("Hiệu chỉnh tổng thể hữu hạn", "Có")
    assert by_key["estimation.finite_population"][3] == "true"
    assert by_key["estimation.small_cell_n"][1] == "10"
    assert by_key["estimation.confidence"][1] == "95\u00a0%"
    assert by_key["quality.speed_fraction"][1] == "0,3333", "a decimal comma"
    assert by_key["sipas.aggregation"][1] == "Trung bình các yếu tố"
    assert by_key["national_bands"][1] == "A ≥ 90; B ≥ 80; C ≥ 70; D ≥ 0"
    assert by_key["unranked_levels"][1] == "Đơn vị thuộc sở (subunit)"
    assert "province_2022" in by_key["criteria_tree"][1] and by_key["criteria_tree"][3] == (
        "province_2022"
    )
    assert len(by_key["data_hash"][1]) == 64
    assert all(row[0] and row[0] != row[2] for row in rows), "every setting has a name"
    assert not any(str(row[1]).startswith("{") for row in rows), "no JSON in the values"
    assert sheet.freeze_panes == "B3"


def test_english_interface_gets_an_english_workbook_and_labels(
    analyst: FlaskClient, session: Session, seeded: int, tmp_path: Path
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    computed = results.compute(session, campaign)
    book = _workbook(_english(analyst), seeded)
    assert book.sheetnames[2] == "Ranking"
    headings, codes, ranking = _table(book["Ranking"])
    named = dict(zip(codes, headings, strict=True))
    assert named["unit_code"] == "Unit code" and named["points"] == "Score"
    assert named["max_points"] == "Maximum score"
    assert {row["has_survey"] for row in ranking} == {"Yes"}
    assert {row["peer_group_name"] for row in ranking} == {"Department"}
    estimates = _table(book.worksheets[4])[2]
    assert {row["small_cell"] for row in estimates} == {"Yes", "No"}
    titles = {f.code: f.title.en for f in computed.tree.fields}
    assert all(row["field_title"] == titles[row["field"]] for row in estimates)
    groups = {row["domain"]: row["domain_name"] for row in estimates if row["level"] == "group"}
    assert groups["department_leader"] == "Department leaders"
    info = {row[2]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert info["estimation.finite_population"] == "Yes"
    assert info["quality.speed_fraction"] == "0.3333"
    questions = _table(book.worksheets[5])[2]
    first = next(row for row in questions if row["question_id"] == "par.f1.q1")
    question = next(
        q
        for q in computed.data.instruments["par_province_department"].questions
        if q.id == "par.f1.q1"
    )
    assert first["question"] == question.text.en != question.text.vi
    assert _csv_header(analyst, seeded, "ranking")[0] == "unit_code", "CSV keeps the codes"
    path = tmp_path / "en.sav"
    path.write_bytes(_get(analyst, f"/results/campaigns/{seeded}/microdata.sav"))
    _, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["par_f1_q1"] == question.text.en
    assert meta.variable_value_labels["par_f1_q1"][1.0] == question.options[0].label.en


def test_workbook_of_a_campaign_without_responses_has_headings_only(
    analyst: FlaskClient, results_id: int
) -> None:
    book = _workbook(analyst, results_id)
    headings, codes, rows = _table(book["Ước lượng"])
    assert rows == [] and codes[:4] == ["level", "level_name", "domain", "domain_name"]
    assert headings[0] == "Mã cấp"
    info = {row[2]: row[1] for row in book["Thông tin"].iter_rows(min_row=3, values_only=True)}
    assert info["responses"] == "0"


def test_csv_has_a_byte_order_mark(analyst: FlaskClient, seeded: int) -> None:
    for kind in ("scores", "sipas"):
        data = _get(analyst, f"/results/campaigns/{seeded}/export/{kind}.csv")
        assert data.startswith(b"\xef\xbb\xbf")
    assert _get(analyst, f"/results/campaigns/{seeded}/microdata.csv").startswith(b"\xef\xbb\xbf")


def test_microdata_has_design_columns_days_and_value_labels(
    analyst: FlaskClient, seeded: int, tmp_path: Path
) -> None:
    path = tmp_path / "m.sav"
    path.write_bytes(_get(analyst, f"/results/campaigns/{seeded}/microdata.sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 47
    for column in ("weight", "stratum", "unit_code", "rated_unit", "response_date"):
        assert column in frame.columns
    assert frame["response_date"].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert meta.variable_value_labels["par_f1_q1"][1.0] == "Tốt"
    assert meta.variable_value_labels["sipas_access_sat"][5.0]
    assert not any("comment" in c or "expect_other" in c for c in frame.columns)


def test_each_export_is_recorded_and_audited(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    _all_exports(analyst, seeded)
    session.expire_all()
    records = list(session.scalars(select(ExportRecord)))
    assert sorted(r.kind for r in records) == sorted(
        [
            "xlsx",
            "microdata:csv",
            "microdata:sav",
            "csv:scores",
            "csv:ranking",
            "csv:sipas",
            "csv:estimates",
            "csv:questions",
        ]
    )
    for record in records:
        assert len(record.data_hash) == 64 and record.created_by_id is not None
        assert record.settings["settings"]["type"] == "AnalysisSettings"
        assert record.settings["responses"] == 47
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT))
    assert len(list(events)) == len(records)


def test_same_data_gives_the_same_hash(analyst: FlaskClient, session: Session, seeded: int) -> None:
    url = f"/results/campaigns/{seeded}/microdata.csv"
    _get(analyst, url)
    _get(analyst, url)
    session.expire_all()
    hashes = {r.data_hash for r in session.scalars(select(ExportRecord))}
    assert len(hashes) == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_the_workbook(analyst: FlaskClient, seeded: int) -> None:
    data = _get(analyst, f"/results/campaigns/{seeded}/export.xlsx")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ket-qua.xlsx"
        source.write_bytes(data)
        done = subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        pdf = Path(folder) / "ket-qua.pdf"
        assert done.returncode == 0, done.stderr
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
