"""Row-level pass of the estimator: stable sums over "atoms".

An atom is a set of rows sharing every domain level's code and the variance unit (the PSU, or
the stratum when each row is its own PSU). Every domain, stratum and PSU of every level is a
union of atoms, so one pass over the rows serves all levels. Values are centred on their atom's
weighted mean ``a`` (``u = y - a``) before squaring, so the later shift to a domain estimate,
``y - ŷ_d = u + (a - ŷ_d)``, is exact algebra without catastrophic cancellation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from analysis.design import FloatArray, IntArray, SurveyDesign

_KEY_LIMIT = 2**62


@dataclass(frozen=True, eq=False)
class AtomIndex:
    """Atom of each row (``row_atom``), and per atom its variance unit and level codes.

    ``count_rows``, ``sum_w`` and ``sum_ww`` are (atoms x rows) sparse operators in CSC form
    whose entries are 1[w > 0], w and w² of each row, so ``sum_w @ y`` is Σ w·y per atom. CSC
    reads the rows in their own order and adds into the small atom table, which stays in cache.
    """

    row_atom: IntArray
    count_rows: sparse.csc_array
    sum_w: sparse.csc_array
    sum_ww: sparse.csc_array
    unit: IntArray
    level_codes: tuple[IntArray, ...]


@dataclass(frozen=True, eq=False)
class AtomSums:
    """Sums per atom (rows: atoms, columns: variables) of one chunk of variables.

    ``n`` valid answers with positive weight; ``w`` Σw; ``mean`` the atom's weighted mean a;
    ``wu`` Σw·u; ``wuu`` Σw·u²; and, when rows are PSUs, ``ww`` Σw², ``wwu`` Σw²u, ``wwuu`` Σw²u².
    """

    n: FloatArray
    w: FloatArray
    mean: FloatArray
    wu: FloatArray
    wuu: FloatArray
    ww: FloatArray | None
    wwu: FloatArray | None
    wwuu: FloatArray | None


def build_atoms(level_codes: Sequence[IntArray], design: SurveyDesign) -> AtomIndex:
    """Code rows by (every level's domain code, variance unit); -1 domain codes are kept."""
    unit = design.stratum if design.psu is None else design.psu
    key = np.zeros(design.n_rows, np.int64)
    for codes in (*level_codes, unit):
        radix = int(codes.max(initial=-1)) + 2
        if int(key.max(initial=0)) + 1 > _KEY_LIMIT // radix:
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
        key = key * radix + (codes + 1)
    _, first, row_atom = np.unique(key, return_index=True, return_inverse=True)
    row_atom = row_atom.astype(np.int64)
    w = design.weights
    return AtomIndex(
        row_atom=row_atom,
        count_rows=_grouping(row_atom, (w > 0).astype(np.float64)),
        sum_w=_grouping(row_atom, w),
        sum_ww=_grouping(row_atom, w * w),
        unit=unit[first],
        level_codes=tuple(codes[first] for codes in level_codes),
    )


def _grouping(row_atom: IntArray, data: FloatArray) -> sparse.csc_array:
    """Sparse (atoms x rows) operator: column i holds ``data[i]`` in row ``row_atom[i]``."""
    n = row_atom.shape[0]
    indptr = np.arange(n + 1, dtype=np.int64)
    shape = (int(row_atom.max(initial=-1)) + 1, n)
    return sparse.csc_array((data, row_atom, indptr), shape=shape)


def sum_atoms(values: FloatArray, design: SurveyDesign, atoms: AtomIndex) -> AtomSums:
    """Stable per-atom sums of a (rows x variables) block; NaN marks a missing answer."""
    y = np.array(values, dtype=np.float64, order="C")
    missing = np.isnan(y)
    valid = (~missing).astype(np.float64)
    np.copyto(y, 0.0, where=missing)
    n = atoms.count_rows @ valid
    w_sum = atoms.sum_w @ valid
    mean = np.divide(atoms.sum_w @ y, w_sum, out=np.zeros_like(w_sum), where=w_sum > 0)
    y -= np.take(mean, atoms.row_atom, axis=0)
    y *= valid
    uu = y * y
    wu, wuu = atoms.sum_w @ y, atoms.sum_w @ uu
    if design.psu is not None:
        return AtomSums(n, w_sum, mean, wu, wuu, None, None, None)
    return AtomSums(n, w_sum, mean, wu, wuu, atoms.sum_ww @ valid, atoms.sum_ww @ y,
                    atoms.sum_ww @ uu)  # fmt: skip
