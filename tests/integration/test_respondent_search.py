"""The fieldwork office finds a person (name without diacritics, phone as typed, the letter's
short code, unit, group, standing; paged), opens their page, re-issues a lost letter (the
old link stops working, the new one prints and works, audited) and replaces them."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app import worker
from survey_app.persistence.enums import (
    AuditAction,
    InvitationStatus,
    Mode,
    RespondentStatus,
    ResponseStatus,
    SampleRole,
)
from survey_app.persistence.models import (
    AuditEvent,
    Campaign,
    Invitation,
    Respondent,
    Response,
    User,
    now,
)
from survey_app.services import invitations
from tests.support import make_respondent, open_fieldwork

SEARCH = "/fieldwork/respondents"
ROW_LINK = re.compile(r'href="/fieldwork/respondents/(\d+)"')
LINK = re.compile(r"/s/([A-Za-z0-9_-]{40,})")
CODE = re.compile(r'<p class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</p>')


def _found(client: FlaskClient, **args: str | int) -> set[int]:
    """The respondent ids a search lists (each row links to the person's page)."""
    response = client.get(SEARCH, query_string=args)
    assert response.status_code == 200, response.status_code
    return {int(i) for i in ROW_LINK.findall(response.get_data(as_text=True))}


def _submit(session: Session, invitation: Invitation) -> None:
    session.add(
        Response(
            invitation_id=invitation.id,
            instrument_id=invitation.instrument_id,
            status=ResponseStatus.SUBMITTED,
            mode=Mode.PAPER,
            submitted_at=now(),
        )
    )


@pytest.fixture
def people(app: Flask, session: Session, demo: int) -> dict[str, Respondent]:
    """Citizens of two communes (one invited and answered, one invited, one not yet),
    a department's leader, a reserve and a replaced person."""
    open_fieldwork(session, demo)
    made = {
        "a": make_respondent(session, demo, "H03.01", "Nguyễn Văn A", phone="+84912000111"),
        "an": make_respondent(session, demo, "H03.01", "Nguyễn Văn An", phone="+84987654321"),
        "b": make_respondent(session, demo, "H03.02", "Trần Thị Bình", phone="+842437654321"),
        "leader": make_respondent(session, demo, "S02", "Lê Đức Cường", group="department_leader"),
        "reserve": make_respondent(session, demo, "H03.01", "Phạm Thu Dung"),
        "replaced": make_respondent(session, demo, "H03.02", "Hoàng Minh Em"),
    }
    made["reserve"].status, made["reserve"].sample_role = (
        RespondentStatus.RESERVE,
        SampleRole.RESERVE,
    )
    made["reserve"].reserve_rank = 1
    made["replaced"].status = RespondentStatus.REPLACED
    campaign = session.get(Campaign, demo)
    assert campaign is not None
    invitations.issue(
        session,
        campaign,
        None,
        [made["a"].id, made["b"].id],
        sealer=worker.context_of(app).sealer,
    )
    answered = session.scalar(select(Invitation).where(Invitation.respondent_id == made["a"].id))
    assert answered is not None
    _submit(session, answered)
    session.commit()
    return made


def test_name_search_ignores_diacritics_and_case(people: dict[str, Respondent], as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    assert _found(admin, name="nguyen van a") == {people["a"].id, people["an"].id}
    assert _found(admin, name="NGUYỄN VĂN AN") == {people["an"].id}
    assert _found(admin, name="binh tran") == {people["b"].id}  # any order
    assert _found(admin, name="Lê Đức") == {people["leader"].id}
    assert _found(admin, name="le duc") == {people["leader"].id}  # đ folds to d
    assert _found(admin, name="không có ai") == set()


def test_phone_search_takes_the_number_as_typed(people: dict[str, Respondent], as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    assert _found(admin, phone="0912 000 111") == {people["a"].id}
    assert _found(admin, phone="0912.000.111") == {people["a"].id}
    assert _found(admin, phone="09") == {people["a"].id, people["an"].id}
    assert _found(admin, phone="87654321") == {people["an"].id}  # the last digits
    assert _found(admin, phone="+84 24 3765 4321") == {people["b"].id}
    page = admin.get(SEARCH, query_string={"phone": "0912000111"}).get_data(as_text=True)
    assert 'href="tel:+84912000111"' in page and "0912 000 111" in page
    assert "+84912000111<" not in page  # shown as a local number


def _holder(client: FlaskClient, code: str) -> str:
    """Where the code form leads: the holder's page, or back to the search."""
    response = client.post(f"{SEARCH}/code", data={"code": code})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert not code or code not in location  # a code opens a questionnaire: never in a URL
    return location


def test_a_letters_short_code_or_link_opens_its_holder(
    app: Flask, session: Session, people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    letter = admin.get(f"{SEARCH}/{people['b'].id}/letter").get_data(as_text=True)
    code = CODE.search(letter)
    token = LINK.search(letter)
    assert code and token
    page = f"{SEARCH}/{people['b'].id}"
    assert _holder(admin, code.group(1)).endswith(page)
    assert _holder(admin, code.group(1).replace("-", "").lower()).endswith(page)
    assert _holder(admin, f"https://khaosat.example/s/{token.group(1)}").endswith(page)
    assert _holder(admin, "AAAAA-BBBBB").endswith(SEARCH)
    assert _holder(admin, "").endswith(SEARCH)
    missed = admin.get(SEARCH).get_data(as_text=True)
    assert "Không tìm thấy giấy mời nào có mã này" in missed
    assert _holder(as_role("buudien"), code.group(1)).endswith(SEARCH)  # not given to them


def test_unit_group_and_status_filters(
    session: Session, people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    commune = people["a"].unit_id
    assert _found(admin, unit=commune) == {people[k].id for k in ("a", "an", "reserve")}
    assert _found(admin, group="department_leader") == {people["leader"].id}
    assert _found(admin, group="citizen", unit=people["b"].unit_id) == {
        people["b"].id,
        people["replaced"].id,
    }
    assert _found(admin, status="answered") == {people["a"].id}
    assert _found(admin, status="pending") == {
        people[k].id for k in ("an", "b", "leader")
    }  # invited or not, in the sample and not done
    assert _found(admin, status="reserve") == {people["reserve"].id}
    assert _found(admin, status="replaced") == {people["replaced"].id}
    assert _found(admin, status="pending", name="nguyen") == {people["an"].id}
    # an unknown choice filters nothing rather than failing
    assert len(_found(admin, status="nonsense", group="nonsense")) == len(people)


def test_results_show_names_beside_codes(people: dict[str, Respondent], as_role) -> None:  # type: ignore[no-untyped-def]
    page = as_role("admin").get(SEARCH, query_string={"name": "lê đức"}).get_data(as_text=True)
    assert "Sở Tư pháp" in page and "S02" in page
    assert "department_leader<" not in page and "Lãnh đạo" in page  # the group's name
    assert "Tìm thấy 1 người." in page
    answered = as_role("admin").get(SEARCH, query_string={"status": "answered"})
    text = answered.get_data(as_text=True)
    assert "Đã trả lời" in text
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)  # when they answered


def test_a_long_result_is_paged_never_cut(session: Session, demo: int, as_role) -> None:  # type: ignore[no-untyped-def]
    for i in range(57):
        make_respondent(session, demo, "H03.01", f"Người Thử {i:02d}")
    session.commit()
    admin = as_role("admin")
    first = admin.get(SEARCH, query_string={"name": "nguoi thu"}).get_data(as_text=True)
    assert len(ROW_LINK.findall(first)) == 50 and "Tìm thấy 57 người." in first
    assert "Trang 1/2" in first and "page=2" in first
    second = _found(admin, name="nguoi thu", page=2)
    third = _found(admin, name="nguoi thu", page=9)  # past the end: the last page
    assert len(second) == 7 and second == third
    everyone = _found(admin, page=2)  # without a name: paged in SQL
    assert len(everyone) == 7 and not everyone & _found(admin)


def test_an_interviewer_sees_only_the_people_given_to_them(
    session: Session, people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    interviewer = session.scalar(select(User).where(User.username == "buudien"))
    assert interviewer is not None
    session.get(Respondent, people["b"].id).interviewer_id = interviewer.id  # type: ignore[union-attr]
    session.commit()
    clerk = as_role("buudien")
    assert _found(clerk) == {people["b"].id}
    assert _found(clerk, name="nguyen") == set()
    page = clerk.get(f"{SEARCH}/{people['b'].id}").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Nhập phiếu" in page
    assert "Cấp lại giấy mời" not in page and "Thay bằng dự phòng" not in page
    assert clerk.get(f"{SEARCH}/{people['a'].id}").status_code == 403
    assert clerk.get(f"{SEARCH}/{people['b'].id}/letter").status_code == 403
    assert clerk.post(f"{SEARCH}/{people['b'].id}/reissue").status_code == 403
    for other in ("sotuphap", "phantich"):  # the rated unit and the analysts never see people
        assert as_role(other).get(SEARCH).status_code == 403
        assert as_role(other).get(f"{SEARCH}/{people['leader'].id}").status_code == 403
    # the person b replaced is not theirs: b's page does not name them
    session.get(Respondent, people["b"].id).replaces_id = people["replaced"].id  # type: ignore[union-attr]
    session.commit()
    page = clerk.get(f"{SEARCH}/{people['b'].id}").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Hoàng Minh Em" not in page
    admin_page = as_role("admin").get(f"{SEARCH}/{people['b'].id}").get_data(as_text=True)
    assert "Hoàng Minh Em" in admin_page


def test_an_impossible_unit_filters_nothing(people: dict[str, Respondent], as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    for unit in ("99999999999999999999999", "-5", "0", "abc"):
        assert admin.get(f"{SEARCH}?unit={unit}").status_code == 200, unit


def test_the_person_page(people: dict[str, Respondent], as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    assert admin.get(f"{SEARCH}/999999").status_code == 404
    page = admin.get(f"{SEARCH}/{people['a'].id}").get_data(as_text=True)
    assert "Nguyễn Văn A" in page and "0912 000 111" in page and 'href="tel:+84912000111"' in page
    assert "Đã trả lời" in page and "Phiếu giấy" in page  # standing and mode
    assert "Mẫu chính" in page and "Phát hành 1 giấy mời" in page  # role and history
    assert "Nộp phiếu đánh giá" in page
    assert "Cấp lại giấy mời" not in page  # everything answered: nothing to re-send
    waiting = admin.get(f"{SEARCH}/{people['b'].id}").get_data(as_text=True)
    assert "Cấp lại giấy mời" in waiting and "In giấy mời" in waiting
    assert "Chưa mở phiếu" in waiting and "Đang dùng" in waiting
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", waiting)  # when it was issued
    reserve = admin.get(f"{SEARCH}/{people['reserve'].id}").get_data(as_text=True)
    assert "Dự phòng số 1" in reserve and "Cấp lại giấy mời" not in reserve
    assert "Chưa có giấy mời" in admin.get(f"{SEARCH}/{people['an'].id}").get_data(as_text=True)


def test_reissue_stops_the_old_link_and_prints_a_working_one(
    app: Flask, session: Session, people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    person = people["b"]
    old = admin.get(f"{SEARCH}/{person.id}/letter").get_data(as_text=True)
    old_token, old_code = LINK.search(old), CODE.search(old)
    assert old_token and old_code
    assert app.test_client().get(f"/s/{old_token.group(1)}").status_code == 200
    done = admin.post(f"{SEARCH}/{person.id}/reissue")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{SEARCH}/{person.id}")
    page = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã cấp lại 1 giấy mời" in page and "Cấp lại 1 giấy mời" in page  # flash, history
    new = admin.get(f"{SEARCH}/{person.id}/letter")
    assert new.status_code == 200 and new.headers["Cache-Control"] == "no-store"
    html = new.get_data(as_text=True)
    assert "GIẤY MỜI THAM GIA KHẢO SÁT" in html and "Trần Thị Bình" in html
    new_token = LINK.search(html)
    assert new_token and new_token.group(1) != old_token.group(1)
    respondent_client = app.test_client()
    assert respondent_client.get(f"/s/{old_token.group(1)}").status_code == 404
    assert respondent_client.get(f"/s/{new_token.group(1)}").status_code == 200
    assert _holder(admin, old_code.group(1)).endswith(SEARCH)
    assert _holder(admin, CODE.search(html).group(1)).endswith(f"{SEARCH}/{person.id}")  # type: ignore[union-attr]
    session.expire_all()
    reissued = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.INVITATIONS_ISSUED,
            AuditEvent.target == str(person.id),
        )
    )
    assert reissued is not None and reissued.details["reissued"] is True
    assert reissued.username == "admin"
    printed = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.EXPORT,
            AuditEvent.target == f"letters respondent {person.id}",
        )
    ).all()
    assert len(printed) == 2  # the old letter and the new one
    assert not any(old_token.group(1) in str(e.details) for e in printed)
    history = admin.get(f"{SEARCH}/{person.id}").get_data(as_text=True)
    assert "In 1 thư" in history and new_token.group(1) not in history  # no link on the page


def test_reissue_refused_for_someone_out_of_the_sample(
    session: Session, people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    for key in ("reserve", "an"):  # a reserve, and someone without a letter yet
        response = admin.post(f"{SEARCH}/{people[key].id}/reissue", follow_redirects=True)
        assert response.status_code == 200
        assert 'class="flash error"' in response.get_data(as_text=True)
    assert (
        session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.INVITATIONS_ISSUED, AuditEvent.target.is_not(None)
            )
        )
        is None
    )


def _replaceable(session: Session) -> Respondent:
    """A sampled citizen of the demo with an invitation and no response."""
    answered = select(Invitation.respondent_id).join(Response)
    person = session.scalar(
        select(Respondent)
        .where(
            Respondent.group == "citizen",
            Respondent.status == RespondentStatus.ACTIVE,
            Respondent.sample_role == SampleRole.SAMPLE,
            Respondent.id.in_(select(Invitation.respondent_id)),
            Respondent.id.not_in(answered),
        )
        .order_by(Respondent.id)
    )
    assert person is not None
    return person


def test_replace_by_a_reserve_from_the_person_page(
    app: Flask, session: Session, full_demo: int, as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    person = _replaceable(session)
    page = admin.get(f"{SEARCH}/{person.id}").get_data(as_text=True)
    assert "Thay bằng dự phòng" in page
    refused = admin.post(f"{SEARCH}/{person.id}/replace", data={"reason": "  "})
    assert refused.headers["Location"].endswith(f"{SEARCH}/{person.id}")
    session.expire_all()
    assert session.get(Respondent, person.id).status is RespondentStatus.ACTIVE  # type: ignore[union-attr]
    done = admin.post(f"{SEARCH}/{person.id}/replace", data={"reason": "Không liên lạc được"})
    assert done.status_code == 302
    chosen_id = int(done.headers["Location"].rsplit("/", 1)[1])
    session.expire_all()
    chosen = session.get(Respondent, chosen_id)
    assert chosen is not None and chosen.replaces_id == person.id
    assert chosen.status is RespondentStatus.ACTIVE
    assert session.get(Respondent, person.id).status is RespondentStatus.REPLACED  # type: ignore[union-attr]
    old_links = session.scalars(select(Invitation).where(Invitation.respondent_id == person.id))
    assert all(i.status is InvitationStatus.REVOKED for i in old_links)
    new_page = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã thay bằng" in new_page and "Thay cho" in new_page and person.full_name in new_page
    assert "Vào mẫu thay cho" in new_page and "In giấy mời" in new_page
    letter = admin.get(f"{SEARCH}/{chosen_id}/letter")
    assert letter.status_code == 200 and chosen.full_name in letter.get_data(as_text=True)
    old_page = admin.get(f"{SEARCH}/{person.id}").get_data(as_text=True)
    assert "Người thay" in old_page and "Không liên lạc được" in old_page
    assert "Đã thu hồi" in old_page and "Thay bằng dự phòng" not in old_page
    again = admin.post(f"{SEARCH}/{person.id}/replace", data={"reason": "lần nữa"})
    assert 'class="flash error"' in admin.get(again.headers["Location"]).get_data(as_text=True)
    assert session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.RESPONDENT_REPLACED,
            AuditEvent.target == str(person.id),
        )
    )


def test_the_search_is_linked_from_the_fieldwork_pages(
    people: dict[str, Respondent], as_role
) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    progress = admin.get("/fieldwork/").get_data(as_text=True)
    assert 'href="/fieldwork/respondents?campaign=' in progress
    assert "Tìm người" in admin.get("/").get_data(as_text=True)
    assert "/fieldwork/respondents" in as_role("buudien").get("/entry/").get_data(as_text=True)


def test_the_sampling_page_replaces_through_the_same_service(
    session: Session, full_demo: int, as_role
) -> None:  # type: ignore[no-untyped-def]
    person = _replaceable(session)
    admin = as_role("admin")
    unit_page = admin.get(f"/sampling/units/{person.unit_id}").get_data(as_text=True)
    assert f'href="{SEARCH}/{person.id}"' in unit_page  # names lead to the person's page
    letters = admin.post(
        f"/sampling/respondents/{person.id}/replace", data={"reason": "Chuyển đi nơi khác"}
    )
    assert letters.status_code == 200
    assert "GIẤY MỜI THAM GIA KHẢO SÁT" in letters.get_data(as_text=True)
    session.expire_all()
    chosen = session.scalar(select(Respondent).where(Respondent.replaces_id == person.id))
    assert chosen is not None and chosen.status is RespondentStatus.ACTIVE
    assert session.scalar(select(Invitation).where(Invitation.respondent_id == chosen.id))
