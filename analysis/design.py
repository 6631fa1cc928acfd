"""A stratified sampling design in array form, and domain indicators built from it.

The design follows R's ``svydesign(ids = ~1 or ~psu, strata = ~stratum, weights = ~w,
fpc = ~pop_size)``: PSUs are nested in strata (PSU codes are taken within their stratum).
Without a population column PSUs are taken as drawn with replacement (no finite-population
correction); with one, each stratum's variance is multiplied by ``1 - m_h / N_h`` (``m_h``
PSUs drawn of ``N_h``), as R's ``fpc`` and svy's ``pop_size`` do, so a census stratum has no
sampling error. Without a PSU column each respondent is its own PSU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from analysis.errors import AnalysisError, ErrorCode

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DesignColumns:
    """Names of the design columns of a respondent frame (``psu=None``: each row is a PSU;
    ``pop_size``: the number of PSUs in the row's stratum's population, None for no
    finite-population correction)."""

    weight: str = "weight"
    stratum: str | None = "stratum"
    psu: str | None = None
    pop_size: str | None = None


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """Design arrays of ``n`` rows: weights, stratum codes, PSU codes (or ``None``).

    ``psu_count`` holds, per stratum, the PSUs with a positive weight (as svy and R count them;
    zero-weight rows stay in the frame but are no PSU). ``sampled_share``, per stratum, is
    ``psu_count / N_h`` when population sizes are given (None: no correction).
    """

    weights: FloatArray
    stratum: IntArray
    psu: IntArray | None
    psu_stratum: IntArray | None
    psu_count: IntArray
    sampled_share: FloatArray | None = None

    @property
    def n_rows(self) -> int:
        """Number of rows (respondents) in the design."""
        return int(self.weights.shape[0])


def prepare_design(frame: pd.DataFrame, columns: DesignColumns = DesignColumns()) -> SurveyDesign:
    """Turn a frame's design columns into a :class:`SurveyDesign`.

    Raises :class:`AnalysisError` with ``BAD_WEIGHT`` for missing, negative or infinite weights,
    ``MISSING_STRATUM`` for a missing stratum or PSU label, and ``BAD_POP_SIZE`` for a
    population size that is missing, differs within a stratum or is below the PSUs drawn.
    """
    design = _prepare(frame, columns)
    if columns.pop_size is None:
        return design
    share = _sampled_share(frame[columns.pop_size], design.stratum, design.psu_count)
    return SurveyDesign(
        design.weights,
        design.stratum,
        design.psu,
        design.psu_stratum,
        design.psu_count,
        share,
    )


def _sampled_share(column: pd.Series, stratum: IntArray, psu_count: IntArray) -> FloatArray:
    """Per stratum, the PSUs drawn over the population size (one size per stratum)."""
    sizes = column.to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.all(np.isfinite(sizes)) or np.any(sizes <= 0):
        raise AnalysisError(ErrorCode.BAD_POP_SIZE, "population sizes must be finite and > 0")
    strata = psu_count.shape[0]
    low = np.full(strata, np.inf)
    high = np.full(strata, -np.inf)
    np.minimum.at(low, stratum, sizes)
    np.maximum.at(high, stratum, sizes)
    used = np.isfinite(low)
    if np.any(low[used] != high[used]):
        raise AnalysisError(ErrorCode.BAD_POP_SIZE, "one population size per stratum")
    size = np.where(used, low, 1.0)
    if np.any(psu_count > size):
        raise AnalysisError(ErrorCode.BAD_POP_SIZE, "more PSUs drawn than the population holds")
    return np.asarray(psu_count / size, dtype=np.float64)


def _prepare(frame: pd.DataFrame, columns: DesignColumns) -> SurveyDesign:
    """The design without the finite-population correction."""
    weights = frame[columns.weight].to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise AnalysisError(ErrorCode.BAD_WEIGHT, "weights must be finite and >= 0")
    n = weights.shape[0]
    stratum = _codes(frame[columns.stratum]) if columns.stratum else np.zeros(n, np.int64)
    positive = weights > 0
    if columns.psu is None:
        count = np.bincount(stratum[positive], minlength=int(stratum.max(initial=-1)) + 1)
        return SurveyDesign(weights, stratum, None, None, count.astype(np.int64))
    psu_within = _codes(frame[columns.psu])
    key = stratum * (int(psu_within.max(initial=0)) + 1) + psu_within
    unique_keys, psu = np.unique(key, return_inverse=True)
    psu_stratum = np.zeros(unique_keys.shape[0], np.int64)
    psu_stratum[psu] = stratum
    has_weight = np.bincount(psu, weights=positive.astype(np.float64)) > 0
    count = np.bincount(psu_stratum[has_weight], minlength=int(stratum.max(initial=-1)) + 1)
    return SurveyDesign(weights, stratum, psu.astype(np.int64), psu_stratum, count.astype(np.int64))


def _codes(column: pd.Series) -> IntArray:
    codes, _ = pd.factorize(column, sort=True)
    if np.any(codes < 0):
        raise AnalysisError(ErrorCode.MISSING_STRATUM, f"column {column.name!r} has missing labels")
    return codes.astype(np.int64)


def indicator(codes: IntArray, n_groups: int) -> sparse.csr_array:
    """Sparse 0/1 matrix (n_groups x len(codes)); column j has a 1 in row ``codes[j]``.

    Entries with a negative code belong to no group. ``indicator(c, g) @ x`` sums ``x`` by group.
    """
    inside = np.flatnonzero(codes >= 0)
    order = inside[np.argsort(codes[inside], kind="stable")]
    indptr = np.zeros(n_groups + 1, np.int64)
    np.cumsum(np.bincount(codes[inside], minlength=n_groups), out=indptr[1:])
    data = np.ones(order.shape[0], np.float64)
    return sparse.csr_array((data, order, indptr), shape=(n_groups, codes.shape[0]))


def domain_codes(frame: pd.DataFrame, by: Sequence[str]) -> tuple[IntArray, pd.DataFrame]:
    """Code each row by its combination of ``by`` labels (sorted), -1 if any label is missing.

    Returns the codes and the label frame (one row per domain, columns ``by``). With no ``by``
    columns every row is in the single domain 0.
    """
    n = len(frame)
    if not by:
        return np.zeros(n, np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    if len(by) == 1:
        # factorize's codes are already dense and in sorted-label order
        codes, labels = pd.factorize(frame[by[0]], sort=True)
        label_frame = pd.DataFrame({by[0]: np.asarray(labels)})
        label_frame[by[0]] = label_frame[by[0]].astype(frame[by[0]].dtype)
        return codes.astype(np.int64), label_frame
    key = np.zeros(n, np.int64)
    missing = np.zeros(n, bool)
    uniques: list[pd.Index] = []
    for name in by:
        codes, labels = pd.factorize(frame[name], sort=True)
        missing |= codes < 0
        key = key * max(len(labels), 1) + np.maximum(codes, 0)
        uniques.append(pd.Index(labels))
    present, inverse = np.unique(key[~missing], return_inverse=True)
    out = np.full(n, -1, np.int64)
    out[~missing] = inverse
    columns: dict[str, object] = {}
    rest = present
    for name, labels in zip(reversed(by), reversed(uniques), strict=True):
        size = max(len(labels), 1)
        columns[name] = labels.take(rest % size)
        rest = rest // size
    frame_out = pd.DataFrame({name: np.asarray(columns[name]) for name in by})
    for name in by:
        frame_out[name] = frame_out[name].astype(frame[name].dtype)
    return out, frame_out
