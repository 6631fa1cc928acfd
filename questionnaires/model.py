"""The parsed, immutable form of an instrument (questionnaire) and its parts.

Instruments are built only by ``questionnaires.loader``, which validates them; every object
here is a frozen dataclass so a published instrument cannot be changed in memory either.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from functools import cached_property
from types import MappingProxyType

from questionnaires.conditions import ValueKind, evaluate
from questionnaires.expr import Node, render


class QuestionType(StrEnum):
    """Question types an instrument may use."""

    SINGLE_CHOICE = "single_choice"
    LIKERT5 = "likert5"
    RATING4 = "rating4"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    DATE = "date"

    @property
    def value_kind(self) -> ValueKind:
        """How answers of this type behave in skip-logic conditions."""
        return _VALUE_KIND[self]

    @property
    def has_options(self) -> bool:
        """Whether answers are option values."""
        return self.value_kind in (ValueKind.CHOICE, ValueKind.CHOICES)


_VALUE_KIND = {
    QuestionType.SINGLE_CHOICE: ValueKind.CHOICE,
    QuestionType.LIKERT5: ValueKind.CHOICE,
    QuestionType.RATING4: ValueKind.CHOICE,
    QuestionType.MULTIPLE_CHOICE: ValueKind.CHOICES,
    QuestionType.NUMBER: ValueKind.NUMBER,
    QuestionType.SHORT_TEXT: ValueKind.TEXT,
    QuestionType.LONG_TEXT: ValueKind.TEXT,
    QuestionType.DATE: ValueKind.TEXT,
}


class SipasElement(StrEnum):
    """The factors of the SIPAS citizen survey: the five service elements (DOMAIN.md §8) and,
    since 2023 (QĐ 1001/QĐ-BNV, §11), the four factors of satisfaction with public policies."""

    ACCESS = "access"
    PROCEDURE = "procedure"
    CIVIL_SERVANT = "civil_servant"
    RESULT = "result"
    FEEDBACK = "feedback"
    INFORMATION = "information"
    PARTICIPATION = "participation"
    IMPLEMENTATION = "implementation"
    IMPACT = "impact"

    @property
    def part(self) -> str:
        """``policies`` or ``services``: the part of the SIPAS 2023-2026 index it belongs to."""
        return "policies" if self in _POLICY_FACTORS else "services"


_POLICY_FACTORS = frozenset(
    {
        SipasElement.INFORMATION,
        SipasElement.PARTICIPATION,
        SipasElement.IMPLEMENTATION,
        SipasElement.IMPACT,
    }
)


class IntegrityTopic(StrEnum):
    """What an integrity question asks about."""

    HARASSMENT = "harassment"
    UNOFFICIAL_PAYMENT = "unofficial_payment"


class ProfileVariable(StrEnum):
    """Respondent profile variables used for weighting and breakdowns."""

    AGE_BAND = "age_band"
    SEX = "sex"
    EDUCATION = "education"
    OCCUPATION = "occupation"
    AGENCY_LEVEL = "agency_level"
    PROCEDURE_FIELD = "procedure_field"
    POSITION = "position"


@dataclass(frozen=True)
class LocalizedText:
    """A user-visible string in Vietnamese with its English translation."""

    vi: str
    en: str

    def get(self, locale: str) -> str:
        """The text for a locale code (``vi``, ``en``, ``en_US``...); Vietnamese by default."""
        return self.en if locale.lower().startswith("en") else self.vi


@dataclass(frozen=True)
class Option:
    """One answer option.

    ``share`` is the fraction (0..1) of the question's points the option earns; it is None for
    options without a score, and always None when ``substantive`` is False (a "don't know /
    no answer" option, excluded from scores).
    """

    value: str
    label: LocalizedText
    share: float | None = None
    substantive: bool = True


@dataclass(frozen=True)
class Condition:
    """A parsed ``show_if`` condition; ``source`` is its canonical text."""

    source: str
    ast: Node = field(compare=False, repr=False)

    def holds(self, answers: Mapping[str, object]) -> bool:
        """Whether the condition is true for cleaned answers."""
        return evaluate(self.ast, answers)


@dataclass(frozen=True)
class Question:
    """A question; which optional fields are set depends on ``type`` (see the schema)."""

    id: str
    section_id: str
    type: QuestionType
    text: LocalizedText
    required: bool = True
    help: LocalizedText | None = None
    options: tuple[Option, ...] = ()
    min_selections: int = 0
    max_selections: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None
    show_if: Condition | None = None
    criterion: str | None = None
    points: float | None = None
    element: SipasElement | None = None
    satisfaction: bool = False
    integrity: IntegrityTopic | None = None
    profile: ProfileVariable | None = None
    constraint_message: LocalizedText | None = None
    """Shown instead of the standard message when an answer breaks the question's limits."""

    def option(self, value: str) -> Option | None:
        """The option with this value, if any (a dictionary lookup: validation asks often)."""
        return self._options_by_value.get(value)

    @cached_property
    def _options_by_value(self) -> Mapping[str, Option]:
        return MappingProxyType({o.value: o for o in self.options})


@dataclass(frozen=True)
class Section:
    """An ordered group of questions, optionally shown only when ``show_if`` holds."""

    id: str
    title: LocalizedText
    questions: tuple[Question, ...]
    intro: LocalizedText | None = None
    show_if: Condition | None = None


@dataclass(frozen=True)
class Instrument:
    """A versioned questionnaire for one or more respondent groups."""

    code: str
    version: str
    title: LocalizedText
    groups: tuple[str, ...]
    rated_unit: str
    campaign_kinds: tuple[str, ...]
    estimated_minutes: int
    intro: LocalizedText
    confidentiality: LocalizedText
    sections: tuple[Section, ...]
    criteria_tree: str | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in form order."""
        return tuple(q for s in self.sections for q in s.questions)

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    @cached_property
    def _by_id(self) -> Mapping[str, Question]:
        return MappingProxyType({q.id: q for q in self.questions})

    def question(self, question_id: str) -> Question:
        """The question with this id; raises KeyError if there is none."""
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        """Whether a question with this id exists."""
        return question_id in self._by_id

    def canonical(self) -> dict[str, object]:
        """The parsed definition as plain JSON data (keys sorted when serialised)."""
        result = _canon(self)
        assert isinstance(result, dict)
        return result

    @cached_property
    def content_hash(self) -> str:
        """sha256 hex digest of the canonical JSON of the parsed definition."""
        text = json.dumps(
            self.canonical(),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


ADDED_LATER = frozenset({"constraint_message"})
"""Fields added after versions were first published: left out of the canonical form while
unset, so every content hash published before them stays what it was."""


def _canon(obj: object) -> object:
    """Convert model objects into JSON data; conditions become their canonical text."""
    if isinstance(obj, Condition):
        return render(obj.ast)
    if isinstance(obj, Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _canon(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not (f.name in ADDED_LATER and getattr(obj, f.name) is None)
        }
    if isinstance(obj, tuple | list):
        return [_canon(item) for item in obj]
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj
    if isinstance(obj, float):
        return float(obj)
    return obj
