"""What validation returns: per-row results and the list-level report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from survey_app.ingest.catalogue import ListWarningCode, Message, ReasonCode, WarningCode, render
from survey_app.ingest.headers import Column
from survey_app.ingest.table import SkippedRow


class RowStatus(StrEnum):
    """Whether a row enters the eligible frame."""

    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Issue:
    """A reason or warning on a row: its code, the column it concerns, message parameters."""

    code: ReasonCode | WarningCode
    column: Column | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> Message:
        """The catalogue message in Vietnamese and English, filled with the parameters."""
        return render(self.code, dict(self.params))


@dataclass(frozen=True, slots=True)
class ListIssue:
    """A warning about the list as a whole."""

    code: ListWarningCode
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> Message:
        """The catalogue message in Vietnamese and English, filled with the parameters."""
        return render(self.code, dict(self.params))


@dataclass(frozen=True, slots=True)
class RowResult:
    """One data row after validation: status, reasons, warnings and normalised values."""

    source_row: int
    status: RowStatus
    reasons: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    full_name: str | None
    phone_e164: str | None
    email: str | None
    position: str | None
    unit_name: str | None
    address: str | None
    field: str | None
    procedure: str | None
    application_date: date | None
    result_date: date | None
    result_received: bool | None
    duplicate_of: int | None = None


@dataclass(frozen=True)
class ListReport:
    """The validation report of one uploaded list; every data row is in ``rows``."""

    group: str
    rows: tuple[RowResult, ...]
    fields_represented: tuple[str, ...]
    list_warnings: tuple[ListIssue, ...]
    skipped: tuple[SkippedRow, ...] = ()
    excluded_by_reason: dict[ReasonCode, int] = field(init=False)
    warnings_by_code: dict[WarningCode, int] = field(init=False)

    def __post_init__(self) -> None:
        reasons = Counter(issue.code for row in self.rows for issue in row.reasons)
        warnings = Counter(issue.code for row in self.rows for issue in row.warnings)
        object.__setattr__(
            self,
            "excluded_by_reason",
            {code: reasons[code] for code in ReasonCode if reasons[code]},
        )
        object.__setattr__(
            self,
            "warnings_by_code",
            {code: warnings[code] for code in WarningCode if warnings[code]},
        )

    @property
    def data_rows(self) -> int:
        """Number of data rows read (people listed, whatever their status)."""
        return len(self.rows)

    @property
    def eligible(self) -> int:
        """Number of eligible rows."""
        return sum(1 for row in self.rows if row.status is RowStatus.ELIGIBLE)

    @property
    def excluded(self) -> int:
        """Number of excluded rows (a row with several reasons counts once)."""
        return self.data_rows - self.eligible

    def to_summary_dict(self) -> dict[str, object]:
        """A JSON-able summary: rows read, eligible, excluded by reason, warnings."""
        skipped = Counter(str(row.kind) for row in self.skipped)
        return {
            "group": str(self.group),
            "rows_read": self.data_rows,
            "eligible": self.eligible,
            "excluded": self.excluded,
            "excluded_by_reason": {str(k): v for k, v in self.excluded_by_reason.items()},
            "warnings": {str(k): v for k, v in self.warnings_by_code.items()},
            "fields_represented": list(self.fields_represented),
            "list_warnings": [
                {
                    "code": str(issue.code),
                    "message_vi": issue.message.vi,
                    "message_en": issue.message.en,
                }
                for issue in self.list_warnings
            ],
            "skipped_rows": dict(sorted(skipped.items())),
            "excluded_rows": [
                {"row": row.source_row, "reasons": [str(issue.code) for issue in row.reasons]}
                for row in self.rows
                if row.status is RowStatus.EXCLUDED
            ],
        }
