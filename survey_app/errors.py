"""Errors services raise: :class:`ServiceError` (a code and parameters) and import rows.

The messages live in the one catalogue, ``survey_app.catalogue``; the web layer shows
``error.message(locale)``. Row-level problems of imports are :class:`RowProblem` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from survey_app.catalogue import CATALOGUE, render

__all__ = ["CATALOGUE", "RowProblem", "RowsRejected", "ServiceError", "render"]


@dataclass(frozen=True)
class RowProblem:
    """A problem on one row of an imported file (row numbers as the officer sees them)."""

    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = "vi") -> str:
        return render(self.code, locale, self.params)


class ServiceError(Exception):
    """A rule violation a user can fix; never a 500."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, locale: str = "vi") -> str:
        return render(self.code, locale, self.params)


class RowsRejected(ServiceError):
    """An import refused as a whole because some rows are invalid."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("rows_rejected")
        self.problems = problems

    def message(self, locale: str = "vi") -> str:
        count = len(self.problems)
        if locale == "en":
            return f"{count} row(s) have problems; nothing was imported."
        return f"Có {count} dòng có lỗi; chưa nhập dòng nào."
