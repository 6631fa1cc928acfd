"""Vectorised "k smallest keys per group" selection, the core of every random draw here.

Taking the k smallest of i.i.d. uniform keys within a group is simple random sampling without
replacement, and the order of those keys is a uniformly random order. To avoid sorting all rows,
rows whose key, read as a uniform number in [0, 1), is at most a per-group threshold
p_g = (k + 2 sqrt(k) + 2) / N_g (about k + 2 sd expected candidates) are kept
as candidates and only they are sorted; a group with fewer than k candidates is redone with all
its rows. The result is exactly the k smallest keys, whatever the thresholds.

Rows carry a *code* (e.g. a cell: unit x field) and each code belongs to one group, so a draw by
unit and a draw by stratum scan the same per-row array; the scan goes in blocks of
:data:`~sampling.hashing.BLOCK` rows and only the candidates are ever gathered.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sampling.hashing import BLOCK, U64

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]
_ALL = np.uint64(2**64 - 1)


def _thresholds(need: I64, avail: I64) -> U64:
    """Key thresholds t_g ~ p_g * 2^64 with p_g = (k + 2 sqrt(k) + 2) / N_g (0 if k = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (need + 2.0 * np.sqrt(need) + 2.0) / avail
    p = np.where(need > 0, np.minimum(p, 1.0), 0.0)
    scaled = (p * 2.0**63).astype(np.uint64) << np.uint64(1)
    return np.where(p >= 1.0, _ALL, scaled)


def _below(code: I64, keys: U64, limit: U64, eligible: Mask | None) -> I64:
    """Rows (ascending) whose key is at most ``limit[code]``, among the eligible ones."""
    found = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(keys), BLOCK):
        block = slice(start, start + BLOCK)
        mask = keys[block] <= limit[code[block]]
        if eligible is not None:
            mask &= eligible[block]
        found.append(np.flatnonzero(mask) + start)
    return np.concatenate(found)


def _sort_by_group_key(group: I64, keys: U64, groups: int) -> I64:
    """Order of rows by (group, key); keys are distinct within a group.

    The group goes into the high bits of one 64-bit word and the key's top bits below it; that
    word sorts in one pass, and only if two words tie (keys equal in their top bits) does the
    exact two-key sort run.
    """
    bits = max(groups - 1, 1).bit_length()
    packed = (group.astype(np.uint64) << np.uint64(64 - bits)) | (keys >> np.uint64(bits))
    order = np.argsort(packed)
    packed = packed[order]
    if (packed[1:] == packed[:-1]).any():
        return np.lexsort((keys, group))
    return order


def smallest_per_group(
    code: I64,
    keys: U64,
    need: I64,
    avail: I64,
    eligible: Mask | None = None,
    group_of: I64 | None = None,
) -> tuple[I64, I64]:
    """Rows with the ``need[g]`` smallest keys of each group g, and their 0-based rank.

    ``code`` is a 0..C-1 index per row and ``group_of[c]`` the group 0..G-1 of code c (the
    identity when None). ``avail[g]`` is the number of eligible rows of g (``need <= avail``),
    ``eligible`` an optional row mask. Rows come out sorted by (group, key).
    """
    group_of = np.arange(len(need), dtype=np.int64) if group_of is None else group_of
    limit = _thresholds(need, avail)[group_of]
    rows = _below(code, keys, limit, eligible)
    short = np.bincount(group_of[code[rows]], minlength=len(need)) < need
    if short.any():
        limit[short[group_of]] = _ALL
        rows = _below(code, keys, limit, eligible)
    group = group_of[code[rows]]
    order = _sort_by_group_key(group, keys[rows], len(need))
    rows, g = rows[order], group[order]
    counts = np.bincount(g, minlength=len(need))
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(rows), dtype=np.int64) - starts[g]
    take = rank < need[g]
    return rows[take], rank[take]
