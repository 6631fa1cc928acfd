"""The self-assessment pages: the administrator opens, the officer scores with evidence and
submits, the appraiser appraises in two rounds, the council approves, the chair publishes;
bad input is refused with a Vietnamese message and nothing saved; other units see nothing."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.assessment import UnitStage
from survey_app.persistence.enums import AssessmentStatus, Role
from survey_app.persistence.models import (
    AppraisalPoint,
    Assessment,
    AssessmentScore,
    EvidenceFile,
    ScoreChange,
    UnitAssessment,
    User,
)
from tests import factories
from tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def campaign_id(session: Session) -> int:
    built = factories.campaign(session)
    factories.unit_tree(session, built, departments=("S01", "S02"))
    factories.user(session, Role.ADMIN, username="qt")
    factories.user(session, Role.UNIT_OFFICER, username="cb-s01", unit_code="S01")
    factories.user(session, Role.UNIT_OFFICER, username="cb-s02", unit_code="S02")
    factories.user(session, Role.APPRAISER, username="td")
    factories.user(session, Role.ANALYST, username="pt")
    session.commit()
    return built.id


def _client(app: Flask, name: str) -> FlaskClient:
    return login(app.test_client(), name, factories.PASSWORD)


def _open(app: Flask, campaign_id: int) -> FlaskClient:
    admin = _client(app, "qt")
    page = admin.get(f"/assessment?campaign={campaign_id}").get_data(as_text=True)
    levels = re.findall(r'name="due-([a-z_]+)"', page)
    assert levels, page[:2000]
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = admin.post(
        f"/assessment/open?campaign={campaign_id}",
        data={f"due-{lv}": due for lv in levels}
        | {
            "explain_from": (dt.date.today() + dt.timedelta(days=11)).isoformat(),
            "explain_until": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
            "document_number": "125/KH-SNV",
        },
    )
    assert response.status_code == 302
    return admin


def _report_id(session: Session, code: str) -> int:
    session.expire_all()
    return next(r.id for r in session.scalars(select(UnitAssessment)) if r.unit.code == code)


def _scores(session: Session, report_id: int) -> list[AssessmentScore]:
    session.expire_all()
    return list(
        session.scalars(
            select(AssessmentScore)
            .where(AssessmentScore.unit_assessment_id == report_id)
            .order_by(AssessmentScore.position)
        )
    )


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def test_the_whole_round_in_the_pages(app: Flask, session: Session, campaign_id: int) -> None:
    admin = _open(app, campaign_id)
    board = admin.get(f"/assessment?campaign={campaign_id}").get_data(as_text=True)
    assert "Sở thử nghiệm S01" in board and "Chưa bắt đầu" in board
    report = _report_id(session, "S01")
    officer = _client(app, "cb-s01")
    assert "Sở thử nghiệm S01" in officer.get("/assessment/mine").get_data(as_text=True)
    assert "hạn" in officer.get("/").get_data(as_text=True)
    lines = _scores(session, report)
    form = {"action": "save"}
    for leaf in lines:
        form |= {
            f"p-{leaf.sub_criterion}": _points(leaf.max_points),
            f"e-{leaf.sub_criterion}": "Có kế hoạch số 12/KH",
            f"v-{leaf.sub_criterion}": str(leaf.version),
        }
    assert officer.post(f"/assessment/reports/{report}/self", data=form).status_code == 302
    upload = officer.post(
        f"/assessment/reports/{report}/evidence",
        data={"code": lines[0].sub_criterion, "file": (io.BytesIO(PDF), "Quyết định số 5.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    page = officer.get(f"/assessment/reports/{report}").get_data(as_text=True)
    assert "Quyết định số 5.pdf" in page
    submitted = officer.post(f"/assessment/reports/{report}/self", data={"action": "submit"})
    assert submitted.status_code == 302
    pdf = officer.get(f"/assessment/reports/{report}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    td = session.scalar(select(User).where(User.username == "td"))
    assert td is not None
    admin.post(
        f"/assessment/appraisers?campaign={campaign_id}",
        data={"appraiser": td.id, "report": report, "field": ""},
    )
    appraiser = _client(app, "td")
    assert "Sở thử nghiệm S01" in appraiser.get("/assessment/mine").get_data(as_text=True)
    lines = _scores(session, report)
    first = lines[0].sub_criterion
    form = {"action": "finish"}
    for leaf in lines:
        form |= {
            f"p-{leaf.sub_criterion}": _points(leaf.max_points),
            f"c-{leaf.sub_criterion}": "",
            f"v-{leaf.sub_criterion}": str(leaf.version),
        }
    form[f"p-{first}"] = "0"
    form[f"r-{first}"] = "Đề nghị bổ sung quyết định ban hành kế hoạch"
    assert appraiser.post(f"/assessment/reports/{report}/appraisal", data=form).status_code == 302
    page = officer.get(f"/assessment/reports/{report}").get_data(as_text=True)
    assert "Đề nghị bổ sung quyết định" in page
    request_id = re.search(r'name="a-(\d+)"', page)
    assert request_id
    sent = officer.post(
        f"/assessment/reports/{report}/explanations",
        data={f"a-{request_id.group(1)}": "Đã bổ sung quyết định số 7", "action": "send"},
    )
    assert sent.status_code == 302
    lines = _scores(session, report)
    second = {
        "action": "finish",
        f"p-{first}": _points(lines[0].max_points),
        f"c-{first}": "Đã đủ",
        f"v-{first}": str(lines[0].version),
    }
    assert appraiser.post(f"/assessment/reports/{report}/appraisal", data=second).status_code == 302
    session.expire_all()
    assert session.get(UnitAssessment, report).stage is UnitStage.APPRAISED  # type: ignore[union-attr]

    council = admin.get(f"/assessment/council?campaign={campaign_id}").get_data(as_text=True)
    assert "Sở thử nghiệm S01" in council and "Phê duyệt" in council
    workbook = admin.get(f"/assessment/council.xlsx?campaign={campaign_id}")
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert "Điểm theo lĩnh vực" in book.sheetnames
    approved = admin.post(
        f"/assessment/approve?campaign={campaign_id}", data={"decision": "Biên bản số 1"}
    )
    assert approved.status_code == 302
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AppraisalPoint)) == session.scalar(
        select(func.count()).select_from(AssessmentScore)
    )
    admin.post(f"/assessment/publish?campaign={campaign_id}")
    session.expire_all()
    found = session.scalar(select(Assessment))
    assert found is not None and found.status is AssessmentStatus.PUBLISHED


def test_a_bad_score_is_explained_in_vietnamese_and_nothing_saved(
    app: Flask, session: Session, campaign_id: int
) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    officer = _client(app, "cb-s01")
    first, second = _scores(session, report)[:2]
    response = officer.post(
        f"/assessment/reports/{report}/self",
        data={
            "action": "save",
            f"p-{first.sub_criterion}": "0",
            f"v-{first.sub_criterion}": str(first.version),
            f"p-{second.sub_criterion}": "99",
            f"v-{second.sub_criterion}": str(second.version),
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Điểm của tiêu chí {second.sub_criterion} phải từ 0 đến" in text
    assert 'value="99"' in text, "what was typed stays in the form"
    assert all(s.self_points is None for s in _scores(session, report))
    assert session.scalar(select(func.count()).select_from(ScoreChange)) == 0


def test_a_file_that_is_not_a_document_is_refused(
    app: Flask, session: Session, campaign_id: int
) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    officer = _client(app, "cb-s01")
    leaf = _scores(session, report)[0]
    response = officer.post(
        f"/assessment/reports/{report}/evidence",
        data={"code": leaf.sub_criterion, "file": (io.BytesIO(b"MZ\x90\x00exe"), "bao-cao.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Chỉ nhận tài liệu PDF, Word, Excel" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_other_units_and_roles_see_nothing(app: Flask, session: Session, campaign_id: int) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    other = _client(app, "cb-s02")
    assert other.get(f"/assessment/reports/{report}").status_code == 404
    assert (
        other.post(f"/assessment/reports/{report}/self", data={"action": "submit"}).status_code
        == 404
    )
    assert _client(app, "td").get(f"/assessment/reports/{report}").status_code == 404
    assert _client(app, "pt").get(f"/assessment/reports/{report}").status_code == 403
    assert _client(app, "cb-s01").get(f"/assessment?campaign={campaign_id}").status_code == 403


def test_a_refused_submission_keeps_the_draft_just_saved(
    app: Flask, session: Session, campaign_id: int
) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    officer = _client(app, "cb-s01")
    first = _scores(session, report)[0]
    seen = first.version
    response = officer.post(
        f"/assessment/reports/{report}/self",
        data={
            "action": "submit",
            f"p-{first.sub_criterion}": "0",
            f"e-{first.sub_criterion}": "Có báo cáo",
            f"v-{first.sub_criterion}": str(first.version),
        },
    )
    assert response.status_code == 422
    assert "Chưa gửi được" in response.get_data(as_text=True)
    kept = _scores(session, report)[0]
    assert kept.self_points == 0 and kept.version == seen + 1
    again = officer.post(
        f"/assessment/reports/{report}/self",
        data={
            "action": "save",
            f"p-{first.sub_criterion}": "0",
            f"e-{first.sub_criterion}": "Có báo cáo số 2",
            f"v-{first.sub_criterion}": str(kept.version),
        },
    )
    assert again.status_code == 302, "the page's versions are the ones kept: no false conflict"


@pytest.mark.parametrize("version", ["99999999999999999999", "-1", "abc", ""])
def test_garbled_versions_are_no_server_error(
    app: Flask, session: Session, campaign_id: int, version: str
) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    leaf = _scores(session, report)[0]
    response = _client(app, "cb-s01").post(
        f"/assessment/reports/{report}/self",
        data={"action": "save", f"p-{leaf.sub_criterion}": "0", f"v-{leaf.sub_criterion}": version},
    )
    assert response.status_code < 500
    assert _scores(session, report)[0].self_points is None


def test_evidence_keeps_the_extension_of_what_it_is(
    app: Flask, session: Session, campaign_id: int
) -> None:
    _open(app, campaign_id)
    report = _report_id(session, "S01")
    leaf = _scores(session, report)[0]
    officer = _client(app, "cb-s01")
    officer.post(
        f"/assessment/reports/{report}/evidence",
        data={"code": leaf.sub_criterion, "file": (io.BytesIO(PDF), "trang.html")},
        content_type="multipart/form-data",
    )
    kept = session.scalar(select(EvidenceFile))
    assert kept is not None and kept.filename == "trang.html.pdf"
    download = officer.get(f"/assessment/evidence/{kept.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert _client(app, "cb-s02").get(f"/assessment/evidence/{kept.id}").status_code == 404


def test_the_back_link_of_a_bulk_assignment_stays_on_the_site(
    app: Flask, session: Session, campaign_id: int
) -> None:
    admin = _open(app, campaign_id)
    response = admin.post(
        f"/assessment/appraisers?campaign={campaign_id}",
        data={"back": "https://evil.example/x"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
