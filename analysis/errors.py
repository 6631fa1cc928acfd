"""Typed errors and row-error records with stable codes for the analysis library."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable error codes; the service layer maps them to Vietnamese and English messages."""

    BAD_WEIGHT = "analysis.bad_weight"
    MISSING_STRATUM = "analysis.missing_stratum"
    BAD_POP_SIZE = "analysis.bad_pop_size"
    MISSING_COLUMN = "analysis.missing_column"
    BAD_SHARE = "analysis.bad_share"
    BAD_SETTINGS = "analysis.bad_settings"
    BAD_TREE = "analysis.bad_criteria_tree"
    UNKNOWN_QUESTION = "analysis.unknown_question"
    UNKNOWN_CRITERION = "appraisal.unknown_criterion"
    UNKNOWN_UNIT = "appraisal.unknown_unit"
    POINTS_ABOVE_MAX = "appraisal.points_above_max"
    NEGATIVE_POINTS = "appraisal.negative_points"
    MISSING_POINTS = "appraisal.missing_points"
    NOT_APPRAISAL_CRITERION = "appraisal.not_appraisal_criterion"
    DUPLICATE_ROW = "appraisal.duplicate_row"


class AnalysisError(ValueError):
    """A rule violation in analysis input; ``code`` is a stable :class:`ErrorCode`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code


@dataclass(frozen=True)
class RowError:
    """One rejected input row: ``row`` is the 0-based position in the given table."""

    row: int
    code: ErrorCode
    message: str
