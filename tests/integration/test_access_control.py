"""Roles on every route, unit scope, CSRF and the analyst's blindness to personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from survey_app.persistence.enums import Role
from survey_app.persistence.models import Unit, User
from tests.conftest import csrf, login

LIST_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
ACCOUNTS = {
    Role.ADMIN: "admin",
    Role.UNIT_OFFICER: "sotuphap",
    Role.INTERVIEWER: "buudien",
    Role.ANALYST: "phantich",
    Role.APPRAISER: "thamdinh",
}


def _views(app: Flask) -> list[tuple[str, str, tuple[Role, ...] | None]]:
    """(endpoint, rule, allowed roles or None for public) of every route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "allowed_roles"), f"{rule.endpoint} declares no access rule"
        found.append((rule.endpoint, rule.rule, view.allowed_roles))
    return found


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    assert len(_views(app)) >= 8


def test_a_route_without_a_declaration_fails_the_matrix(app: Flask) -> None:
    """The matrix reads ``allowed_roles`` off each view: an undeclared route is not skipped."""
    app.add_url_rule("/undeclared", "undeclared", lambda: "open")
    with pytest.raises(AssertionError, match="undeclared declares no access rule"):
        _views(app)


def _fill(rule: str, ids: dict[str, int | str], default: int | str | None = None) -> str:
    """The rule with each <parameter> replaced from ``ids`` (or ``default``; without one, a
    parameter the ids do not give fails, so a new route cannot be tested with a made-up id)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in ids or default is not None, f"no demo value for <{name}> in {rule}"
        return str(ids.get(name, default))

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


def _methods(app: Flask, endpoint: str, rule: str) -> set[str]:
    return next(
        set(r.methods or ())
        for r in app.url_map.iter_rules()
        if r.endpoint == endpoint and r.rule == rule
    )


def _demo_ids(app: Flask, session: Session, campaign_id: int) -> dict[str, int | str]:
    """Ids a real user has in the loaded demo: the officer's own unit (S02) and its current
    list, a job that issued invitations, an unanswered respondent assigned to the interviewer,
    an account other than the administrator's."""
    from survey_app import worker
    from survey_app.persistence.enums import JobKind
    from survey_app.persistence.models import (
        Campaign,
        Invitation,
        Respondent,
        Response,
        UnitList,
    )
    from survey_app.services import fieldwork, invitations, jobs, lists
    from tests.support import make_respondent

    officer = session.scalar(select(User).where(User.username == ACCOUNTS[Role.UNIT_OFFICER]))
    interviewer = session.scalar(select(User).where(User.username == ACCOUNTS[Role.INTERVIEWER]))
    assert officer is not None and interviewer is not None
    unit = session.scalar(
        select(Unit).where(Unit.campaign_id == campaign_id, Unit.code == officer.unit_code)
    )
    assert unit is not None
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    # The demo leaves S02's list missing; its officer sends one (after sampling, so it waits
    # for the administrator's decision).
    lists.upload(
        session,
        campaign,
        unit,
        "department_leader",
        "lanh-dao.xlsx",
        (LIST_FIXTURES / "department_leaders_so_tu_phap.xlsx").read_bytes(),
        officer,
    )
    unit_list = session.scalar(
        select(UnitList).where(UnitList.unit_id == unit.id).order_by(UnitList.id.desc())
    )
    # The demo's letters were sealed with another instance's key; a job issued here with
    # this app's key has letters an administrator can print.
    newcomer = make_respondent(
        session, campaign_id, str(officer.unit_code), "Người Mới Thêm", group="department_leader"
    )
    job, _created = jobs.start(session, campaign_id, JobKind.ISSUE_INVITATIONS, None)
    jobs.complete(
        session,
        job,
        len(
            invitations.issue(
                session,
                campaign,
                None,
                [newcomer.id],
                sealer=worker.context_of(app).sealer,
                job_id=job.id,
            )
        ),
    )
    assert unit_list is not None
    answered = select(Invitation.respondent_id).join(
        Response, Response.invitation_id == Invitation.id
    )
    waiting = session.scalar(
        select(Respondent)
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .where(Respondent.id.not_in(answered))
        .order_by(Respondent.id)
    )
    assert waiting is not None
    assert fieldwork.assign(session, campaign, waiting.unit, interviewer) > 0
    respondent = session.scalar(
        select(Respondent)
        .where(Respondent.interviewer_id == interviewer.id, Respondent.id.not_in(answered))
        .order_by(Respondent.id)
    )
    assert respondent is not None
    upload, version = _questionnaire_ids(session)
    report_id, evidence_id = _assessment_ids(app, session, campaign, officer)
    session.commit()
    return {
        "upload_id": upload,
        "code": "sipas_citizen",
        "instrument_id": version,
        "campaign_id": campaign_id,
        "unit_id": unit.id,
        "group": unit_list.group,
        "list_id": unit_list.id,
        "job_id": job.id,
        "respondent_id": respondent.id,
        "user_id": officer.id,
        "kind": "scores",
        "key": "commune:09154:2025-07-01",
        "report_id": report_id,
        "evidence_id": evidence_id,
    }


