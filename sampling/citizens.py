"""Citizen (SIPAS) draw: stratified by procedure field within each commune, with reserves.

Method (DOMAIN.md §7), per commune c with N_c eligible rows and n = ``sample_size``:

1. Strata are the commune's procedure fields; k_h comes from :mod:`sampling.allocation`.
2. Every row gets a key fmix64(hash(person_id) ^ salt_c) where salt_c depends only on the run key
   and the commune code (:func:`sampling.hashing.unit_salts`). The k_h rows with the smallest keys
   of stratum h are the sample: simple random sampling without replacement within the stratum.
3. The reserve list is the R_c = min(reserve_size, N_c - n_c) not-selected rows with the smallest
   values of a second key, the first with its 32-bit halves swapped
   (:func:`sampling.hashing.rotate_half`), which orders rows independently of the first; their
   order is the reserve rank (1 = use first).
4. Design weight of a sampled row = N_h / k_h, so a commune's weights sum to the eligible count
   of its represented fields (all of N_c unless it has more fields than n). Reserves carry no
   weight until they replace someone (see :mod:`sampling.replacement`).

A row's keys depend only on (run key, commune code, person id): the draw does not depend on
the frame's row order or on which other communes are in the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sampling.allocation import allocate_strata
from sampling.columns import take_strings
from sampling.frames import EncodedFrame, encode_frame
from sampling.hashing import rotate_half, row_keys, unit_salts
from sampling.keyed import smallest_per_group
from sampling.provenance import SAMPLING_VERSION, DrawKind, DrawProvenance, new_run_key
from sampling.schema import (
    FIELD,
    PERSON,
    REPLACES,
    RESERVE_RANK,
    ROLE,
    STRATUM_SAMPLE,
    STRATUM_SIZE,
    UNIT,
    WEIGHT,
    Role,
)
from sampling.settings import CitizenSettings

I64 = NDArray[np.int64]
DRAW_COLUMNS = (
    UNIT,
    PERSON,
    FIELD,
    ROLE,
    RESERVE_RANK,
    WEIGHT,
    STRATUM_SIZE,
    STRATUM_SAMPLE,
    REPLACES,
)


@dataclass(frozen=True)
class CommuneShortfall:
    """A commune with fewer eligible people than the sample size: everyone was taken."""

    unit_code: str
    eligible: int
    requested: int

    @property
    def shortfall(self) -> int:
        """How many respondents are missing from the requested sample size."""
        return self.requested - self.eligible


@dataclass(frozen=True)
class CitizenDraw:
    """Result of a citizen draw.

    ``rows``: one row per sampled or reserve person, columns ``DRAW_COLUMNS``; ``role`` holds
    ``Role`` values, ``reserve_rank`` (1-based, nullable) is set for reserves only, ``weight``
    for sampled rows only. ``communes``: one row per commune with ``unit_code, eligible, fields,
    fields_represented, sample, reserve, shortfall, unrepresented_eligible``.
    """

    rows: pd.DataFrame
    communes: pd.DataFrame
    provenance: DrawProvenance

    @property
    def shortfalls(self) -> tuple[CommuneShortfall, ...]:
        """Communes that could not supply the requested sample size."""
        short = self.communes[self.communes["shortfall"] > 0]
        requested = int(self.provenance.settings["sample_size"])
        return tuple(
            CommuneShortfall(str(u), int(e), requested)
            for u, e in zip(short[UNIT], short["eligible"], strict=True)
        )


@dataclass(frozen=True)
class _Strata:
    """Dense per-stratum arrays; stratum id = unit index * number of fields + field index."""

    width: int
    size: I64
    sample: I64


def _strata(enc: EncodedFrame, n: int) -> _Strata:
    """Stratum sizes and allocated sample sizes; a stratum is a cell (unit, field)."""
    size = np.bincount(enc.cell, minlength=enc.cells).astype(np.int64)
    present = np.flatnonzero(size)
    sample = np.zeros_like(size)
    sample[present] = allocate_strata(present // enc.width, size[present], n)
    return _Strata(enc.width, size, sample)


def _communes(enc: EncodedFrame, strata: _Strata, reserve: I64, n: int) -> pd.DataFrame:
    size = strata.size.reshape(len(enc.units), strata.width)
    sample = strata.sample.reshape(len(enc.units), strata.width)
    eligible = size.sum(axis=1)
    return pd.DataFrame(
        {
            UNIT: pd.Series(enc.units, dtype="str"),
            "eligible": eligible,
            "fields": (size > 0).sum(axis=1),
            "fields_represented": (sample > 0).sum(axis=1),
            "sample": sample.sum(axis=1),
            "reserve": reserve,
            "shortfall": np.maximum(n - eligible, 0),
            "unrepresented_eligible": np.where(sample == 0, size, 0).sum(axis=1),
        }
    )


def _labels(values: tuple[str, ...], idx: I64) -> pd.Series:
    """String column of ``values[idx]`` (a take from a small Arrow-backed array)."""
    return pd.Series(values, dtype="str").take(idx).reset_index(drop=True)


def _rows(
    frame: pd.DataFrame,
    enc: EncodedFrame,
    strata: _Strata,
    picked: I64,
    reserves: I64,
    rank: I64,
) -> pd.DataFrame:
    rows = np.concatenate((picked, reserves))
    n_sample = len(picked)
    order = np.argsort(enc.cell[rows] // strata.width, kind="stable")
    rows = rows[order]
    stratum = enc.cell[rows]
    is_reserve = order >= n_sample
    ranks = np.concatenate((np.zeros(n_sample, np.int64), rank + 1))[order]
    n_h = strata.size[stratum]
    k_h = strata.sample[stratum]
    return pd.DataFrame(
        {
            UNIT: _labels(enc.units, stratum // strata.width),
            PERSON: take_strings(frame[PERSON], rows),
            FIELD: _labels(enc.labels, stratum % strata.width),
            ROLE: _labels((Role.SAMPLE.value, Role.RESERVE.value), is_reserve.astype(np.int64)),
            RESERVE_RANK: pd.arrays.IntegerArray(ranks, ~is_reserve),
            WEIGHT: np.where(is_reserve, np.nan, n_h / np.maximum(k_h, 1)),
            STRATUM_SIZE: n_h,
            STRATUM_SAMPLE: k_h,
            REPLACES: pd.Series(pd.NA, index=range(len(rows)), dtype="str"),
        }
    )


def draw_with_key(frame: pd.DataFrame, run_key: int, settings: CitizenSettings) -> CitizenDraw:
    """Draw with an explicit run key (use :func:`draw_citizens`; this is for redraws)."""
    enc = encode_frame(frame, FIELD)
    n, r = settings.sample_size, settings.reserve_size
    strata = _strata(enc, n)
    keys = row_keys(enc.person_hash, enc.unit_cells(unit_salts(run_key, enc.units)), enc.cell)
    picked, _ = smallest_per_group(enc.cell, keys, strata.sample, strata.size)
    per_unit = strata.size.reshape(-1, strata.width).sum(axis=1)
    left = per_unit - strata.sample.reshape(-1, strata.width).sum(axis=1)
    need = np.minimum(r, left)
    unselected = np.ones(enc.rows, dtype=np.bool_)
    unselected[picked] = False
    unit_of_cell = np.arange(enc.cells, dtype=np.int64) // enc.width
    reserve_keys = rotate_half(keys)  # in place: the sample keys are no longer needed
    reserves, rank = smallest_per_group(
        enc.cell, reserve_keys, need, left, unselected, unit_of_cell
    )
    provenance = DrawProvenance(
        DrawKind.CITIZENS, run_key, enc.frame_hash, SAMPLING_VERSION, settings.to_dict()
    )
    return CitizenDraw(
        _rows(frame, enc, strata, picked, reserves, rank),
        _communes(enc, strata, need, n),
        provenance,
    )


def draw_citizens(
    frame: pd.DataFrame, rng: np.random.Generator, settings: CitizenSettings | None = None
) -> CitizenDraw:
    """Draw each commune's citizen sample and reserve list from the eligible ``frame``.

    ``frame`` has columns ``unit_code``, ``person_id`` (unique within a commune) and ``field``.
    One run key is taken from ``rng`` and recorded in the result's provenance; the same
    generator state, frame content and settings give the same rows.
    """
    return draw_with_key(frame, new_run_key(rng), settings or CitizenSettings())
