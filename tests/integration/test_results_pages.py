"""The analyst's result pages: they render real numbers, the library's, and no personal data."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re

import pandas as pd
import pytest
from babel.numbers import format_decimal
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import designs
from analysis.quality import cronbach_alpha
from analysis.settings import Band, BandScheme, EstimationSettings
from survey_app.persistence.enums import Role
from survey_app.persistence.models import Campaign, Unit
from survey_app.services import appraisal, results, results_quality
from survey_app.services import designs as designs_service
from survey_app.services.designs import DesignRefused
from tests.integration.results_fixtures import (
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_PHONE,
    results_campaign,
    seed_results,
    staff,
)


@pytest.fixture
def results_id(session: Session) -> int:
    """A campaign built by the factories (the demo's contents change no number here)."""
    return results_campaign(session)


@pytest.fixture
def seeded(session: Session, results_id: int) -> int:
    seed_results(session, results_id)
    return results_id


@pytest.fixture
def analyst(app: Flask, results_id: int) -> FlaskClient:
    return staff(app, Role.ANALYST)


def percent(value: float) -> str:
    """Vietnamese percent with two decimals, as the pages write it (85,32 %)."""
    return f"{format_decimal(value, '#,##0.00', locale='vi')}\u00a0%"


def _unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None
    return unit


def _full_marks_csv(session: Session, campaign_id: int, codes: list[str]) -> bytes:
    return _marks_csv(session, campaign_id, dict.fromkeys(codes, 1.0))


def _marks_csv(session: Session, campaign_id: int, shares: dict[str, float]) -> bytes:
    """An appraisal file giving each unit ``share`` of every appraisal sub-criterion's points."""
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    rows = ["Mã đơn vị,Mã tiêu chí thành phần,Điểm thẩm định,Không áp dụng"]
    for leaf in appraisal.campaign_tree(session, campaign).flatten():
        if leaf.method.value == "appraisal":
            rows += [
                f"{code},{leaf.code},{round(leaf.max_points * share, 2)},"
                for code, share in shares.items()
            ]
    return "\n".join(rows).encode()


def _pages(campaign_id: int, unit_id: int) -> list[str]:
    base = f"/results/campaigns/{campaign_id}"
    return [
        "/results/",
        f"{base}/ranking",
        f"{base}/sipas",
        f"{base}/sipas?level=district",
        f"{base}/sipas?level=commune",
        f"{base}/quality",
        f"{base}/appraisal",
        f"{base}/units/{unit_id}",
    ]


def test_pages_render_with_data(analyst: FlaskClient, session: Session, seeded: int) -> None:
    for url in _pages(seeded, _unit(session, "S01").id):
        response = analyst.get(url)
        assert response.status_code == 200, url
        charted = not url.endswith(("/quality", "/appraisal"))
        assert ("<svg" in response.get_data(as_text=True)) is charted, url


def test_unit_page_shows_hand_worked_survey_score_and_index(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    """S01's leaders answer good/fair/average (1, 0.6, 0.2): 60 % of each survey leaf, so
    with full appraisal marks 68 + 0.6 x 22 = 81.2 of 90 (no SIPAS for a department): 90.22 %."""
    upload = _full_marks_csv(session, seeded, ["S01"])
    response = analyst.post(
        f"/results/campaigns/{seeded}/appraisal",
        data={"file": (io.BytesIO(upload), "diem.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = analyst.get(f"/results/campaigns/{seeded}/units/{_unit(session, 'S01').id}")
    text = page.get_data(as_text=True)
    assert "60,00\u00a0%" in text
    assert 'id="unit-index">90,22\u00a0%' in text
    assert "81,20 / 90,00" in text
    assert '<span class="num">1</span>hạng trong nhóm' in text
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    tree = results.compute(session, campaign).tree_of_unit("S01")
    criterion = tree.fields[0].children[0]
    row = re.search(rf'data-criterion="{re.escape(criterion.code)}"><td[^>]*>([^<]*)<', text)
    assert row is not None and row.group(1) == f"{criterion.code}. {criterion.title.vi}"


def test_ranking_and_sipas_pages_show_the_library_numbers(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    computed = results.compute(session, campaign)
    ranking = analyst.get(f"/results/campaigns/{seeded}/ranking").get_data(as_text=True)
    for row in computed.ranking.itertuples():
        assert f'data-unit="{row.unit_code}"' in ranking
        assert percent(row.index_pct) in ranking
    assert computed.sipas is not None
    province = computed.sipas["province"].overall.iloc[0]
    sipas_page = analyst.get(f"/results/campaigns/{seeded}/sipas").get_data(as_text=True)
    assert percent(province.index_pct) in sipas_page
    overview = analyst.get("/results/").get_data(as_text=True)
    assert f'id="stat-sipas">{percent(province.index_pct)}' in overview
    assert f'id="stat-responses">{len(computed.data.meta)}' in overview


NATIONAL_THRESHOLDS = (("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 0.0))
PROVINCIAL_THRESHOLDS = (("Tốt", 90.0), ("Khá", 80.0), ("Trung bình", 65.0), ("Yếu", 0.0))
"""The documented default bands (docs/domain.md, "Rankings and bands"), written out here so
the test does not read them from the code it checks."""


def expected_band(index_pct: float, thresholds: tuple[tuple[str, float], ...]) -> str | None:
    """The first band (highest lower bound first) whose lower bound the index reaches."""
    return next((label for label, lower in thresholds if index_pct >= lower), None)


APPRAISAL_SHARES = {"S01": 0.85, "S02": 1.0, "S03": 0.75, "S04": 0.9}
"""Shares of the appraisal points that put the four departments in four different bands."""


def _graded(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    appraisal.import_appraisal(
        session, campaign, "diem.csv", _marks_csv(session, campaign_id, APPRAISAL_SHARES), None
    )
    session.commit()
    return campaign


def test_departments_are_ranked_with_both_band_schemes(session: Session, seeded: int) -> None:
    ranking = results.compute(session, _graded(session, seeded)).ranking
    departments = ranking[ranking["peer_group"] == "department"]
    assert list(departments["unit_code"]) == ["S02", "S04", "S01", "S03"]
    assert list(departments["rank"]) == list(range(1, len(departments) + 1))
    for row in ranking.itertuples():
        assert row.band_national == expected_band(row.index_pct, NATIONAL_THRESHOLDS), row
        assert row.band_provincial == expected_band(row.index_pct, PROVINCIAL_THRESHOLDS), row
    # four departments in four bands of each scheme: a shifted cut-off cannot go unnoticed
    assert departments["band_national"].nunique() == 4
    assert departments["band_provincial"].nunique() == 4


def test_ranking_page_and_api_show_each_units_band(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    ranking = results.compute(session, _graded(session, seeded)).ranking
    page = analyst.get(f"/results/campaigns/{seeded}/ranking").get_data(as_text=True)
    api = {
        row["unit_code"]: row
        for row in analyst.get(f"/api/v1/campaigns/{seeded}/ranking").get_json()["data"]
    }
    for row in ranking.itertuples():
        national = expected_band(row.index_pct, NATIONAL_THRESHOLDS)
        provincial = expected_band(row.index_pct, PROVINCIAL_THRESHOLDS)
        shown = re.search(rf'<tr data-unit="{re.escape(row.unit_code)}">(.*?)</tr>', page, re.S)
        assert shown is not None, row.unit_code
        assert f'<span class="badge">{national}</span>' in shown.group(1), row.unit_code
        assert f'">{provincial}</td>' in shown.group(1), row.unit_code
        assert (api[row.unit_code]["band_national"], api[row.unit_code]["band_provincial"]) == (
            national,
            provincial,
        ), row.unit_code


def _with_analysis(campaign: Campaign, **changes: object) -> designs.CampaignSettings:
    settings = designs_service.settings_of(campaign)
    return dataclasses.replace(settings, analysis=dataclasses.replace(settings.analysis, **changes))


def test_campaign_settings_change_bands_and_small_cells(session: Session, seeded: int) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    before = designs_service.settings_of(campaign)
    changed = _with_analysis(
        campaign,
        national_bands=BandScheme((Band("Cao", 15.0), Band("Thấp", 0.0))),
        estimation=EstimationSettings(small_cell_n=2),
    )
    designs_service.save_settings(session, campaign, changed, None)
    computed = results.compute(session, campaign)
    for row in computed.ranking.itertuples():
        assert row.band_national == ("Cao" if row.index_pct >= 15 else "Thấp"), row
        assert row.band_provincial == expected_band(row.index_pct, PROVINCIAL_THRESHOLDS), row
    assert set(computed.ranking["band_national"]) == {"Cao", "Thấp"}
    assert not computed.estimates["unit"]["small_cell"].any()
    designs_service.save_settings(session, campaign, before, None)
    assert results.compute(session, campaign).estimates["unit"]["small_cell"].all()


def test_quality_page_flags_without_removing(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    page = analyst.get(f"/results/campaigns/{seeded}/quality").get_data(as_text=True)
    assert "quá nhanh" in page and "trả lời một kiểu" in page
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    assert len(results.compute(session, campaign).data.meta) == 47


def test_no_personal_data_on_any_results_page(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    for url in _pages(seeded, _unit(session, "S02").id):
        text = analyst.get(url).get_data(as_text=True)
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL):
            assert secret not in text, (url, secret)


def test_other_roles_are_refused(app: Flask, seeded: int) -> None:
    for role in (Role.UNIT_OFFICER, Role.INTERVIEWER):
        client = staff(app, role)
        assert client.get("/results/").status_code == 403
        assert client.get(f"/results/campaigns/{seeded}/export.xlsx").status_code == 403
        assert client.get(f"/api/v1/campaigns/{seeded}/scores").status_code == 403


def test_unknown_campaign_and_unit_are_404(analyst: FlaskClient, seeded: int) -> None:
    assert analyst.get("/results/campaigns/9999/ranking").status_code == 404
    assert analyst.get(f"/results/campaigns/{seeded}/units/99999").status_code == 404
    assert analyst.get(f"/results/campaigns/{seeded}/export/nothing.csv").status_code == 404


BAD_ANALYSIS = [
    ({"estimation": {"confidence": "chín lăm"}}, "settings.analysis.estimation.confidence"),
    ({"sipas": {"aggregation": "median"}}, "settings.analysis.sipas.aggregation"),
    ({"bands": {"national": [["A"]]}}, "settings.analysis.bands.national[0]"),
    ({"criteria_tree": "no_such_tree"}, "settings.analysis.criteria_tree"),
    ({"estimation": {"confidence": 95}}, "settings.analysis.estimation.confidence"),
    ({"estimation": {"small_cell_n": -3}}, "settings.analysis.estimation.small_cell_n"),
    ({"par_index": {"decimals": -1}}, "settings.analysis.par_index.decimals"),
]


@pytest.mark.parametrize(("bad", "path"), BAD_ANALYSIS)
def test_unusable_analysis_settings_are_refused_by_their_path(
    session: Session, seeded: int, bad: dict[str, object], path: str
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    document = designs.to_json(designs_service.design_of(campaign))
    document["settings"]["analysis"] = {**document["settings"]["analysis"], **bad}
    with pytest.raises(DesignRefused) as refused:
        designs_service.save_design(
            session, campaign, designs_service.read_document(json.dumps(document)), None
        )
    assert path in {p.path for p in refused.value.problems}
    assert any(line.startswith(path) for line in refused.value.lines("vi"))


def test_a_design_damaged_in_the_database_gives_a_message_not_a_500(
    session: Session, seeded: int, analyst: FlaskClient
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    document = dict(campaign.design)
    document["settings"] = {"analysis": {"sipas": {"aggregation": "median"}}}
    campaign.design = document
    session.commit()
    unit = _unit(session, "S02")
    for page in _pages(seeded, unit.id)[1:3]:
        response = analyst.get(page)
        assert response.status_code == 422, page
        assert "Thiết kế đã lưu của đợt khảo sát bị hỏng" in response.get_data(as_text=True)


def test_the_sipas_aggregation_setting_changes_the_index_and_is_recorded(
    session: Session, seeded: int, analyst: FlaskClient
) -> None:
    """SIPAS 2023-2026 aggregation: items scored by their 1-5 mean rescaled, rolled up
    item -> factor -> part -> index; the pre-2023 elements form the services part."""
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    before = results.compute(session, campaign)
    assert before.sipas is not None
    document = designs.to_json(designs_service.design_of(campaign))
    document["settings"]["analysis"]["sipas"] = {
        "aggregation": "factors_and_parts",
        "item_score": "mean_rescaled",
    }
    designs_service.save_design(
        session, campaign, designs_service.read_document(json.dumps(document)), None
    )
    session.commit()
    after = results.compute(session, campaign)
    assert after.sipas is not None
    province = after.sipas["province"]
    assert list(province.parts["part"]) == ["services"]
    elements = province.elements["index_pct"]
    assert province.overall["index_pct"].iloc[0] == pytest.approx(elements.mean())
    means = province.means.set_index("variable")["estimate"]
    first = province.questions["variable"].iloc[0]
    element = province.questions["element"].iloc[0]
    items = province.questions[province.questions["element"] == element]["variable"]
    expected = ((means[items] - 1) / 4).mean() * 100
    assert province.elements.set_index("element").at[element, "index_pct"] == pytest.approx(
        expected
    )
    assert first in means.index
    assert after.settings.sipas.item_score.value == "mean_rescaled"
    old = before.sipas["province"].overall["index_pct"].iloc[0]
    assert province.overall["index_pct"].iloc[0] != pytest.approx(old)
    page = analyst.get(f"/results/campaigns/{seeded}/sipas").get_data(as_text=True)
    assert "điểm trung bình thang 1–5 quy về 0–100 %" in page


LEVEL_NAMES = {
    "department": "Sở, ban, ngành",
    "district": "Huyện, thị xã, thành phố",
    "commune": "Xã, phường, thị trấn",
}
"""The Vietnamese level names of par_province_2023 (designs/templates), written out here."""


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", page, re.S)


def _chart_title(svg: str) -> str:
    found = re.search(r"<title>(.*?)</title>", svg)
    assert found is not None, svg[:200]
    return found.group(1)


def _bars(svg: str) -> dict[str, str]:
    """Each bar's markup by its label (the label's <tspan> lines joined by spaces)."""
    bars = {}
    for bar in re.findall(r"<g>(.*?)</g>", svg, re.S):
        text = re.search(r'<text font-size="13"[^>]*>(.*?)</text>', bar, re.S)
        assert text is not None, bar
        label = " ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", text.group(1)))
        bars[html.unescape(label)] = bar
    return bars


def _three_peer_groups(session: Session, campaign_id: int) -> results.CampaignResults:
    """Appraisal marks for a department, two districts and a commune: three peer groups."""
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    shares = {"S01": 0.5, "H01": 0.7, "H02": 0.9, "H01.01": 0.8}
    upload = _marks_csv(session, campaign_id, shares)
    appraisal.import_appraisal(session, campaign, "diem.csv", upload, None)
    session.commit()
    computed = results.compute(session, campaign)
    assert set(computed.ranking["peer_group"]) == set(LEVEL_NAMES)
    return computed


@pytest.mark.parametrize("page", ["overview", "ranking"])
def test_each_peer_group_has_its_own_ranking_chart_in_rank_order(
    analyst: FlaskClient, session: Session, seeded: int, page: str
) -> None:
    ranking = _three_peer_groups(session, seeded).ranking
    url = f"/results/?campaign_id={seeded}" if page == "overview" else None
    url = url or f"/results/campaigns/{seeded}/ranking"
    text = analyst.get(url).get_data(as_text=True)
    charts = [svg for svg in _svgs(text) if _chart_title(svg).startswith("Chỉ số CCHC (%) — ")]
    assert len(charts) == len(LEVEL_NAMES), url
    seen = set()
    for svg in charts:
        title = html.unescape(_chart_title(svg))
        (group,) = [g for g, name in LEVEL_NAMES.items() if title.endswith(f"— {name}")]
        seen.add(group)
        own = ranking[ranking["peer_group"] == group].sort_values("rank")
        expected = [f"{row.rank}. {row.unit_name}" for row in own.itertuples()]
        assert list(_bars(svg)) == expected, (group, title)
        others = ranking[ranking["peer_group"] != group]["unit_name"]
        assert not any(name in svg for name in others), group
    assert seen == set(LEVEL_NAMES)
    if page == "overview":  # the design's order of levels: departments, districts, communes
        headings = [
            text.index(f'<h3 data-peer-group="{group}">{html.escape(name)}</h3>')
            for group, name in LEVEL_NAMES.items()
        ]
        assert headings == sorted(headings)


def test_a_ranking_bar_on_few_responses_carries_the_small_sample_marker(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    """Departments rest on 3 leaders each (under the 10 of small_cell_n); the commune on its
    12 citizens; a district nobody rates directly on its 23 citizens' SIPAS answers."""
    ranking = _three_peer_groups(session, seeded).ranking
    text = analyst.get(f"/results/campaigns/{seeded}/ranking").get_data(as_text=True)
    bars = {label: bar for svg in _svgs(text) for label, bar in _bars(svg).items()}
    for row in ranking.itertuples():
        bar = bars[f"{row.rank}. {row.unit_name}"]
        if row.peer_group == "department":
            assert "⚠ ít phiếu (n = 3)" in bar, row.unit_code
            assert re.search(r"<title>[^<]*ít phiếu \(n = 3\)</title>", bar), row.unit_code
        else:
            assert "ít phiếu" not in bar, row.unit_code
    assert "ước lượng dựa trên ít hơn 10 phiếu" in text


def test_field_chart_wraps_long_field_names_in_full_and_marks_small_cells(
    analyst: FlaskClient, session: Session, seeded: int
) -> None:
    campaign = session.get(Campaign, seeded)
    assert campaign is not None
    computed = results.compute(session, campaign)
    text = analyst.get(f"/results/campaigns/{seeded}/units/{_unit(session, 'S01').id}")
    text = text.get_data(as_text=True)
    (svg,) = [s for s in _svgs(text) if "Điểm điều tra theo lĩnh vực" in _chart_title(s)]
    bars = _bars(svg)
    labels = [f"{f.code}. {' '.join(f.title.vi.split())}" for f in computed.tree.fields]
    assert list(bars) == labels
    assert any(label.count(" ") > 8 and bars[label].count("<tspan") > 1 for label in labels)
    assert "…" not in svg
    for bar in bars.values():  # every field of S01 rests on its 3 leaders
        assert "⚠ ít phiếu (n = 3)" in bar
    assert "ước lượng dựa trên ít hơn 10 phiếu" in text


def test_quality_page_explains_a_negative_alpha_apart_from_a_low_one(
    analyst: FlaskClient, seeded: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c is a, b reversed and not recoded: alpha -1.65; a and d agree weakly: alpha 0.33."""
    items = pd.DataFrame(
        {"a": [1, 2, 3, 4], "b": [2, 3, 4, 4], "c": [3, 2, 1, 1], "d": [1, 4, 3, 2]}
    )
    sections = {"reversed": ["a", "b", "c"], "weak": ["a", "d"], "alone": ["a"], "good": ["a", "b"]}
    table = cronbach_alpha(items, sections).assign(instrument="thu_nghiem")
    monkeypatch.setattr(results_quality, "section_alphas", lambda data: table)
    text = analyst.get(f"/results/campaigns/{seeded}/quality").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-alpha="([a-z_]+)">(.*?)</tr>', text, re.S))
    assert set(rows) == {"negative", "low", "not_computable", "acceptable"}
    negative = rows["negative"]
    assert ">reversed<" in negative and "⚠ Hệ số âm" in negative
    assert "trả lời ngược chiều nhau hoặc quá ít phiếu" in negative
    assert "không dùng hệ số này để đánh giá độ tin cậy" in negative
    assert ">weak<" in rows["low"] and "Hệ số thấp (dưới 0,6)" in rows["low"]
    assert "Hệ số âm" not in rows["low"]
    assert ">alone<" in rows["not_computable"] and "Không tính được" in rows["not_computable"]
    assert ">good<" in rows["acceptable"] and "Đạt" in rows["acceptable"]
    assert "⚠" not in rows["acceptable"]
