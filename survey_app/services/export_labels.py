"""What the XLSX export shows people: column headings, names beside codes, Có/Không, settings.

Vietnamese is the source language (English through the catalogue, in the page's locale). The
machine codes stay the column names of the tables (CSV and the API carry nothing else); the
workbook shows each heading above its code. Names beside codes come from the campaign: units'
names, the design's names of levels and groups, the criteria tree's titles of fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum

import pandas as pd
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from analysis.reproducibility import to_jsonable
from analysis.settings import (
    BandScheme,
    IntervalDistribution,
    ShareInterval,
    SingletonMethod,
    SipasAggregation,
    SipasItemScore,
)
from survey_app.services.designs import design_of
from survey_app.services.results import CampaignResults
from survey_app.services.results_history import HOW_VI

YES, NO = _l("Có"), _l("Không")
COLUMN_LABELS: dict[str, LazyString] = {
    "unit_code": _l("Mã đơn vị"),
    "unit_name": _l("Tên đơn vị"),
    "peer_group": _l("Mã nhóm so sánh"),
    "peer_group_name": _l("Nhóm so sánh"),
    "points": _l("Điểm"),
    "max_points": _l("Điểm tối đa"),
    "index_pct": _l("Chỉ số (%)"),
    "rank": _l("Thứ hạng"),
    "band_national": _l("Xếp loại quốc gia"),
    "band_provincial": _l("Xếp loại của tỉnh"),
    "has_survey": _l("Có phiếu điều tra"),
    "rescaled_points": _l("Điểm quy đổi"),
    "responses": _l("Số phiếu"),
    "missing": _l("Số tiêu chí thành phần chưa có điểm"),
    "level": _l("Mã cấp"),
    "level_name": _l("Cấp"),
    "mean_1_5": _l("Trung bình 1–5"),
    "n": _l("Số phiếu"),
    "domain": _l("Mã đơn vị hoặc nhóm"),
    "domain_name": _l("Tên đơn vị hoặc nhóm"),
    "field": _l("Mã lĩnh vực"),
    "field_title": _l("Lĩnh vực"),
    "estimate": _l("Ước lượng (%)"),
    "se": _l("Sai số chuẩn"),
    "ci_low": _l("Khoảng tin cậy dưới"),
    "ci_high": _l("Khoảng tin cậy trên"),
    "deff": _l("Hiệu ứng thiết kế"),
    "n_eff": _l("Cỡ mẫu hiệu dụng"),
    "small_cell": _l("Ô mẫu nhỏ"),
    "instrument": _l("Mã phiếu khảo sát"),
    "instrument_title": _l("Phiếu khảo sát"),
    "question_id": _l("Mã câu hỏi"),
    "question": _l("Câu hỏi"),
    "option": _l("Mã phương án"),
    "option_label": _l("Phương án trả lời"),
    "weighted_share": _l("Tỷ lệ có trọng số (%)"),
    "year": _l("Năm"),
    "campaign_name": _l("Tên đợt khảo sát"),
    "compared_unit_code": _l("Mã đơn vị so sánh"),
    "compared_unit_name": _l("Đơn vị so sánh"),
    "relation": _l("Quan hệ"),
}
SHEET_LABELS = {("questions", "n"): _l("Số người chọn")}
"""Headings of a column whose meaning depends on its table."""
ELEMENT_LABELS = {
    "access": _l("Tiếp cận dịch vụ"),
    "procedure": _l("Thủ tục hành chính"),
    "civil_servant": _l("Công chức giải quyết"),
    "result": _l("Kết quả"),
    "feedback": _l("Tiếp nhận, xử lý góp ý"),
    "information": _l("Thông tin về chính sách"),
    "participation": _l("Tham gia xây dựng chính sách"),
    "implementation": _l("Tổ chức thực hiện chính sách"),
    "impact": _l("Tác động của chính sách"),
}
"""The SIPAS factors by code, as the SIPAS page and the workbook name them."""
PART_LABELS = {"policies": _l("Chính sách công"), "services": _l("Dịch vụ hành chính công")}
RELATION_LABELS = {
    "this": _l("Đơn vị này"),
    "linked": _l("Đơn vị tiền thân (đã chọn)"),
    "same_code": _l("Cùng mã ở đợt trước"),
    "official": _l("Đơn vị hành chính cũ hợp thành"),
}
ESTIMATE_LEVELS = {"unit": _l("Đơn vị được đánh giá"), "group": _l("Nhóm đối tượng")}
PLACE_LEVELS = {"commune": _l("Xã"), "district": _l("Huyện"), "province": _l("Tỉnh")}
"""Levels of SIPAS and estimate tables when the design has no level of that code."""
COMPARISON_CODES = {
    "Mã đơn vị": "unit_code",
    "Đơn vị": "unit_name",
    "Năm": "year",
    "Đợt khảo sát": "campaign_name",
    "Mã đơn vị so sánh": "compared_unit_code",
    "Đơn vị so sánh": "compared_unit_name",
    "Quan hệ": "relation",
    "Chỉ số CCHC (%)": "index_pct",
    "Hạng": "rank",
}
"""The year-on-year table's columns (``results_history.comparison_table``) by their codes."""
_COMPARED_FIELD = re.compile(r"Lĩnh vực: (?P<title>.*) \(%\)")
_FIELD_COLUMN = re.compile(r"field_(?P<code>.+)_(?P<what>points|index_pct)")
_ELEMENT_COLUMN = re.compile(r"element_(?P<code>.+)_pct")
_PART_COLUMN = re.compile(r"part_(?P<code>.+)_pct")


