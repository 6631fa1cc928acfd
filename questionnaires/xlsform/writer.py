"""An instrument as an XLSForm workbook that :mod:`questionnaires.xlsform.reader` reads back
to the same content hash (sheets ``survey``, ``choices``, ``settings``)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from questionnaires._questions import TEXT_LIMITS
from questionnaires.model import Instrument, LocalizedText, Option, Question, QuestionType
from questionnaires.scales import LIKERT5_OPTIONS, RATING4_OPTIONS
from questionnaires.xlsform.relevance import to_xlsform

SURVEY_COLUMNS = (
    "type",
    "name",
    "label::vi",
    "label::en",
    "hint::vi",
    "hint::en",
    "required",
    "relevant",
    "constraint",
    "constraint_message::vi",
    "constraint_message::en",
    "appearance",
    "criterion",
    "max_points",
    "factor",
    "satisfaction",
    "integrity",
    "profile",
)
CHOICE_COLUMNS = ("list_name", "name", "label::vi", "label::en", "share", "substantive")
SETTINGS_COLUMNS = (
    "form_id",
    "version",
    "form_title",
    "form_title_en",
    "default_language",
    "groups",
    "rated_unit",
    "campaign_kinds",
    "estimated_minutes",
    "criteria_tree",
    "intro::vi",
    "intro::en",
    "confidentiality::vi",
    "confidentiality::en",
)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class _Lists:
    """Choice lists by content: identical option sets share one list."""

    def __init__(self) -> None:
        self.names: dict[tuple[Option, ...], str] = {
            LIKERT5_OPTIONS: "likert5",
            RATING4_OPTIONS: "rating4",
        }
        self.used: list[tuple[str, tuple[Option, ...]]] = []

    def name(self, question: Question) -> str:
        options = question.options
        name = self.names.get(options)
        if name is None:
            name = question.id.replace(".", "_")
            self.names[options] = name
        if all(n != name for n, _ in self.used):
            self.used.append((name, options))
        return name


def _type(question: Question, lists: _Lists) -> tuple[str, str, str]:
    """(type, appearance, constraint) of a question."""
    qtype = question.type
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.LIKERT5, QuestionType.RATING4):
        appearance = {QuestionType.LIKERT5: "likert", QuestionType.RATING4: "rating4"}.get(
            qtype, ""
        )
        return f"select_one {lists.name(question)}", appearance, ""
    if qtype is QuestionType.MULTIPLE_CHOICE:
        parts = []
        if question.min_selections:
            parts.append(f"count-selected(.) >= {question.min_selections}")
        if question.max_selections is not None:
            parts.append(f"count-selected(.) <= {question.max_selections}")
        return f"select_multiple {lists.name(question)}", "", " and ".join(parts)
    if qtype is QuestionType.NUMBER:
        parts = []
        if question.minimum is not None:
            parts.append(f". >= {_number(question.minimum)}")
        if question.maximum is not None:
            parts.append(f". <= {_number(question.maximum)}")
        return ("integer" if question.integer else "decimal"), "", " and ".join(parts)
    if qtype is QuestionType.DATE:
        return "date", "", ""
    default = TEXT_LIMITS[qtype][0]
    constraint = (
        f"string-length(.) <= {question.max_length}"
        if question.max_length not in (None, default)
        else ""
    )
    return "text", ("multiline" if qtype is QuestionType.LONG_TEXT else ""), constraint


def _texts(text: LocalizedText | None) -> tuple[str, str]:
    return ("", "") if text is None else (text.vi, text.en)


def _question_row(question: Question, lists: _Lists) -> list[object]:
    qtype, appearance, constraint = _type(question, lists)
    return [
        qtype,
        question.id,
        *_texts(question.text),
        *_texts(question.help),
        "yes" if question.required else "no",
        to_xlsform(question.show_if.ast) if question.show_if else "",
        constraint,
        *_texts(question.constraint_message),
        appearance,
        question.criterion or "",
        _number(question.points) if question.points is not None else "",
        question.element.value if question.element else "",
        "yes" if question.satisfaction else "",
        question.integrity.value if question.integrity else "",
        question.profile.value if question.profile else "",
    ]


def _sheet(book: Workbook, title: str, columns: tuple[str, ...]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet  # type: ignore[no-any-return]


def literal_text(book: Workbook) -> None:
    """Keep text that looks like a formula (``=HYPERLINK(…)`` typed as a label) as text:
    openpyxl would write it as a live formula, which a spreadsheet would run on opening."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _blank(values: Sequence[object]) -> list[object]:
    """Empty strings as empty cells."""
    return [None if v == "" else v for v in values]


def instrument_workbook(instrument: Instrument) -> bytes:
    """The XLSForm workbook of an instrument, as .xlsx bytes."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    survey = _sheet(book, "survey", SURVEY_COLUMNS)
    lists = _Lists()
    width = len(SURVEY_COLUMNS)
    for section in instrument.sections:
        begin = ["begin group", section.id, *_texts(section.title), *_texts(section.intro)]
        begin += ["", to_xlsform(section.show_if.ast) if section.show_if else ""]
        survey.append(_blank(begin + [""] * (width - len(begin))))
        for question in section.questions:
            survey.append(_blank(_question_row(question, lists)))
        survey.append(["end group", section.id])
    choices = _sheet(book, "choices", CHOICE_COLUMNS)
    for name, options in lists.used:
        for option in options:
            share = "" if option.share is None else _number(option.share)
            row = [name, option.value, option.label.vi, option.label.en, share]
            choices.append(_blank(row + ["" if option.substantive else "no"]))
    settings = _sheet(book, "settings", SETTINGS_COLUMNS)
    settings.append(
        _blank(
            [
                instrument.code,
                instrument.version,
                *_texts(instrument.title),
                "vi",
                " ".join(instrument.groups),
                instrument.rated_unit,
                " ".join(instrument.campaign_kinds),
                instrument.estimated_minutes,
                instrument.criteria_tree or "",
                *_texts(instrument.intro),
                *_texts(instrument.confidentiality),
            ]
        )
    )
    literal_text(book)
    for sheet in (survey, choices, settings):
        for index in range(1, sheet.max_column + 1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 14 if letter not in "CD" else 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
