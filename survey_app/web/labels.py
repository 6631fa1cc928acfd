"""Display names (Vietnamese source, English through the catalogue) for every enum, and the
names a campaign's design gives its levels and groups (in the design's two languages)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import phonenumbers
from flask_babel import lazy_gettext as _l

from designs import RatesShape, SelectionRule
from survey_app.persistence.enums import (
    AssessmentStatus,
    AuditAction,
    CampaignStatus,
    EvidenceKind,
    JobStatus,
    Mode,
    Role,
    ScoreChangeKind,
    UnitStage,
)
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
    Role.APPRAISER: _l("Thành viên tổ thẩm định"),
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
STAGE_LABELS = {
    UnitStage.NOT_STARTED: _l("Chưa bắt đầu"),
    UnitStage.DRAFT: _l("Đang chấm (bản nháp)"),
    UnitStage.SUBMITTED: _l("Đã nộp, chờ thẩm định"),
    UnitStage.IN_APPRAISAL: _l("Đang thẩm định"),
    UnitStage.EXPLANATION_REQUESTED: _l("Được yêu cầu giải trình"),
    UnitStage.EXPLAINED: _l("Đã giải trình, chờ thẩm định lại"),
    UnitStage.APPRAISED: _l("Đã thẩm định xong"),
}
ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.OPEN: _l("Đang tự đánh giá và thẩm định"),
    AssessmentStatus.APPROVED: _l("Hội đồng đã phê duyệt"),
    AssessmentStatus.PUBLISHED: _l("Đã công bố"),
}
CHANGE_LABELS = {
    ScoreChangeKind.SELF: _l("Đơn vị tự chấm"),
    ScoreChangeKind.APPRAISAL: _l("Thẩm định"),
    ScoreChangeKind.NOT_APPLICABLE: _l("Áp dụng / không áp dụng"),
    ScoreChangeKind.NO_REPORT: _l("Không nộp báo cáo: 0 điểm"),
}
EVIDENCE_LABELS = {
    EvidenceKind.PDF: "PDF",
    EvidenceKind.DOCX: "Word",
    EvidenceKind.DOC: "Word",
    EvidenceKind.XLSX: "Excel",
    EvidenceKind.XLS: "Excel",
    EvidenceKind.ODT: "OpenDocument",
    EvidenceKind.ODS: "OpenDocument",
    EvidenceKind.PNG: _l("Ảnh"),
    EvidenceKind.JPEG: _l("Ảnh"),
}
AUDIT_LABELS = {
    AuditAction.LOGIN: _l("Đăng nhập"),
    AuditAction.LOGIN_FAILED: _l("Đăng nhập không thành công"),
    AuditAction.LOGOUT: _l("Đăng xuất"),
    AuditAction.CAMPAIGN_CREATED: _l("Tạo đợt khảo sát"),
    AuditAction.CAMPAIGN_UPDATED: _l("Sửa đợt khảo sát"),
    AuditAction.UNITS_IMPORTED: _l("Nhập danh mục đơn vị"),
    AuditAction.USER_CREATED: _l("Tạo tài khoản"),
    AuditAction.ROLE_CHANGED: _l("Đổi vai trò tài khoản"),
    AuditAction.LIST_UPLOADED: _l("Gửi danh sách"),
    AuditAction.SAMPLING_RUN: _l("Chọn mẫu"),
    AuditAction.RESPONDENT_REPLACED: _l("Thay người được chọn"),
    AuditAction.INVITATIONS_ISSUED: _l("Phát hành giấy mời"),
    AuditAction.PAPER_ENTRY: _l("Nhập phiếu giấy / điện thoại"),
    AuditAction.APPRAISAL_IMPORTED: _l("Nhập điểm thẩm định từ tệp"),
    AuditAction.EXPORT: _l("Xuất dữ liệu"),
    AuditAction.QUESTIONNAIRE_PUBLISHED: _l("Ban hành phiếu khảo sát"),
    AuditAction.ASSESSMENT_OPENED: _l("Mở tự đánh giá, chấm điểm"),
    AuditAction.ASSESSMENT_ASSIGNED: _l("Phân công chấm điểm / thẩm định"),
    AuditAction.SELF_SCORED: _l("Đơn vị lưu điểm tự chấm"),
    AuditAction.EVIDENCE_ADDED: _l("Thêm tài liệu kiểm chứng"),
    AuditAction.EVIDENCE_WITHDRAWN: _l("Rút tài liệu kiểm chứng"),
    AuditAction.ASSESSMENT_SUBMITTED: _l("Đơn vị nộp báo cáo tự đánh giá"),
    AuditAction.ASSESSMENT_REOPENED: _l("Mở lại báo cáo tự đánh giá"),
    AuditAction.ASSESSMENT_REMINDED: _l("Nhắc đơn vị"),
    AuditAction.CRITERION_NOT_APPLICABLE: _l("Đánh dấu tiêu chí áp dụng / không áp dụng"),
    AuditAction.APPRAISAL_SCORED: _l("Lưu điểm thẩm định"),
    AuditAction.EXPLANATION_REQUESTED: _l("Yêu cầu giải trình"),
    AuditAction.EXPLANATION_GIVEN: _l("Đơn vị giải trình"),
    AuditAction.APPRAISAL_FINISHED: _l("Kết thúc vòng thẩm định"),
    AuditAction.APPRAISAL_APPROVED: _l("Hội đồng phê duyệt điểm thẩm định"),
    AuditAction.INDEX_PUBLISHED: _l("Công bố Chỉ số CCHC"),
    AuditAction.USER_DISABLED: _l("Khóa tài khoản"),
    AuditAction.USER_ENABLED: _l("Mở lại tài khoản"),
    AuditAction.PASSWORD_RESET: _l("Đặt lại mật khẩu"),
    AuditAction.USERS_IMPORTED: _l("Nhập tài khoản từ tệp"),
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
