"""Messages of refused respondent requests (a body that is not usable, an expired page)."""

from __future__ import annotations

REQUESTS: dict[str, tuple[str, str]] = {
    "request.too_large": (
        "Dữ liệu gửi lên quá lớn. Hãy rút ngắn câu trả lời rồi gửi lại.",
        "The data sent is too large. Shorten the answers and send again.",
    ),
    "request.not_json": (
        "Dữ liệu gửi lên không phải JSON hợp lệ (UTF-8).",
        "The data sent is not valid JSON (UTF-8).",
    ),
    "request.too_deep": (
        "Dữ liệu gửi lên lồng nhau quá sâu.",
        "The data sent is nested too deeply.",
    ),
    "request.not_an_object": (
        "Dữ liệu gửi lên phải là một đối tượng JSON, câu trả lời trong mục «answers».",
        "The data sent must be a JSON object, with the answers under «answers».",
    ),
    "request.too_many_answers": (
        "Quá nhiều câu trả lời trong một lần gửi.",
        "Too many answers in one request.",
    ),
    "request.bad_client_key": (
        "Mã lần gửi (client_key) thiếu hoặc không hợp lệ. Hãy tải lại trang và gửi lại.",
        "The submission key (client_key) is missing or invalid. Reload the page and send again.",
    ),
    "request.conflict": (
        "Phiếu đã được gửi trước đó với câu trả lời khác; mỗi người chỉ gửi một lần nên "
        "lần gửi này không được ghi nhận.",
        "This questionnaire was already submitted with different answers. Each person may"
        " submit only once, so this submission was not recorded.",
    ),
    "request.refused": (
        "Đường dẫn này hiện không dùng được để trả lời.",
        "This link cannot be used to answer now.",
    ),
    "request.csrf": (
        "Phiên làm việc đã hết hạn. Hãy tải lại trang và gửi lại.",
        "The session has expired. Reload the page and send again.",
    ),
    "request.bad_request": (
        "Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại.",
        "The request is not valid. Reload the page and try again.",
    ),
}
