"""Allocation of a commune's sample over its procedure fields (DOMAIN.md §7).

Rule, per commune with F non-empty fields, N eligible people, n_c = min(n, N) to draw:

* F <= n_c: every field gets 1; the remaining m = n_c - F are shared in proportion to the
  fields' remaining sizes (N_h - 1) by largest remainder (Hamilton's method): field h gets
  floor(m (N_h - 1) / (N - F)) and the leftover units go to the largest remainders. Sharing in
  proportion to N_h - 1 (the people not already taken) guarantees k_h <= N_h with no iteration.
* F > n_c: the n_c largest fields get one each.

Ties (equal remainders, equal sizes) go to the field whose name sorts first, so the allocation is
a pure function of the field sizes: the preview and the draw always agree. Integer arithmetic
throughout, so remainders compare exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]


def _rank_within(group: I64, starts: I64, *keys: I64) -> I64:
    """Rank (0-based) of each element within its group, ordered by ``keys`` (first = major)."""
    order = np.lexsort((*reversed(keys), group))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group), dtype=np.int64) - starts[group[order]]
    return rank


def allocate_strata(unit: I64, size: I64, n: int) -> I64:
    """Sample size of each stratum; strata sorted by (unit, field name), all sizes > 0.

    ``unit`` is a non-decreasing index 0..U-1, ``size`` the stratum's eligible count N_h.
    Returns k_h (0 <= k_h <= N_h) with sum over a unit equal to min(n, N_unit).
    """
    if len(unit) == 0:
        return np.zeros(0, dtype=np.int64)
    counts = np.bincount(unit).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    total = np.bincount(unit, weights=size).astype(np.int64)
    target = np.minimum(n, total)
    position = np.arange(len(unit), dtype=np.int64) - starts[unit]
    m = (target - counts)[unit]
    spare = np.maximum(total - counts, 1)[unit]
    share = m * (size - 1)
    floor, remainder = np.divmod(share, spare)
    leftover = (target - counts) - np.bincount(unit, weights=floor, minlength=len(counts))
    by_remainder = _rank_within(unit, starts, -remainder, position)
    proportional = 1 + floor + (by_remainder < leftover.astype(np.int64)[unit])
    by_size = _rank_within(unit, starts, -size, position)
    one_each = (by_size < target[unit]).astype(np.int64)
    return np.where((counts <= target)[unit], proportional, one_each)


def allocate_commune(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Allocate n over one commune's fields ({field: eligible count}); see the module rule."""
    fields = sorted(f for f, s in sizes.items() if s > 0)
    size = np.array([sizes[f] for f in fields], dtype=np.int64)
    k = allocate_strata(np.zeros(len(fields), dtype=np.int64), size, n)
    result = dict.fromkeys(sizes, 0)
    result.update({f: int(v) for f, v in zip(fields, k, strict=True)})
    return result
