"""Column names of the input frames and output tables, and the role enum.

Citizen frame (one row per eligible transaction/person, DOMAIN.md §6):
    ``unit_code`` commune code (str), ``person_id`` stable id of the row, unique within the
    commune (str), ``field`` procedure field (str).
Officials frame: ``unit_code``, ``person_id``, ``group`` (a group code of the design).
District frame: ``code``, ``tier`` (socio-economic tier given by the administrator, int,
    1 = most developed), ``size`` (population or number of transactions), optional
    ``province_code``.
Other columns are ignored (and do not enter the frame hash).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from domain import DrawRole
from sampling.errors import FrameError

UNIT = "unit_code"
PERSON = "person_id"
FIELD = "field"
GROUP = "group"
ROLE = "role"
RESERVE_RANK = "reserve_rank"
WEIGHT = "weight"
STRATUM_SIZE = "stratum_size"
STRATUM_SAMPLE = "stratum_sample"
REPLACES = "replaces"

CITIZEN_COLUMNS = (UNIT, PERSON, FIELD)
OFFICIAL_COLUMNS = (UNIT, PERSON, GROUP)


Role = DrawRole
"""What a drawn row is for (``domain.DrawRole``, shared with the database and the services)."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ``FrameError`` (missing_column) unless every column is present."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FrameError("missing_column", f"frame lacks column(s): {', '.join(missing)}")


def require_values(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ``FrameError`` (null_value) if any of the columns has an empty value."""
    for column in columns:
        if frame[column].isna().any():
            raise FrameError("null_value", f"column {column!r} has empty values")
