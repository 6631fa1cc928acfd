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
