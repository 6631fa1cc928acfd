"""Messages of the sampling library's codes (``sampling.SamplingError.code``), keyed
``sampling.<code>``; the library's ``detail`` is English, for logs, never shown."""

from __future__ import annotations

SAMPLING: dict[str, tuple[str, str]] = {
    "sampling.wrong_draw_kind": (
        "Lần chọn mẫu được kiểm tra không phải lần chọn người dân.",
        "The draw being checked is not a citizen draw.",
    ),
    "sampling.duplicate_district": (
        "Một mã huyện xuất hiện hai lần trong danh mục đơn vị.",
        "A district code appears twice in the unit registry.",
    ),
    "sampling.negative_size": (
        "Quy mô của huyện phải từ 0 trở lên.",
        "District sizes must be 0 or more.",
    ),
    "sampling.unknown_district": (
        "Quyết định chọn / không chọn nêu một huyện không có trong danh mục.",
        "A district decision names a district that is not in the registry.",
    ),
    "sampling.null_value": (
        "Danh sách dùng để chọn mẫu có ô trống ở cột bắt buộc.",
        "A sampling frame has empty values in a required column.",
    ),
    "sampling.missing_column": (
        "Danh sách dùng để chọn mẫu thiếu cột bắt buộc.",
        "A sampling frame lacks a required column.",
    ),
    "sampling.duplicate_person": (
        "Một người xuất hiện hai lần trong danh sách của cùng đơn vị.",
        "A person is listed twice for the same unit.",
    ),
    "sampling.no_reserve_left": (
        "Xã này đã dùng hết danh sách dự phòng.",
        "This commune has no unused reserve left.",
    ),
    "sampling.not_in_sample": (
        "Người này không nằm trong mẫu của xã.",
        "This person is not in the commune's sample.",
    ),
    "sampling.unreadable_settings": (
        "Không đọc được thiết lập chọn mẫu đã lưu.",
        "The stored sampling settings cannot be read.",
    ),
    "sampling.unreadable_provenance": (
        "Không đọc được thông tin của lần chọn mẫu đã lưu.",
        "The stored record of the draw cannot be read.",
    ),
    "sampling.invalid_sample_size": (
        "Cỡ mẫu mỗi xã phải từ 1 trở lên.",
        "The sample size per commune must be at least 1.",
    ),
    "sampling.invalid_reserve_size": (
        "Số người dự phòng phải từ 0 trở lên.",
        "The number of reserves must be 0 or more.",
    ),
    "sampling.invalid_district_bounds": (
        "Giới hạn số huyện không hợp lệ.",
        "The bounds on the number of districts are invalid.",
    ),
    "sampling.invalid_districts_per_province": (
        "Số huyện được chọn phải từ 3 đến 4.",
        "Choose 3 to 4 districts per province.",
    ),
    "sampling.invalid_quota": (
        "Chỉ tiêu của mỗi nhóm phải từ 1 trở lên.",
        "Each group's quota must be at least 1.",
    ),
    "sampling.invalid_margin_of_error": (
        "Sai số phải lớn hơn 0 và nhỏ hơn 1.",
        "The margin of error must be between 0 and 1.",
    ),
}
