"""Messages of the ``designs`` library's problem codes (``designs.Problem.code``), keyed
``design.<code>``; a problem is shown after its path, e.g. ``groups[2].selection.quota: …``."""

from __future__ import annotations

DESIGNS: dict[str, tuple[str, str]] = {
    "design.not_a_mapping": ("Phải là một nhóm khóa: giá trị.", "Must be a mapping of keys."),
    "design.unknown_key": (
        "Khóa không được dùng ở đây; các khóa được dùng: {allowed}.",
        "Unknown key here; the keys allowed are: {allowed}.",
    ),
    "design.not_a_list": ("Phải là một danh sách.", "Must be a list."),
    "design.required": ("Bắt buộc phải có.", "Required."),
    "design.not_text": ("Phải là chữ.", "Must be text."),
    "design.too_long": ("Dài quá {limit} ký tự.", "Longer than {limit} characters."),
    "design.bad_code": (
        "Mã «{value}» chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng "
        "chữ, tối đa 40 ký tự.",
        "Code “{value}” may only hold lower-case letters, digits and underscores, start with a "
        "letter, and have at most 40 characters.",
    ),
    "design.bad_choice": (
        "«{value}» không phải giá trị được dùng; chọn một trong: {choices}.",
        "“{value}” is not allowed; choose one of: {choices}.",
    ),
    "design.not_int": ("Phải là số nguyên.", "Must be a whole number."),
    "design.not_number": ("Phải là một số.", "Must be a number."),
    "design.out_of_range": (
        "Phải nằm trong khoảng từ {low} đến {high}.",
        "Must be between {low} and {high}.",
    ),
    "design.not_bool": ("Phải là true hoặc false.", "Must be true or false."),
    "design.not_date": (
        "Phải là ngày, viết 2025-10-15 hoặc 15/10/2025.",
        "Must be a date, written 2025-10-15 or 15/10/2025.",
    ),
    "design.bad_schema": (
        "Phiên bản mẫu thiết kế không được hỗ trợ; dùng schema: {expected}.",
        "Unsupported design schema; use schema: {expected}.",
    ),
    "design.too_many": ("Nhiều hơn {limit} mục.", "More than {limit} items."),
    "design.needed_by_rule": (
        "Cách chọn «{rule}» cần giá trị này.",
        "Selection rule “{rule}” needs this value.",
    ),
    "design.not_for_rule": (
        "Cách chọn «{rule}» không dùng giá trị này.",
        "Selection rule “{rule}” does not use this value.",
    ),
    "design.bounds_order": (
        "Số đơn vị được chọn phải nằm trong khoảng {low}–{high}.",
        "The number of units chosen must be within {low}–{high}.",
    ),
    "design.window_incomplete": (
        "Khoảng thời gian giao dịch cần cả ngày bắt đầu (start) và ngày kết thúc (end).",
        "A transaction window needs both a start and an end date.",
    ),
    "design.window_order": (
        "Ngày bắt đầu của khoảng thời gian giao dịch phải trước ngày kết thúc.",
        "The window must start before it ends.",
    ),
    "design.duplicate_code": ("Mã «{code}» đã dùng ở trên.", "Code “{code}” is used above."),
    "design.unknown_level": (
        "Không có cấp đơn vị «{code}» trong thiết kế.",
        "The design has no unit level “{code}”.",
    ),
    "design.level_cycle": (
        "Cấp «{code}» nằm trong một vòng cấp trên – cấp dưới khép kín.",
        "Level “{code}” is part of a parent loop.",
    ),
    "design.no_top_level": (
        "Cần ít nhất một cấp cao nhất (không có cấp trên).",
        "At least one level must have no parent.",
    ),
    "design.not_an_ancestor": (
        "Cấp «{code}» không phải là cấp «{level}» hay một cấp trên của nó.",
        "Level “{code}” is neither level “{level}” nor one of its parents.",
    ),
    "design.shares_zero": (
        "Tỷ trọng của các nhóm cộng lại phải lớn hơn 0.",
        "The groups' shares must add up to more than 0.",
    ),
    "design.rates_only_itself": (
        "Người thuộc cấp «{level}» chỉ đánh giá các đơn vị khác cùng cấp trong chính đơn vị của "
        "mình: không có đơn vị nào để đánh giá. Bỏ «within» hoặc chọn một cấp trên.",
        "People of level “{level}” would rate the other units of their level within their own "
        "unit: there are none. Drop “within” or choose a parent level.",
    ),
    "design.chosen_differently": (
        "Một nhóm khác đã chọn các đơn vị cấp «{level}» với số lượng khác; các nhóm cùng chọn một "
        "cấp phải dùng cùng thông số.",
        "Another group chooses units of level “{level}” with other numbers; groups choosing the "
        "same level must use the same parameters.",
    ),
    "design.design_in_use": (
        "Đã phát hành giấy mời: không thể thay đổi nhóm đối tượng, cách chọn, đơn vị gửi danh "
        "sách hay ai đánh giá ai của đợt khảo sát nữa (các thiết lập khác vẫn sửa được).",
        "Invitations have been issued: the campaign's groups, their selection, who lists them and "
        "who rates whom can no longer change (other settings still can).",
    ),
    "design.share_missing": (
        "Các nhóm khác đã có tỷ trọng: nhóm này cũng cần tỷ trọng (hoặc bỏ tỷ trọng ở mọi nhóm "
        "để gộp theo người trả lời).",
        "Other groups have a share: this group needs one too (or give none, to pool per "
        "respondent).",
    ),
    "design.duplicate_evaluation": (
        "Dòng đánh giá này trùng với một dòng ở trên.",
        "This evaluation line repeats one above.",
    ),
    "design.unknown_questionnaire": (
        "Không có phiếu khảo sát «{code}».",
        "There is no questionnaire “{code}”.",
    ),
    "design.unknown_group": (
        "Không có nhóm đối tượng «{code}» trong thiết kế.",
        "The design has no respondent group “{code}”.",
    ),
    "design.group_rates_nothing": (
        "Nhóm «{code}» chưa đánh giá đơn vị nào: thêm một dòng đánh giá cho nhóm hoặc bỏ nhóm.",
        "Group “{code}” rates nothing: add an evaluation line for it or remove it.",
    ),
    "design.not_for_shape": (
        "Kiểu đánh giá «{shape}» không dùng giá trị này.",
        "Evaluation shape “{shape}” does not use this value.",
    ),
    "design.needed_by_shape": (
        "Kiểu đánh giá «{shape}» cần cấp đơn vị được đánh giá.",
        "Evaluation shape “{shape}” needs the level being rated.",
    ),
    "design.not_shared_ancestor": (
        "Cấp «{code}» phải là cấp trên chung của người trả lời và của cấp «{level}».",
        "Level “{code}” must be a parent of both the respondent's unit and level “{level}”.",
    ),
    "design.fieldwork_order": (
        "Ngày kết thúc khảo sát phải sau ngày bắt đầu.",
        "Fieldwork must close after it opens.",
    ),
    "design.unknown_tree": (
        "Không có bộ tiêu chí «{code}».",
        "There is no criteria tree “{code}”.",
    ),
    "design.bad_council_term": (
        "Nhiệm kỳ hội đồng nhân dân viết là năm đầu–năm cuối, cách nhau 5 năm (như 2026–2031), "
        "không phải “{value}”.",
        "A council term is written first year–last year, five years apart (e.g. 2026–2031), "
        "not “{value}”.",
    ),
    "design.unknown_name": (
        "Không có yếu tố hoặc phần này; chỉ dùng: {choices}.",
        "There is no such factor or part; use only: {choices}.",
    ),
    "design.weights_unused": (
        "Trọng số chỉ dùng khi cách tổng hợp là factors_and_parts (chỉ số → phần → yếu tố).",
        "Weights are used only with the aggregation factors_and_parts (index → part → factor).",
    ),
    "design.bad_band": (
        "Mỗi mức xếp loại viết là [tên, điểm tối thiểu].",
        "Each band is written [label, lower bound].",
    ),
    "design.band_order": (
        "Các mức xếp loại phải xếp từ cao xuống thấp.",
        "Bands must be ordered from the highest down.",
    ),
    "design.document_size": (
        "Tệp thiết kế lớn quá {limit}.",
        "The design file is larger than {limit}.",
    ),
    "design.not_utf8": (
        "Tệp thiết kế không phải văn bản UTF-8.",
        "The design file is not UTF-8 text.",
    ),
    "design.not_yaml": (
        "Tệp thiết kế không đọc được (lỗi cú pháp YAML ở dòng {line}).",
        "The design file cannot be read (YAML syntax error on line {line}).",
    ),
    "design.level_in_use": (
        "Cấp «{code}» đang có đơn vị trong danh mục nên không thể bỏ.",
        "Level “{code}” has units in the registry and cannot be removed.",
    ),
    "design.group_in_use": (
        "Nhóm «{code}» đã có danh sách hoặc người được chọn nên không thể bỏ.",
        "Group “{code}” has lists or drawn people and cannot be removed.",
    ),
}
