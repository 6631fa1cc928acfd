"""Messages of the application's own codes (services raise them as ``ServiceError``)."""

from __future__ import annotations

APP: dict[str, tuple[str, str]] = {
    "internal": (
        "Đã có lỗi nên thao tác chưa được thực hiện. Hãy thử lại hoặc báo Sở Nội vụ.",
        "Something went wrong, so nothing was done. Try again or tell the Department "
        "of Home Affairs.",
    ),
    "required": ("Thiếu giá trị bắt buộc: {column}.", "Missing required value: {column}."),
    "unknown_level": (
        "Cấp đơn vị không hợp lệ: “{value}”. Dùng một trong: {allowed}.",
        "Unknown unit level “{value}”. Use one of: {allowed}.",
    ),
    "duplicate_code": (
        "Mã đơn vị “{value}” bị trùng (đã có ở dòng {first_row}).",
        "Unit code “{value}” is repeated (first on row {first_row}).",
    ),
    "unknown_parent": (
        "Không tìm thấy đơn vị cấp trên có mã “{value}”.",
        "No parent unit with code “{value}”.",
    ),
    "bad_tier": (
        "Nhóm kinh tế - xã hội phải là số từ 1 đến 9, không phải “{value}”.",
        "Socio-economic tier must be a number from 1 to 9, not “{value}”.",
    ),
    "bad_size": (
        "Quy mô phải là số nguyên không âm, không phải “{value}”.",
        "Size must be a non-negative whole number, not “{value}”.",
    ),
    "fields_not_commune": (
        "Chỉ đơn vị gửi danh sách người giao dịch thủ tục hành chính mới có lĩnh vực TTHC.",
        "Only units that send lists of people who transacted a procedure have procedure fields.",
    ),
    "parent_missing": (
        "Thiếu mã đơn vị cấp trên (theo thiết kế, cấp trên thuộc cấp {expected}).",
        "The parent unit's code is missing (by the design, the parent is of level {expected}).",
    ),
    "parent_not_allowed": (
        "Đơn vị cấp cao nhất không có cấp trên, nhưng dòng này ghi “{value}”.",
        "A top-level unit has no parent, but this row names “{value}”.",
    ),
    "parent_wrong_level": (
        "Đơn vị cấp trên “{value}” thuộc cấp {found}, nhưng theo thiết kế cấp trên phải là "
        "{expected}.",
        "Parent unit “{value}” is of level {found}, but the design says the parent is of "
        "level {expected}.",
    ),
    "parent_cycle": (
        "Đơn vị “{value}” nằm trong vòng lặp cấp trên (đơn vị là cấp trên của "
        "chính mình, trực tiếp hoặc qua đơn vị khác).",
        "Unit “{value}” is in a cycle of parent links (it is its own parent, "
        "directly or through other units).",
    ),
    "file_unreadable": (
        "Không đọc được tệp: {detail}. Hãy dùng CSV (UTF-8) hoặc Excel (.xlsx).",
        "The file could not be read: {detail}. Use CSV (UTF-8) or Excel (.xlsx).",
    ),
    "missing_columns": (
        "Thiếu cột bắt buộc: {columns}.",
        "Required columns are missing: {columns}.",
    ),
    "empty_file": ("Tệp không có dòng dữ liệu nào.", "The file has no data rows."),
    "username_taken": ("Tên đăng nhập “{value}” đã tồn tại.", "Username “{value}” is taken."),
    "unknown_unit": ("Không có đơn vị mã “{value}”.", "There is no unit with code “{value}”."),
    "no_campaign": ("Chưa có đợt khảo sát nào.", "There is no campaign yet."),
    "design_invalid": (
        "Thiết kế đợt khảo sát có {count} lỗi; chưa lưu gì. Sửa các lỗi dưới đây rồi gửi lại.",
        "The campaign design has {count} problem(s); nothing was saved. Fix them and send it "
        "again.",
    ),
    "stored_design_invalid": (
        "Thiết kế đã lưu của đợt khảo sát bị hỏng ({count} lỗi); hãy nhập lại thiết kế.",
        "The stored design of this campaign is damaged ({count} problem(s)); import it again.",
    ),
    "unknown_template": (
        "Không có mẫu thiết kế «{code}».",
        "There is no design template “{code}”.",
    ),
    "bad_campaign": (
        "Cần tên đợt khảo sát và năm từ 2000 đến 2100.",
        "A campaign needs a name and a year between 2000 and 2100.",
    ),
    "campaign_exists": (
        "Đã có đợt khảo sát «{name}» năm {year}.",
        "There is already a campaign “{name}” in {year}.",
    ),
    "no_instrument": (
        "Không có phiếu khảo sát «{code}» mà thiết kế đợt khảo sát nêu.",
        "There is no questionnaire “{code}”, which the campaign design names.",
    ),
    "nothing_to_rate": (
        "Theo thiết kế, người thuộc nhóm {group} không có đơn vị nào để đánh giá; hãy kiểm tra "
        "ma trận đánh giá và danh mục đơn vị.",
        "By the design, people of group {group} have no unit to rate; check the evaluation "
        "matrix and the unit registry.",
    ),
    "no_chosen_units": (
        "Chưa có đơn vị nào thuộc cấp {level} để chọn theo nhóm phát triển; hãy nhập danh mục "
        "đơn vị trước.",
        "There are no units of level {level} to choose by tier; import the unit registry first.",
    ),
    "instrument_changed": (
        "Phiếu {code} phiên bản {version} đã bị thay đổi sau khi phát hành.",
        "Questionnaire {code} version {version} changed after it was published.",
    ),
    "version_taken": (
        "Phiếu {code} đã có phiên bản {version} với nội dung khác. Phiếu đã phát hành không "
        "bao giờ thay đổi: hãy đặt số phiên bản mới (cột version ở trang settings).",
        "Questionnaire {code} already has a version {version} with other content. A published "
        "questionnaire never changes: give it a new version number (the version column of "
        "the settings sheet).",
    ),
    "workbook_refused": (
        "Bảng tính có {count} lỗi; chưa lưu gì. Sửa các ô được chỉ ra rồi gửi lại.",
        "The workbook has {count} problem(s); nothing was saved. Fix the cells shown and send "
        "it again.",
    ),
    "no_upload": (
        "Bảng tính này không còn chờ phát hành (đã phát hành hoặc đã quá một tuần). Hãy gửi "
        "lại tệp.",
        "This workbook is no longer waiting to be published (it was published, or is more "
        "than a week old). Send the file again.",
    ),
    "version_moves_points": (
        "Phiên bản {version} của phiếu {code} đổi tiêu chí hoặc điểm của câu “{question}” mà "
        "nhóm này đã nhận theo phiên bản đang dùng. Câu hỏi đã đổi cách tính điểm cần một tên "
        "mới (cột name), để câu trả lời cũ và mới không bị gộp làm một.",
        "Version {version} of questionnaire {code} scores question “{question}”, which this "
        "group already received under the version in force, on another criterion or with other "
        "points. A question scored differently needs a new name (the name column), so old and "
        "new answers are not merged into one.",
    ),
    "tree_taken": (
        "Mã bộ tiêu chí “{code}” đã dùng cho một bộ tiêu chí khác. Mã của bộ tiêu chí gắn với nó "
        "mãi mãi: hãy đặt mã mới (cột tree_id ở trang settings).",
        "Criteria tree code “{code}” already names another tree. A tree's code names it for "
        "good: choose a new code (the tree_id column of the settings sheet).",
    ),
    "tree_changed": (
        "Bộ tiêu chí {code} đã bị thay đổi sau khi phát hành.",
        "Criteria tree {code} changed after it was published.",
    ),
    "no_tree": (
        "Không có bộ tiêu chí “{code}” mà thiết kế đợt khảo sát nêu.",
        "There is no criteria tree “{code}”, which the campaign design names.",
    ),
    "tree_not_of_campaign": (
        "Phiếu {code} chấm điểm theo bộ tiêu chí {tree}, không phải bộ tiêu chí của đợt khảo "
        "sát này.",
        "Questionnaire {code} scores against criteria tree {tree}, which this campaign does not "
        "use.",
    ),
    "no_instrument_version": (
        "Không có phiên bản đã phát hành này của phiếu khảo sát.",
        "There is no such published version of the questionnaire.",
    ),
    "version_not_for_group": (
        "Không giao được phiếu {code} cho nhóm “{group}”: phiếu không dành cho nhóm này (cột "
        "groups ở trang settings), hoặc thiết kế đợt khảo sát không có dòng nào cho nhóm này "
        "trả lời phiếu đó.",
        "Questionnaire {code} cannot be given to the group “{group}”: it is not for this group "
        "(the groups column of the settings sheet), or the campaign design has no line where "
        "this group answers it.",
    ),
    "no_invitation": ("Người này chưa có giấy mời.", "This person has no invitation yet."),
    "entry_revoked": (
        "Người này đã được thay bằng người dự phòng (giấy mời không còn hiệu lực) nên không "
        "nhập phiếu cho họ được.",
        "This person was replaced by a reserve (their invitation is revoked); no form can be "
        "keyed for them.",
    ),
    "not_in_sample": (
        "Người này không còn trong mẫu (đã được thay bằng người dự phòng) nên không phát hành "
        "lại giấy mời được.",
        "This person is no longer in the sample (replaced by a reserve); their letter cannot be "
        "issued again.",
    ),
    "issue_running": (
        "Đang phát hành giấy mời cho đợt này (bắt đầu lúc {started}); xem tiến độ bên dưới.",
        "Invitations for this campaign are being issued (started {started}); see the progress "
        "below.",
    ),
    "entry_closed": (
        "Đợt khảo sát đã kết thúc nên không nhận thêm phiếu.",
        "Fieldwork has closed, so no more forms are accepted.",
    ),
    "entry_not_open": (
        "Đợt khảo sát chưa bắt đầu nên chưa nhập phiếu được.",
        "Fieldwork has not started yet, so no form can be keyed.",
    ),
    "same_clerk_twice": (
        "Nhập hai lần cần hai người khác nhau; bạn đã nhập phiếu này.",
        "Double entry needs two different clerks; you already keyed this form.",
    ),
    "deadline_passed": (
        "Đã quá hạn gửi danh sách ({deadline}). Hãy liên hệ Sở Nội vụ để được cho phép nộp muộn.",
        "The list deadline ({deadline}) has passed. Ask the Department of Home Affairs to "
        "allow a late upload.",
    ),
    "group_not_for_unit": (
        "Đơn vị {unit} không gửi danh sách nhóm này ({group}).",
        "Unit {unit} does not send this group's list ({group}).",
    ),
    "sample_in_use": (
        "Đã phát hành giấy mời theo mẫu hiện tại nên không chọn lại được. Hãy thay người "
        "bằng danh sách dự phòng.",
        "Invitations were issued from the current sample, so it cannot be redrawn. Replace "
        "people from the reserve list instead.",
    ),
    "no_reserve": ("Không còn người dự phòng cho đơn vị này.", "No reserve is left for this unit."),
    "not_replaceable": (
        "Chỉ thay được người dân đang trong mẫu và chưa nộp phiếu.",
        "Only sampled citizens who have not submitted can be replaced.",
    ),
    "list_upload_conflict": (
        "Danh sách này vừa được gửi cùng lúc từ một nơi khác nên lần gửi này chưa được lưu. "
        "Hãy tải lại trang, xem phiên bản mới nhất rồi gửi lại nếu cần.",
        "This list was being sent at the same moment from elsewhere, so this upload was not "
        "saved. Reload the page, check the latest version and send it again if needed.",
    ),
    "list_sample_in_use": (
        "Đã phát hành giấy mời theo mẫu của đợt này nên không đổi được danh sách đang dùng: "
        "mẫu chỉ thay đổi bằng cách thay người từ danh sách dự phòng. Phiên bản mới vẫn được "
        "lưu nhưng không dùng cho mẫu năm nay.",
        "Invitations were issued from this campaign's sample, so the list in use cannot "
        "change: the sample changes only by replacing people from the reserve list. The new "
        "version stays stored but is not used for this year's sample.",
    ),
    "list_not_pending": (
        "Phiên bản này không chờ quyết định (đã được dùng hoặc đã được xem xét).",
        "This version is not waiting for a decision (it is in use or was already decided).",
    ),
    "weak_password": (
        "Mật khẩu phải có ít nhất {min_length} ký tự.",
        "The password must have at least {min_length} characters.",
    ),
    "registry_source_missing": (
        "Chưa cài gói dữ liệu đơn vị hành chính ({detail}). Hãy chạy lại cài đặt (make install).",
        "The administrative units data package is not installed ({detail}). Run the "
        "installation again (make install).",
    ),
    "unknown_province_code": (
        "Không có tỉnh, thành phố mã “{code}” trong danh mục (từ 01/07/2025).",
        "No province with code “{code}” in the register (from 1 July 2025).",
    ),
    "registry_not_imported": (
        "Chưa nhập danh mục đơn vị hành chính. Hãy nhập ở trang Danh mục hành chính.",
        "The register of administrative units has not been imported yet. Import it on the "
        "Administrative units page.",
    ),
    "unknown_official_code": (
        "Không có đơn vị hành chính mã “{code}” vào ngày {day}.",
        "No administrative unit with code “{code}” on {day}.",
    ),
    "unknown_predecessor": (
        "Có đơn vị tiền thân không tồn tại.",
        "One of the predecessor units does not exist.",
    ),
    "predecessor_not_earlier": (
        "“{name}” không thuộc một đợt trước nên không thể là đơn vị tiền thân.",
        "“{name}” is not in an earlier campaign, so it cannot be a predecessor.",
    ),
    "bad_date": (
        "Ngày “{value}” không hợp lệ; viết theo dạng ngày/tháng/năm, như 01/07/2025.",
        "The date “{value}” is not valid; write it as day/month/year, e.g. 01/07/2025.",
    ),
    "official_already_linked": (
        "Mã hành chính “{code}” đã gắn cho {name} trong đợt này.",
        "The administrative code “{code}” is already linked to {name} in this campaign.",
    ),
    "unit_required": (
        "Cán bộ đơn vị cần mã đơn vị của mình.",
        "A unit officer needs the code of their unit.",
    ),
    "unit_not_registered": (
        "Không có đơn vị mã “{value}” trong danh mục đơn vị của đợt khảo sát nào. Hãy chọn "
        "một đơn vị trong danh sách, hoặc nhập danh mục đơn vị trước.",
        "No campaign's unit registry has a unit with code “{value}”. Choose a unit from the "
        "list, or import the unit registry first.",
    ),
    "unit_not_for_role": (
        "Chỉ cán bộ đơn vị mới gắn với một đơn vị; với vai trò này hãy bỏ mã đơn vị “{value}”.",
        "Only unit officers belong to a unit; for this role leave out the unit code “{value}”.",
    ),
    "bad_username": (
        "Tên đăng nhập “{value}” không hợp lệ: dùng 2 đến 80 chữ cái không dấu, chữ số và . _ "
        "- @, không có dấu cách.",
        "The username “{value}” is not valid: use 2 to 80 letters without accents, digits "
        "and . _ - @, with no spaces.",
    ),
    "duplicate_username": (
        "Tên đăng nhập “{value}” bị trùng (đã có ở dòng {first_row}).",
        "The username “{value}” is repeated (first on row {first_row}).",
    ),
    "bad_role": (
        "Vai trò “{value}” không hợp lệ. Để trống (cán bộ đơn vị) hoặc ghi: {allowed}.",
        "Unknown role “{value}”. Leave it empty (unit officer) or write: {allowed}.",
    ),
    "value_too_long": (
        "Cột {column} dài quá {limit} ký tự.",
        "The column {column} is longer than {limit} characters.",
    ),
    "too_many_accounts": (
        "Tệp có quá nhiều tài khoản (tối đa {limit} dòng một lần); hãy chia thành nhiều tệp.",
        "The file has too many accounts (at most {limit} rows at a time); split it into "
        "several files.",
    ),
    "cannot_disable_self": (
        "Bạn không thể tự khóa tài khoản của chính mình.",
        "You cannot disable your own account.",
    ),
    "last_admin": (
        "Đây là tài khoản quản trị cuối cùng còn hoạt động nên không khóa hay đổi vai trò được. "
        "Hãy tạo hoặc mở lại một tài khoản quản trị khác trước.",
        "This is the last active administrator account, so it cannot be disabled or given "
        "another role. Create or enable another administrator first.",
    ),
}
