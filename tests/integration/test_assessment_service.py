"""Self-assessment and appraisal through the services: the whole round, and every refusal
leaves nothing half-saved (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.assessment import ScoreChangeKind, UnitStage
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AssessmentStatus, Role
from survey_app.persistence.models import (
    AppraisalPoint,
    AssessmentScore,
    Campaign,
    EvidenceFile,
    ScoreChange,
    UnitAssessment,
    User,
)
from survey_app.services import appraisal, assessment, assessment_appraisal, assessment_scoring
from survey_app.services.assessment_appraisal import AppraisalEntry
from survey_app.services.assessment_scoring import SelfEntry
from tests import factories

TODAY = dt.date(2026, 12, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Round:
    """A campaign with departments S01 and S02 opened for self-assessment."""

    def __init__(self, session: Session, root: Path) -> None:
        self.session = session
        self.root = root
        self.campaign = factories.campaign(session)
        factories.unit_tree(session, self.campaign, departments=("S01", "S02"))
        self.officer = factories.user(
            session, Role.UNIT_OFFICER, username="cb-s01", unit_code="S01"
        )
        self.other = factories.user(session, Role.UNIT_OFFICER, username="cb-s02", unit_code="S02")
        self.appraiser = factories.user(session, Role.APPRAISER, username="td-1")
        self.admin = factories.user(session, Role.ADMIN, username="qt-1")
        levels = {
            code: dt.date(2026, 12, 15)
            for code, _n, _c in assessment.levels_to_open(session, self.campaign)
        }
        self.assessment = assessment.open_assessment(
            session,
            self.campaign,
            assessment.OpenSpec(levels, dt.date(2026, 12, 20), dt.date(2026, 12, 28), "12/SNV"),
            self.admin,
        )
        session.flush()

    def report(self, code: str) -> UnitAssessment:
        self.session.expire_all()
        return next(
            r
            for r in self.session.scalars(
                select(UnitAssessment).where(UnitAssessment.assessment_id == self.assessment.id)
            )
            if r.unit.code == code
        )

    def leaves(self, code: str) -> list[AssessmentScore]:
        return list(
            self.session.scalars(
                select(AssessmentScore)
                .where(AssessmentScore.unit_assessment_id == self.report(code).id)
                .order_by(AssessmentScore.position)
            )
        )

    def fill(self, code: str, user: User) -> None:
        """Every line of the unit at its maximum, half with evidence, half explained."""
        report = self.report(code)
        entries = {}
        for i, leaf in enumerate(self.leaves(code)):
            note = "" if i % 2 == 0 else "Đã ban hành kế hoạch, có văn bản kèm theo."
            entries[leaf.sub_criterion] = SelfEntry(
                f"{leaf.max_points:g}".replace(".", ","), note, leaf.version
            )
        assessment_scoring.save_self(self.session, report, user, entries, TODAY)
        for i, leaf in enumerate(self.leaves(code)):
            if i % 2 == 0:
                assessment_scoring.add_evidence(
                    self.session,
                    self.report(code),
                    user,
                    leaf.sub_criterion,
                    "qd.pdf",
                    PDF,
                    root=self.root,
                    max_bytes=1_000_000,
                    today=TODAY,
                )


@pytest.fixture
def rnd(session: Session, tmp_path: Path) -> Round:
    built = Round(session, tmp_path / "evidence")
    session.commit()
    return built


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_opening_gives_every_indexed_unit_its_appraisal_lines(rnd: Round) -> None:
    tree = appraisal.campaign_tree(rnd.session, rnd.campaign, "department")
    leaves = [r.code for r in tree.flatten() if r.method.value == "appraisal"]
    assert [s.sub_criterion for s in rnd.leaves("S01")] == leaves
    assert rnd.report("S01").stage is UnitStage.NOT_STARTED
    with pytest.raises(ServiceError) as again:
        assessment.open_assessment(
            rnd.session, rnd.campaign, assessment.OpenSpec({"department": TODAY}), rnd.admin
        )
    assert again.value.code in ("assessment_exists", "assessment_deadline_missing")


def test_the_whole_round_ends_in_locked_appraisal_points(rnd: Round) -> None:
    s = rnd.session
    rnd.fill("S01", rnd.officer)
    assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, TODAY)
    assert rnd.report("S01").stage is UnitStage.SUBMITTED
    assessment.assign_appraiser(
        s, rnd.assessment, rnd.appraiser, [rnd.report("S01").id], "", rnd.admin
    )
    first = rnd.leaves("S01")[0]
    entries = {
        leaf.sub_criterion: AppraisalEntry(f"{leaf.max_points:g}", "", "", leaf.version)
        for leaf in rnd.leaves("S01")
    }
    entries[first.sub_criterion] = AppraisalEntry(
        "0", "Thiếu văn bản", "Đề nghị bổ sung quyết định", first.version
    )
    assessment_appraisal.save_appraisal(
        s, rnd.report("S01"), rnd.appraiser, entries, finish=True, today=TODAY
    )
    assert rnd.report("S01").stage is UnitStage.EXPLANATION_REQUESTED
    view = assessment.report_view(
        s, rnd.report("S01"), appraisal.campaign_tree(s, rnd.campaign, "department")
    )
    request = view.open_requests()[0].open_request
    assert request is not None
    with pytest.raises(ServiceError, match="assessment_requests_open"):
        assessment_scoring.answer_requests(
            s, rnd.report("S01"), rnd.officer, {}, send=True, today=TODAY
        )
    assessment_scoring.add_evidence(
        s,
        rnd.report("S01"),
        rnd.officer,
        first.sub_criterion,
        "bo-sung.pdf",
        PDF,
        root=rnd.root,
        max_bytes=1_000_000,
        today=TODAY,
    )
    assessment_scoring.answer_requests(
        s,
        rnd.report("S01"),
        rnd.officer,
        {request.id: "Đã bổ sung quyết định số 5"},
        send=True,
        today=TODAY,
    )
    assert rnd.report("S01").stage is UnitStage.EXPLAINED
    again = rnd.leaves("S01")[0]
    assessment_appraisal.save_appraisal(
        s,
        rnd.report("S01"),
        rnd.appraiser,
        {again.sub_criterion: AppraisalEntry(f"{again.max_points:g}", "Đã đủ", "", again.version)},
        finish=True,
        today=TODAY,
    )
    report = rnd.report("S01")
    assert (report.stage, report.round) == (UnitStage.APPRAISED, 2)
    changes = s.scalars(
        select(ScoreChange).where(ScoreChange.score_id == again.id).order_by(ScoreChange.id)
    ).all()
    assert [(c.kind, c.round) for c in changes] == [
        (ScoreChangeKind.SELF, 0),
        (ScoreChangeKind.APPRAISAL, 1),
        (ScoreChangeKind.APPRAISAL, 2),
    ]
    rows = {r.unit_code: r for r in assessment_appraisal.council_rows(s, rnd.assessment)}
    assert rows["S01"].disputed == (first.sub_criterion,)
    assessment_appraisal.approve(s, rnd.campaign, rnd.assessment, rnd.admin, "Biên bản số 3")
    s.expire_all()
    points = dict(
        s.execute(
            select(AppraisalPoint.sub_criterion, AppraisalPoint.points)
            .join(UnitAssessment, UnitAssessment.unit_id == AppraisalPoint.unit_id)
            .where(UnitAssessment.id == report.id)
        ).all()
    )
    assert points == {leaf.sub_criterion: leaf.max_points for leaf in rnd.leaves("S01")}
    s02 = s.scalars(
        select(AppraisalPoint.points)
        .join(UnitAssessment, UnitAssessment.unit_id == AppraisalPoint.unit_id)
        .where(UnitAssessment.id == rnd.report("S02").id)
    ).all()
    assert s02 and set(s02) == {0.0}, "a unit that never submitted gets no points"
    with pytest.raises(ServiceError, match="appraisal_locked"):
        appraisal.import_appraisal(s, rnd.campaign, "x.csv", b"a,b\n", rnd.admin)
    with pytest.raises(ServiceError, match="assessment_locked"):
        assessment.reopen(s, rnd.report("S02"), TODAY, rnd.admin, TODAY)
    assessment_appraisal.publish(s, rnd.campaign, rnd.assessment, rnd.admin)
    s.expire_all()
    assert rnd.assessment.status is AssessmentStatus.PUBLISHED


def test_bad_scores_are_refused_and_nothing_is_half_saved(rnd: Round) -> None:
    s = rnd.session
    leaves = rnd.leaves("S01")
    good, bad = leaves[0], leaves[1]
    for typed, code in (
        ("abc", "score_not_a_number"),
        ("99", "score_out_of_range"),
        ("-1", "score_out_of_range"),
        ("0,125", "score_too_precise"),
    ):
        with pytest.raises(ServiceError) as refused:
            assessment_scoring.save_self(
                s,
                rnd.report("S01"),
                rnd.officer,
                {
                    good.sub_criterion: SelfEntry("0,5", "", good.version),
                    bad.sub_criterion: SelfEntry(typed, "", bad.version),
                },
                TODAY,
            )
        assert refused.value.code == code
    s.rollback()
    assert all(x.self_points is None for x in rnd.leaves("S01"))
    assert _count(s, ScoreChange) == 0


def test_another_units_officer_and_a_late_submission_are_refused(rnd: Round) -> None:
    s = rnd.session
    leaf = rnd.leaves("S01")[0]
    with pytest.raises(ServiceError, match="assessment_not_yours"):
        assessment_scoring.save_self(
            s,
            rnd.report("S01"),
            rnd.other,
            {leaf.sub_criterion: SelfEntry("1", "", leaf.version)},
            TODAY,
        )
    rnd.fill("S01", rnd.officer)
    late = dt.date(2026, 12, 16)
    with pytest.raises(ServiceError, match="assessment_deadline_passed"):
        assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, late)
    assessment.reopen(s, rnd.report("S01"), dt.date(2026, 12, 18), rnd.admin, late)
    assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, late)
    report = rnd.report("S01")
    assert report.stage is UnitStage.SUBMITTED and report.submitted_late
    with pytest.raises(ServiceError, match="assessment_already_submitted"):
        assessment_scoring.save_self(
            s,
            report,
            rnd.officer,
            {leaf.sub_criterion: SelfEntry("0", "", rnd.leaves("S01")[0].version)},
            late,
        )


def test_a_stale_form_never_overwrites_another_officers_save(rnd: Round) -> None:
    s = rnd.session
    leaf = rnd.leaves("S01")[0]
    seen = leaf.version
    assessment_scoring.save_self(
        s, rnd.report("S01"), rnd.officer, {leaf.sub_criterion: SelfEntry("0,5", "", seen)}, TODAY
    )
    second = factories.user(s, Role.UNIT_OFFICER, username="cb-s01-b", unit_code="S01")
    with pytest.raises(ServiceError, match="assessment_conflict"):
        assessment_scoring.save_self(
            s, rnd.report("S01"), second, {leaf.sub_criterion: SelfEntry("0", "", seen)}, TODAY
        )
    s.expire_all()
    assert rnd.leaves("S01")[0].self_points == 0.5


def test_incomplete_report_lists_what_is_missing(rnd: Round) -> None:
    s = rnd.session
    leaf = rnd.leaves("S01")[0]
    assessment_scoring.save_self(
        s,
        rnd.report("S01"),
        rnd.officer,
        {leaf.sub_criterion: SelfEntry("0,5", "", leaf.version)},
        TODAY,
    )
    with pytest.raises(ServiceError) as refused:
        assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, TODAY)
    assert refused.value.code == "assessment_incomplete"
    assert leaf.sub_criterion in refused.value.params["codes"], (
        "a score without evidence or explanation"
    )


def test_not_applicable_lines_take_no_score_and_leave_the_report(rnd: Round) -> None:
    s = rnd.session
    leaf = rnd.leaves("S01")[0]
    assessment.set_applicable(
        s, rnd.report("S01"), leaf.sub_criterion, False, "Không có đơn vị trực thuộc", rnd.admin
    )
    fresh = rnd.leaves("S01")[0]
    with pytest.raises(ServiceError, match="score_not_applicable"):
        assessment_scoring.save_self(
            s,
            rnd.report("S01"),
            rnd.officer,
            {leaf.sub_criterion: SelfEntry("1", "", fresh.version)},
            TODAY,
        )


def test_evidence_is_checked_from_its_bytes_and_kept_by_hash(rnd: Round) -> None:
    s = rnd.session
    leaf = rnd.leaves("S01")[0]
    for data, code in (
        (b"MZ\x90\x00 not a document", "evidence_wrong_type"),
        (b"", "evidence_empty"),
        (PDF * 100, "too_large"),
    ):
        with pytest.raises(ServiceError) as refused:
            assessment_scoring.add_evidence(
                s,
                rnd.report("S01"),
                rnd.officer,
                leaf.sub_criterion,
                "x.pdf",
                data,
                root=rnd.root,
                max_bytes=len(PDF) * 10,
                today=TODAY,
            )
        assert refused.value.code == code
    kept = assessment_scoring.add_evidence(
        s,
        rnd.report("S01"),
        rnd.officer,
        leaf.sub_criterion,
        "../../Quyết định.pdf",
        PDF,
        root=rnd.root,
        max_bytes=1_000_000,
        today=TODAY,
    )
    assert kept.filename == "Quyết định.pdf"
    assert (rnd.root / kept.sha256[:2] / kept.sha256).read_bytes() == PDF
    assert _count(s, EvidenceFile) == 1


def test_lead_departments_score_only_their_own_criteria(session: Session, tmp_path: Path) -> None:
    built = Round(session, tmp_path)
    report = built.report("S01")
    tree = appraisal.campaign_tree(session, built.campaign, "department")
    first_field = tree.fields[0].code
    assessment.assign_leads(session, report, tree, {first_field: "S02"}, built.admin)
    leaves = built.leaves("S01")
    led = next(x for x in leaves if x.sub_criterion.startswith(first_field + "."))
    own = next(x for x in leaves if not x.sub_criterion.startswith(first_field + "."))
    with pytest.raises(ServiceError, match="assessment_not_yours"):
        assessment_scoring.save_self(
            session,
            built.report("S01"),
            built.officer,
            {led.sub_criterion: SelfEntry("0", "", led.version)},
            TODAY,
        )
    assessment_scoring.save_self(
        session,
        built.report("S01"),
        built.other,
        {led.sub_criterion: SelfEntry("0", "", led.version)},
        TODAY,
    )
    assessment_scoring.save_self(
        session,
        built.report("S01"),
        built.officer,
        {own.sub_criterion: SelfEntry("0", "", own.version)},
        TODAY,
    )
    mine = [r.unit.code for r, _c in assessment.reports_of_user(session, built.other)]
    assert sorted(mine) == ["S01", "S02"]


def _in_threads(app_factory, jobs):  # type: ignore[no-untyped-def]
    """Run each job in its own thread with its own session, all released at once; returns
    what each job returned or the ServiceError it raised."""
    import threading

    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        with app_factory() as s:
            barrier.wait()
            try:
                results[i] = jobs[i](s)
                s.commit()
            except ServiceError as exc:
                s.rollback()
                results[i] = exc
            except Exception as exc:  # noqa: BLE001 - a database refusal counts as refused
                s.rollback()
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_officers_saving_one_line_at_once_never_lose_an_update(
    app,
    session: Session,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    built = Round(session, tmp_path)
    second = factories.user(session, Role.UNIT_OFFICER, username="cb-s01-c", unit_code="S01")
    session.commit()
    leaf = built.leaves("S01")[0]
    report_id, seen, code = built.report("S01").id, leaf.version, leaf.sub_criterion
    officers = (built.officer.id, second.id)

    def save(value: str, officer_id: int):  # type: ignore[no-untyped-def]
        def job(s: Session) -> int:
            report = s.get_one(UnitAssessment, report_id)
            user = s.get_one(User, officer_id)
            return assessment_scoring.save_self(
                s, report, user, {code: SelfEntry(value, "", seen)}, TODAY
            )

        return job

    results = _in_threads(
        app.extensions["session_factory"], [save("0", officers[0]), save("0,25", officers[1])]
    )
    saved = [r for r in results if r == 1]
    assert len(saved) == 1, results
    session.expire_all()
    kept = built.leaves("S01")[0]
    changes = session.scalars(select(ScoreChange).where(ScoreChange.score_id == kept.id)).all()
    assert len(changes) == 1 and changes[0].points == kept.self_points


def test_approval_racing_an_appraisal_leaves_no_change_after_the_lock(
    app,
    session: Session,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    built = Round(session, tmp_path)
    built.fill("S01", built.officer)
    assessment_scoring.submit(session, built.report("S01"), built.officer, TODAY)
    lines = {x.sub_criterion: AppraisalEntry("0", "", "", x.version) for x in built.leaves("S01")}
    report_id, assessment_id = built.report("S01").id, built.assessment.id
    admin_id, campaign_id = built.admin.id, built.campaign.id
    session.commit()

    def appraise(s: Session) -> int:
        report = s.get_one(UnitAssessment, report_id)
        return assessment_appraisal.save_appraisal(
            s, report, s.get_one(User, admin_id), lines, finish=True, today=TODAY
        )

    def approve(s: Session) -> int:
        from survey_app.persistence.models import Assessment

        return assessment_appraisal.approve(
            s,
            s.get_one(Campaign, campaign_id),
            s.get_one(Assessment, assessment_id),
            s.get_one(User, admin_id),
            "Biên bản",
        )

    results = _in_threads(app.extensions["session_factory"], [appraise, approve])
    session.expire_all()
    report = session.get_one(UnitAssessment, report_id)
    if isinstance(results[1], int):  # approval went first or after the round: both consistent
        if isinstance(results[0], int):
            assert report.stage is UnitStage.APPRAISED
        else:
            assert report.stage is UnitStage.SUBMITTED
            assert all(x.appraised_points is None for x in built.leaves("S01"))
    else:
        assert isinstance(results[0], int) and report.stage is UnitStage.APPRAISED


def test_macro_packages_are_refused() -> None:
    import io as _io
    import zipfile

    from survey_app.services import evidence

    for part in ("xl/vbaProject.bin", "xl/macrosheets/sheet1.xml", "Basic/Standard/Module1.xml"):
        out = _io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr(part, "x")
        with pytest.raises(ServiceError, match="evidence_macros"):
            evidence.check(out.getvalue(), max_bytes=1_000_000)


def test_requests_after_the_explanation_window_are_refused(rnd: Round) -> None:
    s = rnd.session
    rnd.fill("S01", rnd.officer)
    assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, TODAY)
    late = dt.date(2026, 12, 29)  # the window ends on 28/12
    first = rnd.leaves("S01")[0]
    entries = {
        x.sub_criterion: AppraisalEntry(f"{x.max_points:g}", "", "", x.version)
        for x in rnd.leaves("S01")
    }
    entries[first.sub_criterion] = AppraisalEntry("0", "", "Đề nghị bổ sung", first.version)
    with pytest.raises(ServiceError, match="assessment_requests_too_late"):
        assessment_appraisal.save_appraisal(
            s, rnd.report("S01"), rnd.admin, entries, finish=True, today=late
        )


def test_a_report_sent_for_explanations_is_not_pulled_back_into_round_one(rnd: Round) -> None:
    s = rnd.session
    rnd.fill("S01", rnd.officer)
    assessment_scoring.submit(s, rnd.report("S01"), rnd.officer, TODAY)
    first = rnd.leaves("S01")[0]
    entries = {
        x.sub_criterion: AppraisalEntry(f"{x.max_points:g}", "", "", x.version)
        for x in rnd.leaves("S01")
    }
    entries[first.sub_criterion] = AppraisalEntry("0", "", "Đề nghị bổ sung", first.version)
    assessment_appraisal.save_appraisal(
        s, rnd.report("S01"), rnd.admin, entries, finish=True, today=TODAY
    )
    stale = rnd.report("S01")
    from sqlalchemy.orm.attributes import set_committed_value

    # what a second appraiser's request read before the finish committed
    set_committed_value(stale, "stage", UnitStage.IN_APPRAISAL)
    set_committed_value(stale, "round", 1)
    with pytest.raises(ServiceError, match="assessment_not_appraisable"):
        assessment_appraisal.save_appraisal(s, stale, rnd.admin, {}, finish=False, today=TODAY)
    s.expire_all()
    assert rnd.report("S01").stage is UnitStage.EXPLANATION_REQUESTED
