"""Staff journeys: an officer uploads a list, reads the report, downloads the annotated file and
re-uploads; the administrator samples and verifies; an interviewer keys in a paper form."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.e2e.conftest import log_in, shot


def _citizen_list(commune: str, bad_rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([f"DANH SÁCH NGƯỜI DÂN ĐÃ GIAO DỊCH — {commune.upper()}"])
    sheet.append(
        [
            "STT",
            "Họ và tên",
            "Địa chỉ",
            "Số điện thoại",
            "Lĩnh vực TTHC",
            "Ngày nộp hồ sơ",
            "Ngày nhận kết quả",
        ]
    )
    import datetime as dt

    year = dt.date.today().year
    for i in range(1, 36):
        received = f"{10 + i % 15:02d}/0{1 + i % 8}/{year}"
        if i <= bad_rows:
            received = f"20/12/{year}"  # after the window: excluded
        sheet.append(
            [
                i,
                f"Người Dân {i}",
                f"Thôn {i % 5}, {commune}",
                f"09120000{i:02d}",
                "Hộ tịch" if i % 2 else "Chứng thực",
                f"05/0{1 + i % 8}/{year}",
                received,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_officer_upload_report_annotated_and_reupload(live_server: str, phone) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, live_server, "xa-h03-01")
    phone.goto(f"{live_server}/lists/")
    shot(phone, "lists-mine-phone")
    phone.click("text=Gửi / xem báo cáo")
    commune = phone.locator("p.hint").first.inner_text().split(" · ")[0]
    phone.set_input_files(
        "#file",
        files=[
            {
                "name": "danh_sach.xlsx",
                "buffer": _citizen_list(commune, bad_rows=3),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    phone.click("button:has-text('Gửi và kiểm tra')")
    phone.wait_for_selector("#report")
    assert "Bị loại" in phone.content()
    shot(phone, "lists-report-phone")
    with phone.expect_download() as download:
        phone.click("text=Tải tệp đã đánh dấu lỗi")
    assert download.value.suggested_filename.endswith(".xlsx")
    phone.set_input_files(
        "#file",
        files=[
            {
                "name": "danh_sach_da_sua.xlsx",
                "buffer": _citizen_list(commune, bad_rows=0),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    phone.click("button:has-text('Gửi và kiểm tra')")
    phone.wait_for_selector("text=Các phiên bản đã gửi")
    assert "đang dùng" in phone.content()


def test_admin_board_sampling_verify_and_export(live_server: str, desktop) -> None:  # type: ignore[no-untyped-def]
    log_in(desktop, live_server, "admin")
    desktop.goto(f"{live_server}/lists/board")
    assert "Chưa gửi" in desktop.content()
    shot(desktop, "lists-board-desktop")
    desktop.goto(f"{live_server}/sampling/")
    assert "Các đơn vị được chọn theo nhóm phát triển và lý do" in desktop.content()
    shot(desktop, "sampling-desktop")
    desktop.click("button:has-text('Kiểm tra lại')")
    desktop.wait_for_selector(".flash >> text=Kiểm tra lại:")  # matches, or names the changes
    with desktop.expect_download() as download:
        desktop.click("text=Tải danh sách đối tượng")
    assert download.value.suggested_filename == "danh_sach_doi_tuong.xlsx"
    desktop.goto(f"{live_server}/fieldwork/")
    shot(desktop, "fieldwork-desktop")


def test_interviewer_keys_in_a_paper_form(live_server: str, desktop, phone) -> None:  # type: ignore[no-untyped-def]
    log_in(desktop, live_server, "admin")
    desktop.goto(f"{live_server}/fieldwork/")
    desktop.select_option("select[name=unit_id]", index=5)
    desktop.select_option("select[name=interviewer_id]", index=1)
    desktop.click("button:has-text('Giao')")
    desktop.wait_for_selector("text=Đã giao")
    log_in(phone, live_server, "buudien")
    phone.goto(f"{live_server}/entry/")
    phone.locator("text=Nhập phiếu").first.click()
    for fieldset in phone.locator(".question fieldset").all():
        fieldset.locator("input").first.check()
    for field in phone.locator(
        ".question input:not([type=radio]):not([type=checkbox]), .question textarea"
    ).all():
        field.fill("2" if field.get_attribute("inputmode") in ("numeric", "decimal") else "x")
    phone.check("input[name=mode][value=paper]")
    shot(phone, "entry-phone")
    phone.click("button:has-text('Lưu phiếu')")
    phone.wait_for_selector("text=Đã ghi nhận phiếu")
