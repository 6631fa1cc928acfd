"""Hostile and malformed requests against respondent and staff routes (uploaded files have
their own corpus).

Every case must be answered below 500, write nothing (responses, answers, paper entries and
campaigns are counted before and after) and, when refused with a body, say why in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from questionnaires import Instrument, QuestionType
from survey_app.persistence.models import Answer, Campaign, PaperEntry, Response, User
from survey_app.services import invitations, responses
from tests.conftest import csrf, login
from tests.support import as_form, complete_answers, make_respondent, open_fieldwork

# Letters only Vietnamese uses: a page or message carrying none of them is not Vietnamese.
VIETNAMESE = re.compile(
    "[ăâđêôơưạảãàáậầấẩẫắằặẳẵếềệểễốồộổỗớờợởỡứừựửữíìịỉĩúùụủũýỳỵỷỹéèẹẻẽóòọỏõ]", re.IGNORECASE
)
MAIN = re.compile(r'<main id="main">(.*)</main>', re.DOTALL)
TRIPS = "sipas.procedure.trips"  # number, integer, 1..30, on page 1
CHOICE = "sipas.access.q2"  # single choice
TEXT = "sipas.expect.comment"  # long text
DIGITS_4301 = "9" * 4301


@dataclass
class Ctx:
    """What a case needs: a respondent client with a valid CSRF token and its link."""

    client: FlaskClient
    token: str
    link: str
    instrument: Instrument

    def json(
        self, method: str, path: str, body: str | bytes, content_type: str = "application/json"
    ) -> TestResponse:
        return self.client.open(
            path,
            method=method,
            data=body,
            content_type=content_type,
            headers={"X-CSRFToken": self.token},
        )

    def form(self, path: str, fields: dict[str, Any], **kw: Any) -> TestResponse:
        return self.client.post(path, data={"csrf_token": self.token, **fields}, **kw)

    def full(self, **changes: object) -> dict[str, object]:
        """Every answer of a complete form (as JSON strings), with ``changes``."""
        answers: dict[str, object] = dict(as_form(complete_answers(self.instrument)))
        return {**answers, **changes}


Case = Callable[[Ctx], TestResponse]


def _submit_json(answers: object, key: object = "k-1") -> Case:
    import json

    return lambda c: c.json(
        "POST", f"/s/{c.link}/submit", json.dumps({"client_key": key, "answers": answers})
    )


def _autosave_json(answers: object) -> Case:
    import json

    return lambda c: c.json("POST", f"/s/{c.link}/autosave", json.dumps({"answers": answers}))


def _raw(
    path: str, body: str | bytes, method: str = "POST", content_type: str = "application/json"
) -> Case:
    return lambda c: c.json(method, path.format(link=c.link), body, content_type)


def _page(page: str, fields: dict[str, Any]) -> Case:
    return lambda c: c.form(f"/s/{c.link}/p/{page}", {"go": "next", **fields})


def _literal(question_id: str, value: str, client_key: str | None = None) -> str:
    """A JSON body written by hand: ``value`` is put in as it is (NaN, 4,301 digits...)."""
    key = "" if client_key is None else f'"client_key": "{client_key}", '
    return "{" + key + '"answers": {"' + question_id + '": ' + value + "}}"


DEEP = "[" * 100_000 + "]" * 100_000

RESPONDENT_CASES: dict[str, Case] = {
    "submit: JSON array": _raw("/s/{link}/submit", "[]"),
    "submit: JSON string": _raw("/s/{link}/submit", '"answers"'),
    "submit: JSON number": _raw("/s/{link}/submit", "42"),
    "submit: JSON null": _raw("/s/{link}/submit", "null"),
    "autosave: JSON array": _raw("/s/{link}/autosave", '[{"answers": {}}]'),
    "autosave: JSON string": _raw("/s/{link}/autosave", '"x"'),
    "autosave: JSON number": _raw("/s/{link}/autosave", "1e309"),
    "submit: nested 100,000 deep": _raw("/s/{link}/submit", DEEP),
    "autosave: nested 100,000 deep": _raw("/s/{link}/autosave", '{"answers": ' + DEEP + "}"),
    "autosave: answers nested 7 deep": _autosave_json({TEXT: [[[[[["x"]]]]]]}),
    "section: number of 4,301 digits": _page("1", {TRIPS: DIGITS_4301}),
    "autosave: number of 4,301 digits as text": _autosave_json({TRIPS: DIGITS_4301}),
    "autosave: number of 4,301 digits as a JSON number": _raw(
        "/s/{link}/autosave", _literal(TRIPS, DIGITS_4301)
    ),
    "submit: number of 4,301 digits": _submit_json({TRIPS: DIGITS_4301}),
    "submit: JSON Infinity": _raw("/s/{link}/submit", _literal(TRIPS, "Infinity", client_key="k")),
    "submit: JSON NaN": _raw("/s/{link}/submit", _literal(TRIPS, "NaN", client_key="k")),
    "submit: 1e309": _submit_json({TRIPS: "1e309"}),
    "submit: negative number": _submit_json({TRIPS: "-3"}),
    "section: NaN": _page("1", {TRIPS: "NaN"}),
    "autosave: text/plain body": _raw(
        "/s/{link}/autosave", '{"answers": {}}', content_type="text/plain"
    ),
    "submit: XML body": _raw("/s/{link}/submit", "<answers/>", content_type="application/xml"),
    "autosave: invalid UTF-8": _raw("/s/{link}/autosave", b'{"answers": {"x": "\xff\xfe"}}'),
    "section: invalid UTF-8 in a field": lambda c: c.client.post(
        f"/s/{c.link}/p/6",
        data=f"csrf_token={c.token}&{TEXT}=".encode() + b"\xff\xfe\xc0",
        content_type="application/x-www-form-urlencoded",
    ),
    "section: a 600 KB field": _page("6", {TEXT: "x" * 600_000}),
    "section: repeated single-choice field": _page("0", {CHOICE: ["a", "b"]}),
    "section: unknown question": _page("0", {"no.such.question": "1"}),
    "section: tampered option": _page("0", {CHOICE: "not-an-option"}),
    "autosave: array for a single choice": _autosave_json({CHOICE: ["yes", "no"]}),
    "autosave: object for a text": _autosave_json({TEXT: {"$gt": ""}}),
    "autosave: true for a text": _autosave_json({TEXT: True}),
    "autosave: null byte in a text": _autosave_json({TEXT: "một\x00hai"}),
    "autosave: lone surrogate in a text": _raw("/s/{link}/autosave", _literal(TEXT, '"\\ud800"')),
    "autosave: 1,500 answers": _autosave_json({f"q{i}": "1" for i in range(1500)}),
    "autosave: answers is a list": _autosave_json([["x", "1"]]),
    "submit: answers is a string": _submit_json("all of them"),
    "submit: null byte in the client key": lambda c: _submit_json(c.full(), "k\x00ey")(c),
    "submit: client key of 65 characters": lambda c: _submit_json(c.full(), "k" * 65)(c),
    "submit: client key is an object": lambda c: _submit_json(c.full(), {"k": 1})(c),
    "submit: no client key (form)": lambda c: c.form(f"/s/{c.link}/submit", {}),
    "section: no CSRF token": lambda c: c.client.post(f"/s/{c.link}/p/0", data={CHOICE: "a"}),
    "autosave: no CSRF token": lambda c: c.client.post(
        f"/s/{c.link}/autosave", json={"answers": {CHOICE: "a"}}
    ),
    "section: unknown link, no CSRF token": lambda c: c.client.post(
        "/s/" + "C" * 43 + "/p/0", data={CHOICE: "a"}
    ),
    "submit: unknown link, no CSRF token": lambda c: c.client.post(
        "/s/" + "C" * 43 + "/submit", data={"client_key": "k"}
    ),
    "autosave: unknown link, a form post": lambda c: c.client.post(
        "/s/" + "C" * 43 + "/autosave", data={CHOICE: "a"}
    ),
    "section: page -1": _page("-1", {CHOICE: "a"}),
    "section: page 10**30": _page(str(10**30), {CHOICE: "a"}),
    "section: page of 5,000 digits": lambda c: c.client.get(f"/s/{c.link}/p/{'9' * 5000}"),
    "landing: token of 5,000 characters": lambda c: c.client.get("/s/" + "A" * 5000),
    "landing: %00 in the token": lambda c: c.client.get(f"/s/{c.link[:10]}%00{c.link[10:]}"),
    "token: unknown link": lambda c: c.client.get("/s/" + "B" * 43 + "/token"),
    "submit: HEAD": lambda c: c.client.head(f"/s/{c.link}/submit"),
    "submit: PUT": lambda c: c.json("PUT", f"/s/{c.link}/submit", "{}"),
    "autosave: DELETE": lambda c: c.client.delete(f"/s/{c.link}/autosave"),
    "autosave: GET": lambda c: c.client.get(f"/s/{c.link}/autosave"),
    "submit: OPTIONS": lambda c: c.client.options(f"/s/{c.link}/submit"),
    "submit: 12 MB body": _raw(
        "/s/{link}/submit", '{"client_key": "k", "answers": {"x": "' + "x" * 12_000_000 + '"}}'
    ),
    "autosave: 300 KB body": _autosave_json({TEXT: "x" * 300_000}),
    "code: null byte and 10,000 characters": lambda c: c.form(
        "/c", {"code": "\x00" + "A" * 10_000}
    ),
}


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Response, Answer, PaperEntry, Campaign)
    )


def _assert_refused_in_vietnamese(response: TestResponse) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    if response.status_code < 400 or not body:
        return  # a redirect, OPTIONS' Allow or a HEAD: nothing to read
    if response.is_json:
        data = response.get_json()
        texts = [data.get("message") or ""] + [e["message"] for e in data.get("errors", [])]
        assert any(VIETNAMESE.search(t) for t in texts), data
    else:
        main = MAIN.search(body)
        assert main and VIETNAMESE.search(main.group(1)), body[:500]


@pytest.fixture
def ctx(app: Flask, session: Session, demo: int) -> Ctx:
    open_fieldwork(session, demo)
    respondent = make_respondent(session, demo, "H03.01", "Nguyễn Thị Biên")
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    link = invitations.issue(session, campaign, None, [respondent.id])[0].token
    session.commit()
    invitation = invitations.find(session, link)
    assert invitation is not None
    instrument = responses.instrument_of(invitation)
    assert instrument.question(TRIPS).type is QuestionType.NUMBER
    client = app.test_client()
    return Ctx(client, csrf(client, "/c"), link, instrument)


@pytest.mark.parametrize("name", list(RESPONDENT_CASES))
def test_respondent_bad_input_is_refused_without_a_write(
    ctx: Ctx, session: Session, name: str
) -> None:
    before = _counts(session)
    response = RESPONDENT_CASES[name](ctx)
    _assert_refused_in_vietnamese(response)
    assert _counts(session) == before


def test_refusals_are_in_english_when_chosen(ctx: Ctx) -> None:
    ctx.form("/locale", {"locale": "en"})
    response = _raw("/s/{link}/submit", "[]")(ctx)
    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "The data sent must be a JSON object, with the answers under «answers»."
    )
    saved = _autosave_json({TRIPS: DIGITS_4301})(ctx).get_json()
    assert saved["errors"] == [
        {"question": TRIPS, "message": "The number is too long: at most 15 digits."}
    ]


def test_an_overlong_number_is_shown_next_to_the_question(ctx: Ctx) -> None:
    response = _page("1", {TRIPS: DIGITS_4301})(ctx)
    assert response.status_code == 422
    assert "Số quá dài: tối đa 15 chữ số." in response.get_data(as_text=True)


def test_a_valid_request_is_still_accepted_after_refusals(ctx: Ctx, session: Session) -> None:
    """The refusals leave the link usable: the same respondent then submits normally."""
    for name in (
        "submit: JSON array",
        "submit: nested 100,000 deep",
        "submit: number of 4,301 digits",
    ):
        assert RESPONDENT_CASES[name](ctx).status_code in (400, 413, 422)
    done = _submit_json(ctx.full())(ctx)
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"
    assert _counts(session)[0] == 1


def test_token_route_is_rate_limited(app: Flask, ctx: Ctx) -> None:
    import dataclasses

    app.config.update(
        RATELIMIT_ENABLED=True,
        SETTINGS=dataclasses.replace(app.config["SETTINGS"], respondent_rate_limit="3 per minute"),
    )
    codes = [ctx.client.get(f"/s/{ctx.link}/token").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_guessing_links_is_rate_limited_per_address(app: Flask, ctx: Ctx) -> None:
    app.config.update(RATELIMIT_ENABLED=True)
    codes = {ctx.client.get(f"/s/GUESS{i:05d}/token").status_code for i in range(70)}
    assert codes == {404, 429}
    assert ctx.client.get(f"/s/{ctx.link}/token").status_code == 200  # a real link still works


# --- staff routes -------------------------------------------------------------------------


@dataclass
class Staff:
    admin: FlaskClient
    clerk: FlaskClient
    respondent_id: int
    anonymous: FlaskClient


@pytest.fixture
def staff(app: Flask, session: Session, demo: int) -> Staff:
    open_fieldwork(session, demo)
    respondent = make_respondent(session, demo, "H03.01", "Trần Văn Nhập")
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    invitations.issue(session, campaign, None, [respondent.id])
    respondent.interviewer_id = session.scalar(select(User.id).where(User.username == "buudien"))
    session.commit()
    return Staff(
        login(app.test_client(), "admin"),
        login(app.test_client(), "buudien"),
        respondent.id,
        app.test_client(),
    )


StaffCase = Callable[[Staff], TestResponse]


def _campaign_form(**changes: str) -> dict[str, str]:
    return {"year": "2026", "kind": "par_index", "name": "Thử", "status": "draft", **changes}


def _entry(**fields: str) -> StaffCase:
    return lambda s: s.clerk.post(f"/entry/{s.respondent_id}", data={"mode": "paper", **fields})


STAFF_CASES: dict[str, StaffCase] = {
    "login: null byte in the username": lambda s: s.anonymous.post(
        "/login", data={"username": "ad\x00min", "password": "x", "csrf_token": csrf(s.anonymous)}
    ),
    "login: 100 KB username": lambda s: s.anonymous.post(
        "/login", data={"username": "a" * 100_000, "password": "x", "csrf_token": csrf(s.anonymous)}
    ),
    "login: no CSRF token": lambda s: s.anonymous.post(
        "/login", data={"username": "admin", "password": "x"}
    ),
    "campaign: 2025-02-30": lambda s: s.admin.post(
        "/admin/campaigns/new", data=_campaign_form(window_from="2025-02-30")
    ),
    "campaign: year 99999": lambda s: s.admin.post(
        "/admin/campaigns/new", data=_campaign_form(year="99999", fieldwork_opens="99999-01-01")
    ),
    "campaign: year of 5,000 digits": lambda s: s.admin.post(
        "/admin/campaigns/new", data=_campaign_form(year="9" * 5000)
    ),
    "campaign: unknown kind": lambda s: s.admin.post(
        "/admin/campaigns/new", data=_campaign_form(kind="evil")
    ),
    "campaign: id 10**30": lambda s: s.admin.get(f"/admin/campaigns/{10**30}/edit"),
    "entry: respondent id 10**30": lambda s: s.clerk.get(f"/entry/{10**30}"),
    "entry: respondent id of 5,000 digits": lambda s: s.clerk.post(f"/entry/{'9' * 5000}"),
    "audit: since 99999-99-99": lambda s: s.admin.get("/admin/audit?since=99999-99-99"),
    "sampling: sample size -1 and 1e309": lambda s: s.admin.post(
        "/sampling/settings",
        data={"sample_size": "-1", "reserve_size": "1e309", "districts": "NaN"},
    ),
    "entry: number of 4,301 digits": _entry(**{TRIPS: DIGITS_4301}),
    "entry: unknown question and tampered option": _entry(**{"evil": "1", CHOICE: "zz"}),
    "entry: null byte in a text": _entry(**{TEXT: "a\x00b"}),
    "entry: no CSRF token": lambda s: s.clerk.post(
        f"/entry/{s.respondent_id}", data={"mode": "paper"}, headers={"X-CSRFToken": ""}
    ),
    "fieldwork: assign unit 10**30": lambda s: s.admin.post(
        "/fieldwork/assign", data={"unit_id": str(10**30)}
    ),
    "fieldwork: assign interviewer 10**30": lambda s: s.admin.post(
        "/fieldwork/assign", data={"unit_id": "1", "interviewer_id": str(10**30)}
    ),
}


@pytest.mark.parametrize("name", list(STAFF_CASES))
def test_staff_bad_input_is_refused_without_a_write(
    staff: Staff, session: Session, name: str
) -> None:
    before = _counts(session)
    response = STAFF_CASES[name](staff)
    assert response.status_code < 500
    assert _counts(session) == before
    main = MAIN.search(response.get_data(as_text=True))
    if response.status_code >= 400 or name.startswith(("campaign", "entry", "login")):
        assert main and VIETNAMESE.search(main.group(1))
    if name.startswith("login") and response.status_code == 200:
        assert main and "Tên đăng nhập hoặc mật khẩu không đúng." in main.group(1)


# --- the same client key with other answers ---------------------------------------------


def test_a_conflict_is_a_409_with_its_message_in_json_and_html(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever makes the service answer CONFLICT, the respondent gets a 409 that says why."""
    conflict = responses.SubmitResult(responses.SubmitOutcome.CONFLICT, None)
    monkeypatch.setattr(responses, "submit_link", lambda *args, **kwargs: conflict)
    as_json = _submit_json(ctx.full())(ctx)
    assert as_json.status_code == 409 and as_json.get_json()["status"] == "conflict"
    assert "câu trả lời khác" in as_json.get_json()["message"]
    as_html = ctx.form(f"/s/{ctx.link}/submit", {"client_key": "k-1"})
    assert as_html.status_code == 409
    assert "Phiếu này đã được gửi" in as_html.get_data(as_text=True)


def test_the_same_key_with_other_answers_is_a_409_and_changes_nothing(
    ctx: Ctx, session: Session
) -> None:
    first = _submit_json(ctx.full(), "same-key")(ctx)
    assert first.status_code == 200
    stored = _counts(session)
    other = dict(as_form(complete_answers(ctx.instrument, 1)))
    again = _submit_json(other, "same-key")(ctx)
    assert again.status_code == 409 and again.get_json()["status"] == "conflict"
    assert _counts(session) == stored
