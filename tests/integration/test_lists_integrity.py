"""Nothing acknowledged is lost or changed: uploads after sampling, concurrent uploads, names."""

from __future__ import annotations

import io
import threading
import zipfile

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.errors import ServiceError
from survey_app.persistence.models import Campaign, SamplingRun, UnitList
from survey_app.services import lists, registry, sample_plan
from tests.integration.bad_files import xlsx_list
from tests.integration.test_lists import campaign  # noqa: F401 - the fixture


def _upload(
    session: Session,
    campaign: Campaign,
    data: bytes,  # noqa: F811
    name: str = "ds.xlsx",
) -> lists.UploadResult:
    unit = registry.unit_by_code(session, campaign, "AB")
    return lists.upload(session, campaign, unit, "citizen", name, data, None)


def test_upload_after_sampling_is_kept_but_not_used(session: Session, campaign: Campaign) -> None:  # noqa: F811
    first = _upload(session, campaign, xlsx_list(4))
    session.add(
        SamplingRun(campaign_id=campaign.id, seed=1, library_version="t", frame_hash="0" * 64)
    )
    session.flush()
    late = _upload(session, campaign, xlsx_list(6))
    assert late.new_version and late.after_sampling
    assert not late.unit_list.is_current and late.unit_list.after_sampling
    current = lists.current_list(session, first.unit_list.unit, "citizen")
    assert current is not None and current.id == first.unit_list.id
    frame_ids = set(
        sample_plan.build_frames(session, campaign, sample_plan.campaign_plan(campaign)).rows
    )
    assert frame_ids == {r.id for r in first.unit_list.rows if r.status.value == "eligible"}
    board = {r.unit.code: r for r in lists.board(session, campaign) if r.group == "citizen"}
    assert board["AB"].pending is not None and board["AB"].pending.id == late.unit_list.id
    lists.decide_after_sampling(session, late.unit_list, lists.Decision.ACCEPTED, None)
    assert late.unit_list.is_current and not lists.is_pending(late.unit_list)
    try:
        lists.decide_after_sampling(session, late.unit_list, lists.Decision.NOT_USED, None)
    except ServiceError as error:
        assert error.code == "list_not_pending"
    else:
        raise AssertionError("a decided version was decided again")


def test_header_only_file_does_not_replace_the_list(session: Session, campaign: Campaign) -> None:  # noqa: F811
    first = _upload(session, campaign, xlsx_list(4))
    try:
        _upload(session, campaign, xlsx_list(0))
    except ServiceError as error:
        assert error.code == "empty_file"
    else:
        raise AssertionError("a header-only file was accepted")
    assert [u.id for u in session.scalars(select(UnitList).where(UnitList.is_current))] == [
        first.unit_list.id
    ]


def test_file_names_are_safe_when_stored_and_zipped(session: Session, campaign: Campaign) -> None:  # noqa: F811
    result = _upload(session, campaign, xlsx_list(4), name="../../etc/\x1bcron\\x.xlsx")
    assert result.unit_list.filename == "x.xlsx"
    result.unit_list.filename = "../../../evil/\x01a.xlsx"  # a row stored before the fix
    session.flush()
    archive = zipfile.ZipFile(io.BytesIO(lists.all_lists_zip(session, campaign, None)))
    for name in archive.namelist():
        assert "/" not in name and "\\" not in name and ".." not in name and "\x01" not in name


def test_concurrent_uploads_never_fail_with_a_server_error(app: Flask, campaign: Campaign) -> None:  # noqa: F811
    factory = app.extensions["session_factory"]
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def send(count: int) -> None:
        with factory() as session:
            camp = session.get(Campaign, campaign.id)
            assert camp is not None
            barrier.wait()
            try:
                _upload(session, camp, xlsx_list(count))
                session.commit()
                outcomes.append("stored")
            except ServiceError as error:
                session.rollback()
                outcomes.append(error.code)
            except Exception as exc:  # noqa: BLE001 - what the test is about
                outcomes.append(f"crash {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=send, args=(n,)) for n in (3, 4, 5, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(outcomes) == sorted(
        o for o in outcomes if o in ("stored", "list_upload_conflict")
    ), outcomes
    with factory() as session:
        versions = session.scalars(select(UnitList.version).order_by(UnitList.version)).all()
        current = session.scalars(select(UnitList).where(UnitList.is_current)).all()
    assert versions == list(range(1, outcomes.count("stored") + 1))
    assert len(current) == 1 and outcomes.count("stored") >= 1
