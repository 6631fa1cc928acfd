"""The analyst's journey: overview, ranking and SIPAS on a phone, a unit page on a desktop."""

from __future__ import annotations

from tests.e2e.conftest import log_in, shot


def test_analyst_reads_results_on_a_phone(live_server: str, phone, desktop) -> None:  # type: ignore[no-untyped-def]
    log_in(phone, live_server, "phantich")
    phone.click("header nav >> text=Kết quả")
    assert phone.locator("h1").inner_text().startswith("Kết quả khảo sát")
    submitted = phone.locator("#stat-responses").inner_text()
    assert int(submitted.replace(".", "").replace(",", "")) > 100  # the demo's responses
    assert "%" in phone.locator("#stat-sipas").inner_text()
    groups = phone.locator("h3[data-peer-group]").count()  # one chart per peer group
    assert groups >= 1 and phone.locator("svg.chart").count() == groups
    for i in range(groups):
        label = phone.locator("svg.chart").nth(i).get_attribute("aria-label") or ""
        assert label.startswith("Chỉ số CCHC (%) — ")
    shot(phone, "results-overview-phone")
    phone.click("nav.subnav >> text=Xếp hạng")
    assert phone.locator("tr[data-unit='S02'] td.index").inner_text().endswith("%")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the ranking must fit a 360 px phone"
    shot(phone, "results-ranking-phone")
    phone.click("nav.subnav >> text=SIPAS")
    assert (phone.locator("svg.chart").get_attribute("aria-label") or "").startswith(
        "Chỉ số hài lòng"
    )
    shot(phone, "results-sipas-phone")
    log_in(desktop, live_server, "phantich")
    desktop.goto(f"{live_server}/results/")
    desktop.click("nav.subnav >> text=Xếp hạng")
    desktop.click("tr[data-unit='S01'] a")
    assert desktop.locator("#unit-index").inner_text().endswith("%")
    desktop.goto(f"{live_server}/results/campaigns/1/units/1")  # the province: rated by surveys
    assert desktop.locator("svg.chart > g").count() == 8  # one bar per PAR field
    shot(desktop, "results-unit-desktop")
