"""Messages of the questionnaire library's answer codes (``questionnaires.ErrorCode``), keyed
``answer.<code>``; the library reports codes and parameters only."""

from __future__ import annotations

ANSWERS: dict[str, tuple[str, str]] = {
    "answer.required_missing": (
        "Vui lòng trả lời câu hỏi này.",
        "Please answer this question.",
    ),
    "answer.out_of_range": (
        "Giá trị phải {range_vi}.",
        "The value must be {range_en}.",
    ),
    "answer.unknown_option": (
        "Lựa chọn không hợp lệ cho câu hỏi này.",
        "This option is not valid for the question.",
    ),
    "answer.unknown_question": (
        "Phiếu không có câu hỏi «{key}».",
        "This form has no question «{key}».",
    ),
    "answer.too_long": (
        "Câu trả lời dài quá {limit} ký tự.",
        "The answer is longer than {limit} characters.",
    ),
    "answer.too_many_choices": (
        "Chỉ được chọn tối đa {limit} phương án.",
        "Choose at most {limit} options.",
    ),
    "answer.too_few_choices": (
        "Vui lòng chọn ít nhất {limit} phương án.",
        "Choose at least {limit} options.",
    ),
    "answer.duplicate_choice": (
        "Một phương án được chọn nhiều lần.",
        "An option was selected more than once.",
    ),
    "answer.not_a_number": (
        "Vui lòng nhập một số.",
        "Please enter a number.",
    ),
    "answer.not_an_integer": (
        "Vui lòng nhập một số nguyên.",
        "Please enter a whole number.",
    ),
    "answer.not_a_date": (
        "Vui lòng nhập một ngày có thật, dạng ngày/tháng/năm (ví dụ 25/03/2026).",
        "Please enter a real date, as day/month/year (for example 25/03/2026).",
    ),
    "answer.invalid_type": (
        "Câu trả lời không đúng định dạng.",
        "The answer has the wrong format.",
    ),
    "answer.number_too_long": (
        "Số quá dài: tối đa {limit} chữ số.",
        "The number is too long: at most {limit} digits.",
    ),
    "answer.invalid_character": (
        "Câu trả lời có ký tự không hợp lệ (ký tự điều khiển).",
        "The answer contains an invalid (control) character.",
    ),
    "answer.hidden_answered": (
        "Câu hỏi này không áp dụng theo các câu trả lời trước; câu trả lời đã được bỏ qua.",
        "This question does not apply given earlier answers; the answer was ignored.",
    ),
}
