"""Encoding of an eligible frame into integer codes and 64-bit hashes, and the frame hash.

The frame hash identifies the frame's *content* (unit code, person id and the label column:
``field`` for citizens, ``group`` for officials), independent of row order and of other columns:

    d_i  = fmix64(hash(person_id_i) ^ fmix64(hash(unit_code_i)))          (one per row)
    lane = sum_i d_i * (hash(label_i) | 1)  mod 2^64
    frame_hash = SHA-256("sampling-frame-v1" | label column | row count | sorted d | lane)

Sorting the 64-bit row digests (not the strings) keeps it O(n log n) on machine words; the
sorted digests also reveal a person listed twice in a unit. It detects any accidental change of
content; it is not built to resist a deliberate forger (the row digests are 64-bit).

Each row is encoded as one integer, its *cell* = unit index * width + label index
(:mod:`sampling.columns`), so a frame of n rows costs two arrays of n words, cells and person
hashes; the persons are hashed on a second thread while the columns are coded. Per-row work goes
in blocks of :data:`~sampling.hashing.BLOCK` rows through per-cell tables, which keeps temporary
arrays small: at ten million rows, fresh memory costs more time than the arithmetic.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sampling.columns import cell_codes, column_codes
from sampling.errors import FrameError
from sampling.hashing import BLOCK, U64, fmix64, hash_labels, hash_strings, sha256_hex
from sampling.schema import FIELD, GROUP, PERSON, UNIT, require_columns, require_values

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class EncodedFrame:
    """A frame as codes: ``units``/``labels`` sorted, per-row cells, person hashes.

    ``cell`` = unit index * ``width`` + label index, a dense code of (unit, label) per row.
    """

    units: tuple[str, ...]
    labels: tuple[str, ...]
    cell: I64
    person_hash: U64
    frame_hash: str

    @property
    def rows(self) -> int:
        """Number of rows of the frame."""
        return len(self.cell)

    @property
    def width(self) -> int:
        """Number of cells per unit (the number of labels, at least 1)."""
        return max(len(self.labels), 1)

    @property
    def cells(self) -> int:
        """Number of possible cells: units x width."""
        return len(self.units) * self.width

    def unit_cells(self, per_unit: U64) -> U64:
        """A per-unit table spread to one entry per cell."""
        return np.repeat(per_unit, self.width)

    def label_cells(self, per_label: U64) -> U64:
        """A per-label table spread to one entry per cell."""
        return np.tile(per_label, len(self.units))


def _raise_duplicate(digest: U64, value: np.uint64, frame: pd.DataFrame) -> None:
    rows = frame.iloc[np.flatnonzero(digest == value)[:2]]
    unit, person = rows[UNIT].iloc[0], rows[PERSON].iloc[0]
    raise FrameError("duplicate_person", f"person {person!r} is listed twice in unit {unit!r}")


def _row_digests(enc: EncodedFrame, per_label: bool) -> tuple[U64, int]:
    """Row digests d_i and lane = sum(d_i * (hash(label_i) | 1)) mod 2^64 (module docstring).

    ``enc.frame_hash`` is not used. Blocks of ``BLOCK`` rows go through per-cell tables (the
    unit's mix, xor the label's when ``per_label``; the label's odd multiplier).
    """
    label_hash = hash_labels(enc.labels)
    mix = enc.unit_cells(fmix64(hash_labels(enc.units)))
    if per_label:
        mix ^= enc.label_cells(fmix64(label_hash.copy()))
    odd = enc.label_cells(label_hash | np.uint64(1))
    digest = np.empty(enc.rows, dtype=np.uint64)
    lane = 0
    for start in range(0, enc.rows, BLOCK):
        block = slice(start, start + BLOCK)
        cell = enc.cell[block]
        d = digest[block]
        np.take(mix, cell, out=d)
        d ^= enc.person_hash[block]
        fmix64(d)
        terms = odd[cell]
        terms *= d
        lane = (lane + int(np.sum(terms, dtype=np.uint64))) % 2**64
    return digest, lane


def _content_hash(frame: pd.DataFrame, label: str, enc: EncodedFrame, per_label: bool) -> str:
    """Frame hash (module docstring); raises ``FrameError`` on a person listed twice in a unit
    (in a unit and label when ``per_label``). Sorts the digests in place, hashes them uncopied."""
    ordered, lane = _row_digests(enc, per_label)
    ordered.sort()
    same = ordered[1:] == ordered[:-1]
    if same.any():
        _raise_duplicate(_row_digests(enc, per_label)[0], ordered[1:][same][0], frame)
    return sha256_hex(
        b"sampling-frame-v1|",
        label.encode("utf-8"),
        len(ordered).to_bytes(8, "little"),
        ordered.astype("<u8", copy=False).data,
        lane.to_bytes(8, "little"),
    )


def encode_frame(frame: pd.DataFrame, label: str, per_label: bool = False) -> EncodedFrame:
    """Validate and encode a frame with columns ``unit_code``, ``person_id`` and ``label``.

    Raises ``FrameError`` for a missing column, an empty value or a person listed twice in a unit
    (twice in a unit under the same label when ``per_label``: officials may sit in two groups).
    """
    require_columns(frame, (UNIT, PERSON, label))
    require_values(frame, (UNIT, PERSON, label))
    with ThreadPoolExecutor(max_workers=1) as pool:  # numpy and Arrow release the GIL
        person_hash = pool.submit(hash_strings, frame[PERSON])
        unit, labels = column_codes(frame[UNIT]), column_codes(frame[label])
        cell = cell_codes(unit, labels)
        enc = EncodedFrame(unit.names, labels.names, cell, person_hash.result(), "")
    return replace(enc, frame_hash=_content_hash(frame, label, enc, per_label))


def frame_hash(frame: pd.DataFrame, label: str = FIELD) -> str:
    """Row-order independent SHA-256 hex digest of the frame's (unit, person, label) content.

    ``label`` is ``"field"`` for a citizen frame, ``"group"`` for an officials frame.
    """
    return encode_frame(frame, label, per_label=label == GROUP).frame_hash