def _assessment_ids(
    app: Flask, session: Session, campaign: object, officer: User
) -> tuple[int, int]:
    """The officer's unit's self-assessment report (opened here, given to the appraiser) and
    an evidence file on it."""
    import datetime as dt

    from survey_app.persistence.models import UnitAssessment
    from survey_app.services import assessment, assessment_scoring

    today = assessment.vietnam_today()
    levels = {
        code: today + dt.timedelta(days=10)
        for code, _n, _c in assessment.levels_to_open(session, campaign)
    }  # type: ignore[arg-type]
    admin = session.scalar(select(User).where(User.username == ACCOUNTS[Role.ADMIN]))
    appraiser = session.scalar(select(User).where(User.username == ACCOUNTS[Role.APPRAISER]))
    assert admin is not None and appraiser is not None
    opened = assessment.open_assessment(
        session, campaign, assessment.OpenSpec(levels, None, today + dt.timedelta(days=20)), admin
    )  # type: ignore[arg-type]
    report = next(
        r
        for r in session.scalars(
            select(UnitAssessment).where(UnitAssessment.assessment_id == opened.id)
        )
        if r.unit.code == officer.unit_code
    )
    assessment.assign_appraiser(session, opened, appraiser, [report.id], "", admin)
    view_leaf = session.scalars(
        select(assessment.AssessmentScore).where(
            assessment.AssessmentScore.unit_assessment_id == report.id
        )
    ).first()
    assert view_leaf is not None
    kept = assessment_scoring.add_evidence(
        session,
        report,
        officer,
        view_leaf.sub_criterion,
        "quyet-dinh.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        root=app.config["SETTINGS"].evidence_root,
        max_bytes=1_000_000,
        today=today,
    )
    return report.id, kept.id


def _questionnaire_ids(session: Session) -> tuple[int, int]:
    """A workbook waiting to be published and a published version."""
    import dataclasses

    from questionnaires import builtin_instruments
    from questionnaires.xlsform import instrument_workbook
    from survey_app.services import instruments, workbooks

    shipped = builtin_instruments()["par_province_council"]
    data = instrument_workbook(dataclasses.replace(shipped, version="2099.7"))
    upload = workbooks.check_upload(session, "phieu.xlsx", data, None).upload
    assert upload is not None
    return upload.id, instruments.publish(session, shipped).id


def _row_counts(app: Flask) -> dict[str, int]:
    """Rows of every table (audit events included), read on a connection of their own."""
    from survey_app.persistence.models import Base

    query = " UNION ALL ".join(
        f"SELECT '{t.name}', COUNT(*) FROM \"{t.name}\"" for t in Base.metadata.sorted_tables
    )
    with app.extensions["engine"].connect() as conn:
        return {name: int(count) for name, count in conn.execute(text(query))}


def _is_login_redirect(response: TestResponse) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def matrix(app: Flask, session: Session, full_demo: int) -> dict[str, int | str]:
    return _demo_ids(app, session, full_demo)


def test_role_route_matrix_on_get(app: Flask, matrix: dict[str, int | str]) -> None:
    """Every GET route, every role, with the demo ids that role really has: an allowed role
    gets a page (status < 400), any other role 403, an anonymous visitor the login page."""
    clients = {role: login(app.test_client(), name) for role, name in ACCOUNTS.items()}
    anonymous = app.test_client()
    checked = 0
    for endpoint, rule, allowed in _views(app):
        if allowed is None or "GET" not in _methods(app, endpoint, rule):
            continue
        url = _fill(rule, matrix)
        for role, client in clients.items():
            status = client.get(url).status_code
            if role in allowed:
                assert status < 400, f"{role} allowed at {endpoint} but got {status} ({url})"
            else:
                assert status == 403, f"{role} let into {endpoint} ({status})"
        assert _is_login_redirect(anonymous.get(url)), endpoint
        checked += 1
    assert checked >= 30


