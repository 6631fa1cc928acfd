"""Self-assessment and appraisal (DOMAIN.md §12): the rules, without storage.

Every rated unit scores itself on each appraisal sub-criterion of its criteria tree, with
evidence or a written explanation; an appraiser sets the appraised score in a first round,
may ask for explanations, and sets it again in a second round; the council approves and the
chair publishes. This module knows the stages a unit's assessment goes through, which step
each stage allows, how a typed score is read and checked, when a deadline has passed, who of
several lead departments scores a leaf, and which leaves the council sees as disputed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class AssessmentStatus(StrEnum):
    """Where a campaign's whole appraisal stands."""

    OPEN = "open"
    """Units score themselves and appraisers appraise, unit by unit."""
    APPROVED = "approved"
    """The council approved: the appraisal points are locked."""
    PUBLISHED = "published"
    """The chair published the index and the ranking."""


class UnitStage(StrEnum):
    """Where one unit's assessment stands (the progress board's columns)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_APPRAISAL = "in_appraisal"
    EXPLANATION_REQUESTED = "explanation_requested"
    EXPLAINED = "explained"
    APPRAISED = "appraised"

    @property
    def unit_edits(self) -> bool:
        """The unit may still change its own scores (before it submits)."""
        return self in (UnitStage.NOT_STARTED, UnitStage.DRAFT)

    @property
    def appraisable(self) -> bool:
        """An appraiser may set appraised scores: after submission, while the unit is not
        answering a request for explanation, until the appraisal is finished."""
        return self in (UnitStage.SUBMITTED, UnitStage.IN_APPRAISAL, UnitStage.EXPLAINED)

    @property
    def submitted(self) -> bool:
        return not self.unit_edits


class ScoreChangeKind(StrEnum):
    """What one recorded change of a sub-criterion's score was."""

    SELF = "self"
    """The unit's own score and explanation (a draft saved, or changed)."""
    APPRAISAL = "appraisal"
    """An appraiser's score and comment, in round 1 or 2."""
    NOT_APPLICABLE = "not_applicable"
    """The administrator marked the sub-criterion (not) applicable to the unit."""
    NO_REPORT = "no_report"
    """At approval, a unit that never submitted gets no points on the sub-criterion."""


ROUNDS = (1, 2)
"""Appraisal rounds: the first on the submitted report, the second on what changed after the
requests for explanation."""


class ScoreProblem(StrEnum):
    """Why a typed score was refused (the catalogue has each message)."""

    NOT_A_NUMBER = "score_not_a_number"
    OUT_OF_RANGE = "score_out_of_range"
    TOO_PRECISE = "score_too_precise"
    NOT_APPLICABLE = "score_not_applicable"


class ScoreRefused(ValueError):
    """A score that cannot be stored: ``problem`` says why, ``code`` names the leaf."""

    def __init__(self, problem: ScoreProblem, code: str, max_points: float) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.code = code
        self.max_points = max_points


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
DECIMALS = 2
"""Scores are kept to two decimals (the index is published with two)."""


def read_points(
    text: str, code: str, max_points: float, *, applicable: bool = True
) -> float | None:
    """A typed score ("1,5", "1.5", " 2 ") as a number between 0 and the leaf's maximum, or
    None when left empty. Refuses a score on a sub-criterion that does not apply to the unit,
    text that is no number, a value outside the range and more than two decimals."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    if not applicable:
        raise ScoreRefused(ScoreProblem.NOT_APPLICABLE, code, max_points)
    if not _NUMBER.fullmatch(cleaned):
        raise ScoreRefused(ScoreProblem.NOT_A_NUMBER, code, max_points)
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value) or value < 0 or value > max_points + 1e-9:
        raise ScoreRefused(ScoreProblem.OUT_OF_RANGE, code, max_points)
    if abs(round(value, DECIMALS) - value) > 1e-9:
        raise ScoreRefused(ScoreProblem.TOO_PRECISE, code, max_points)
    return round(value, DECIMALS)


@dataclass(frozen=True)
class Window:
    """The days a unit may act in: until ``due`` (inclusive), or until the administrator's
    reopening ``reopened_until`` when it is later."""

    due: dt.date | None
    reopened_until: dt.date | None = None

    def last_day(self) -> dt.date | None:
        days = [d for d in (self.due, self.reopened_until) if d is not None]
        return max(days) if days else None

    def is_open(self, today: dt.date) -> bool:
        last = self.last_day()
        return last is None or today <= last

    def is_late(self, today: dt.date) -> bool:
        """Acting today is after the original deadline (allowed only by a reopening)."""
        return self.due is not None and today > self.due

    def days_left(self, today: dt.date) -> int | None:
        last = self.last_day()
        return None if last is None else (last - today).days


def covers(node_code: str, leaf_code: str) -> bool:
    """The node (field, criterion or sub-criterion) is the leaf or one of its ancestors."""
    return leaf_code == node_code or leaf_code.startswith(node_code + ".")


def scorer_of(leaf_code: str, assignments: Mapping[str, str]) -> str | None:
    """Who scores the leaf, of several lead departments assigned by node code: the one
    assigned the most specific node covering it (Văn phòng UBND field 3 and criterion 1.7;
    KH&ĐT field 8 but Tài chính 8.4), None when no assignment covers it."""
    found = [code for code in assignments if covers(code, leaf_code)]
    return assignments[max(found, key=len)] if found else None


@dataclass(frozen=True)
class LeafState:
    """What submitting needs to know of one sub-criterion."""

    code: str
    applicable: bool
    points: float | None
    explanation: str
    evidence: int


def missing_for_submission(leaves: Iterable[LeafState]) -> list[str]:
    """Codes of applicable sub-criteria without a score, or with a score but neither
    evidence nor a written explanation: a report cannot go in with them."""
    return [
        leaf.code
        for leaf in leaves
        if leaf.applicable
        and (leaf.points is None or (leaf.evidence == 0 and not leaf.explanation.strip()))
    ]


def is_disputed(self_points: float | None, appraised: float | None, requested: bool) -> bool:
    """The council's list of disputed sub-criteria: the appraised score differs from the
    unit's own, or an explanation was asked for."""
    if requested:
        return True
    if appraised is None or self_points is None:
        return False
    return abs(appraised - self_points) > 1e-9


def final_stage(requests: int) -> UnitStage:
    """The stage a unit reaches when an appraiser finishes a round: asked to explain when
    the round left requests open, appraised otherwise."""
    return UnitStage.EXPLANATION_REQUESTED if requests else UnitStage.APPRAISED
