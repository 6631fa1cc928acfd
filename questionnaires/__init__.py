"""Instruments (questionnaires) and criteria trees as validated data; pure library.

The form service renders ``Instrument`` sections and questions, applies skip logic with
``visible_questions``, turns HTML form strings into typed values with ``parse_form`` /
``parse_form_value`` and checks them with ``validate_answers``. ``InstrumentRegistry`` refuses
a changed definition under an already published (code, version).
"""

from questionnaires.answer_errors import AnswerError, ErrorCode, Severity
from questionnaires.answers import (
    ValidationResult,
    is_missing,
    validate_answers,
    visible_questions,
)
from questionnaires.builtin import builtin_instruments
from questionnaires.criteria import (
    CriteriaTree,
    CriterionNode,
    LeafRow,
    Method,
    builtin_criteria_trees,
    load_criteria_tree,
)
from questionnaires.errors import (
    CriteriaError,
    DefinitionError,
    InstrumentError,
    Problem,
    PublishedInstrumentChangedError,
)
from questionnaires.forms import parse_form, parse_form_value
from questionnaires.loader import instrument_from_data, load_instrument
from questionnaires.model import (
    Condition,
    Instrument,
    IntegrityTopic,
    LocalizedText,
    Option,
    ProfileVariable,
    Question,
    QuestionType,
    Section,
    SipasElement,
)
from questionnaires.registry import InstrumentRegistry, PublishedInstrument, PublishStatus

__all__ = [
    "AnswerError",
    "Condition",
    "CriteriaError",
    "CriteriaTree",
    "CriterionNode",
    "DefinitionError",
    "ErrorCode",
    "Instrument",
    "InstrumentError",
    "InstrumentRegistry",
    "IntegrityTopic",
    "LeafRow",
    "LocalizedText",
    "Method",
    "Option",
    "Problem",
    "ProfileVariable",
    "PublishStatus",
    "PublishedInstrument",
    "PublishedInstrumentChangedError",
    "Question",
    "QuestionType",
    "Section",
    "Severity",
    "SipasElement",
    "ValidationResult",
    "builtin_criteria_trees",
    "builtin_instruments",
    "instrument_from_data",
    "is_missing",
    "load_criteria_tree",
    "load_instrument",
    "parse_form",
    "parse_form_value",
    "validate_answers",
    "visible_questions",
]
