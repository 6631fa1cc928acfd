"""Messages of the analysis library's codes (``analysis.errors.ErrorCode`` values)."""

from __future__ import annotations

ANALYSIS: dict[str, tuple[str, str]] = {
    "analysis.bad_weight": (
        "Trọng số thiết kế phải là số dương.",
        "Design weights must be positive numbers.",
    ),
    "analysis.bad_pop_size": (
        "Số người của tầng mẫu (tổng thể) phải là số dương, giống nhau trong một tầng và không "
        "nhỏ hơn số người được chọn.",
        "A stratum's population size must be positive, the same within the stratum and no "
        "smaller than the number drawn.",
    ),
    "analysis.missing_stratum": (
        "Thiếu tầng mẫu của một số phiếu.",
        "Some responses have no stratum.",
    ),
    "analysis.missing_column": (
        "Dữ liệu phân tích thiếu cột bắt buộc.",
        "The analysis data lacks a required column.",
    ),
    "analysis.bad_share": (
        "Tỷ lệ phải nằm trong khoảng từ 0 đến 1.",
        "Shares must be between 0 and 1.",
    ),
    "analysis.bad_settings": (
        "Thiết lập phân tích không dùng được.",
        "The analysis settings cannot be used.",
    ),
    "analysis.bad_criteria_tree": ("Bộ tiêu chí không hợp lệ.", "The criteria tree is invalid."),
    "analysis.unknown_question": (
        "Phiếu không có câu hỏi này.",
        "The questionnaire has no such question.",
    ),
    "appraisal.unknown_criterion": (
        "Không có tiêu chí thành phần mã này",
        "There is no sub-criterion with this code",
    ),
    "appraisal.unknown_unit": ("Không có đơn vị mã này", "There is no unit with this code"),
    "appraisal.points_above_max": ("Điểm vượt quá điểm tối đa", "The points exceed the maximum"),
    "appraisal.negative_points": ("Điểm âm", "Negative points"),
    "appraisal.missing_points": (
        "Thiếu điểm hoặc điểm không phải là số",
        "Points are missing or not a number",
    ),
    "appraisal.not_appraisal_criterion": (
        "Tiêu chí này chấm bằng điều tra, không thẩm định",
        "This criterion is scored by the survey, not by appraisal",
    ),
    "appraisal.duplicate_row": (
        "Trùng đơn vị và tiêu chí với dòng trước",
        "Same unit and criterion as an earlier row",
    ),
}
