"""Vectorised "k smallest keys per group" selection, the core of every random draw here.

Taking the k smallest of i.i.d. uniform keys within a group is simple random sampling without
replacement, and the order of those keys is a uniformly random order. To avoid sorting all rows,
rows whose key, read as a uniform number in [0, 1), is at most a per-group threshold
p_g = (k + 2 sqrt(k) + 2) / N_g (about k + 2 sd expected candidates) are kept
as candidates and only they are sorted; a group with fewer than k candidates is redone with all
its rows. The result is exactly the k smallest keys, whatever the thresholds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sampling.hashing import U64

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


def _thresholds(need: I64, avail: I64) -> U64:
    """Key thresholds t_g ~ p_g * 2^64 with p_g = (k + 2 sqrt(k) + 2) / N_g (0 if k = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (need + 2.0 * np.sqrt(need) + 2.0) / avail
    p = np.where(need > 0, np.minimum(p, 1.0), 0.0)
    scaled = (p * 2.0**63).astype(np.uint64) << np.uint64(1)
    return np.where(p >= 1.0, np.uint64(2**64 - 1), scaled)


def _candidates(group: I64, keys: U64, need: I64, avail: I64, eligible: Mask | None) -> I64:
    """Rows that certainly include each group's ``need`` smallest eligible keys.

    Rows with key <= t_g form a prefix of the group's key order, so if a group has at least
    ``need`` of them they hold its ``need`` smallest keys; other groups are taken whole.
    """
    mask = keys <= _thresholds(need, avail)[group]
    if eligible is not None:
        mask &= eligible
    rows = np.flatnonzero(mask)
    short = np.bincount(group[rows], minlength=len(need)) < need
    if short.any():
        mask |= short[group] if eligible is None else short[group] & eligible
        rows = np.flatnonzero(mask)
    return rows


def smallest_per_group(
    group: I64, keys: U64, need: I64, avail: I64, eligible: Mask | None = None
) -> tuple[I64, I64]:
    """Rows with the ``need[g]`` smallest keys of each group g, and their 0-based rank.

    ``group`` is a 0..G-1 index per row, ``avail[g]`` the number of eligible rows of g
    (``need <= avail``), ``eligible`` an optional row mask. Rows come out sorted by (group, key).
    """
    rows = _candidates(group, keys, need, avail, eligible)
    rows = rows[np.lexsort((keys[rows], group[rows]))]
    g = group[rows]
    counts = np.bincount(g, minlength=len(need))
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(rows), dtype=np.int64) - starts[g]
    take = rank < need[g]
    return rows[take], rank[take]
