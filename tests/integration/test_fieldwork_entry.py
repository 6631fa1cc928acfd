"""Fieldwork pages and paper/phone entry, with double entry."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.enums import Mode, ResponseStatus, Role
from survey_app.persistence.models import Campaign, PaperEntry, Response, User
from survey_app.services import accounts, entry, invitations, responses
from tests.support import as_form, complete_answers, make_respondent, open_fieldwork


def _setup(session: Session, demo: int, count: int = 2):  # type: ignore[no-untyped-def]
    open_fieldwork(session, demo)
    people = [
        make_respondent(session, demo, "H03.01", f"Người Thử {i}", phone="+84912000111")
        for i in range(count)
    ]
    campaign = session.get(Campaign, demo)
    return campaign, people


def test_progress_letters_and_reminders(app: Flask, session: Session, demo: int, as_role):
    campaign, people = _setup(session, demo)
    session.commit()
    admin = as_role("admin")
    page = admin.get("/fieldwork/").get_data(as_text=True)
    assert "Người Thử" not in page and ">2<" in page
    issued = admin.post("/fieldwork/invitations")
    assert issued.status_code == 302
    job_page = admin.get(issued.headers["Location"]).get_data(as_text=True)
    job_id = int(issued.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    letters = admin.get(f"/fieldwork/jobs/{job_id}/letters?unit={people[0].unit_id}")
    html = letters.get_data(as_text=True)
    assert "In thư" in job_page
    assert letters.status_code == 200 and html.count("GIẤY MỜI THAM GIA KHẢO SÁT") == 2
    assert "<svg" in html and "Người Thử 0" in html
    assert letters.headers["Cache-Control"] == "no-store"
    again = admin.post("/fieldwork/invitations")
    assert again.status_code == 302
    reminders = admin.get("/fieldwork/non-respondents.csv")
    body = reminders.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and "Người Thử 1".encode() in body


def test_interviewer_enters_a_paper_form(app: Flask, session: Session, demo: int, as_role):
    campaign, people = _setup(session, demo)
    invitations.issue(session, campaign, None)
    session.commit()
    admin = as_role("admin")
    interviewer = session.scalar(select(User).where(User.username == "buudien"))
    admin.post(
        "/fieldwork/assign", data={"unit_id": people[0].unit_id, "interviewer_id": interviewer.id}
    )
    clerk = as_role("buudien")
    listing = clerk.get("/entry/").get_data(as_text=True)
    assert "Người Thử 0" in listing
    invitation = entry.invitation_of(session, people[0])
    full = complete_answers(responses.instrument_of(invitation))
    saved = clerk.post(f"/entry/{people[0].id}", data={**as_form(full), "mode": "phone"})
    assert saved.status_code == 302
    stored = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    assert stored.status is ResponseStatus.SUBMITTED and stored.mode is Mode.PHONE
    again = clerk.post(f"/entry/{people[0].id}", data={**as_form(full), "mode": "phone"})
    assert again.status_code == 302
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_incomplete_paper_form_is_not_saved(app: Flask, session: Session, demo: int, as_role):
    campaign, people = _setup(session, demo, 1)
    invitations.issue(session, campaign, None)
    people[0].interviewer_id = session.scalar(select(User.id).where(User.username == "buudien"))
    session.commit()
    response = as_role("buudien").post(f"/entry/{people[0].id}", data={"mode": "paper"})
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_interviewer_cannot_enter_someone_not_assigned(
    app: Flask, session: Session, demo: int, as_role
):
    campaign, people = _setup(session, demo, 1)
    invitations.issue(session, campaign, None)
    session.commit()
    assert as_role("buudien").get(f"/entry/{people[0].id}").status_code == 403


def test_double_entry_mismatch_then_resolution(app: Flask, session: Session, demo: int):
    campaign, people = _setup(session, demo, 1)
    invitations.issue(session, campaign, None)
    clerk1 = session.scalar(select(User).where(User.username == "buudien"))
    clerk2 = accounts.create_user(
        session,
        username="clerk2",
        full_name="Clerk Two",
        password="long-enough-pw",
        role=Role.INTERVIEWER,
    )
    admin = session.scalar(select(User).where(User.username == "admin"))
    invitation = entry.invitation_of(session, people[0])
    instrument = responses.instrument_of(invitation)
    first, second = complete_answers(instrument, 0), complete_answers(instrument, 1)
    r1 = entry.enter(session, people[0], first, Mode.PAPER, clerk1, double_entry=True)
    assert r1.outcome is entry.EntryOutcome.WAITING_SECOND
    r2 = entry.enter(session, people[0], second, Mode.PAPER, clerk2, double_entry=True)
    assert r2.outcome is entry.EntryOutcome.MISMATCH and r2.differences
    found = entry.mismatches(session, demo)
    assert len(found) == 1 and found[0].questions == r2.differences
    done = entry.resolve(session, people[0], first, admin)
    assert done.outcome is entry.EntryOutcome.SUBMITTED
    assert entry.mismatches(session, demo) == []
    assert session.scalar(select(func.count()).select_from(PaperEntry)) == 2


def test_double_entry_agreeing_clerks_submit(app: Flask, session: Session, demo: int):
    campaign, people = _setup(session, demo, 1)
    invitations.issue(session, campaign, None)
    clerk1 = session.scalar(select(User).where(User.username == "buudien"))
    clerk2 = accounts.create_user(
        session,
        username="clerk2",
        full_name="Clerk Two",
        password="long-enough-pw",
        role=Role.INTERVIEWER,
    )
    answers = complete_answers(responses.instrument_of(entry.invitation_of(session, people[0])))
    entry.enter(session, people[0], answers, Mode.PAPER, clerk1, double_entry=True)
    result = entry.enter(session, people[0], answers, Mode.PAPER, clerk2, double_entry=True)
    assert result.outcome is entry.EntryOutcome.SUBMITTED


def _assigned_with_invitation(session: Session, demo: int):  # type: ignore[no-untyped-def]
    campaign, people = _setup(session, demo, 2)
    invitations.issue(session, campaign, None)
    clerk_id = session.scalar(select(User.id).where(User.username == "buudien"))
    for person in people:
        person.interviewer_id = clerk_id
    return campaign, people


def _replace_by_hand(session: Session, person) -> None:  # type: ignore[no-untyped-def]
    """What draws.replace does to the replaced person: status and a revoked invitation."""
    from survey_app.persistence.enums import RespondentStatus

    person.status = RespondentStatus.REPLACED
    invitations.revoke(session, entry.invitation_of(session, person))


def test_entry_is_refused_for_a_replaced_person(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    _, people = _assigned_with_invitation(session, demo)
    _replace_by_hand(session, people[0])
    session.commit()
    clerk = as_role("buudien")
    listing = clerk.get("/entry/").get_data(as_text=True)
    assert "Người Thử 0" not in listing and "Người Thử 1" in listing
    full = complete_answers(responses.instrument_of(entry.invitation_of(session, people[0])))
    posted = clerk.post(
        f"/entry/{people[0].id}", data={**as_form(full), "mode": "paper"}, follow_redirects=True
    )
    assert "người dự phòng" in posted.get_data(as_text=True)
    assert clerk.get(f"/entry/{people[0].id}").status_code == 302
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_entry_is_refused_after_fieldwork_closed(
    app: Flask, session: Session, demo: int, as_role
) -> None:
    import datetime as dt

    campaign, people = _assigned_with_invitation(session, demo)
    campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=30)
    campaign.fieldwork_closes = dt.date.today() - dt.timedelta(days=1)
    session.commit()
    full = complete_answers(responses.instrument_of(entry.invitation_of(session, people[1])))
    posted = as_role("buudien").post(
        f"/entry/{people[1].id}", data={**as_form(full), "mode": "paper"}, follow_redirects=True
    )
    assert "Đợt khảo sát đã kết thúc" in posted.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_results_leave_out_a_replaced_persons_answers(
    app: Flask, session: Session, demo: int
) -> None:
    from survey_app.services import results_data

    campaign, people = _assigned_with_invitation(session, demo)
    clerk = session.scalar(select(User).where(User.username == "buudien"))
    for person in people:
        invitation = entry.invitation_of(session, person)
        full = complete_answers(responses.instrument_of(invitation))
        responses.submit(session, invitation, full, f"key-{person.id}", mode=Mode.PAPER, user=clerk)
    _replace_by_hand(session, people[0])
    session.commit()
    data = results_data.load_responses(session, campaign)
    assert len(data.meta) == 1 and set(data.answers) == set(data.meta["response_id"])
