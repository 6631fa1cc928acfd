"""String columns of a frame as integer codes, and rows taken from them.

pandas keeps a string column read from Parquet (or built with the default ``str`` dtype) as a
chunked Arrow array. Such a column is coded by Arrow's dictionary encoding (hashing in C, one
dictionary for all chunks, its int32 indices used in place); any other column by
``pandas.factorize``. Codes always index the column's distinct values in sorted order.

Arrow's ``take`` on a chunked array first joins all its chunks, a copy of the whole column for a
few rows, so :func:`take_strings` takes from each chunk the rows it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sampling.hashing import BLOCK

I64 = NDArray[np.int64]
Codes = NDArray[np.integer]


def arrow_strings(values: pd.Series) -> Any:
    """The ``pyarrow.ChunkedArray`` behind an Arrow-backed string column, else None (no copy)."""
    if not isinstance(values.array, pd.arrays.ArrowExtensionArray):
        return None
    import pyarrow as pa

    array = pa.array(values.array)
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    text = pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    return array if text else None


@dataclass(frozen=True)
class ColumnCodes:
    """A string column as raw codes (one array per piece, in row order), the map from a raw
    code to its index among the sorted names, and the sorted names."""

    pieces: list[Codes]
    remap: I64
    names: tuple[str, ...]


def _sorted_column(pieces: list[Codes], names: list[str]) -> ColumnCodes:
    """Column whose raw code i stands for ``names[i]``."""
    order = sorted(range(len(names)), key=names.__getitem__)
    remap = np.empty(len(names), dtype=np.int64)
    remap[order] = np.arange(len(names), dtype=np.int64)
    return ColumnCodes(pieces, remap, tuple(names[i] for i in order))


def _arrow_codes(values: pd.Series) -> ColumnCodes | None:
    """:func:`column_codes` of an Arrow string column (module docstring); None for others."""
    array = arrow_strings(values) if len(values) else None
    if array is None:
        return None
    encoded = array.dictionary_encode()
    first = encoded.chunk(0).dictionary
    if not all(chunk.dictionary.equals(first) for chunk in encoded.chunks):
        return None  # Arrow gives every chunk the whole dictionary; if not, pandas codes it
    pieces = [chunk.indices.to_numpy() for chunk in encoded.chunks]
    return _sorted_column(pieces, [str(v) for v in first.to_pylist()])


def column_codes(values: pd.Series) -> ColumnCodes:
    """Codes of a string column without nulls, into its sorted distinct values."""
    arrow = _arrow_codes(values)
    if arrow is not None:
        return arrow
    codes, uniques = pd.factorize(values, sort=False)
    return _sorted_column([codes], [str(u) for u in uniques])


def _blocks(pieces: list[Codes]) -> Iterator[tuple[slice, Codes]]:
    """(rows, codes) of consecutive blocks of at most ``BLOCK`` rows of a column's pieces."""
    done = 0
    for piece in pieces:
        for start in range(0, len(piece), BLOCK):
            part = piece[start : start + BLOCK]
            yield slice(done + start, done + start + len(part)), part
        done += len(piece)


def cell_codes(unit: ColumnCodes, label: ColumnCodes) -> I64:
    """Per-row cell = sorted unit index * width + sorted label index (width: labels, >= 1)."""
    width = max(len(label.names), 1)
    cell = np.empty(sum(len(piece) for piece in unit.pieces), dtype=np.int64)
    unit_base = unit.remap * width
    for where, codes in _blocks(unit.pieces):
        cell[where] = unit_base[codes]
    for where, codes in _blocks(label.pieces):
        cell[where] += label.remap[codes]
    return cell


def take_strings(values: pd.Series, rows: I64) -> pd.Series:
    """``values`` at positions ``rows`` as a ``str`` Series with a fresh RangeIndex."""
    chunked = arrow_strings(values)
    if chunked is None or len(rows) == 0:
        return values.take(rows).astype("str").reset_index(drop=True)
    import pyarrow as pa

    order = np.argsort(rows)
    ordered = rows[order]
    starts = np.cumsum([0] + [len(chunk) for chunk in chunked.chunks])[:-1]
    cuts = np.searchsorted(ordered, [*starts, len(values)])
    pieces = [
        chunk.take(pa.array(ordered[lo:hi] - start))
        for chunk, start, lo, hi in zip(chunked.chunks, starts, cuts[:-1], cuts[1:], strict=True)
        if hi > lo
    ]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pd.Series(pa.concat_arrays(pieces).take(pa.array(inverse)), dtype="str")