def _post_problem(
    app: Flask,
    client: FlaskClient,
    role: Role | None,
    endpoint: str,
    url: str,
    allowed: tuple[Role, ...],
) -> str | None:
    """What is wrong with an empty-form POST by ``role`` (None: anonymous), or None."""
    before = _row_counts(app)
    response = client.post(url, data={})
    status = response.status_code
    if role is None:
        if not _is_login_redirect(response):
            return f"anonymous at {endpoint}: {status}, not the login page"
    elif role not in allowed:
        if status != 403:
            return f"{role} at {endpoint}: {status}, not 403"
    else:
        if status == 403 or status >= 500:
            return f"{role} allowed at {endpoint} but got {status}"
        if endpoint == "auth.logout":  # it did log out: the next page is the login page
            return None if _is_login_redirect(client.get("/")) else f"{role} not logged out"
        return f"{role} at {endpoint} sent to log in" if _is_login_redirect(response) else None
    after = _row_counts(app)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    return f"{role or 'anonymous'} refused at {endpoint} but wrote {changed}" if changed else None


def _posts(app: Flask) -> list[tuple[str, str, tuple[Role, ...]]]:
    # Logging out and ending sessions last: the allowed requests really act.
    last = ("admin.user_sessions_revoke", "auth.logout")
    return sorted(
        [
            (endpoint, rule, allowed)
            for endpoint, rule, allowed in _views(app)
            if allowed is not None and "POST" in _methods(app, endpoint, rule)
        ],
        key=lambda p: (p[0] in last, p[0]),
    )


def test_role_route_matrix_on_post(app: Flask, matrix: dict[str, int | str]) -> None:
    """Every POST route with an empty form: a forbidden role gets 403 and writes nothing
    (rows of every table, audit events included, counted before and after); an allowed role
    gets past the role check (a message for the empty form, never 403 or 500)."""
    posts = _posts(app)
    assert len(posts) >= 15
    problems = []
    for role in sorted(ACCOUNTS, key=lambda r: r is Role.ADMIN):  # the administrator last
        client = login(app.test_client(), ACCOUNTS[role])
        for endpoint, rule, allowed in posts:
            try:
                problems.append(
                    _post_problem(app, client, role, endpoint, _fill(rule, matrix), allowed)
                )
            except Exception as exc:  # noqa: BLE001 - reported with the others
                problems.append(f"{role} at {endpoint} raised {exc!r}")
    anonymous = app.test_client()  # with a valid CSRF token: the role check is what refuses
    anonymous.environ_base["HTTP_X_CSRFTOKEN"] = csrf(anonymous)
    for endpoint, rule, allowed in posts:
        problems.append(_post_problem(app, anonymous, None, endpoint, _fill(rule, matrix), allowed))
    assert [p for p in problems if p] == []


def test_post_without_csrf_token_is_rejected(app: Flask, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("admin")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    response = client.post(
        "/admin/users",
        data={
            "username": "intruder",
            "full_name": "X",
            "password": "long-enough-pw",
            "role": "admin",
        },
    )
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_login_form_requires_csrf(app: Flask, demo: int) -> None:
    response = app.test_client().post(
        "/login", data={"username": "admin", "password": "demo-admin-2026"}
    )
    assert response.status_code == 400


def test_wrong_password_is_refused_and_audited(app: Flask, session: Session, demo: int) -> None:
    from tests.conftest import csrf

    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": "admin", "password": "wrong-password", "csrf_token": csrf(client)},
    )
    assert "không đúng" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302
    from survey_app.persistence.models import AuditEvent

    session.expire_all()
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))


def test_login_attempts_are_rate_limited(db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from survey_app import create_app
    from tests.conftest import csrf

    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_LOGIN_RATE_LIMIT", "3 per minute")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    client = app.test_client()
    token = csrf(client)
    codes = [
        client.post(
            "/login", data={"username": "x", "password": "y", "csrf_token": token}
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[-1] == 429
    app.extensions["engine"].dispose()


def test_password_is_hashed_with_argon2(session: Session, demo: int) -> None:
    admin = session.scalar(select(User).where(User.username == "admin"))
    assert admin is not None and admin.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("path", ["/admin/campaigns", "/admin/users", "/admin/audit"])
def test_unit_officer_cannot_reach_administration(as_role, path: str) -> None:  # type: ignore[no-untyped-def]
    assert as_role("sotuphap").get(path).status_code == 403
