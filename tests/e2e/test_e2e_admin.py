"""The administrator's first minutes: log in, see the campaign, the units, switch to English."""

from __future__ import annotations

from tests.e2e.conftest import log_in, shot


def test_admin_tour_on_phone_and_desktop(live_server: str, phone, desktop) -> None:  # type: ignore[no-untyped-def]
    phone.goto(f"{live_server}/login")
    shot(phone, "login-phone")
    log_in(phone, live_server, "admin")
    assert "Xin chào" in phone.content()
    shot(phone, "home-phone")
    log_in(desktop, live_server, "admin")
    desktop.click("text=Đợt khảo sát")
    assert "Minh Sơn" in desktop.content()
    desktop.click("text=Đơn vị")
    assert "Sở Tư pháp" in desktop.content()
    shot(desktop, "units-desktop")
    desktop.goto(f"{live_server}/admin/audit")
    assert "login" in desktop.content()
    shot(desktop, "audit-desktop")


def test_language_switch(live_server: str, phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto(f"{live_server}/login")
    phone.click("button:has-text('English')")
    assert phone.locator("h1").inner_text() == "Log in"
    phone.click("button:has-text('Tiếng Việt')")
    assert phone.locator("h1").inner_text() == "Đăng nhập"


def test_admin_sets_up_a_2025_campaign_from_a_template_and_edits_its_design(
    live_server: str, desktop
) -> None:  # type: ignore[no-untyped-def]
    log_in(desktop, live_server, "admin")
    desktop.goto(f"{live_server}/admin/campaigns/new")
    desktop.select_option("#template", "internal_index_2025")
    desktop.fill("#year", "2026")
    desktop.fill("#name", "Chỉ số các sở và xã 2026 (thử)")
    desktop.click("button:has-text('Tạo đợt khảo sát')")
    assert "Ai đánh giá ai" in desktop.content()
    assert "Lãnh đạo phòng chuyên môn cấp xã" in desktop.content()
    shot(desktop, "design-desktop")
    text = desktop.input_value("#text")
    desktop.fill("#text", text.replace("quota: 2", "quota: 0"))
    desktop.click("button:has-text('Lưu thiết kế')")
    problems = desktop.locator("#design-problems").inner_text()
    assert "groups[3].selection.quota" in problems and "1 đến 100000" in problems
    desktop.fill("#text", text.replace("quota: 2", "quota: 3"))
    desktop.click("button:has-text('Lưu thiết kế')")
    assert "Đã lưu thiết kế đợt khảo sát." in desktop.content()
    assert "quota: 3" in desktop.input_value("#text")


def test_admin_finds_a_merged_commune_and_adds_a_provinces_communes(
    live_server: str, desktop
) -> None:  # type: ignore[no-untyped-def]
    log_in(desktop, live_server, "admin")
    desktop.click("text=Danh mục hành chính")
    assert "vietnamadminunits" in desktop.content()  # the demo imported the registry
    desktop.fill("#q", "vinh phu")
    desktop.select_option("#sp", "25")
    desktop.click("button:has-text('Tìm')")
    desktop.click("a:has-text('Xã Vĩnh Phú')")
    assert "09154" in desktop.content() and "Xã Ngũ Kiên" in desktop.content()
    shot(desktop, "official-unit-desktop")
    desktop.goto(f"{live_server}/admin/campaigns/new")
    desktop.select_option("#template", "par_province_2025")
    desktop.fill("#year", "2027")
    desktop.fill("#name", "Phú Thọ 2027 (thử)")
    desktop.click("button:has-text('Tạo đợt khảo sát')")
    campaign_id = desktop.url.split("/campaigns/")[1].split("/")[0]
    desktop.goto(f"{live_server}/admin/campaigns/{campaign_id}/official")
    desktop.select_option("#province", "25")
    desktop.select_option("#level", "commune")
    desktop.click("form:has(#province) button:has-text('Thêm')")
    assert "Đã thêm 148 đơn vị" in desktop.content()
    assert "Xã Vĩnh Phú (09154)" in desktop.content()
    shot(desktop, "campaign-official-desktop")
