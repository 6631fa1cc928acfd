"""Problems found in an XLSForm workbook: where (sheet, row, column), what, in two languages."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# code -> (Vietnamese, English); ``{detail}`` and the other fields are filled per problem.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_xlsx": (
        "Tệp không phải bảng tính Excel (.xlsx) đọc được.",
        "The file is not a readable Excel workbook (.xlsx).",
    ),
    "too_large": (
        "Tệp quá lớn ({detail}).",
        "The file is too large ({detail}).",
    ),
    "too_many_rows": (
        "Trang tính có quá nhiều dòng ({detail}).",
        "The sheet has too many rows ({detail}).",
    ),
    "missing_sheet": (
        "Thiếu trang tính “{detail}”.",
        "The sheet “{detail}” is missing.",
    ),
    "missing_column": (
        "Thiếu cột “{detail}”.",
        "The column “{detail}” is missing.",
    ),
    "formula_cell": (
        "Ô chứa công thức; hãy nhập giá trị thay cho công thức.",
        "The cell holds a formula; type the value instead.",
    ),
    "missing_value": (
        "Ô này cần có giá trị ({detail}).",
        "This cell needs a value ({detail}).",
    ),
    "invalid_value": (
        "Giá trị không hợp lệ: {detail}.",
        "Invalid value: {detail}.",
    ),
    "wrong_type": (
        "Loại câu hỏi “{detail}” không được hỗ trợ.",
        "The question type “{detail}” is not supported.",
    ),
    "duplicate_name": (
        "Tên “{detail}” bị trùng.",
        "The name “{detail}” is used twice.",
    ),
    "unknown_list": (
        "Không có danh sách lựa chọn “{detail}” trong trang tính choices.",
        "There is no choice list “{detail}” in the choices sheet.",
    ),
    "empty_list": (
        "Danh sách lựa chọn “{detail}” không có lựa chọn nào.",
        "The choice list “{detail}” has no choices.",
    ),
    "group_nested": (
        "Nhóm “{detail}” nằm trong một nhóm khác: mỗi nhóm là một trang, không lồng nhau; hãy "
        "đóng nhóm trước bằng end group.",
        "Group “{detail}” is inside another group: each group is one page and groups do not "
        "nest; close the previous one with end group first.",
    ),
    "group_unopened": (
        "Có end group nhưng chưa có begin group tương ứng.",
        "An end group has no matching begin group.",
    ),
    "note_position": (
        "Ghi chú (note) chỉ được đặt ở đầu một trang, ngay sau begin group, và làm lời giới "
        "thiệu của trang; mỗi trang một ghi chú.",
        "A note may only open a page, right after begin group, as its introduction; one note "
        "per page.",
    ),
    "relevance_syntax": (
        "Không đọc được điều kiện hiển thị “{detail}”. Chỉ dùng: ${{câu}} = 'giá trị', "
        "${{câu}} != 'giá trị', selected(${{câu}}, 'giá trị'), so sánh số (<, <=, >, >=), "
        "nối bằng and, or, not(…) và dấu ngoặc.",
        "The relevance “{detail}” cannot be read. Use only: ${{q}} = 'value', ${{q}} != 'value', "
        "selected(${{q}}, 'value'), number comparisons (<, <=, >, >=), joined by and, or, "
        "not(…) and parentheses.",
    ),
    "relevance_function": (
        "Điều kiện hiển thị dùng hàm “{detail}” chưa được hỗ trợ; chỉ dùng selected(…) và not(…).",
        "The relevance uses the function “{detail}”, which is not supported; use only "
        "selected(…) and not(…).",
    ),
    "relevance_too_complex": (
        "Điều kiện hiển thị quá dài hoặc lồng quá sâu: “{detail}”; hãy viết ngắn gọn hơn.",
        "The relevance is too long or nested too deeply: “{detail}”; write it more simply.",
    ),
    "relevance_answered": (
        "Trong điều kiện “{detail}”, phép thử ${{câu}} != '' (đã trả lời) phải đi kèm bằng and "
        "với một phép thử khác của chính câu đó.",
        "In the relevance “{detail}”, the test ${{q}} != '' (answered) must be joined by and to "
        "another test of the same question.",
    ),
    "relevance_unknown": (
        "Điều kiện hiển thị nhắc tới “{detail}”, không phải câu hỏi của phiếu.",
        "The relevance names “{detail}”, which is not a question of the form.",
    ),
    "relevance_later": (
        "Điều kiện hiển thị nhắc tới câu “{detail}” đứng sau; chỉ được dùng câu trả lời trước đó.",
        "The relevance names “{detail}”, which comes later; only earlier answers may be used.",
    ),
    "relevance_cycle": (
        "Điều kiện hiển thị tự tham chiếu tới “{detail}” (vòng lặp).",
        "The relevance refers to “{detail}” itself (a cycle).",
    ),
    "relevance_type": (
        "Điều kiện hiển thị sai kiểu: {detail}.",
        "The relevance has a type error: {detail}.",
    ),
    "constraint": (
        "Ràng buộc không được hỗ trợ: {detail}.",
        "Unsupported constraint: {detail}.",
    ),
    "missing_share": (
        "Câu hỏi tính điểm nhưng lựa chọn “{detail}” chưa có tỷ lệ điểm (cột share).",
        "The question is scored but the choice “{detail}” has no share (column share).",
    ),
    "unknown_criterion": (
        "Mã tiêu chí “{detail}” không có trong bộ tiêu chí.",
        "The criterion code “{detail}” is not in the criteria tree.",
    ),
    "criterion_method": (
        "Tiêu chí không chấm bằng điều tra: {detail}.",
        "The criterion is not scored by survey: {detail}.",
    ),
    "points_sum": (
        "Tổng điểm các câu hỏi của tiêu chí “{detail}” khác điểm tối đa của tiêu chí.",
        "The questions of criterion “{detail}” do not add up to its maximum points.",
    ),
    "unknown_tree": (
        "Không có bộ tiêu chí “{detail}”.",
        "There is no criteria tree “{detail}”.",
    ),
    "definition": (
        "Phiếu chưa hợp lệ: {detail}.",
        "The questionnaire is not valid: {detail}.",
    ),
    "unsupported_column": (
        "Biểu mẫu của hệ thống chưa hỗ trợ cột “{detail}” của XLSForm; hãy để trống cột này "
        "(nếu không, phiếu sẽ chạy khác với ý người soạn).",
        "The service's form does not support the XLSForm column “{detail}”; leave it empty "
        "(otherwise the form would not behave as its author meant).",
    ),
    "label_reference": (
        "Chưa hỗ trợ chèn câu trả lời vào lời câu hỏi (${{…}} trong cột “{detail}”); hãy viết "
        "lời câu hỏi cố định.",
        "Answers cannot be inserted into question text yet (${{…}} in column “{detail}”); write "
        "a fixed text.",
    ),
    "bad_choice_name": (
        "Tên phương án “{detail}” chỉ được gồm chữ không dấu, chữ số, dấu gạch dưới, gạch "
        "ngang và dấu chấm, không có khoảng trắng (ví dụ co, khong, rat_hai_long).",
        "The option name “{detail}” may only hold letters without accents, digits, _, - and "
        "., with no spaces (for example yes, no, very_satisfied).",
    ),
    "bad_form_id": (
        "Mã phiếu “{detail}” chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt "
        "đầu bằng chữ (ví dụ phieu_dai_bieu_2026).",
        "The questionnaire code “{detail}” may only hold lower-case letters without accents, "
        "digits and _, starting with a letter (for example council_2026).",
    ),
    "bad_version": (
        "Phiên bản “{detail}” chỉ được gồm chữ không dấu, chữ số, dấu chấm, gạch dưới và gạch "
        "ngang, không có khoảng trắng (ví dụ 2026.1).",
        "The version “{detail}” may only hold letters without accents, digits, ., _ and -, "
        "with no spaces (for example 2026.1).",
    ),
    "bad_rated_unit": (
        "Cấp được đánh giá “{detail}” phải là mã cấp viết thường không dấu (ví dụ province, "
        "department, commune).",
        "The rated level “{detail}” must be a level code in lower case without accents (for "
        "example province, department, commune).",
    ),
    "reserved_name": (
        "Tên “{detail}” dành cho chính biểu mẫu; hãy đặt tên khác cho câu hỏi.",
        "The name “{detail}” is used by the form itself; give the question another name.",
    ),
    "too_long": (
        "Giá trị quá dài (tối đa {detail} ký tự).",
        "The value is too long (at most {detail} characters).",
    ),
    "xlsform_standard": (
        "Bảng tính chưa đúng chuẩn XLSForm (ODK, KoboToolbox không mở được); pyxform báo: {detail}",
        "The workbook does not follow the XLSForm standard (ODK and KoboToolbox could not "
        "open it); pyxform says: {detail}",
    ),
    "tree_sum": (
        "Điểm tối đa của “{detail}” khác tổng điểm các mục con.",
        "The maximum points of “{detail}” differ from the sum of its children.",
    ),
    "tree_structure": (
        "Cấu trúc bộ tiêu chí không hợp lệ: {detail}.",
        "Invalid criteria tree structure: {detail}.",
    ),
}


@dataclass(frozen=True)
class SheetProblem:
    """One problem with its place; ``row`` is the 1-based spreadsheet row (0: the sheet)."""

    sheet: str
    row: int
    column: str
    code: str
    detail: str = ""

    @property
    def message_vi(self) -> str:
        return MESSAGES[self.code][0].format(detail=self.detail)

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1].format(detail=self.detail)

    def message(self, locale: str = "vi") -> str:
        """The message in ``locale`` (Vietnamese unless English is asked for)."""
        return self.message_en if locale.lower().startswith("en") else self.message_vi

    def place(self, locale: str = "vi") -> str:
        """``survey, dòng 12, cột relevant`` (or in English)."""
        english = locale.lower().startswith("en")
        parts = [self.sheet] if self.sheet else []
        if self.row:
            parts.append(f"{'row' if english else 'dòng'} {self.row}")
        if self.column:
            parts.append(f"{'column' if english else 'cột'} {self.column}")
        return ", ".join(parts)

    def as_json(self) -> dict[str, object]:
        """{sheet, row, column, code, message_vi, message_en} (``detail`` is in the messages)."""
        data = asdict(self)
        del data["detail"]
        return {**data, "message_vi": self.message_vi, "message_en": self.message_en}


class WorkbookError(ValueError):
    """A workbook with problems; nothing in it may be published."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the workbook")
