"""Display names (Vietnamese source, English through the catalogue) for every enum."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from domain import CampaignKind, RespondentGroup, UnitLevel
from survey_app.persistence.enums import CampaignStatus, JobStatus, Mode, Role

KIND_LABELS = {
    CampaignKind.PROVINCIAL_PAR: _l("Khảo sát Chỉ số CCHC cấp tỉnh"),
    CampaignKind.INTERNAL_INDEX: _l("Chỉ số CCHC các sở, ngành, huyện"),
    CampaignKind.COMMUNE_INDEX: _l("Chỉ số CCHC cấp xã"),
    CampaignKind.SIPAS: _l("Chỉ số hài lòng SIPAS"),
}
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
LEVEL_LABELS = {
    UnitLevel.PROVINCE: _l("Tỉnh"),
    UnitLevel.DEPARTMENT: _l("Sở, ban, ngành"),
    UnitLevel.SUBUNIT: _l("Đơn vị thuộc sở"),
    UnitLevel.DISTRICT: _l("Huyện, thị xã, thành phố"),
    UnitLevel.COMMUNE: _l("Xã, phường, thị trấn"),
    UnitLevel.MINISTRY: _l("Bộ, ngành"),
    UnitLevel.MINISTRY_DEPARTMENT: _l("Vụ, cục thuộc bộ"),
    UnitLevel.ASSOCIATION: _l("Hội, hiệp hội"),
}
GROUP_LABELS = {
    RespondentGroup.COUNCIL_DELEGATE: _l("Đại biểu HĐND tỉnh"),
    RespondentGroup.DEPARTMENT_LEADER: _l("Lãnh đạo sở, ban, ngành"),
    RespondentGroup.SUBUNIT_LEADER: _l("Lãnh đạo đơn vị thuộc sở"),
    RespondentGroup.DISTRICT_LEADER: _l("Lãnh đạo UBND cấp huyện"),
    RespondentGroup.CITIZEN: _l("Người dân, tổ chức"),
    RespondentGroup.MINISTRY_DEPARTMENT_LEADER: _l("Lãnh đạo vụ, cục thuộc bộ"),
    RespondentGroup.PROVINCE_DEPARTMENT_LEADER_FOR_MINISTRY: _l(
        "Lãnh đạo sở đánh giá bộ quản lý ngành"
    ),
    RespondentGroup.MINISTRY_SUBUNIT_LEADER: _l("Lãnh đạo đơn vị thuộc sở (đánh giá bộ)"),
    RespondentGroup.PAR_OFFICER: _l("Công chức làm công tác CCHC"),
    RespondentGroup.ASSOCIATION_LEADER: _l("Lãnh đạo hội, hiệp hội"),
}
MODE_LABELS = {
    Mode.WEB: _l("Trực tuyến"),
    Mode.PAPER: _l("Phiếu giấy"),
    Mode.PHONE: _l("Điện thoại"),
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
    "all_districts": _l("Tỉnh không có đủ huyện: chọn tất cả"),
    "first_of_tier": _l("Đại diện cho nhóm kinh tế - xã hội"),
    "largest_remaining": _l("Quy mô lớn nhất trong các huyện còn lại"),
    "not_chosen": _l("Không được chọn"),
}
