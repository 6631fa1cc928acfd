"""Setting up a campaign's design: from a template or an edited file, in the browser and with
``survey-app campaign``; an invalid design creates or changes nothing and lists every problem
by its path, in Vietnamese and English."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import designs
from survey_app.cli import main
from survey_app.persistence.models import Campaign, CampaignEvaluation, CampaignGroup
from survey_app.services import designs as designs_service
from tests.conftest import csrf


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(main, list(args))
    return result.exit_code, result.output


def _campaigns(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Campaign)) or 0


def test_cli_lists_templates_creates_exports_and_imports_the_same_design(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    code, out = _cli(app, "campaign", "templates")
    assert code == 0 and all(t in out for t in designs.template_codes())
    code, out = _cli(
        app,
        "campaign",
        "create",
        "--template",
        "internal_index_2025",
        "--year",
        "2026",
        "--name",
        "Chỉ số các sở và xã 2026",
    )
    assert code == 0, out
    first = session.scalars(select(Campaign)).one()
    code, exported = _cli(app, "campaign", "export-design", str(first.id))
    assert code == 0 and "each_of_level" in exported
    edited = exported.replace("quota: 2", "quota: 3")
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    code, out = _cli(
        app,
        "campaign",
        "create",
        "--design",
        str(tmp_path / "edited.yaml"),
        "--year",
        "2026",
        "--name",
        "Bản sửa",
    )
    assert code == 0, out
    second = session.scalars(select(Campaign).where(Campaign.name == "Bản sửa")).one()
    assert designs_service.design_of(second).group("commune_office_leader").selection.quota == 3
    code, again = _cli(app, "campaign", "export-design", str(second.id))
    assert again == edited
    rows = session.scalar(
        select(func.count())
        .select_from(CampaignEvaluation)
        .where(CampaignEvaluation.campaign_id == second.id)
    )
    assert rows == 5


def test_cli_refuses_an_invalid_design_with_every_problem_and_creates_nothing(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    text = designs.template_text("par_province_2025")
    text = text.replace("sample_size: 30", "sample_size: 0").replace(
        "submitted_by: subunit", "submitted_by: huyen"
    )
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    code, out = _cli(
        app,
        "campaign",
        "create",
        "--design",
        str(tmp_path / "bad.yaml"),
        "--year",
        "2026",
        "--name",
        "Hỏng",
    )
    assert code != 0
    assert "groups[4].selection.sample_size" in out and "groups[1].submitted_by" in out
    assert "Phải nằm trong khoảng" in out and "Must be between" in out  # both languages
    assert _campaigns(session) == 0


def _admin(as_role) -> FlaskClient:  # type: ignore[no-untyped-def]
    return as_role("admin")


def test_admin_creates_a_campaign_from_a_template_and_edits_its_design_in_the_browser(
    session: Session, demo: int, as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(as_role)
    page = admin.get("/admin/campaigns/new")
    assert page.status_code == 200 and "par_province_2025" in page.get_data(as_text=True)
    answer = admin.post(
        "/admin/campaigns/new",
        data={
            "csrf_token": csrf(admin, "/admin/campaigns/new"),
            "template": "par_province_2025",
            "year": "2026",
            "name": "Khảo sát tỉnh 2026",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    created = session.scalars(select(Campaign).where(Campaign.name == "Khảo sát tỉnh 2026")).one()
    url = f"/admin/campaigns/{created.id}/design"
    html = admin.get(url).get_data(as_text=True)
    assert "Lãnh đạo phòng chuyên môn cấp xã" in html and "Ai đánh giá ai" in html
    text = admin.get(f"{url}.yaml").get_data(as_text=True)
    assert designs.load_yaml(text) == designs_service.design_of(created)

    broken = text.replace("rates: province", "rates: sideways", 1)
    refused = admin.post(url, data={"csrf_token": csrf(admin, url), "text": broken})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "evaluations[0].rates" in body and "chưa lưu gì" in body
    session.expire_all()
    assert designs_service.design_of(created).evaluations[0].rates.value == "province"

    fewer = text.replace("sample_size: 30", "sample_size: 25")
    saved = admin.post(url, data={"csrf_token": csrf(admin, url), "text": fewer})
    assert saved.status_code == 302
    session.expire_all()
    assert designs_service.design_of(created).group("citizen").selection.sample_size == 25


def test_a_design_file_can_be_sent_instead_of_typed(session: Session, demo: int, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(as_role)
    text = designs.template_text("sipas_2025").encode()
    answer = admin.post(
        "/admin/campaigns/new",
        data={
            "csrf_token": csrf(admin, "/admin/campaigns/new"),
            "design_file": (io.BytesIO(text), "sipas.yaml"),
            "year": "2026",
            "name": "SIPAS 2026",
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    created = session.scalars(select(Campaign).where(Campaign.name == "SIPAS 2026")).one()
    groups = session.scalars(
        select(CampaignGroup.code).where(CampaignGroup.campaign_id == created.id)
    ).all()
    assert groups == ["citizen"]
    bad = admin.post(
        "/admin/campaigns/new",
        data={
            "csrf_token": csrf(admin, "/admin/campaigns/new"),
            "design_file": (io.BytesIO(b"name: [oops"), "x.yaml"),
            "year": "2026",
            "name": "Không hợp lệ",
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "YAML" in bad.get_data(as_text=True)
    assert not session.scalars(select(Campaign).where(Campaign.name == "Không hợp lệ")).all()


def test_design_pages_are_for_administrators_only(demo: int, as_role) -> None:  # type: ignore[no-untyped-def]
    for username in ("sotuphap", "buudien", "phantich"):
        client = as_role(username)
        assert client.get(f"/admin/campaigns/{demo}/design").status_code == 403
        assert client.get(f"/admin/campaigns/{demo}/design.yaml").status_code == 403
        assert client.get("/admin/campaigns/new").status_code == 403
    admin = _admin(as_role)
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    no_token = admin.post(f"/admin/campaigns/{demo}/design", data={"text": "name: x"})
    assert no_token.status_code == 400


def test_an_administrator_chooses_the_campaign_to_work_on_and_it_is_remembered(
    app: Flask, session: Session, demo: int, as_role
) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    other = designs_service.create_campaign(
        session,
        factories.dated("par_province_2025"),
        year=2026,
        name="Khảo sát tỉnh sau sắp xếp",
        actor=None,
    )
    session.commit()
    admin = _admin(as_role)
    assert "Khảo sát tỉnh sau sắp xếp" not in admin.get("/sampling/").get_data(as_text=True)
    chosen = admin.get(f"/sampling/?campaign={other.id}").get_data(as_text=True)
    assert "Khảo sát tỉnh sau sắp xếp" in chosen and "Lãnh đạo UBND cấp xã" in chosen
    assert "Khảo sát tỉnh sau sắp xếp" in admin.get("/lists/board").get_data(as_text=True)
    assert "Khảo sát tỉnh sau sắp xếp" in admin.get("/fieldwork/").get_data(as_text=True)
    back = admin.get(f"/lists/board?campaign={demo}").get_data(as_text=True)
    assert "Khảo sát tỉnh sau sắp xếp" not in back
    assert admin.get("/sampling/?campaign=99999").status_code == 200  # unknown: the current one


def test_a_unit_officer_sees_their_lists_in_every_open_campaign(
    app: Flask, session: Session, demo: int, as_role
) -> None:  # type: ignore[no-untyped-def]
    from survey_app.persistence.enums import CampaignStatus
    from survey_app.services import registry
    from tests import factories

    other = designs_service.create_campaign(
        session,
        factories.dated("sipas_2025"),
        year=2026,
        name="SIPAS cùng lúc",
        actor=None,
        status=CampaignStatus.OPEN,
    )
    text = (
        "code,name,level,parent_code,procedure_fields\n"
        "T,Tỉnh,province,,\nS02,Xã Hai,commune,T,Hộ tịch\n"
    )
    registry.import_units(session, other, "u.csv", text.encode(), None)
    session.commit()
    page = as_role("sotuphap").get("/lists/").get_data(as_text=True)
    assert "SIPAS cùng lúc" in page and "Người dân, tổ chức" in page
    assert "Lãnh đạo sở, ban, ngành" in page  # and the demo campaign's list of Sở Tư pháp
