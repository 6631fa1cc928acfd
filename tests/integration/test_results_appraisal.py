"""Appraisal import: a template, row errors reported by row, nothing half-imported."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.demo import appraisal as demo_appraisal
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import AppraisalPoint, AuditEvent, Campaign
from survey_app.services import appraisal, results
from tests import factories
from tests.conftest import login

HEADER = "Mã đơn vị,Mã tiêu chí thành phần,Điểm thẩm định,Không áp dụng\n"


@pytest.fixture
def book(session: Session) -> int:
    """A campaign of its own (tests/factories.py): the province, departments S01 and S02."""
    built = factories.campaign(session)
    factories.unit_tree(session, built, departments=("S01", "S02"))
    factories.user(session, Role.ANALYST, username="phan-tich")
    session.commit()
    return built.id


@pytest.fixture
def analyst(app: Flask, book: int) -> FlaskClient:
    return login(app.test_client(), "phan-tich", factories.PASSWORD)


def _upload(client: FlaskClient, campaign_id: int, body: str, name: str = "diem.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/results/campaigns/{campaign_id}/appraisal",
        data={"file": (io.BytesIO(body.encode()), name)},
        content_type="multipart/form-data",
    )


def _count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AppraisalPoint)) or 0


def test_template_lists_units_and_appraisal_criteria(analyst: FlaskClient, book: int) -> None:
    response = analyst.get(f"/results/campaigns/{book}/appraisal/template")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == appraisal.HEADERS
    assert any(r[:3] == ("S02", "Sở thử nghiệm S02", "1.1.1") for r in rows[1:])
    assert not any(r[2] == "1.8.1" for r in rows[1:]), "survey criteria are not appraised"
    csv_text = analyst.get(f"/results/campaigns/{book}/appraisal/template?format=csv")
    assert csv_text.get_data().startswith(b"\xef\xbb\xbf")


def test_good_file_is_stored_and_audited(analyst: FlaskClient, session: Session, book: int) -> None:
    body = HEADER + 'S02,1.1.1,"0,5",\nS02,1.2,0.25,\nS02,2.2,,x\n'  # decimal comma, N/A
    response = _upload(analyst, book, body)
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert _count(session) == 3
    points = {
        p.sub_criterion: (p.points, p.not_applicable)
        for p in session.scalars(select(AppraisalPoint))
    }
    assert points == {"1.1.1": (0.5, False), "1.2": (0.25, False), "2.2": (None, True)}
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.APPRAISAL_IMPORTED)
    )
    again = _upload(analyst, book, HEADER + "S02,1.2,0.5,\n")
    assert again.status_code == 200 and _count(session) == 3


def test_bad_rows_are_reported_and_nothing_is_written(
    analyst: FlaskClient, session: Session, book: int
) -> None:
    body = HEADER + (
        "S02,1.1.1,0.5,\n"  # row 2: fine
        "XX99,1.1.1,0.5,\n"  # row 3: unknown unit
        "S02,9.9.9,0.5,\n"  # row 4: unknown criterion
        "S02,1.1.2,7,\n"  # row 5: above the maximum (1.5)
        "S02,1.8.1,0.5,\n"  # row 6: survey criterion
        "S02,1.2,abc,\n"  # row 7: not a number
        "S02,1.1.1,0.25,\n"
    )  # row 8: repeated
    response = _upload(analyst, book, body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for row, message in (
        (3, "Không có đơn vị mã này"),
        (4, "Không có tiêu chí thành phần"),
        (5, "vượt quá điểm tối đa"),
        (6, "chấm bằng điều tra"),
        (7, "không phải là số"),
        (8, "Trùng đơn vị"),
    ):
        assert f'data-label="Dòng">{row}</td><td data-label="Lỗi">' in page
        assert message in page
    assert "Có 6 dòng lỗi" in page
    assert _count(session) == 0


def test_unreadable_file_is_refused(analyst: FlaskClient, session: Session, book: int) -> None:
    assert _upload(analyst, book, "no,header,here\n1,2,3\n").status_code == 422
    assert _upload(analyst, book, "\x00\x01", name="diem.xlsx").status_code == 422
    assert _count(session) == 0


def test_xlsx_upload_round_trip(analyst: FlaskClient, session: Session, book: int) -> None:
    campaign = session.get(Campaign, book)
    assert campaign is not None
    rows = appraisal.template_rows(session, campaign)[:5]
    for row in rows:
        row[5] = row[4]
    data = appraisal.template_xlsx(rows)
    response = analyst.post(
        f"/results/campaigns/{book}/appraisal",
        data={"file": (io.BytesIO(data), "diem.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert _count(session) == 5


def test_demo_appraisal_points_give_every_indexed_unit_an_index(
    session: Session, demo: int
) -> None:
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    stored = demo_appraisal.seed(session, campaign, np.random.default_rng(7))
    units = appraisal.indexed_units(session, campaign)
    assert stored > 50 * len(units)
    ranking = results.compute(session, campaign).ranking
    assert set(ranking["unit_code"]) == {u.code for u in units}
    assert ranking["index_pct"].between(60, 100).all()
    assert ranking["index_pct"].nunique() > len(units) // 2
