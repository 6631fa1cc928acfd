"""Messages of the list reader's codes (``survey_app.ingest``: why a file cannot be read, why a
row is excluded, warnings on rows and lists), keyed by the code as stored with each row."""

from __future__ import annotations

INGEST: dict[str, tuple[str, str]] = {
    "corrupt_file": (
        "Tệp bị hỏng hoặc không đúng định dạng {kind}.",
        "The file is damaged or is not a valid {kind} file.",
    ),
    "password_protected": (
        "Tệp được đặt mật khẩu. Vui lòng bỏ mật khẩu rồi tải lên lại.",
        "The file is password-protected. Remove the password and upload it again.",
    ),
    "too_large": (
        "Tệp quá lớn ({size_mb} MB); giới hạn là {limit_mb} MB.",
        "The file is too large ({size_mb} MB); the limit is {limit_mb} MB.",
    ),
    "unsupported_type": (
        "Định dạng tệp không được hỗ trợ ({kind}). Hãy gửi .xlsx, .xls, .ods, .csv hoặc .docx.",
        "Unsupported file type ({kind}). Send .xlsx, .xls, .ods, .csv or .docx.",
    ),
    "no_header": (
        "Không tìm thấy dòng tiêu đề cột (Họ và tên, Địa chỉ, Số điện thoại...) trong {rows} "
        "dòng đầu.",
        "No column header row (name, address, phone...) was found in the first {rows} rows.",
    ),
    "too_many_rows": (
        "Danh sách có quá nhiều dòng (tối đa {limit} dòng dữ liệu).",
        "The list has too many rows (at most {limit} data rows).",
    ),
    "doc_needs_libreoffice": (
        "Không đọc được tệp Word cũ (.doc) trên máy chủ này. Vui lòng lưu lại dưới dạng .docx.",
        "Old Word files (.doc) cannot be read on this server. Please save the file as .docx.",
    ),
    "too_complex": (
        "Tệp quá lớn hoặc quá phức tạp để đọc (vượt giới hạn bộ nhớ hoặc thời gian xử lý). "
        "Hãy lưu lại tệp chỉ với bảng danh sách, xóa các ô thừa ở xa bảng, rồi tải lên lại.",
        "The file is too large or too complex to read (it exceeded the memory or time limit "
        "for reading). Save it again with only the list table, delete stray cells far from "
        "the table, and upload it again.",
    ),
    "unreadable": (
        "Không đọc được tệp này. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng "
        ".xlsx rồi tải lên lại.",
        "This file cannot be read. Open it in Excel or LibreOffice, save it as .xlsx and "
        "upload it again.",
    ),
    "cell_too_long": (
        "Có ô dài quá {limit} ký tự (gần dòng {row}). Một ô danh sách không thể dài như vậy; "
        "hãy kiểm tra lại tệp (có thể thiếu dấu ngoặc kép đóng trong tệp CSV).",
        "A cell is longer than {limit} characters (near row {row}). No list cell is that "
        "long; check the file (a CSV file may be missing a closing quote).",
    ),
    "missing_name": (
        "Thiếu họ và tên.",
        "The name is missing.",
    ),
    "missing_address": (
        "Thiếu địa chỉ.",
        "The address is missing.",
    ),
    "missing_procedure": (
        "Thiếu lĩnh vực hoặc tên thủ tục hành chính.",
        "The procedure field and the procedure name are both missing.",
    ),
    "missing_position": (
        "Thiếu chức vụ.",
        "The position is missing.",
    ),
    "missing_unit": (
        "Thiếu đơn vị.",
        "The unit is missing.",
    ),
    "missing_required_phone": (
        "Thiếu số điện thoại hợp lệ (bắt buộc với nhóm này).",
        "A valid phone number is missing (required for this group).",
    ),
    "missing_required_email": (
        "Thiếu địa chỉ email hợp lệ (bắt buộc với nhóm này).",
        "A valid e-mail address is missing (required for this group).",
    ),
    "result_not_received": (
        "Chưa nhận kết quả giải quyết thủ tục hành chính.",
        "The result of the procedure has not been received yet.",
    ),
    "invalid_result_date": (
        "Không đọc được ngày nhận kết quả: {value}",
        "The result date cannot be read: {value}",
    ),
    "outside_window": (
        "Ngày {value} nằm ngoài thời gian khảo sát ({date_from} – {date_to}).",
        "The date {value} is outside the survey window ({date_from} – {date_to}).",
    ),
    "result_before_application": (
        "Ngày nhận kết quả ({result}) trước ngày nộp hồ sơ ({application}).",
        "The result date ({result}) is before the application date ({application}).",
    ),
    "outside_locality": (
        "Địa chỉ không thuộc {unit} ({place}).",
        "The address is not in {unit} ({place}).",
    ),
    "split_locality": (
        "Địa chỉ ghi “{place}”, đơn vị cũ nay được chia cho: {candidates}. "
        "Đề nghị xác nhận người này cư trú tại đơn vị.",
        "The address names “{place}”, an old unit now divided between: {candidates}. "
        "Please confirm the person lives in this unit.",
    ),
    "unknown_locality": (
        "Không tìm thấy “{place}” trong danh mục đơn vị hành chính; đề nghị kiểm tra địa chỉ.",
        "“{place}” is not in the register of administrative units; please check the address.",
    ),
    "duplicate": (
        "Trùng người với dòng {row}.",
        "The same person as row {row}.",
    ),
    "missing_phone": (
        "Không có số điện thoại (vẫn có thể liên hệ qua thư hoặc trực tiếp).",
        "No phone number (the person can still be reached by letter or in person).",
    ),
    "invalid_phone": (
        "Số điện thoại không hợp lệ: {value}",
        "Invalid phone number: {value}",
    ),
    "invalid_email": (
        "Email không hợp lệ: {value}",
        "Invalid email: {value}",
    ),
    "invalid_application_date": (
        "Không đọc được ngày nộp hồ sơ: {value}",
        "The application date cannot be read: {value}",
    ),
    "field_not_recognised": (
        "Lĩnh vực không có trong danh mục của đơn vị: {value}",
        "The procedure field is not in the unit's list of fields: {value}",
    ),
    "fields_not_covered": (
        "Danh sách chưa có người thuộc các lĩnh vực: {fields}.",
        "Nobody eligible in these procedure fields: {fields}.",
    ),
    "below_required": (
        "Chỉ có {eligible} người hợp lệ, cần {required} (thiếu {shortfall}).",
        "Only {eligible} eligible people, {required} required ({shortfall} short).",
    ),
}