def current_locale() -> str:
    """'en' when the page is in English, else 'vi' (also outside a request)."""
    locale = get_locale()
    return "en" if locale is not None and str(locale).startswith("en") else "vi"


def yes_no(value: bool) -> str:
    return str(YES if value else NO)


def number_text(value: float, locale: str, digits: int = 4) -> str:
    """A number as display text: 85,32 in Vietnamese, 85.32 in English, trailing zeros off."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return str(format_decimal(value, pattern, locale=locale))


@dataclass(frozen=True)
class Names:
    """The names a workbook shows beside codes, in one locale."""

    results: CampaignResults
    locale: str

    def level(self, code: str) -> str:
        design = design_of(self.results.campaign)
        if design.has_level(code):
            return design.level(code).name.in_locale(self.locale)
        label = ESTIMATE_LEVELS.get(code) or PLACE_LEVELS.get(code)
        return str(label) if label is not None else code

    def group(self, code: str) -> str:
        design = design_of(self.results.campaign)
        return design.group(code).name.in_locale(self.locale) if design.has_group(code) else code

    def field(self, code: str) -> str:
        found = next((f for f in self.results.tree.fields if f.code == code), None)
        return found.title.get(self.locale) if found is not None else ""

    def field_heading(self, code: str, what: str) -> str:
        title = self.field(code)
        if what == "points":
            return str(_("Lĩnh vực %(code)s. %(title)s: điểm", code=code, title=title))
        return str(_("Lĩnh vực %(code)s. %(title)s: chỉ số (%%)", code=code, title=title))

    def heading(self, column: str, kind: str = "") -> str:
        """The heading of a column of table ``kind`` named by its code."""
        if (kind, column) in SHEET_LABELS:
            return str(SHEET_LABELS[kind, column])
        if column in COLUMN_LABELS:
            return str(COLUMN_LABELS[column])
        if found := _FIELD_COLUMN.fullmatch(column):
            return self.field_heading(found["code"], found["what"])
        if found := _ELEMENT_COLUMN.fullmatch(column):
            return f"{ELEMENT_LABELS.get(found['code'], found['code'])} (%)"
        if found := _PART_COLUMN.fullmatch(column):
            return f"{PART_LABELS.get(found['code'], found['code'])} (%)"
        return column


def _beside(frame: pd.DataFrame, after: str, column: str, values: pd.Series) -> None:
    frame.insert(list(frame.columns).index(after) + 1, column, values)


def shown(frame: pd.DataFrame, kind: str, names: Names) -> pd.DataFrame:
    """A table as its sheet shows it: names of levels, groups, units, fields and questions
    beside their codes, questions in the locale (the CSV keeps the table as it is)."""
    frame = frame.copy()
    if kind == "ranking":
        _beside(frame, "peer_group", "peer_group_name", frame["peer_group"].map(names.level))
    if kind in ("sipas", "estimates") and "level" in frame:
        _beside(frame, "level", "level_name", frame["level"].map(names.level))
    if kind == "estimates" and "domain" in frame:
        domain_names = [
            names.group(str(d)) if lv == "group" else names.results.unit_name(str(d))
            for lv, d in zip(frame["level"], frame["domain"], strict=True)
        ]
        _beside(frame, "domain", "domain_name", pd.Series(domain_names, index=frame.index))
        _beside(frame, "field", "field_title", frame["field"].map(lambda c: names.field(str(c))))
    if kind == "questions":
        return _questions(frame, names)
    return frame


def _questions(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    instruments = names.results.data.instruments
    locale = names.locale
    titles = {code: i.title.get(locale) for code, i in instruments.items()}
    questions = {(code, q.id): q for code, i in instruments.items() for q in i.questions}
    texts: list[str] = []
    labels: list[str] = []
    for row in frame.itertuples(index=False):
        q = questions.get((str(row.instrument), str(row.question_id)))
        texts.append(q.text.get(locale) if q is not None else str(row.question))
        option = next((o for o in q.options if o.value == row.option), None) if q else None
        labels.append(option.label.get(locale) if option is not None else str(row.option_label))
    frame["question"] = pd.Series(texts, index=frame.index, dtype=object)
    frame["option_label"] = pd.Series(labels, index=frame.index, dtype=object)
    _beside(frame, "instrument", "instrument_title", frame["instrument"].map(titles))
    return frame


def comparison(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The year-on-year table with code columns (fields by their code when the campaign's
    tree has the title) and the relation in the locale."""
    by_title = {f.title.vi: f.code for f in names.results.tree.fields}
    renamed: dict[str, str] = {}
    for column in frame.columns:
        found = _COMPARED_FIELD.fullmatch(str(column))
        if column in COMPARISON_CODES:
            renamed[column] = COMPARISON_CODES[column]
        elif found and found["title"] in by_title:
            renamed[column] = f"field_{by_title[found['title']]}_index_pct"
    shown_frame = frame.rename(columns=renamed)
    if "relation" in shown_frame:
        how = {text: code for code, text in HOW_VI.items()}
        shown_frame["relation"] = shown_frame["relation"].map(
            lambda text: str(RELATION_LABELS.get(how.get(text, ""), text))
        )
    return shown_frame


