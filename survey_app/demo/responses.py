"""Synthetic but plausible answers for the demo campaign, submitted through the real service.

Each unit (and each district, for communes) gets a level of satisfaction drawn once, so
rankings and SIPAS differ between places; about 80-90 % of answers are favourable overall.
Some forms come in on paper or by phone. Completion times are spread like real ones.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Instrument, Option, Question, QuestionType
from survey_app.persistence.enums import Mode, RespondentStatus
from survey_app.persistence.models import Campaign, Invitation, Respondent, Response, Unit
from survey_app.services import responses

MODES = (Mode.WEB, Mode.PAPER, Mode.PHONE)
MODE_SHARES = (0.8, 0.12, 0.08)


def _unit_quality(unit: Unit, rng: np.random.Generator, cache: dict[int, float]) -> float:
    """Probability of a favourable answer: a district effect plus the unit's own."""
    if unit.id not in cache:
        parent = unit.parent
        base = (
            _unit_quality(parent, rng, cache) if parent is not None and parent.parent_id else 0.85
        )
        cache[unit.id] = float(np.clip(base + rng.normal(0.0, 0.04), 0.6, 0.98))
    return cache[unit.id]


def _choice(q: Question, good: float, rng: np.random.Generator) -> object:
    options = [o for o in q.options if o.substantive]
    if q.type is QuestionType.MULTIPLE_CHOICE:
        picks = rng.choice(
            len(options), size=min(len(options), int(rng.integers(1, 3))), replace=False
        )
        return tuple(
            options[int(i)].value for i in sorted(picks) if options[int(i)].value != "other"
        ) or (options[0].value,)
    unsure = [o for o in q.options if not o.substantive]
    if unsure and rng.random() < 0.03:
        return unsure[0].value
    if any(o.share is not None for o in options):
        return _favourable(q, options, good, rng)
    if q.integrity is not None and q.option("no") is not None:
        return "yes" if rng.random() > good + 0.08 else "no"
    return options[int(rng.integers(len(options)))].value


def _favourable(q: Question, options: list[Option], good: float, rng: np.random.Generator) -> str:
    """The best two options together with probability ``good``."""
    ranked = sorted(options, key=lambda o: -(o.share or 0.0))
    if q.type is QuestionType.LIKERT5:
        weights = [0.35 * good, 0.65 * good, 0.7 * (1 - good), 0.2 * (1 - good), 0.1 * (1 - good)]
    else:
        weights = [0.55 * good, 0.45 * good, 0.75 * (1 - good), 0.25 * (1 - good)]
    probs = np.array(weights[: len(ranked)] + [0.0] * (len(ranked) - len(weights)))
    return ranked[int(rng.choice(len(ranked), p=probs / probs.sum()))].value


def synthetic_answers(
    instrument: Instrument, good: float, rng: np.random.Generator
) -> dict[str, object]:
    """Answers to every visible question, respecting skip logic; free text left empty."""
    answers: dict[str, object] = {}
    for section in instrument.sections:
        if section.show_if is not None and not section.show_if.holds(answers):
            continue
        for q in section.questions:
            if q.show_if is not None and not q.show_if.holds(answers):
                continue
            if q.type is QuestionType.NUMBER:
                answers[q.id] = int(q.minimum or 0) + int(rng.integers(1, 3))
            elif q.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
                if q.required:
                    answers[q.id] = "Không có ý kiến thêm"
            else:
                answers[q.id] = _choice(q, good, rng)
    return answers


def seed_demo_responses(
    session: Session, campaign: Campaign, rng: np.random.Generator, share: float = 0.7
) -> int:
    """Submit synthetic answers for ``share`` of the active invited respondents without a
    response; returns how many were submitted."""
    invitations = list(
        session.scalars(
            select(Invitation)
            .join(Respondent, Respondent.id == Invitation.respondent_id)
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(
                Invitation.campaign_id == campaign.id,
                Respondent.status == RespondentStatus.ACTIVE,
                Response.id.is_(None),
            )
            .order_by(Invitation.id)
        )
    )
    quality: dict[int, float] = {}
    submitted = 0
    for invitation in invitations:
        if rng.random() >= share:
            continue
        unit = invitation.rated_unit
        good = _unit_quality(unit, rng, quality)
        answers = synthetic_answers(responses.instrument_of(invitation), good, rng)
        mode = MODES[int(rng.choice(len(MODES), p=MODE_SHARES))]
        result = responses.submit(session, invitation, answers, f"demo-{invitation.id}", mode=mode)
        if result.outcome is responses.SubmitOutcome.ACCEPTED and result.response_id is not None:
            response = session.get(Response, result.response_id)
            assert response is not None
            _spread_time(response, rng)
            submitted += 1
    session.flush()
    return submitted


def _spread_time(response: Response, rng: np.random.Generator) -> None:
    """Completion times of 4-20 minutes, a few suspiciously fast."""
    seconds = float(rng.gamma(4.0, 150.0)) if rng.random() > 0.03 else float(rng.uniform(20, 50))
    assert response.submitted_at is not None
    response.started_at = response.submitted_at - dt.timedelta(seconds=seconds)
