"""Accounts on /admin/users: units from the registry, disabling, password resets, the
spreadsheet import (all or nothing, generated passwords handed back once) and the list."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable

import pytest
import xlsxwriter
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction, Role
from survey_app.persistence.models import AuditEvent, User
from survey_app.services import accounts
from tests.conftest import csrf

AsRole = Callable[[str], FlaskClient]
NEW_PASSWORD = "mat-khau-moi-2026"  # noqa: S105 - a test password


def _user(session: Session, username: str) -> User:
    session.expire_all()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return user


def _can_log_in(app: Flask, username: str, password: str) -> bool:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf(client)},
    )
    return response.status_code == 302


def _events(session: Session, action: AuditAction) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _user_count(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


# --- units from the registry ------------------------------------------------------------------


def test_the_forms_offer_the_registrys_units_by_name(as_role: AsRole, session: Session) -> None:
    admin = as_role("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert '<option value="S02">Sở Tư pháp (S02)</option>' in page
    assert '<option value="H03.01">Thị trấn Thanh Mỹ (H03.01)</option>' in page
    officer = _user(session, "sotuphap")
    account = admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert '<option selected value="S02">Sở Tư pháp (S02)</option>' in account
    choices = accounts.unit_choices(session)
    assert len({c.code for c in choices}) == len(choices)


def test_an_unknown_unit_is_refused(as_role: AsRole, session: Session) -> None:
    admin = as_role("admin")
    before = _user_count(session)
    response = admin.post(
        "/admin/users",
        data={
            "username": "cb-xyz",
            "full_name": "Cán bộ XYZ",
            "password": "long-enough-pw",
            "role": Role.UNIT_OFFICER.value,
            "unit_code": "XYZ",
        },
    )
    assert response.status_code == 422
    assert "Không có đơn vị mã “XYZ” trong danh mục đơn vị" in response.get_data(as_text=True)
    assert _user_count(session) == before
    officer = _user(session, "sotuphap")
    admin.post(
        f"/admin/users/{officer.id}/role",
        data={"role": Role.UNIT_OFFICER.value, "unit_code": "XYZ"},
    )
    assert _user(session, "sotuphap").unit_code == "S02"
    page = admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "Không có đơn vị mã “XYZ”" in page
    actor = _user(session, "admin")
    with pytest.raises(ServiceError) as refused:
        accounts.change_role(session, officer, Role.UNIT_OFFICER, "XYZ", actor)
    assert refused.value.code == "unit_not_registered"


def test_a_unit_is_refused_for_roles_without_one_and_required_for_officers(
    as_role: AsRole, session: Session
) -> None:
    actor = _user(session, "admin")
    for role, unit, code in (
        (Role.ANALYST, "S02", "unit_not_for_role"),
        (Role.UNIT_OFFICER, None, "unit_required"),
    ):
        with pytest.raises(ServiceError) as refused:
            accounts.create_user(
                session,
                username="tk-moi",
                full_name="Tài khoản mới",
                password="long-enough-pw",
                role=role,
                unit_code=unit,
                actor=actor,
            )
        assert refused.value.code == code
    made = accounts.create_user(
        session,
        username="cb-s02-moi",
        full_name="Cán bộ Sở Tư pháp",
        password="long-enough-pw",
        role=Role.UNIT_OFFICER,
        unit_code="s02",
        actor=actor,
    )
    assert made.unit_code == "S02"  # the registry's spelling


# --- disabling, enabling ----------------------------------------------------------------------


def test_disabling_ends_a_logged_in_session_and_enabling_lets_them_back(
    app: Flask, as_role: AsRole, session: Session
) -> None:
    officer_client = as_role("sotuphap")
    assert officer_client.get("/").status_code == 200
    officer = _user(session, "sotuphap")
    admin = as_role("admin")
    assert admin.post(f"/admin/users/{officer.id}/disable").status_code == 302
    assert officer_client.get("/").status_code == 302
    assert not _user(session, "sotuphap").is_active
    assert not _can_log_in(app, "sotuphap", "demo-sotuphap-2026")
    page = admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "Đã khóa tài khoản sotuphap" in page
    (event,) = _events(session, AuditAction.USER_DISABLED)
    assert event.target == "sotuphap" and event.username == "admin"
    assert event.details["sessions_ended"] == 1
    assert admin.post(f"/admin/users/{officer.id}/enable").status_code == 302
    assert _can_log_in(app, "sotuphap", "demo-sotuphap-2026")
    assert len(_events(session, AuditAction.USER_ENABLED)) == 1


def test_an_administrator_cannot_disable_themselves(as_role: AsRole, session: Session) -> None:
    admin = as_role("admin")
    me = _user(session, "admin")
    admin.post(f"/admin/users/{me.id}/disable")
    assert _user(session, "admin").is_active
    page = admin.get(f"/admin/users/{me.id}").get_data(as_text=True)
    assert "Bạn không thể tự khóa tài khoản của chính mình." in page
    assert _events(session, AuditAction.USER_DISABLED) == []


def test_the_last_active_administrator_is_kept(as_role: AsRole, session: Session) -> None:
    admin = as_role("admin")
    me = _user(session, "admin")
    response = admin.post(f"/admin/users/{me.id}/role", data={"role": Role.ANALYST.value})
    assert response.status_code == 302
    assert _user(session, "admin").role is Role.ADMIN
    assert "tài khoản quản trị cuối cùng" in admin.get("/admin/users").get_data(as_text=True)
    with pytest.raises(ServiceError) as refused:
        accounts.disable_user(session, me, None, None)
    assert refused.value.code == "last_admin"
    second = accounts.create_user(
        session,
        username="qt-2",
        full_name="Quản trị thứ hai",
        password="long-enough-pw",
        role=Role.ADMIN,
        actor=me,
    )
    assert accounts.disable_user(session, second, me, None)
    with pytest.raises(ServiceError):
        accounts.disable_user(session, me, None, None)  # the disabled one does not count
    assert accounts.enable_user(session, second, me, None)
    assert accounts.disable_user(session, me, second, None)


def test_disabling_needs_the_administrator_a_token_and_a_real_account(
    as_role: AsRole, session: Session
) -> None:
    officer = _user(session, "sotuphap")
    url = f"/admin/users/{officer.id}/disable"
    assert as_role("phantich").post(url).status_code == 403
    admin = as_role("admin")
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    assert admin.post(url).status_code == 400
    assert _user(session, "sotuphap").is_active
    admin = as_role("admin")
    assert admin.post("/admin/users/999999/disable").status_code == 404


# --- resetting a password ---------------------------------------------------------------------


def test_a_typed_password_replaces_the_old_one(
    app: Flask, as_role: AsRole, session: Session
) -> None:
    officer_client = as_role("sotuphap")
    officer = _user(session, "sotuphap")
    admin = as_role("admin")
    short = admin.post(f"/admin/users/{officer.id}/password", data={"password": "ngan"})
    assert short.status_code == 422
    response = admin.post(f"/admin/users/{officer.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert officer_client.get("/").status_code == 302
    assert not _can_log_in(app, "sotuphap", "demo-sotuphap-2026")
    assert _can_log_in(app, "sotuphap", NEW_PASSWORD)
    (event,) = _events(session, AuditAction.PASSWORD_RESET)
    assert event.details == {"generated": False, "sessions_ended": 1}


def test_a_generated_password_is_shown_once_and_works(
    app: Flask, as_role: AsRole, session: Session
) -> None:
    officer = _user(session, "xa-h03-01")
    admin = as_role("admin")
    neither = admin.post(f"/admin/users/{officer.id}/password", data={})
    assert neither.status_code == 422
    response = admin.post(f"/admin/users/{officer.id}/password", data={"generate": "y"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    found = re.search(r'<code class="big">([^<]+)</code>', page)
    assert found
    password = found.group(1)
    assert len(password) >= accounts.MIN_PASSWORD_LENGTH
    assert password not in admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert _can_log_in(app, "xa-h03-01", password)
    assert not _can_log_in(app, "xa-h03-01", "demo-xa-h03-01-2026")
    (event,) = _events(session, AuditAction.PASSWORD_RESET)
    assert event.details["generated"] is True
    assert password not in str(event.details)


# --- the import -------------------------------------------------------------------------------


def _csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx_file(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Cán bộ")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def _upload(client: FlaskClient, data: bytes, name: str) -> tuple[int, str]:
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_an_import_with_bad_rows_creates_nothing_and_names_every_row(
    as_role: AsRole, session: Session
) -> None:
    admin = as_role("admin")
    before = _user_count(session)
    rows = [
        ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Mật khẩu"],
        ["cb-h01", "Nguyễn Văn Một", "H01", "", ""],  # row 2: good
        ["cb-h01", "Nguyễn Văn Hai", "H01.01", "", ""],  # 3: repeats row 2
        ["sotuphap", "Lê Văn Trùng", "S02", "", ""],  # 4: taken
        ["cb-xyz", "Trần Thị Ba", "XYZ", "", ""],  # 5: unknown unit
        ["cb-bon", "Phạm Văn Bốn", "H01", "giám đốc", ""],  # 6: bad role
        ["cb-nam", "Hoàng Thị Năm", "H01", "", "ngan"],  # 7: short password
        ["cb-sau", "", "H01", "", ""],  # 8: no name
        ["pt-bay", "Đỗ Văn Bảy", "H01", "Phân tích viên", ""],  # 9: unit for an analyst
        ["cb tam", "Vũ Văn Tám", "H01", "", ""],  # 10: space in the username
    ]
    status, page = _upload(admin, _csv_file(rows), "can_bo.csv")
    assert status == 422
    assert "Có 8 dòng có lỗi; chưa tạo tài khoản nào." in page
    for expected in (
        "Dòng 3: Tên đăng nhập “cb-h01” bị trùng (đã có ở dòng 2).",
        "Dòng 4: Tên đăng nhập “sotuphap” đã tồn tại.",
        "Dòng 5: Không có đơn vị mã “XYZ” trong danh mục đơn vị",
        "Dòng 6: Vai trò “giám đốc” không hợp lệ.",
        "Dòng 7: Mật khẩu phải có ít nhất 10 ký tự.",
        "Dòng 8: Thiếu giá trị bắt buộc: Họ và tên.",
        "Dòng 9: Chỉ cán bộ đơn vị mới gắn với một đơn vị",
        "Dòng 10: Tên đăng nhập “cb tam” không hợp lệ",
    ):
        assert expected in page, expected
    assert "Dòng 2:" not in page
    assert _user_count(session) == before
    assert _events(session, AuditAction.USERS_IMPORTED) == []


def test_an_import_creates_every_account_and_hands_back_generated_passwords_once(
    app: Flask, as_role: AsRole, session: Session
) -> None:
    admin = as_role("admin")
    rows: list[list[object]] = [
        ["DANH SÁCH TÀI KHOẢN CÁN BỘ ĐƠN VỊ"],
        [],
        ["STT", "Ten dang nhap", "Ho va ten", "Ma don vi (*)", "Vai tro", "Mat khau"],
        [1, "CB-H01", "Nguyễn Văn Một", "H01", None, None],
        [2, "cb-h01-01", "Trần Thị Hai", "h01.01", "Cán bộ đơn vị", "mat-khau-rieng-1"],
        [3, "pt-ba", "Lê Văn Ba", None, "Phân tích viên", None],
    ]
    status, page = _upload(admin, _xlsx_file(rows), "tai_khoan.xlsx")
    assert status == 200, page[:2000]
    assert "Đã tạo 3 tài khoản." in page
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)
    assert href
    text = base64.b64decode(href.group(1)).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    by_name = {r["Tên đăng nhập"]: r for r in table}
    assert set(by_name) == {"cb-h01", "cb-h01-01", "pt-ba"}
    assert by_name["cb-h01"]["Tên đơn vị"] == "Thành phố Minh Sơn"
    assert by_name["cb-h01-01"]["Mật khẩu"] == ""  # given in the file: not handed back
    generated = by_name["cb-h01"]["Mật khẩu"]
    assert generated and generated in page
    assert _can_log_in(app, "cb-h01", generated)
    assert _can_log_in(app, "cb-h01-01", "mat-khau-rieng-1")
    assert _can_log_in(app, "pt-ba", by_name["pt-ba"]["Mật khẩu"])
    officer = _user(session, "cb-h01-01")
    assert (officer.role, officer.unit_code) == (Role.UNIT_OFFICER, "H01.01")
    assert _user(session, "pt-ba").unit_code is None
    (event,) = _events(session, AuditAction.USERS_IMPORTED)
    assert event.details == {"count": 3, "generated": 2} and event.username == "admin"
    created = {e.target for e in _events(session, AuditAction.USER_CREATED)}
    assert {"cb-h01", "cb-h01-01", "pt-ba"} <= created
    every_detail = " ".join(str(e.details) for e in session.scalars(select(AuditEvent)))
    assert generated not in every_detail
    assert generated not in admin.get("/admin/users/import").get_data(as_text=True)


def test_the_template_has_the_headers_and_imports_once_filled(
    as_role: AsRole, session: Session
) -> None:
    admin = as_role("admin")
    response = admin.get("/admin/users/import/template.xlsx")
    assert response.status_code == 200
    assert "mau_nhap_tai_khoan.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == list(accounts.IMPORT_HEADERS)
    units = {row[0]: row[1] for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["S02"] == "Sở Tư pháp"
    sheet.append(["cb-mau", "Người Điền Mẫu", "S01"])
    filled = io.BytesIO()
    book.save(filled)
    status, page = _upload(admin, filled.getvalue(), "mau_nhap_tai_khoan.xlsx")
    assert status == 200, page[:2000]
    assert _user(session, "cb-mau").unit_code == "S01"


def test_an_unreadable_or_headerless_file_is_refused_in_words(as_role: AsRole) -> None:
    admin = as_role("admin")
    status, page = _upload(admin, _csv_file([["a", "b"], ["1", "2"]]), "x.csv")
    assert status == 422
    assert "Thiếu cột bắt buộc: Tên đăng nhập, Họ và tên, Mã đơn vị." in page
    status, page = _upload(admin, b"PK\x03\x04 not really a zip", "x.xlsx")
    assert status == 422
    assert "Tệp bị hỏng" in page
    assert admin.post("/admin/users/import", data={}).status_code == 422
    assert as_role("phantich").get("/admin/users/import").status_code == 403


# --- the list ---------------------------------------------------------------------------------


def _add_officers(session: Session, count: int) -> None:
    """Officers of H01 added as rows (a real hash would cost 0.1 s each), half disabled."""
    for i in range(count):
        session.add(
            User(
                username=f"cb-loc-{i:03d}",
                full_name=f"Cán bộ Lọc {i:03d}",
                password_hash="$argon2id$unusable",  # noqa: S106 - nobody logs in with it
                role=Role.UNIT_OFFICER,
                unit_code="H01",
                is_active=i % 2 == 0,
            )
        )
    session.commit()


def _chip(page: str, label: str) -> int:
    found = re.search(re.escape(label) + r" \(([\d.]+)\)</a>", page)
    assert found, label
    return int(found.group(1).replace(".", ""))


def _listed(page: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', page)


def test_the_list_filters_with_counts_that_match_and_pages(
    as_role: AsRole, session: Session
) -> None:
    _add_officers(session, 70)
    admin = as_role("admin")
    officers = int(
        session.scalar(select(func.count()).select_from(User).where(User.role == Role.UNIT_OFFICER))
        or 0
    )
    page = admin.get("/admin/users?role=unit_officer").get_data(as_text=True)
    assert _chip(page, "Cán bộ đơn vị") == officers
    assert _chip(page, "Mọi trạng thái") == officers
    assert f"Tìm thấy {officers} tài khoản." in page
    assert "Trang 1/2" in page and len(_listed(page)) == 50
    second = admin.get("/admin/users?role=unit_officer&page=2").get_data(as_text=True)
    assert len(_listed(second)) == officers - 50
    assert not set(_listed(page)) & set(_listed(second))

    searched = admin.get("/admin/users?q=can+bo+loc&state=disabled").get_data(as_text=True)
    assert _chip(searched, "Đã khóa") == 35 == len(_listed(searched))
    assert _chip(searched, "Đang hoạt động") == 35
    assert _chip(searched, "Cán bộ đơn vị") == 35
    assert _chip(searched, "Phân tích viên") == 0
    assert all(name.startswith("cb-loc-") for name in _listed(searched))
    assert "Thành phố Minh Sơn" in searched  # the unit's name beside its code

    by_unit = admin.get("/admin/users?q=tu+phap").get_data(as_text=True)
    assert _listed(by_unit) == ["sotuphap"]
    found = accounts.search_users(session, accounts.AccountFilter(text="Phạm Thị Xã"))
    assert [r.username for r in found.rows] == ["xa-h03-01"]


def test_the_list_shows_the_last_login_as_day_month_year(as_role: AsRole) -> None:
    admin = as_role("admin")
    page = admin.get("/admin/users?q=admin").get_data(as_text=True)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)
    assert "Chưa đăng nhập" in admin.get("/admin/users?q=thamdinh").get_data(as_text=True)
