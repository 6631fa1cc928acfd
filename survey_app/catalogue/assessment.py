"""Messages of the self-assessment and appraisal (``services/assessment*.py``, evidence)."""

from __future__ import annotations

ASSESSMENT: dict[str, tuple[str, str]] = {
    "assessment_exists": (
        "Đợt này đã mở tự đánh giá, chấm điểm; mỗi đợt chỉ mở một lần.",
        "This campaign's self-assessment is already open; it opens once per campaign.",
    ),
    "assessment_nothing_to_score": (
        "Không có đơn vị nào được chấm điểm thẩm định: bộ tiêu chí của các cấp được đánh giá "
        "không có tiêu chí thẩm định, hoặc chưa nhập danh mục đơn vị.",
        "No unit is scored by appraisal: the criteria of the rated levels have no appraisal "
        "criteria, or the unit registry is empty.",
    ),
    "assessment_deadline_missing": (
        "Cần hạn nộp báo cáo tự đánh giá cho: {levels}.",
        "A deadline for the self-assessment is needed for: {levels}.",
    ),
    "assessment_explain_needed": (
        "Cần ngày kết thúc thời hạn giải trình, bổ sung tài liệu.",
        "The last day for explanations and extra evidence is needed.",
    ),
    "assessment_requests_too_late": (
        "Đã hết thời hạn giải trình nên không gửi yêu cầu giải trình được nữa. Hãy bỏ các yêu "
        "cầu, hoặc đề nghị Sở Nội vụ mở lại thời hạn giải trình cho đơn vị.",
        "The window for explanations has closed, so no request can be sent. Remove the "
        "requests, or ask the Department of Home Affairs to reopen the window for the unit.",
    ),
    "not_found": (
        "Không tìm thấy mục này, hoặc tài khoản của bạn không được xem.",
        "This item was not found, or your account may not see it.",
    ),
    "assessment_window_order": (
        "Ngày bắt đầu giải trình phải trước hoặc bằng ngày kết thúc.",
        "The explanations window must start on or before its last day.",
    ),
    "assessment_deadline_passed": (
        "Đã hết hạn nộp báo cáo tự đánh giá. Đề nghị Sở Nội vụ mở lại nếu cần nộp muộn.",
        "The self-assessment deadline has passed. Ask the Department of Home Affairs to "
        "reopen it to submit late.",
    ),
    "assessment_already_submitted": (
        "Báo cáo đã được gửi nên không sửa được nữa. Đề nghị Sở Nội vụ mở lại nếu cần sửa.",
        "The report has been submitted and can no longer be changed. Ask the Department of "
        "Home Affairs to reopen it.",
    ),
    "assessment_conflict": (
        "Tiêu chí {code} vừa được người khác sửa. Chưa lưu thay đổi nào; hãy tải lại trang để "
        "xem bản mới rồi nhập lại.",
        "Criterion {code} was just changed by someone else. Nothing was saved; reload the page "
        "to see the latest version and enter your change again.",
    ),
    "assessment_unknown_criterion": (
        "Không có tiêu chí “{code}” trong báo cáo này.",
        "There is no criterion “{code}” in this report.",
    ),
    "assessment_not_yours": (
        "Tài khoản của bạn không được giao phần này ({code}).",
        "Your account is not assigned this part ({code}).",
    ),
    "assessment_locked": (
        "Hội đồng thẩm định đã phê duyệt kết quả; điểm thẩm định đã khóa, không thay đổi được.",
        "The appraisal council has approved the results; the appraisal points are locked.",
    ),
    "assessment_incomplete": (
        "Chưa gửi được: còn {count} tiêu chí chưa chấm điểm hoặc chưa có tài liệu kiểm chứng "
        "hay giải trình ({codes}).",
        "Not submitted: {count} criteria have no score, or neither evidence nor an explanation "
        "({codes}).",
    ),
    "assessment_no_request": (
        "Không có yêu cầu giải trình nào đang chờ trả lời ở đây ({code}).",
        "There is no request for explanation waiting for an answer here ({code}).",
    ),
    "assessment_explain_closed": (
        "Đã hết thời hạn giải trình, bổ sung tài liệu. Đề nghị Sở Nội vụ mở lại nếu cần.",
        "The window for explanations and extra evidence has closed. Ask the Department of "
        "Home Affairs to reopen it.",
    ),
    "assessment_requests_open": (
        "Còn yêu cầu giải trình chưa trả lời; hãy trả lời tất cả trước khi gửi.",
        "Some requests for explanation have no answer; answer them all before sending.",
    ),
    "assessment_not_appraisable": (
        "Báo cáo này chưa ở bước thẩm định (đơn vị chưa gửi, đang giải trình, hoặc đã thẩm "
        "định xong).",
        "This report is not open to appraisal (not submitted, being explained, or appraised).",
    ),
    "assessment_request_round": (
        "Chỉ yêu cầu giải trình được ở vòng thẩm định thứ nhất.",
        "Explanations can be requested in the first round of appraisal only.",
    ),
    "assessment_unappraised": (
        "Chưa kết thúc vòng thẩm định được: còn {count} tiêu chí chưa có điểm thẩm định ({codes}).",
        "The round cannot end yet: {count} criteria have no appraised score ({codes}).",
    ),
    "assessment_still_appraising": (
        "Chưa phê duyệt được: {count} đơn vị đang trong quá trình thẩm định ({codes}).",
        "Cannot approve yet: {count} units are still being appraised ({codes}).",
    ),
    "assessment_not_approved": (
        "Chỉ công bố được sau khi Hội đồng thẩm định phê duyệt (hoặc kết quả đã công bố rồi).",
        "Results can be published only after the council's approval (or they already are).",
    ),
    "assessment_not_reopenable": (
        "Không mở lại được báo cáo này: việc thẩm định đã bắt đầu.",
        "This report cannot be reopened: its appraisal has begun.",
    ),
    "assessment_reopen_past": (
        "Ngày mở lại phải từ hôm nay trở đi.",
        "The reopening must run until today or later.",
    ),
    "assessment_reason_needed": (
        "Cần ghi lý do.",
        "A reason is needed.",
    ),
    "appraisal_locked": (
        "Điểm thẩm định của đợt này đã được Hội đồng phê duyệt và khóa; không nhập tệp được nữa.",
        "This campaign's appraisal points were approved and locked by the council; no file can "
        "be imported.",
    ),
    "not_an_appraiser": (
        "Tài khoản này không phải thành viên tổ thẩm định.",
        "This account is not an appraiser.",
    ),
    "score_not_a_number": (
        "Điểm của tiêu chí {code} phải là một số (ví dụ 1,5).",
        "The score of criterion {code} must be a number (e.g. 1.5).",
    ),
    "score_out_of_range": (
        "Điểm của tiêu chí {code} phải từ 0 đến {max}.",
        "The score of criterion {code} must be between 0 and {max}.",
    ),
    "score_too_precise": (
        "Điểm của tiêu chí {code} có nhiều nhất hai chữ số thập phân.",
        "The score of criterion {code} has at most two decimals.",
    ),
    "score_not_applicable": (
        "Tiêu chí {code} không áp dụng với đơn vị nên không chấm điểm.",
        "Criterion {code} does not apply to the unit, so it is not scored.",
    ),
    "evidence_empty": ("Tệp trống.", "The file is empty."),
    "evidence_wrong_type": (
        "Chỉ nhận tài liệu PDF, Word, Excel, OpenDocument hoặc ảnh PNG, JPEG (kiểm tra theo nội "
        "dung tệp, không theo tên).",
        "Only PDF, Word, Excel, OpenDocument documents or PNG, JPEG images are accepted (read "
        "from the file's content, not its name).",
    ),
    "evidence_macros": (
        "Tệp có macro nên không nhận; hãy lưu lại dưới dạng không có macro hoặc PDF.",
        "The file contains macros and is refused; save it without macros or as PDF.",
    ),
}
