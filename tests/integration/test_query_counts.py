"""Pinned statement counts of the hot paths (a change that adds queries must say so here)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from survey_app.services import invitations, responses
from tests.conftest import csrf
from tests.integration.test_survey_form import _citizen_link
from tests.support import as_form, complete_answers

PAGE_VIEW_BUDGET = 4
"""Statements to show a questionnaire page with a draft: the invitation with its respondent,
unit and campaign; the instrument row; the response; its answers."""


def test_a_whole_submission_on_postgresql_is_one_select_and_one_insert(
    app: Flask, session: Session, demo: int, db_url: str, count_queries
) -> None:
    token = _citizen_link(session, demo, "Đếm Câu Lệnh")
    invitation = invitations.find(session, token)
    assert invitation is not None
    body = {
        "client_key": "count-1",
        "answers": as_form(complete_answers(responses.instrument_of(invitation))),
    }
    client = app.test_client()
    headers = {"X-CSRFToken": csrf(client, "/c")}
    with count_queries() as counted:
        answer = client.post(f"/s/{token}/submit", json=body, headers=headers)
    assert answer.status_code == 200
    if db_url.startswith("postgresql"):
        assert counted.kinds() == ["SELECT", "WITH"], counted.statements
        assert "INSERT INTO responses" in counted.statements[1]
    else:  # SQLite: the response, then its answers in one multi-row INSERT
        assert counted.kinds() == ["SELECT", "INSERT", "INSERT"], counted.statements


def test_a_page_view_and_an_autosave_stay_within_their_budgets(
    app: Flask, session: Session, demo: int, count_queries
) -> None:
    token = _citizen_link(session, demo, "Đếm Trang")
    invitation = invitations.find(session, token)
    assert invitation is not None
    answers = complete_answers(responses.instrument_of(invitation))
    client = app.test_client()
    headers = {"X-CSRFToken": csrf(client, "/c")}
    client.post(
        f"/s/{token}/autosave",
        json={"answers": as_form(dict(list(answers.items())[:3]))},
        headers=headers,
    )
    with count_queries() as page:
        assert client.get(f"/s/{token}/p/0").status_code == 200
    assert len(page) <= PAGE_VIEW_BUDGET, page.statements
    with count_queries() as saved:
        assert (
            client.post(
                f"/s/{token}/autosave",
                headers=headers,
                json={"answers": as_form(dict(list(answers.items())[3:6]))},
            ).status_code
            == 200
        )
    # the link, lock the draft, read its answers, replace them: no second read of anything
    assert saved.kinds() == ["SELECT", "UPDATE", "SELECT", "DELETE", "INSERT"], saved.statements
