"""Column coding, chunked takes, blockwise loops and the keyed selection's fast paths."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sampling.columns
import sampling.frames
import sampling.hashing
import sampling.keyed
from sampling import CitizenSettings, draw_citizens, draw_officials, frame_hash
from sampling.columns import cell_codes, column_codes, take_strings
from sampling.hashing import hash_strings, rotate_half
from sampling.keyed import _sort_by_group_key, smallest_per_group

MASK = 2**64 - 1


def chunked(values, sizes, dtype="str"):
    """A Series of ``values`` held as Arrow chunks of the given sizes."""
    pieces, start = [], 0
    for size in sizes:
        pieces.append(pa.array(values[start : start + size], type=pa.large_string()))
        start += size
    series = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(pieces, pa.large_string())))
    return series.astype(dtype)


def decode(codes):
    return np.concatenate([codes.remap[piece] for piece in codes.pieces])


VALUES = ["b", "a", "Xã Ánh", "b", "", "zz", "a", "Xã Ánh", "c" * 20, "b"]


@pytest.mark.parametrize("dtype", ["str", "string[python]", object, "category"])
def test_column_codes_index_sorted_distinct_values_whatever_the_storage(dtype):
    for values in (chunked(VALUES, [3, 0, 4, 3]), pd.Series(VALUES)):
        codes = column_codes(values.astype(dtype))
        assert codes.names == tuple(sorted(set(VALUES)))
        assert [codes.names[i] for i in decode(codes)] == VALUES


def test_cell_codes_combine_columns_chunked_differently():
    units = chunked(["u2", "u1", "u2", "u1", "u3"], [2, 3])
    labels = chunked(["f", "g", "g", "f", "f"], [4, 1])
    cell = cell_codes(column_codes(units), column_codes(labels))
    assert cell.tolist() == [1 * 2 + 0, 0 * 2 + 1, 1 * 2 + 1, 0, 2 * 2 + 0]


@pytest.mark.parametrize("dtype", ["str", "string[python]", object, pd.ArrowDtype(pa.string())])
def test_take_strings_matches_pandas_take(dtype):
    values = chunked(VALUES, [4, 1, 0, 5]).astype(dtype)
    rows = np.array([9, 0, 4, 5, 2, 7], dtype=np.int64)
    expected = values.take(rows).astype("str").reset_index(drop=True)
    pd.testing.assert_series_equal(take_strings(values, rows), expected, check_names=False)
    empty = take_strings(values, np.zeros(0, dtype=np.int64))
    assert len(empty) == 0 and empty.dtype == "str"


def test_hash_of_chunked_column_equals_hash_of_one_chunk():
    values = [f"person-{i}-" + "x" * (i % 23) for i in range(500)]
    one = hash_strings(pd.Series(values, dtype="str"))
    assert hash_strings(chunked(values, [7, 200, 0, 293])).tolist() == one.tolist()


def test_rotate_half_swaps_halves_in_place():
    keys = np.array([0x0123456789ABCDEF, 1, 2**63], dtype=np.uint64)
    out = rotate_half(keys)
    assert out is keys
    assert keys.tolist() == [0x89ABCDEF01234567, 2**32, 2**31]


def test_sort_by_group_key_falls_back_to_the_exact_sort_on_ties():
    group = np.array([1, 0, 1, 0, 1], dtype=np.int64)
    keys = np.array([5, 9, 4, 2, 3], dtype=np.uint64)  # equal in their top bits
    order = _sort_by_group_key(group, keys, 2)
    assert order.tolist() == np.lexsort((keys, group)).tolist() == [3, 1, 4, 2, 0]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 2**64 - 1)),
        max_size=80,
        unique_by=lambda t: t[1],
    ),
    st.integers(0, 6),
    st.integers(2, 3),
)
def test_smallest_per_group_by_code_equals_brute_force(rows, k, width):
    code = np.array([c for c, _ in rows], dtype=np.int64)
    keys = np.array([key for _, key in rows], dtype=np.uint64)
    group_of = np.arange(6, dtype=np.int64) // width
    groups = int(group_of.max()) + 1
    avail = np.bincount(group_of[code], minlength=groups).astype(np.int64)
    need = np.minimum(k, avail)
    picked, rank = smallest_per_group(code, keys, need, avail, None, group_of)
    expected = []
    for g in range(groups):
        members = [i for i in range(len(rows)) if group_of[code[i]] == g]
        expected += sorted(members, key=lambda i: int(keys[i]))[: need[g]]
    assert picked.tolist() == expected
    assert rank.tolist() == [r for g in range(groups) for r in range(need[g])]


def small_blocks(monkeypatch, size):
    for module in (sampling.hashing, sampling.frames, sampling.keyed, sampling.columns):
        monkeypatch.setattr(module, "BLOCK", size)


def frame_of(rows, seed):
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, 7, rows)
    field = rng.integers(0, 4, rows)
    return pd.DataFrame(
        {
            "unit_code": [f"U{u}" for u in unit],
            "person_id": [f"p{i}" + "y" * int(rng.integers(0, 20)) for i in range(rows)],
            "field": [f"F{f}" for f in field],
        }
    )


@pytest.mark.parametrize("size", [1, 5, 64])
def test_blockwise_loops_give_the_same_draw_for_any_block_size(monkeypatch, size):
    frame = frame_of(400, 3)
    officials = frame.assign(group=np.where(frame.index % 3, "par_officer", "council_delegate"))
    expected = draw_citizens(frame, np.random.default_rng(5), CitizenSettings(9, 4))
    expected_officials = draw_officials(officials, np.random.default_rng(5))
    expected_hash = frame_hash(officials, "group")
    small_blocks(monkeypatch, size)
    got = draw_citizens(frame, np.random.default_rng(5), CitizenSettings(9, 4))
    pd.testing.assert_frame_equal(got.rows, expected.rows)
    pd.testing.assert_frame_equal(got.communes, expected.communes)
    assert got.provenance == expected.provenance
    pd.testing.assert_frame_equal(
        draw_officials(officials, np.random.default_rng(5)).rows, expected_officials.rows
    )
    assert frame_hash(officials, "group") == expected_hash


def test_group_with_too_few_keys_under_its_threshold_is_redone_whole():
    keys = np.arange(2**63, 2**63 + 100, dtype=np.uint64)[::-1].copy()  # all above 5/100
    code = np.zeros(100, dtype=np.int64)
    picked, rank = smallest_per_group(code, keys, np.array([2]), np.array([100]))
    assert picked.tolist() == [99, 98] and rank.tolist() == [0, 1]
