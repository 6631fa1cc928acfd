"""Provenance records: a content hash of the data and the settings, as a JSON-able dict.

Each export stores :func:`provenance` so a published number can be recomputed and checked
against the same data and settings (DOMAIN.md §11).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

HASH_NAME = "sha256"


def hash_frame(frame: pd.DataFrame, order_independent: bool = False) -> str:
    """SHA-256 hex digest of a frame's column names, dtypes and cell values (not its index).

    With ``order_independent`` the rows' hashes are sorted first, so any row order gives the
    same digest (columns are taken in sorted-name order as well).
    """
    columns = sorted(frame.columns, key=str) if order_independent else list(frame.columns)
    data = frame[columns]
    rows = pd.util.hash_pandas_object(data, index=False).to_numpy(np.uint64)
    if order_independent:
        rows = np.sort(rows)
    digest = hashlib.sha256()
    header = "|".join(f"{c}:{data[c].dtype}" for c in columns)
    digest.update(header.encode("utf-8"))
    digest.update(rows.tobytes())
    return digest.hexdigest()


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, enums, mappings, tuples and numpy scalars into JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def provenance(
    frame: pd.DataFrame, settings: object, order_independent: bool = True
) -> dict[str, Any]:
    """``{"data": {hash, rows, columns, order_independent}, "settings": {type, values}}``."""
    return {
        "data": {
            "hash": f"{HASH_NAME}:{hash_frame(frame, order_independent)}",
            "rows": len(frame),
            "columns": [str(c) for c in frame.columns],
            "order_independent": order_independent,
        },
        "settings": {"type": type(settings).__name__, "values": to_jsonable(settings)},
    }
