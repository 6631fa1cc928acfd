"""Encoding of an eligible frame into integer codes and 64-bit hashes, and the frame hash.

The frame hash identifies the frame's *content* (unit code, person id and the label column:
``field`` for citizens, ``group`` for officials), independent of row order and of other columns:

    d_i  = fmix64(hash(person_id_i) ^ fmix64(hash(unit_code_i)))          (one per row)
    lane = sum_i d_i * (hash(label_i) | 1)  mod 2^64
    frame_hash = SHA-256("sampling-frame-v1" | label column | row count | sorted d | lane)

Sorting the 64-bit row digests (not the strings) keeps it O(n log n) on machine words; the
sorted digests also reveal a person listed twice in a unit. It detects any accidental change of
content; it is not built to resist a deliberate forger (the row digests are 64-bit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sampling.errors import FrameError
from sampling.hashing import U64, fmix64, hash_labels, hash_strings, sha256_hex
from sampling.schema import FIELD, GROUP, PERSON, UNIT, require_columns, require_values


@dataclass(frozen=True)
class EncodedFrame:
    """A frame as codes: ``units``/``labels`` sorted, per-row indexes into them, person hashes."""

    units: tuple[str, ...]
    unit_idx: NDArray[np.int64]
    labels: tuple[str, ...]
    label_idx: NDArray[np.int64]
    person_hash: U64
    frame_hash: str

    @property
    def rows(self) -> int:
        """Number of rows of the frame."""
        return len(self.unit_idx)


def _codes(values: pd.Series) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Codes into the sorted distinct values of a string column."""
    codes, uniques = pd.factorize(values, sort=False)
    names = [str(u) for u in uniques]
    order = sorted(range(len(names)), key=names.__getitem__)
    remap = np.empty(len(names), dtype=np.int64)
    remap[order] = np.arange(len(names), dtype=np.int64)
    return remap[codes], tuple(names[i] for i in order)


def _raise_duplicate(digest: U64, value: np.uint64, frame: pd.DataFrame) -> None:
    rows = frame.iloc[np.flatnonzero(digest == value)[:2]]
    unit, person = rows[UNIT].iloc[0], rows[PERSON].iloc[0]
    raise FrameError("duplicate_person", f"person {person!r} is listed twice in unit {unit!r}")


def _content_hash(
    frame: pd.DataFrame, label: str, unit_idx: NDArray[np.int64], units: tuple[str, ...],
    label_idx: NDArray[np.int64], labels: tuple[str, ...], person_hash: U64, per_label: bool,
) -> str:
    """Frame hash (module docstring); raises ``FrameError`` on a person listed twice in a unit
    (in a unit and label when ``per_label``)."""
    label_hash = hash_labels(labels)
    unit_mix = fmix64(hash_labels(units))
    digest = person_hash ^ unit_mix[unit_idx]
    if per_label:
        digest ^= fmix64(label_hash.copy())[label_idx]
    fmix64(digest)
    ordered = np.sort(digest)
    same = ordered[1:] == ordered[:-1]
    if same.any():
        _raise_duplicate(digest, ordered[1:][same][0], frame)
    lane_terms = digest * (label_hash | np.uint64(1))[label_idx]
    lane = np.sum(lane_terms, dtype=np.uint64)
    return sha256_hex(
        b"sampling-frame-v1|",
        label.encode("utf-8"),
        len(digest).to_bytes(8, "little"),
        ordered.astype("<u8").tobytes(),
        np.asarray([lane], dtype="<u8").tobytes(),
    )


def encode_frame(frame: pd.DataFrame, label: str, per_label: bool = False) -> EncodedFrame:
    """Validate and encode a frame with columns ``unit_code``, ``person_id`` and ``label``.

    Raises ``FrameError`` for a missing column, an empty value or a person listed twice in a unit
    (twice in a unit under the same label when ``per_label``: officials may sit in two groups).
    """
    require_columns(frame, (UNIT, PERSON, label))
    require_values(frame, (UNIT, PERSON, label))
    unit_idx, units = _codes(frame[UNIT])
    label_idx, labels = _codes(frame[label])
    person_hash = hash_strings(frame[PERSON])
    digest = _content_hash(
        frame, label, unit_idx, units, label_idx, labels, person_hash, per_label
    )
    return EncodedFrame(units, unit_idx, labels, label_idx, person_hash, digest)


def frame_hash(frame: pd.DataFrame, label: str = FIELD) -> str:
    """Row-order independent SHA-256 hex digest of the frame's (unit, person, label) content.

    ``label`` is ``"field"`` for a citizen frame, ``"group"`` for an officials frame.
    """
    return encode_frame(frame, label, per_label=label == GROUP).frame_hash
