"""Sampling runs on the demo campaign: reproducible, never duplicated, verified, replaced."""

from __future__ import annotations

import io
import json

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey_app.cli import main
from survey_app.persistence.enums import RespondentStatus, SampleRole
from survey_app.persistence.models import Campaign, Invitation, Respondent, Response, Unit
from survey_app.services import draws, sample_plan


def _design(session: Session, campaign_id: int) -> set[tuple[int, str, int, float]]:
    return {
        (r.list_row_id, r.sample_role.value, r.reserve_rank or 0, round(r.weight, 9))
        for r in session.scalars(select(Respondent).where(Respondent.campaign_id == campaign_id))
    }


def test_same_seed_same_list_and_no_duplicates(session: Session, full_demo: int) -> None:
    campaign = session.get(Campaign, full_demo)
    session.execute(delete(Invitation))
    before = _design(session, full_demo)
    draws.run(session, campaign, 20261123, None)
    assert _design(session, full_demo) == before
    assert session.scalar(select(func.count()).select_from(Respondent)) == len(before)
    draws.run(session, campaign, 7, None)
    assert _design(session, full_demo) != before


def test_commune_weights_sum_to_eligible_count(session: Session, full_demo: int) -> None:
    campaign = session.get(Campaign, full_demo)
    frames = sample_plan.build_frames(session, campaign, sample_plan.campaign_plan(campaign))
    eligible = frames.stratified("citizen").groupby("unit_code").size()
    rows = session.execute(
        select(Unit.code, func.sum(Respondent.weight))
        .join(Unit, Respondent.unit_id == Unit.id)
        .where(Respondent.group == "citizen", Respondent.sample_role == SampleRole.SAMPLE)
        .group_by(Unit.code)
    ).all()
    assert rows
    for code, total in rows:
        assert abs(total - eligible[code]) < 1e-6


def test_verify_matches_then_detects_a_changed_frame(session: Session, full_demo: int) -> None:
    campaign = session.get(Campaign, full_demo)
    run = draws.latest_run(session, campaign)
    assert draws.verify(session, campaign, run).matches
    row = session.scalar(select(Respondent).where(Respondent.group == "citizen"))
    from survey_app.persistence.models import ListRow

    session.get(ListRow, row.list_row_id).field = "Lĩnh vực khác"
    session.flush()
    assert not draws.verify(session, campaign, run).frame_hash_matches


def test_rerun_refused_once_invitations_exist(session: Session, full_demo: int) -> None:
    import pytest

    from survey_app.errors import ServiceError

    with pytest.raises(ServiceError):
        draws.run(session, session.get(Campaign, full_demo), 1, None)


def test_replacement_takes_the_next_reserve_and_keeps_weights(
    session: Session, full_demo: int
) -> None:
    person = session.scalar(
        select(Respondent).where(
            Respondent.group == "citizen",
            Respondent.status == RespondentStatus.ACTIVE,
        )
    )
    total = session.scalar(
        select(func.sum(Respondent.weight)).where(
            Respondent.unit_id == person.unit_id, Respondent.status == RespondentStatus.ACTIVE
        )
    )
    chosen = draws.replace(session, person, "Không liên lạc được", None)
    assert chosen.sample_role is SampleRole.RESERVE and chosen.replaces_id == person.id
    assert person.status is RespondentStatus.REPLACED
    after = session.scalar(
        select(func.sum(Respondent.weight)).where(
            Respondent.unit_id == person.unit_id, Respondent.status == RespondentStatus.ACTIVE
        )
    )
    assert abs(after - total) < 1e-9


def test_admin_pages_and_ministry_export(app: Flask, full_demo: int, as_role) -> None:
    admin = as_role("admin")
    page = admin.get("/sampling/").get_data(as_text=True)
    assert "Các đơn vị được chọn theo nhóm phát triển và lý do" in page
    assert "Đại diện cho nhóm" in page
    book = load_workbook(io.BytesIO(admin.get("/sampling/export.xlsx").data))
    assert "Người dân, tổ chức" in book.sheetnames  # one sheet per group, by its design name
    assert book["Người dân, tổ chức"]["C1"].value == "Họ và tên"
    assert as_role("phantich").get("/sampling/export.xlsx").status_code == 403
    verify = admin.post("/sampling/verify", follow_redirects=True).get_data(as_text=True)
    assert "cho đúng danh sách đã lưu" in verify


def test_cli_sample_verify(app: Flask, full_demo: int) -> None:
    result = app.test_cli_runner().invoke(main, ["sample", "--seed", "1", "--verify"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matches"] is True


def test_verify_undoes_replacements_and_catches_a_changed_weight(
    session: Session, full_demo: int
) -> None:
    """The library's verify_citizen_draw: a reserve replacement still matches the redraw, a
    weight edited in the database does not (the old check compared who, never weights)."""
    campaign = session.get(Campaign, full_demo)
    run = draws.latest_run(session, campaign)
    sampled = session.scalars(
        select(Respondent).where(
            Respondent.group == "citizen",
            Respondent.status == RespondentStatus.ACTIVE,
            Respondent.sample_role == SampleRole.SAMPLE,
        )
    ).all()
    answered = set(
        session.scalars(
            select(Invitation.respondent_id).join(Response, Response.invitation_id == Invitation.id)
        )
    )
    person = next(p for p in sampled if p.id not in answered)  # a replaceable one
    draws.replace(session, person, "Không liên lạc được", None)
    session.flush()
    assert draws.verify(session, campaign, run).matches
    other = next(p for p in sampled if p.id != person.id)
    other.weight += 0.5
    session.flush()
    result = draws.verify(session, campaign, run)
    assert not result.matches and result.differences == 1 and result.frame_hash_matches