SETTING_LABELS: dict[str, LazyString] = {
    "level_trees": _l("Bộ tiêu chí riêng theo cấp"),
    "pooling.group_shares": _l("Tỷ trọng các nhóm đối tượng"),
    "estimation.confidence": _l("Độ tin cậy của khoảng tin cậy"),
    "estimation.distribution": _l("Phân phối tham chiếu của khoảng tin cậy"),
    "estimation.share_interval": _l("Khoảng tin cậy của tỷ lệ"),
    "estimation.singleton": _l("Tầng chỉ có một đơn vị mẫu"),
    "estimation.small_cell_n": _l("Ngưỡng ô mẫu nhỏ (số phiếu)"),
    "estimation.finite_population": _l("Hiệu chỉnh tổng thể hữu hạn"),
    "sipas.satisfied_options": _l("Mức được tính là hài lòng (thang 1–5)"),
    "sipas.aggregation": _l("Cách tổng hợp chỉ số SIPAS"),
    "sipas.item_score": _l("Điểm của mỗi câu hỏi SIPAS"),
    "sipas.factor_weights": _l("Trọng số các yếu tố SIPAS"),
    "sipas.part_weights": _l("Trọng số các phần SIPAS"),
    "par_index.sipas_share_of_max": _l("Hệ số của tiêu chí lấy điểm từ SIPAS"),
    "par_index.rescale_to": _l("Tổng điểm quy đổi khi không có điều tra"),
    "par_index.decimals": _l("Số chữ số thập phân của chỉ số"),
    "national_bands": _l("Ngưỡng xếp loại quốc gia"),
    "provincial_bands": _l("Ngưỡng xếp loại của tỉnh"),
    "quality.speed_fraction": _l("Ngưỡng trả lời quá nhanh (phần của trung vị thời gian)"),
    "quality.speed_floor_seconds": _l("Ngưỡng trả lời quá nhanh (giây)"),
    "quality.straightline_min_items": _l("Số câu tối thiểu để kiểm tra trả lời một kiểu"),
    "unranked_levels": _l("Các cấp không xếp hạng"),
}
CHOICE_LABELS: dict[Enum, LazyString] = {
    IntervalDistribution.T_DOMAIN_DF: _l("Phân phối t, bậc tự do theo miền"),
    IntervalDistribution.Z: _l("Phân phối chuẩn (z)"),
    ShareInterval.WILSON: _l("Khoảng Wilson"),
    ShareInterval.LOGIT: _l("Khoảng Wald trên thang logit"),
    SingletonMethod.ADJUST: _l("Lấy trung bình chung làm tâm (thận trọng)"),
    SingletonMethod.CERTAINTY: _l("Coi như được chọn chắc chắn (không tính phương sai)"),
    SipasAggregation.MEAN_OF_ELEMENTS: _l("Trung bình các yếu tố"),
    SipasAggregation.MEAN_OF_QUESTIONS: _l("Trung bình các câu hỏi"),
    SipasAggregation.POOLED_RESPONSES: _l("Gộp tất cả câu trả lời"),
    SipasAggregation.FACTORS_AND_PARTS: _l("Câu hỏi → yếu tố → phần → chỉ số"),
    SipasItemScore.SATISFIED_SHARE: _l("Tỷ lệ hài lòng (mức 4–5)"),
    SipasItemScore.MEAN_RESCALED: _l("Điểm trung bình 1–5 quy về 0–100 %"),
}


