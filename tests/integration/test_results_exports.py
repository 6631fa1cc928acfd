"""Exports: they open, carry no personal data, neutralise formulas and record provenance."""

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
from survey_app.persistence.models import AuditEvent, ExportRecord, Unit
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
    header = [c.value for c in ranking[1]]
    index_cell = ranking.cell(row=2, column=header.index("index_pct") + 1)
    assert index_cell.number_format == "[$-42A]0.00%"
    assert 0 < index_cell.value <= 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(n.startswith("xl/charts/chart") for n in archive.namelist()) == 2


def test_formula_injection_is_neutralised(analyst: FlaskClient, seeded: int) -> None:
    csv_text = _get(analyst, f"/results/campaigns/{seeded}/export/ranking.csv").decode("utf-8")
    assert "'" + EVIL.replace('"', '""') in csv_text
    assert "\n=" not in csv_text and ",=" not in csv_text
    book = openpyxl.load_workbook(
        io.BytesIO(_get(analyst, f"/results/campaigns/{seeded}/export.xlsx"))
    )
    names = [row[1] for row in book["Xếp hạng"].iter_rows(min_row=2, values_only=True)]
    assert "'" + EVIL in names and EVIL not in names
    assert neutralise("-1") == "'-1" and neutralise("\tx") == "'\tx" and neutralise(-1) == -1
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("Sở Y tế") == "Sở Y tế"


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
