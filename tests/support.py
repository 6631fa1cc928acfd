"""Helpers shared by integration and browser tests."""

from __future__ import annotations

from questionnaires import Instrument, Question, QuestionType


def answer_for(q: Question, variant: int = 0) -> object:
    """A valid answer to ``q``; ``variant`` picks another option where there is a choice."""
    if q.options:
        substantive = [o for o in q.options if o.substantive] or list(q.options)
        choice = substantive[variant % len(substantive)].value
        return (choice,) if q.type is QuestionType.MULTIPLE_CHOICE else choice
    if q.type is QuestionType.NUMBER:
        return int(q.minimum or 0) + 1
    return "Ý kiến thử nghiệm"


def complete_answers(instrument: Instrument, variant: int = 0) -> dict[str, object]:
    """Answers to every visible question, in form order, respecting skip logic."""
    answers: dict[str, object] = {}
    for section in instrument.sections:
        if section.show_if is not None and not section.show_if.holds(answers):
            continue
        for q in section.questions:
            if q.show_if is None or q.show_if.holds(answers):
                answers[q.id] = answer_for(q, variant)
    return answers


def as_form(answers: dict[str, object]) -> dict[str, list[str]]:
    """Answers as HTML form fields (lists of strings)."""
    return {k: [str(x) for x in v] if isinstance(v, tuple) else [str(v)]
            for k, v in answers.items()}