@dataclass(frozen=True)
class InfoRow:
    """One row of the information sheet: heading, value as text, machine key and value."""

    label: str
    value: str
    key: str
    raw: object


def info_rows(results: CampaignResults, record_hash: str, names: Names) -> list[InfoRow]:
    """The campaign, the export and every analysis setting, one per row."""
    locale, today, tree = names.locale, vietnam_today(), results.tree
    campaign = results.campaign
    rows = [
        InfoRow(str(_l("Tên đợt khảo sát")), campaign.name, "campaign.name", campaign.name),
        InfoRow(str(_l("Năm")), str(campaign.year), "campaign.year", campaign.year),
        InfoRow(str(_l("Ngày xuất")), today.strftime("%d/%m/%Y"), "export_date", today),
        InfoRow(
            str(_l("Số phiếu đã nộp")),
            number_text(len(results.data.meta), locale),
            "responses",
            len(results.data.meta),
        ),
        InfoRow(
            str(_l("Bộ tiêu chí")),
            f"{tree.title.get(locale)} ({results.settings.criteria_tree})",
            "criteria_tree",
            results.settings.criteria_tree,
        ),
        InfoRow(str(_l("Mã băm dữ liệu (SHA-256)")), record_hash, "data_hash", record_hash),
    ]
    for key, value in _settings(results.settings):
        label = SETTING_LABELS.get(key)
        rows.append(
            InfoRow(str(label) if label else key, setting_text(key, value, names), key, value)
        )
    return rows


def _settings(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, value) of every setting; band schemes are one setting each."""
    found: list[tuple[str, object]] = []
    assert is_dataclass(value)
    for f in fields(value):
        if prefix == "" and f.name == "criteria_tree":
            continue  # its own row, with the tree's title
        inner = getattr(value, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(inner) and not isinstance(inner, BandScheme | type):
            found.extend(_settings(inner, f"{key}."))
        else:
            found.append((key, inner))
    return found


def setting_text(key: str, value: object, names: Names) -> str:
    """A setting as people read it: Có/Không, choices by name, numbers in the locale's
    format, groups and levels by their names with the code beside."""
    locale = names.locale
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Enum):
        return str(CHOICE_LABELS.get(value, value.value))
    if isinstance(value, int | float):
        if key == "estimation.confidence":
            return f"{number_text(float(value) * 100, locale, 2)}\u00a0%"
        return number_text(float(value), locale)
    if isinstance(value, BandScheme):
        return "; ".join(f"{b.label} ≥ {number_text(b.lower, locale)}" for b in value.bands)
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, tuple | list) and all(isinstance(v, tuple | list) for v in value):
        pairs = [(v[0], v[1]) for v in value]
    elif isinstance(value, tuple | list):
        name = _namer(key, names)
        return ", ".join(_named(name, str(v)) for v in value) or "–"
    else:
        return str(value)
    name = _namer(key, names)
    parts = [f"{_named(name, str(k))}: {setting_text(key, v, names)}" for k, v in pairs]
    return "; ".join(parts) or "–"


def _named(name: Callable[[str], str], code: str) -> str:
    """'Name (code)', or the code alone when it has no name."""
    shown_name = name(code)
    return code if shown_name == code else f"{shown_name} ({code})"


def _namer(key: str, names: Names) -> Callable[[str], str]:
    if key == "pooling.group_shares":
        return names.group
    if key in ("level_trees", "unranked_levels"):
        return names.level
    if key == "sipas.factor_weights":
        return lambda code: str(ELEMENT_LABELS.get(code, code))
    if key == "sipas.part_weights":
        return lambda code: str(PART_LABELS.get(code, code))
    return lambda code: code


def raw_text(value: object) -> str:
    """A setting's machine value: text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(to_jsonable(value), ensure_ascii=False)


VIETNAM = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
"""Indochina Time (UTC+7, no daylight saving): the date on every exported file."""


def vietnam_today() -> dt.date:
    """Today's date in Vietnam (not the server's, which may run on UTC)."""
    return dt.datetime.now(VIETNAM).date()
