"""Questionnaires and criteria trees as XLSForm workbooks: round trips and every check."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from questionnaires import QuestionType, builtin_criteria_trees, builtin_instruments
from questionnaires.stored import instrument_from_canonical
from questionnaires.xlsform import WorkbookError, instrument_workbook, read_instrument
from questionnaires.xlsform.relevance import RelevanceError, from_xlsform, to_xlsform
from questionnaires.xlsform.trees import read_tree, tree_workbook

SURVEY = (
    "type",
    "name",
    "label::vi",
    "label::en",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "criterion",
    "max_points",
)
CHOICES = ("list_name", "name", "label::vi", "label::en", "share", "substantive")
SETTINGS = ("form_id", "version", "form_title::vi", "rated_unit", "groups", "criteria_tree")


def workbook(
    survey: Sequence[Sequence[object]],
    choices: Sequence[Sequence[object]] = (),
    settings: Sequence[object] = ("phieu_thu", "1", "Phiếu thử", "province", "citizen", None),
    *,
    survey_columns: Sequence[str] = SURVEY,
    settings_columns: Sequence[str] = SETTINGS,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(list(survey_columns))
    for row in survey:
        sheet.append(list(row))
    sheet = book.create_sheet("choices")
    sheet.append(list(CHOICES))
    for row in choices:
        sheet.append(list(row))
    sheet = book.create_sheet("settings")
    sheet.append(list(settings_columns))
    sheet.append(list(settings))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


YES_NO = [("yn", "yes", "Có", "Yes"), ("yn", "no", "Không", "No")]
GOOD = [
    ("begin group", "p1", "Trang 1", "Page 1"),
    ("select_one yn", "q1", "Ông/Bà có nộp trực tuyến?", "Online?", "yes"),
    ("select_one yn", "q2", "Dễ dùng không?", "Easy?", "yes", "${q1} = 'yes'"),
    ("integer", "trips", "Số lần đi lại", "Trips", "no", None, ". >= 1 and . <= 30"),
    ("end group", "p1"),
]


def problems(data: bytes) -> list[tuple[str, int, str, str]]:
    with pytest.raises(WorkbookError) as refused:
        read_instrument(data)
    return [(p.sheet, p.row, p.column, p.code) for p in refused.value.problems]


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_every_builtin_questionnaire_goes_to_a_workbook_and_back_to_its_content_hash(
    code: str,
) -> None:
    instrument = builtin_instruments()[code]
    back = read_instrument(instrument_workbook(instrument))
    assert back.content_hash == instrument.content_hash
    assert back == instrument


@pytest.mark.parametrize("code", sorted(builtin_criteria_trees()))
def test_every_builtin_criteria_tree_goes_to_a_workbook_and_back(code: str) -> None:
    tree = builtin_criteria_trees()[code]
    assert read_tree(tree_workbook(tree)) == tree


@pytest.mark.parametrize("code", sorted(builtin_instruments()))
def test_a_stored_definition_rebuilds_the_same_instrument(code: str) -> None:
    instrument = builtin_instruments()[code]
    assert instrument_from_canonical(instrument.canonical(), instrument.content_hash) == instrument


def test_a_stored_definition_that_does_not_match_its_hash_is_refused() -> None:
    instrument = builtin_instruments()["sipas_citizen"]
    with pytest.raises(ValueError, match="content hash"):
        instrument_from_canonical(instrument.canonical(), "0" * 64)


def test_a_workbook_written_by_hand_reads_as_pages_questions_and_skip_logic() -> None:
    instrument = read_instrument(workbook(GOOD, YES_NO))
    assert (instrument.code, instrument.version) == ("phieu_thu", "1")
    assert [s.id for s in instrument.sections] == ["p1"]
    q2 = instrument.question("q2")
    assert q2.show_if is not None and q2.show_if.holds({"q1": "yes"})
    assert not q2.show_if.holds({"q1": "no"}) and not q2.show_if.holds({})
    trips = instrument.question("trips")
    assert (trips.type, trips.integer, trips.minimum, trips.maximum) == (
        QuestionType.NUMBER,
        True,
        1.0,
        30.0,
    )
    assert not trips.required


def test_labels_in_the_long_language_form_are_read() -> None:
    columns = ("type", "name", "label::Tiếng Việt (vi)", "label::English (en)", "required")
    data = workbook(
        [("select_one yn", "q1", "Câu một", "Question one", "yes")],
        YES_NO,
        survey_columns=columns,
    )
    question = read_instrument(data).question("q1")
    assert (question.text.vi, question.text.en) == ("Câu một", "Question one")


@pytest.mark.parametrize(
    ("source", "holds", "fails"),
    [
        ("${a} = 'x'", {"a": "x"}, {}),
        ("${a} != 'x'", {}, {"a": "x"}),  # XPath: true while unanswered
        ("${a} != '' and ${a} != 'x'", {"a": "y"}, {}),
        ("selected(${m}, 'x') or selected(${m}, 'y')", {"m": ["y"]}, {"m": ["z"]}),
        ("not(selected(${m}, 'x'))", {"m": ["z"]}, {"m": ["x"]}),
        ("${n} >= 3 and (${a} = 'x' or ${a} = 'y')", {"n": 4.0, "a": "y"}, {"n": 2.0, "a": "y"}),
    ],
)
def test_relevance_keeps_xpath_meaning_and_writes_back_to_the_same_condition(
    source: str, holds: dict[str, object], fails: dict[str, object]
) -> None:
    from questionnaires.conditions import evaluate
    from questionnaires.expr import render

    ast = from_xlsform(source)
    assert evaluate(ast, holds) and not evaluate(ast, fails)
    assert render(from_xlsform(to_xlsform(ast))) == render(ast)


@pytest.mark.parametrize(
    "source",
    [
        "${a} = ''",
        "count-selected(${m}) > 1",
        "${a} = 'x' and",
        "__import__('os')",
        "${a} == 'x'",
        "(" * 60 + "${a} = 'x'" + ")" * 60,
    ],
)
def test_relevance_outside_the_accepted_subset_is_refused(source: str) -> None:
    with pytest.raises(RelevanceError):
        from_xlsform(source)


def test_duplicate_names_unknown_lists_and_wrong_types_are_placed_on_their_cells() -> None:
    found = problems(
        workbook(
            [
                ("begin group", "p1", "Trang 1", "Page 1"),
                ("select_one yn", "q1", "Một", "One"),
                ("select_one yn", "q1", "Hai", "Two"),
                ("select_one missing", "q3", "Ba", "Three"),
                ("geopoint", "where", "Ở đâu", "Where"),
                ("end group", "p1"),
            ],
            YES_NO + [("yn", "yes", "Có lần nữa", "Yes again")],
        )
    )
    assert ("survey", 4, "name", "duplicate_name") in found
    assert ("survey", 5, "type", "unknown_list") in found
    assert ("survey", 6, "type", "wrong_type") in found
    assert ("choices", 4, "name", "duplicate_name") in found


def test_relevance_naming_a_later_unknown_or_own_question_is_refused() -> None:
    found = problems(
        workbook(
            [
                ("begin group", "p1", "Trang 1", "Page 1"),
                ("select_one yn", "q1", "Một", "One", None, "${q2} = 'yes'"),
                ("select_one yn", "q2", "Hai", "Two", None, "${nobody} = 'yes'"),
                ("select_one yn", "q3", "Ba", "Three", None, "${q3} = 'yes'"),
                ("select_one yn", "q4", "Bốn", "Four", None, "${q1} = 'maybe'"),
                ("end group", "p1"),
            ],
            YES_NO,
        )
    )
    assert [f for f in found if f[2] == "relevant"] == [
        ("survey", 3, "relevant", "relevance_later"),
        ("survey", 4, "relevant", "relevance_unknown"),
        ("survey", 5, "relevant", "relevance_cycle"),
        ("survey", 6, "relevant", "relevance_type"),
    ]


def test_scored_questions_need_shares_and_a_criterion_of_the_tree() -> None:
    data = workbook(
        [
            ("begin group", "p1", "Trang 1", "Page 1"),
            ("select_one r", "q1", "Một", "One", "yes", None, None, None, "1.8.1", 2),
            ("select_one r", "q2", "Hai", "Two", "yes", None, None, None, "9.9.9", 1.5),
            ("end group", "p1"),
        ],
        [("r", "good", "Tốt", "Good", 1), ("r", "poor", "Kém", "Poor", None)],
        ("phieu_thu", "1", "Phiếu thử", "commune", "council", "commune_2025"),
    )
    found = problems(data)
    assert ("survey", 3, "max_points", "missing_share") in found
    assert ("survey", 4, "criterion", "unknown_criterion") in found


def test_a_formula_cell_is_refused_not_computed() -> None:
    rows = [*GOOD[:2], ("select_one yn", "q9", '=HYPERLINK("http://x")', "x"), GOOD[-1]]
    assert ("survey", 4, "label::vi", "formula_cell") in problems(workbook(rows, YES_NO))


def test_problems_speak_vietnamese_and_english_with_their_place() -> None:
    with pytest.raises(WorkbookError) as refused:
        read_instrument(workbook([("select_one nope", "q1", "Một", "One")], YES_NO))
    problem = refused.value.problems[0]
    data = problem.as_json()
    assert set(data) == {"sheet", "row", "column", "code", "message_vi", "message_en"}
    assert "danh sách lựa chọn" in problem.message_vi and "choice list" in problem.message_en
    assert problem.place() == "survey, dòng 2, cột type"


def test_not_a_workbook_and_an_oversized_file_are_one_clear_problem() -> None:
    assert problems(b"not a zip")[0][3] == "not_xlsx"
    assert problems(b"x" * 6_000_000)[0][3] == "too_large"


def test_a_workbook_without_survey_or_settings_says_which_sheet_is_missing() -> None:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    codes = {(p[0], p[3]) for p in problems(buffer.getvalue())}
    assert ("settings", "missing_sheet") in codes and ("survey", "missing_sheet") in codes


def test_a_criteria_tree_whose_points_do_not_add_up_is_placed_on_the_parent_row() -> None:
    tree = builtin_criteria_trees()["commune_2025"]
    book_bytes = tree_workbook(tree)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(book_bytes))
    sheet = book["criteria"]
    sheet.cell(row=3, column=5).value = 99  # criterion 1.1 no longer the sum of 1.1.x
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookError) as refused:
        read_tree(buffer.getvalue())
    placed = {(p.sheet, p.row, p.code) for p in refused.value.problems}
    assert ("criteria", 3, "tree_sum") in placed


def test_a_workbook_odk_tools_would_refuse_is_refused_with_pyxforms_reason_on_its_row() -> None:
    from questionnaires.xlsform.sheets import read_sheets
    from questionnaires.xlsform.standard import standard_problems

    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        ("select_one yn", "q1", "Ông/Bà ${khong_co}?", "You ${khong_co}?", "yes"),
        ("end group", "p1"),
    ]
    sheets = read_sheets(workbook(survey, YES_NO), [])
    assert sheets is not None
    (problem,) = standard_problems(sheets)
    assert (problem.sheet, problem.row, problem.code) == ("survey", 3, "xlsform_standard")
    assert problem.message_vi.startswith("Bảng tính chưa đúng chuẩn XLSForm")
    assert "khong_co" in problem.message_vi
    assert standard_problems(read_sheets(workbook(GOOD, YES_NO), []) or {}) == []


def test_xlsform_features_the_form_would_not_honour_are_refused_on_their_cells() -> None:
    columns = (*SURVEY, "choice_filter")
    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        ("select_one yn", "q1", "Ông/Bà ${q0}?", "You?", "yes", *[None] * 5, "name = 'yes'"),
        ("end group", "p1"),
    ]
    found = problems(workbook(survey, YES_NO, survey_columns=columns))
    assert ("survey", 3, "choice_filter", "unsupported_column") in found
    assert ("survey", 3, "label::vi", "label_reference") in found


def test_every_written_workbook_is_a_standard_xlsform_for_pyxform() -> None:
    from pyxform.xls2xform import convert

    for instrument in builtin_instruments().values():
        result = convert(xlsform=io.BytesIO(instrument_workbook(instrument)), file_type=".xlsx")
        assert "<h:title>" in result.xform


def test_a_date_question_reads_and_takes_dates_written_either_way() -> None:
    from questionnaires import validate_answers

    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        ("date", "ngay_nop", "Ngày Ông/Bà nộp hồ sơ", "Date filed", "yes"),
        ("end group", "p1"),
    ]
    instrument = read_instrument(workbook(survey, YES_NO))
    assert instrument.question("ngay_nop").type is QuestionType.DATE
    assert read_instrument(instrument_workbook(instrument)).content_hash == instrument.content_hash
    for typed, stored in (("2026-03-25", "2026-03-25"), ("25/03/2026", "2026-03-25")):
        result = validate_answers(instrument, {"ngay_nop": typed}, partial=True)
        assert dict(result.cleaned) == {"ngay_nop": stored}
    for wrong in ("31/02/2026", "01/01/1850", "hôm qua"):
        result = validate_answers(instrument, {"ngay_nop": wrong}, partial=True)
        assert [e.code.value for e in result.errors] == ["not_a_date"]


def test_a_constraint_message_replaces_the_standard_one_and_keeps_shipped_hashes() -> None:
    from questionnaires import validate_answers

    columns = (*SURVEY, "constraint_message::vi", "constraint_message::en")
    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        (
            "integer",
            "so_lan",
            "Số lần đi lại",
            "Trips",
            "yes",
            None,
            ". >= 1 and . <= 10",
            None,
            None,
            None,
            "Từ 1 đến 10 lần thôi ạ",
            "Between 1 and 10 trips",
        ),
        ("end group", "p1"),
    ]
    instrument = read_instrument(workbook(survey, YES_NO, survey_columns=columns))
    message = instrument.question("so_lan").constraint_message
    assert message is not None and message.vi == "Từ 1 đến 10 lần thôi ạ"
    (error,) = validate_answers(instrument, {"so_lan": 40}, partial=True).errors
    assert error.params["message_vi"] == "Từ 1 đến 10 lần thôi ạ"
    assert error.params["message_en"] == "Between 1 and 10 trips"
    assert read_instrument(instrument_workbook(instrument)).content_hash == instrument.content_hash
    shipped = builtin_instruments()["sipas_citizen"]
    assert "constraint_message" not in str(shipped.canonical())  # unset: hashes unchanged


@pytest.mark.parametrize("name", ["go", "shown", "page", "csrf_token"])
def test_names_the_form_itself_posts_are_refused(name: str) -> None:
    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        ("select_one yn", name, "Có không?", "Yes?", "yes"),
        ("end group", "p1"),
    ]
    assert ("survey", 3, "name", "reserved_name") in problems(workbook(survey, YES_NO))


def test_values_longer_than_the_database_keeps_are_refused_on_their_cells() -> None:
    long_name = "q" + "x" * 80
    survey = [
        ("begin group", "p1", "Trang 1", "Page 1"),
        ("select_one yn", long_name, "Có không?", "Yes?", "yes"),
        ("end group", "p1"),
    ]
    assert ("survey", 3, "name", "invalid_value") in problems(workbook(survey, YES_NO))
    settings = ("phieu_thu", "1." + "9" * 45, "Phiếu thử", "province", "citizen", None)
    found = problems(workbook(GOOD, YES_NO, settings))
    assert ("settings", 2, "version", "too_long") in found


def test_a_zip_bomb_is_refused_before_any_sheet_is_read() -> None:
    import zipfile

    from questionnaires.xlsform import workbook_kind

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "a" * 30_000_000 + "</sst>")
    data = buffer.getvalue()
    assert len(data) < 200_000
    assert workbook_kind(data) == "instrument"  # not opened
    assert [p[3] for p in problems(data)] == ["too_large"]


def test_a_label_that_looks_like_a_formula_is_written_as_text_and_reads_back() -> None:
    import dataclasses

    from openpyxl import load_workbook

    shipped = builtin_instruments()["sipas_citizen"]
    section = shipped.sections[0]
    first = section.questions[0]
    tricky = dataclasses.replace(
        first, text=dataclasses.replace(first.text, vi='=HYPERLINK("http://x","bấm")')
    )
    sections = (
        dataclasses.replace(section, questions=(tricky, *section.questions[1:])),
        *shipped.sections[1:],
    )
    edited = dataclasses.replace(shipped, version="9.9", sections=sections)
    data = instrument_workbook(edited)
    cells = [c for c in load_workbook(io.BytesIO(data))["survey"]["C"] if c.value == tricky.text.vi]
    assert [c.data_type for c in cells] == ["s"]
    assert read_instrument(data).content_hash == edited.content_hash


def test_badly_written_codes_are_refused_on_their_cells_in_vietnamese() -> None:
    choices = [("yn", "co roi", "Có", "Yes"), ("yn", "no", "Không", "No")]
    found = problems(workbook(GOOD, choices))
    assert ("choices", 2, "name", "bad_choice_name") in found
    settings = ("phiếu thử", "1 2", "Phiếu thử", "province", "citizen", None)
    with pytest.raises(WorkbookError) as refused:
        read_instrument(workbook(GOOD, YES_NO, settings))
    codes = {(p.column, p.code): p.message_vi for p in refused.value.problems}
    assert codes[("form_id", "bad_form_id")].startswith("Mã phiếu “phiếu thử”")
    assert codes[("version", "bad_version")].startswith("Phiên bản “1 2”")
