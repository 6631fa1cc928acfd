"""Display names (Vietnamese source, English through the catalogue) for every enum, and the
names a campaign's design gives its levels and groups (in the design's two languages)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import phonenumbers
from flask_babel import lazy_gettext as _l

from designs import RatesShape, SelectionRule
from survey_app.persistence.enums import CampaignStatus, JobStatus, Mode, Role
from survey_app.services.designs import design_of
from survey_app.services.respondents import Standing

STATUS_LABELS = {
    CampaignStatus.DRAFT: _l("Nháp"),
    CampaignStatus.OPEN: _l("Đang mở"),
    CampaignStatus.CLOSED: _l("Đã đóng"),
}
ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị đợt khảo sát"),
    Role.UNIT_OFFICER: _l("Cán bộ đơn vị"),
    Role.INTERVIEWER: _l("Điều tra viên / nhập phiếu"),
    Role.ANALYST: _l("Phân tích viên"),
}
RULE_LABELS = {
    SelectionRule.CENSUS: _l("Toàn bộ"),
    SelectionRule.QUOTA: _l("Số lượng cố định mỗi đơn vị"),
    SelectionRule.STRATIFIED: _l("Chọn mẫu phân tầng theo lĩnh vực, có dự phòng"),
    SelectionRule.CENSUS_IN_CHOSEN: _l("Toàn bộ trong các đơn vị được chọn theo nhóm phát triển"),
}
SHAPE_LABELS = {
    RatesShape.PROVINCE: _l("tỉnh của mình"),
    RatesShape.OWN_UNIT: _l("đơn vị của mình"),
    RatesShape.EACH_OF_LEVEL: _l("từng đơn vị thuộc cấp"),
}
MODE_LABELS = {
    Mode.WEB: _l("Trực tuyến"),
    Mode.PAPER: _l("Phiếu giấy"),
    Mode.PHONE: _l("Điện thoại"),
}
STANDING_LABELS = {
    Standing.PENDING: _l("Chưa trả lời"),
    Standing.ANSWERED: _l("Đã trả lời"),
    Standing.REPLACED: _l("Đã thay"),
    Standing.RESERVE: _l("Dự phòng"),
}
JOB_LABELS = {
    JobStatus.QUEUED: _l("đang chờ"),
    JobStatus.RUNNING: _l("đang chạy"),
    JobStatus.DONE: _l("đã xong"),
    JobStatus.FAILED: _l("bị lỗi"),
}
DISTRICT_REASON_LABELS = {
    "forced_in": _l("Lãnh đạo quyết định chọn"),
    "forced_out": _l("Lãnh đạo quyết định không chọn"),
    "all_districts": _l("Không có đủ đơn vị để chọn: chọn tất cả"),
    "first_of_tier": _l("Đại diện cho nhóm kinh tế - xã hội"),
    "largest_remaining": _l("Quy mô lớn nhất trong các đơn vị còn lại"),
    "not_chosen": _l("Không được chọn"),
}


if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign


@cache
def _template_group_names() -> dict[str, tuple[str, str]]:
    import designs

    names: dict[str, tuple[str, str]] = {}
    for template in designs.template_codes():
        for group in designs.template(template).groups:
            names.setdefault(group.code, (group.name.in_locale("vi"), group.name.in_locale("en")))
    return names


def template_group_name(code: str, locale: str) -> str:
    """A respondent group's name as the shipped templates give it (pages outside a campaign,
    such as a questionnaire's groups); a generic name for any respondent."""
    if code == "respondent":
        return str(_l("mọi nhóm"))
    vi, en = _template_group_names().get(code, (code, code))
    return en if locale == "en" else vi


def design_name(campaign: Campaign | None, kind: str, code: str, locale: str) -> str:
    """The design's name of a level (``kind="level"``) or group (``"group"``) of
    ``campaign`` in ``locale``; the code itself when the design has none."""
    if campaign is None or not code:
        return code or ""
    design = design_of(campaign)
    if kind == "level" and design.has_level(code):
        return design.level(code).name.in_locale(locale)
    if kind == "group" and design.has_group(code):
        return design.group(code).name.in_locale(locale)
    return code


VIETNAM_CALLING_CODE = 84


def local_phone(value: str | None) -> str:
    """A stored number as people write it: "0912 345 678" in Vietnam, "+1 415-555-0100"
    abroad; anything that is not a valid number as stored."""
    number = _parsed_phone(value)
    if number is None:
        return value or ""
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == VIETNAM_CALLING_CODE
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def tel_href(value: str | None) -> str:
    """The ``tel:`` link of a stored number (E.164), empty when it is not a number."""
    number = _parsed_phone(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parsed_phone(value: str | None) -> phonenumbers.PhoneNumber | None:
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None
