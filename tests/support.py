"""Helpers shared by integration and browser tests."""

from __future__ import annotations

from pathlib import Path

from designs import ListField, ListKind
from questionnaires import Instrument, Question, QuestionType
from survey_app.ingest import ListRules

LIVE_ROOTS: dict[str, Path] = {}
"""The folder (demo.db and instance/) behind each running live server of the browser tests,
by its base URL (see tests/e2e/conftest.py)."""


def answer_for(q: Question, variant: int = 0) -> object:
    """A valid answer to ``q``; ``variant`` picks another option where there is a choice."""
    if q.options:
        substantive = [o for o in q.options if o.substantive] or list(q.options)
        choice = substantive[variant % len(substantive)].value
        return (choice,) if q.type is QuestionType.MULTIPLE_CHOICE else choice
    if q.type is QuestionType.NUMBER:
        return int(q.minimum or 0) + 1
    if q.type is QuestionType.DATE:
        return f"2026-0{1 + variant % 9}-15"
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
    return {
        k: [str(x) for x in v] if isinstance(v, tuple) else [str(v)] for k, v in answers.items()
    }


def make_respondent(
    session,
    campaign_id: int,
    unit_code: str,
    name: str,  # type: ignore[no-untyped-def]
    group: str = "citizen",
    phone: str | None = None,
):
    """An active sampled respondent of a demo unit (flushed, not committed)."""
    from sqlalchemy import select

    from survey_app.persistence.enums import RespondentStatus, SampleRole
    from survey_app.persistence.models import Respondent, Unit

    unit = session.scalar(
        select(Unit).where(Unit.campaign_id == campaign_id, Unit.code == unit_code)
    )
    respondent = Respondent(
        campaign_id=campaign_id,
        unit_id=unit.id,
        group=group,
        sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE,
        stratum="Hộ tịch",
        weight=2.0,
        full_name=name,
        phone=phone,
    )
    session.add(respondent)
    session.flush()
    return respondent


def open_fieldwork(session, campaign_id: int) -> None:  # type: ignore[no-untyped-def]
    """Make the campaign's fieldwork window include today."""
    import datetime as dt

    from survey_app.persistence.models import Campaign

    campaign = session.get(Campaign, campaign_id)
    campaign.fieldwork_opens = dt.date.today() - dt.timedelta(days=1)
    campaign.fieldwork_closes = dt.date.today() + dt.timedelta(days=30)


CITIZENS = ListRules("citizen", ListKind.TRANSACTIONS, (), 30)
"""A citizens' list as the shipped templates define it (seed 004: 30 per commune)."""
LEADERS = ListRules("department_leader", ListKind.OFFICIALS, (ListField.POSITION, ListField.UNIT))
"""A leaders' list: name, position and unit required."""
DELEGATES = ListRules("council_delegate")
"""A council delegates' list: a name is enough."""
