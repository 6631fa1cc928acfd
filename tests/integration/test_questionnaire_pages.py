"""The administrator's questionnaire pages: upload and check, preview storing nothing, publish
once, download, and give a campaign's group the version it answers."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from questionnaires import builtin_instruments
from questionnaires.xlsform import instrument_workbook, read_instrument
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import (
    Answer,
    AuditEvent,
    CampaignEvaluation,
    InstrumentUpload,
    Response,
)
from survey_app.persistence.models import Instrument as InstrumentRow
from tests import factories
from tests.conftest import login
from tests.support import answer_for

CODE = "par_province_department"


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def admin(app: Flask, session: Session) -> FlaskClient:
    factories.user(session, Role.ADMIN)
    factories.user(session, Role.ANALYST)
    session.commit()
    return login(app.test_client(), "tk-admin", factories.PASSWORD)


def _send(
    client: FlaskClient, data: bytes, name: str = "phieu.xlsx", follow_redirects: bool = False
) -> object:
    return client.post(
        "/admin/questionnaires",
        data={"file-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=follow_redirects,
    )


def _next_year() -> bytes:
    shipped = builtin_instruments()[CODE]
    return instrument_workbook(dataclasses.replace(shipped, version="2027.1"))


def test_a_workbook_with_problems_lists_them_by_cell_and_keeps_nothing(
    admin: FlaskClient, session: Session
) -> None:
    page = _send(admin, b"PK\x03\x04 not a workbook")
    assert page.status_code == 422  # type: ignore[attr-defined]
    html = page.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Các lỗi cần sửa (chưa lưu gì)" in html
    assert "Tệp không phải bảng tính Excel" in html
    assert _count(session, InstrumentUpload) == 0


def test_upload_preview_publish_and_give_to_a_group(admin: FlaskClient, session: Session) -> None:
    design = factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader")
    campaign = factories.campaign(session, name="Phiếu mới", design=design)
    session.commit()
    sent = _send(admin, _next_year())
    assert sent.status_code == 302, sent.get_data(as_text=True)[:400]  # type: ignore[attr-defined]
    checked = admin.get(sent.location)  # type: ignore[attr-defined]
    assert "Bảng tính hợp lệ" in checked.get_data(as_text=True)
    upload_id = int(re.search(r"/uploads/(\d+)", sent.location).group(1))  # type: ignore[union-attr, attr-defined]

    # the preview walks every page as a respondent would, and stores nothing
    instrument = read_instrument(_next_year())
    preview = f"/admin/questionnaires/uploads/{upload_id}/preview"
    html = admin.get(preview).get_data(as_text=True)
    pages = 0
    while "Hết phiếu" not in html:
        assert "Bản xem thử" in html
        page = int(re.search(r'name="page" value="(\d+)"', html).group(1))  # type: ignore[union-attr]
        state = re.search(r'name="preview_state" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
        shown = re.search(r'name="shown" value="([^"]*)"', html).group(1).split()  # type: ignore[union-attr]
        form: dict[str, object] = {
            "page": page,
            "preview_state": state.replace("&#34;", '"').replace("&quot;", '"'),
            "shown": " ".join(shown),
            "go": "next",
        }
        for qid in shown:
            value = answer_for(instrument.question(qid))
            form[qid] = list(value) if isinstance(value, tuple) else str(value)
        html = admin.post(preview, data=form).get_data(as_text=True)
        pages += 1
        assert pages <= len(instrument.sections) + 2
    assert pages >= len(instrument.sections) - 1
    assert _count(session, Response) == _count(session, Answer) == 0

    published = admin.post(f"/admin/questionnaires/uploads/{upload_id}/publish")
    assert published.status_code == 302
    listing = admin.get("/admin/questionnaires").get_data(as_text=True)
    assert "Đã phát hành phiếu par_province_department, phiên bản 2027.1." in listing
    assert _count(session, InstrumentUpload) == 0
    row = session.scalar(select(InstrumentRow).where(InstrumentRow.version == "2027.1"))
    assert row is not None and row.content_hash == instrument.content_hash
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.QUESTIONNAIRE_PUBLISHED)
    ).all()
    assert [e.details["version"] for e in events] == ["2027.1"]
    again = admin.post(f"/admin/questionnaires/uploads/{upload_id}/publish", follow_redirects=True)
    assert "không còn chờ phát hành" in again.get_data(as_text=True)
    assert _count(session, InstrumentRow) == 1

    # the same workbook sent again is recognised; other content under that version is refused
    resent = _send(admin, _next_year())
    assert resent.status_code == 302 and _count(session, InstrumentUpload) == 0  # type: ignore[attr-defined]
    shipped = builtin_instruments()[CODE]
    other = dataclasses.replace(shipped, version="2027.1", estimated_minutes=99)
    refused = _send(admin, instrument_workbook(other))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "số phiên bản mới" in refused.get_data(as_text=True)  # type: ignore[attr-defined]

    # download: the published version reads back to its content hash
    workbook = admin.get(f"/admin/questionnaires/{row.id}.xlsx")
    assert workbook.status_code == 200
    assert read_instrument(workbook.data).content_hash == row.content_hash
    tree = admin.get("/admin/questionnaires/files/province_2022.xlsx")
    assert tree.status_code == 200 and tree.data[:2] == b"PK"

    # give it to the department leaders of the campaign
    page = f"/admin/campaigns/{campaign.id}/questionnaires"
    assert "Phiếu của từng nhóm" in admin.get(page).get_data(as_text=True)
    given = admin.post(
        page,
        data={"group": "department_leader", "replacing": CODE, "instrument_id": row.id},
    )
    assert given.status_code == 302, given.get_data(as_text=True)[:600]
    session.expire_all()
    pinned = session.scalar(
        select(CampaignEvaluation.instrument_id).where(
            CampaignEvaluation.campaign_id == campaign.id,
            CampaignEvaluation.group_code == "department_leader",
        )
    )
    assert pinned == row.id
    wrong = admin.post(
        page, data={"group": "council_delegate", "replacing": CODE, "instrument_id": row.id}
    )
    assert wrong.status_code == 422


def test_only_administrators_reach_the_questionnaire_pages(app: Flask, admin: FlaskClient) -> None:
    analyst = login(app.test_client(), "tk-analyst", factories.PASSWORD)
    assert analyst.get("/admin/questionnaires").status_code == 403
    assert analyst.get(f"/admin/questionnaires/files/{CODE}.xlsx").status_code == 403
    assert admin.get("/admin/questionnaires/999999.xlsx").status_code == 404
    assert admin.get("/admin/questionnaires/files/nope.xlsx").status_code == 404


def test_a_criteria_tree_is_published_and_a_campaign_scores_against_it(
    admin: FlaskClient, session: Session
) -> None:
    from questionnaires import builtin_criteria_trees
    from questionnaires.model import LocalizedText
    from questionnaires.xlsform.trees import tree_workbook
    from survey_app.persistence.models import CriteriaTree as TreeRow
    from survey_app.services import instruments, results

    shipped_tree = builtin_criteria_trees()["province_2022"]
    title = LocalizedText("Bộ tiêu chí của tỉnh năm 2027", "Province criteria 2027")
    tree = dataclasses.replace(shipped_tree, code="tinh_2027", version="2027.1", title=title)
    sent = _send(admin, tree_workbook(tree), "tieu-chi-2027.xlsx")
    assert sent.status_code == 302, sent.get_data(as_text=True)[:400]  # type: ignore[attr-defined]
    page = admin.get(sent.location).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Bộ tiêu chí hợp lệ" in page and "Bộ tiêu chí của tỉnh năm 2027" in page
    upload_id = int(re.search(r"/uploads/(\d+)", sent.location).group(1))  # type: ignore[union-attr, attr-defined]
    done = admin.post(f"/admin/questionnaires/uploads/{upload_id}/publish", follow_redirects=True)
    assert "Đã phát hành bộ tiêu chí tinh_2027." in done.get_data(as_text=True)
    assert _count(session, TreeRow) == 1
    assert admin.get("/admin/questionnaires/files/tinh_2027.xlsx").status_code == 200
    other = dataclasses.replace(tree, version="2027.2")
    refused = _send(admin, tree_workbook(other))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "đặt mã mới" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    shipped_back = _send(admin, tree_workbook(shipped_tree))
    assert shipped_back.status_code == 302 and _count(session, TreeRow) == 1  # type: ignore[attr-defined]

    # a questionnaire scored on the new tree, and a campaign that uses it
    questionnaire = dataclasses.replace(
        builtin_instruments()[CODE], version="2027.1", criteria_tree="tinh_2027"
    )
    sent = _send(admin, instrument_workbook(questionnaire))
    assert sent.status_code == 302, sent.get_data(as_text=True)[:600]  # type: ignore[attr-defined]
    upload_id = int(re.search(r"/uploads/(\d+)", sent.location).group(1))  # type: ignore[union-attr, attr-defined]
    assert admin.post(f"/admin/questionnaires/uploads/{upload_id}/publish").status_code == 302
    design = factories.rating_own_unit(factories.dated("par_province_2023"), "department_leader")
    analysis = dataclasses.replace(design.settings.analysis, criteria_tree="tinh_2027")
    design = dataclasses.replace(
        design, settings=dataclasses.replace(design.settings, analysis=analysis)
    )
    campaign = factories.campaign(session, name="Bộ tiêu chí mới", design=design)
    units = factories.unit_tree(session, campaign, departments=["S01"])
    row = session.scalar(select(InstrumentRow).where(InstrumentRow.version == "2027.1"))
    assert row is not None
    instruments.give_version(session, campaign, "department_leader", row.id, None)
    person = factories.respondent(session, campaign, units["S01"], group="department_leader")
    factories.submitted_response(session, campaign, person)
    session.commit()
    computed = results.compute(session, campaign)
    assert computed.tree.code == "tinh_2027"
    assert computed.survey is not None
    assert set(computed.survey.fields["unit_code"]) == {"S01"}


def test_an_edited_shipped_questionnaire_needs_a_new_version(
    admin: FlaskClient, session: Session
) -> None:
    shipped = builtin_instruments()[CODE]
    edited = dataclasses.replace(shipped, estimated_minutes=shipped.estimated_minutes + 5)
    refused = _send(admin, instrument_workbook(edited))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "số phiên bản mới" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    same = _send(admin, instrument_workbook(shipped), follow_redirects=True)
    assert "không cần phát hành" in same.get_data(as_text=True)  # type: ignore[attr-defined]
    assert _count(session, InstrumentUpload) == 0
