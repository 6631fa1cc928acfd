"""The demo's 2025 internal index comes with its self-assessment under way (SQLite and
PostgreSQL): units at every stage, evidence files on disk under their hashes, the appraiser
assigned, the demo logins working, and a second load seeding nothing.

The 2025 province takes most of a minute to load, so each backend loads it once: the first
test keeps the database (and the evidence folder) and the others get a copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.assessment import LeafState, ScoreChangeKind, UnitStage, missing_for_submission
from survey_app.demo import assessment as demo_assessment
from survey_app.demo import describe, ensure_demo
from survey_app.demo.load import DEMO_ACCOUNTS, demo_password
from survey_app.demo.two_tier import ASSESSED, CAMPAIGNS, ensure_two_tier
from survey_app.persistence.enums import AssessmentStatus, EvidenceKind, Role
from survey_app.persistence.models import (
    Assessment,
    AssessmentScore,
    Campaign,
    EvidenceFile,
    ExplanationRequest,
    ScoreChange,
    UnitAssessment,
    User,
)
from survey_app.services import assessment, assessment_appraisal, evidence
from tests.conftest import _pg_dump, _pg_restore, _truncate_all, csrf, login

_KEPT: dict[str, tuple[Path, dict[str, bytes] | None]] = {}
"""Per backend: a folder with the loaded evidence (and the SQLite file), the PostgreSQL COPY
data of every table."""


@dataclass(frozen=True)
class Loaded:
    internal: Campaign
    ministry: Campaign
    round: Assessment
    root: Path


def _root(app: Flask) -> Path:
    root: Path = app.config["SETTINGS"].evidence_root
    return root


@pytest.fixture
def loaded(
    app: Flask,
    session: Session,
    db_url: str,
    demo: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Loaded:
    """The demo (registry and accounts) and the 2025 province with its two campaigns."""
    root = _root(app)
    sqlite = db_url.startswith("sqlite")
    backend = "sqlite" if sqlite else "postgresql"
    if backend not in _KEPT:
        ensure_two_tier(session, evidence_root=root)
        session.commit()
        keep = tmp_path_factory.mktemp(f"two-tier-{backend}")
        shutil.copytree(root, keep / "evidence")
        if sqlite:
            shutil.copy(db_url.removeprefix("sqlite:///"), keep / "demo.db")
        _KEPT[backend] = (keep, None if sqlite else _pg_dump(app))
    else:
        keep, data = _KEPT[backend]
        session.close()
        if data is None:
            app.extensions["engine"].dispose()
            shutil.copy(keep / "demo.db", db_url.removeprefix("sqlite:///"))
        else:
            _truncate_all(db_url)
            _pg_restore(app, data)
        shutil.copytree(keep / "evidence", root, dirs_exist_ok=True)
    by_template = {}
    for template, name, _share in CAMPAIGNS:
        by_template[template] = session.scalars(select(Campaign).where(Campaign.name == name)).one()
    internal = by_template[ASSESSED]
    ministry = next(c for t, c in by_template.items() if t != ASSESSED)
    found = assessment.of_campaign(session, internal)
    assert found is not None, "the internal index has no self-assessment"
    return Loaded(internal, ministry, found, root)


def _board(session: Session, loaded: Loaded) -> list[assessment.BoardRow]:
    return assessment.board(session, loaded.round, assessment.vietnam_today())


def test_the_internal_index_has_a_round_at_every_stage(session: Session, loaded: Loaded) -> None:
    rnd = loaded.round
    assert rnd.status is AssessmentStatus.OPEN
    assert rnd.document_number == "125/KH-SNV"
    assert rnd.explain_from is not None and rnd.explain_until is not None
    today = assessment.vietnam_today()
    assert rnd.explain_from - today in (dt.timedelta(days=17), dt.timedelta(days=18))
    assert rnd.explain_until - rnd.explain_from == dt.timedelta(days=7)
    due = assessment.deadlines(session, rnd)
    assert due == {
        "department": rnd.explain_from - dt.timedelta(days=7),
        "commune": rnd.explain_from - dt.timedelta(days=2),
    }

    rows = _board(session, loaded)
    assert {r.stage for r in rows} == set(UnitStage), "the board shows every stage"
    agencies = Counter(r.stage for r in rows if r.level == "department")
    communes = Counter(r.stage for r in rows if r.level == "commune")
    assert sum(agencies.values()) == 14 and sum(communes.values()) == 105
    assert agencies[UnitStage.DRAFT] == 1
    assert agencies[UnitStage.EXPLANATION_REQUESTED] == 2
    assert agencies[UnitStage.EXPLAINED] == 1
    assert agencies[UnitStage.APPRAISED] == 10
    assert next(r for r in rows if r.unit_code == "S01").stage is UnitStage.DRAFT
    waiting = communes[UnitStage.SUBMITTED] + communes[UnitStage.IN_APPRAISAL]
    assert 30 <= communes[UnitStage.APPRAISED] <= 40 and 30 <= waiting <= 40
    assert communes[UnitStage.DRAFT] and communes[UnitStage.NOT_STARTED]
    assert not any(r.overdue or r.submitted_late for r in rows), "every deadline still holds"
    for row in rows:
        if row.stage.submitted:
            assert row.scored == row.leaves, f"{row.unit_code} submitted with empty lines"
        elif row.stage is UnitStage.DRAFT:
            assert 0 < row.scored < row.leaves, row.unit_code
        else:
            assert row.scored == 0, row.unit_code
        if row.stage is UnitStage.EXPLANATION_REQUESTED:
            assert 1 <= row.requests_open <= 2, row.unit_code
        else:
            assert row.requests_open == 0, row.unit_code
        reminded = row.stage in assessment.REMINDED_STAGES
        assert row.reminders == int(reminded), row.unit_code

    council = {r.unit_code: r for r in assessment_appraisal.council_rows(session, rnd)}
    appraised = [council[r.unit_code] for r in rows if r.stage is UnitStage.APPRAISED]
    assert sum(bool(r.disputed) for r in appraised) >= len(appraised) // 3, "disputed lines"
    for r in appraised:
        assert r.appraised_total <= r.max_points and r.self_total <= r.max_points
    explained = next(r for r in rows if r.stage is UnitStage.EXPLAINED)
    answers = session.execute(
        select(ExplanationRequest.answer, ExplanationRequest.answered_at)
        .join(AssessmentScore, AssessmentScore.id == ExplanationRequest.score_id)
        .where(AssessmentScore.unit_assessment_id == explained.id)
    ).all()
    assert answers and all(a and at for a, at in answers), "explanations sent"
    changes = Counter(
        session.scalars(
            select(ScoreChange.round)
            .join(AssessmentScore, AssessmentScore.id == ScoreChange.score_id)
            .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
            .where(
                UnitAssessment.assessment_id == rnd.id,
                ScoreChange.kind == ScoreChangeKind.APPRAISAL,
            )
        )
    )
    assert changes[1] and changes[2], "appraisals of both rounds are recorded"
    assert assessment_appraisal.appraisal_frame(session, rnd)["points"].notna().any()


def test_the_ministrys_campaign_is_left_for_the_administrator_to_open(
    session: Session, loaded: Loaded
) -> None:
    assert assessment.of_campaign(session, loaded.ministry) is None
    levels = assessment.levels_to_open(session, loaded.ministry)
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    today = assessment.vietnam_today()
    opened = assessment.open_assessment(
        session,
        loaded.ministry,
        assessment.OpenSpec({code: today for code, _n, _c in levels}, None, today),
        admin,
    )
    session.flush()
    assert {r.stage for r in assessment.board(session, opened, today)} == {UnitStage.NOT_STARTED}
    session.rollback()


def test_evidence_files_are_on_disk_under_their_hashes(session: Session, loaded: Loaded) -> None:
    rows = session.scalars(
        select(EvidenceFile)
        .join(AssessmentScore, AssessmentScore.id == EvidenceFile.score_id)
        .join(UnitAssessment, UnitAssessment.id == AssessmentScore.unit_assessment_id)
        .where(UnitAssessment.assessment_id == loaded.round.id)
    ).all()
    assert len(rows) >= 150
    assert {r.kind for r in rows} == {EvidenceKind.PDF}
    pypdf = pytest.importorskip("pypdf")
    titles = []
    for sha in sorted({r.sha256 for r in rows}):
        data = evidence.path_of(loaded.root, sha).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        assert data.startswith(b"%PDF-1.4")
        assert evidence.check(data, max_bytes=1_000_000).kind is EvidenceKind.PDF
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1
        assert "minh son" in reader.pages[0].extract_text().lower()
        assert reader.metadata is not None and reader.metadata.title
        titles.append(str(reader.metadata.title))
    assert any("Kế hoạch cải cách hành chính" in t for t in titles), "titles keep their marks"
    for row in rows:
        assert row.size == evidence.path_of(loaded.root, row.sha256).stat().st_size
        assert row.filename.endswith(".pdf") and row.uploaded_by_id is not None

    submitted = session.scalars(
        select(UnitAssessment).where(
            UnitAssessment.assessment_id == loaded.round.id,
            UnitAssessment.stage.not_in((UnitStage.NOT_STARTED, UnitStage.DRAFT)),
        )
    ).all()
    counts = Counter(r.score_id for r in rows)
    for report in submitted:
        scores = session.scalars(
            select(AssessmentScore).where(AssessmentScore.unit_assessment_id == report.id)
        ).all()
        states = [
            LeafState(s.sub_criterion, s.applicable, s.self_points, s.explanation, counts[s.id])
            for s in scores
        ]
        assert missing_for_submission(states) == []
        assert any(s.explanation for s in scores) and any(counts[s.id] for s in scores)


def test_the_appraiser_has_every_agency_and_half_the_communes(
    session: Session, loaded: Loaded
) -> None:
    appraiser = session.scalars(select(User).where(User.username == "thamdinh")).one()
    assert appraiser.role is Role.APPRAISER
    rows = _board(session, loaded)
    mine = {r.unit_code for r in rows if appraiser.full_name in r.appraisers}
    agencies = {r.unit_code for r in rows if r.level == "department"}
    communes = {r.unit_code for r in rows if r.level == "commune"}
    assert agencies <= mine
    assert len(mine & communes) in (len(communes) // 2, len(communes) // 2 + 1)
    reports = assessment.reports_of_user(session, appraiser)
    assert len(reports) == len(mine)
    officer = session.scalars(select(User).where(User.username == "sonoivu-2025")).one()
    own = assessment.reports_of_user(session, officer)
    assert [(r.unit.code, r.stage) for r, _c in own] == [("S01", UnitStage.DRAFT)]


def test_the_demo_logins_work_and_are_made_once(
    app: Flask, session: Session, loaded: Loaded
) -> None:
    for username, full_name, role, unit_code in DEMO_ACCOUNTS:
        user = session.scalars(select(User).where(User.username == username)).one()
        assert (user.full_name, user.role, user.unit_code) == (full_name, role, unit_code)
        login(app.test_client(), username)
    names = [u for u, *_ in DEMO_ACCOUNTS]
    assert {"thamdinh", "tinh-t91", "sonoivu-2025"} <= set(names)
    officer = session.scalars(select(User).where(User.username == "cb-s02-2025")).one()
    assert officer.unit_code == "S02"
    client = app.test_client()
    denied = client.post(
        "/login",
        data={
            "username": officer.username,
            "password": demo_password(officer.username),
            "csrf_token": csrf(client),
        },
    )
    assert denied.status_code != 302, "a unit's own account is not a demo login"

    info = ensure_demo(session, Path(app.instance_path), fieldwork=False)
    session.commit()
    counts = dict(
        session.execute(
            select(User.username, func.count())
            .where(User.username.in_(names))
            .group_by(User.username)
        ).all()
    )
    assert counts == dict.fromkeys(names, 1)
    printed = describe(info, "http://127.0.0.1:5000")
    for name in ("Thành viên tổ thẩm định", "Cán bộ đơn vị", "Quản trị đợt khảo sát"):
        assert name in printed
    for username, full_name, _role, _unit in DEMO_ACCOUNTS:
        line = next(x for x in printed.splitlines() if x.split()[:1] == [username])
        assert demo_password(username) in line and full_name in line
    assert printed.index("thamdinh") > printed.index("Thành viên tổ thẩm định")


def test_loading_again_seeds_nothing(app: Flask, session: Session, loaded: Loaded) -> None:
    def state() -> tuple[int, ...]:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Assessment, UnitAssessment, ScoreChange, EvidenceFile, User)
        )

    before = state()
    files = sorted(p.name for p in loaded.root.rglob("*") if p.is_file())
    again = ensure_two_tier(session, evidence_root=loaded.root)
    session.commit()
    assert [x.forms for x in again] == [0, 0]
    assert state() == before
    assert sorted(p.name for p in loaded.root.rglob("*") if p.is_file()) == files


def test_the_pdf_is_valid_and_keeps_vietnamese_in_its_information() -> None:
    pypdf = pytest.importorskip("pypdf")
    data = demo_assessment.pdf("Kế hoạch (số 1)", "Sở Nội vụ", ["Đặc khu Cô Tô", "a\\b (c)"])
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.author) == ("Kế hoạch (số 1)", "Sở Nội vụ")
    text = reader.pages[0].extract_text()
    assert "Dac khu Co To" in text and "a\\b (c)" in text
