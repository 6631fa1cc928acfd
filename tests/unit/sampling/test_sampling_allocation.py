"""Allocation of a commune's sample over procedure fields: hand-worked cases and properties."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sampling.allocation import allocate_commune, allocate_strata


def test_hand_worked_fields_50_30_15_5_n30():
    # 1 each, m = 26 over N_h - 1 = 49, 29, 14, 4 (sum 96): 13.27, 7.85, 3.79, 1.08
    # floors 13, 7, 3, 1 (24); 2 leftovers to remainders .85 (B) and .79 (C)
    assert allocate_commune({"A": 50, "B": 30, "C": 15, "D": 5}, 30) == {
        "A": 14,
        "B": 9,
        "C": 5,
        "D": 2,
    }


def test_fewer_eligible_than_n_takes_everyone():
    assert allocate_commune({"A": 5, "B": 3, "C": 0}, 30) == {"A": 5, "B": 3, "C": 0}


def test_more_fields_than_n_largest_fields_get_one_ties_by_name():
    sizes = {"A": 1, "B": 3, "C": 1, "D": 2, "E": 1}
    assert allocate_commune(sizes, 3) == {"A": 1, "B": 1, "C": 0, "D": 1, "E": 0}


def test_tiny_field_never_exceeds_its_size():
    assert allocate_commune({"A": 100, "B": 1}, 30) == {"A": 29, "B": 1}


def test_exact_tie_in_remainders_goes_to_first_name():
    # m = 1 over N_h - 1 = 2, 2: remainders equal, A first by name
    assert allocate_commune({"B": 3, "A": 3}, 3) == {"A": 2, "B": 1}


sizes_st = st.dictionaries(st.sampled_from("ABCDEFGHIJKL"), st.integers(1, 60), min_size=1)


@given(sizes_st, st.integers(1, 40))
def test_allocation_properties(sizes, n):
    k = allocate_commune(sizes, n)
    total = sum(sizes.values())
    assert sum(k.values()) == min(n, total)
    assert all(0 <= k[f] <= sizes[f] for f in sizes)
    if len(sizes) <= min(n, total):
        assert all(v >= 1 for v in k.values())
        m, spare = min(n, total) - len(sizes), total - len(sizes)
        for f, s in sizes.items():  # Hamilton: within one of the exact quota
            quota = m * (s - 1) / spare if spare else 0
            assert quota - 1 < k[f] - 1 < quota + 1
    else:
        assert sum(1 for v in k.values() if v) == min(n, total)
        smallest_taken = min(sizes[f] for f in sizes if k[f])
        assert all(sizes[f] <= smallest_taken for f in sizes if not k[f])


@given(st.lists(sizes_st, min_size=1, max_size=5), st.integers(1, 40))
def test_vectorised_matches_one_commune_at_a_time(communes, n):
    unit, size, expected = [], [], []
    for u, sizes in enumerate(communes):
        names = sorted(sizes)
        unit += [u] * len(names)
        size += [sizes[f] for f in names]
        one = allocate_commune(sizes, n)
        expected += [one[f] for f in names]
    got = allocate_strata(np.array(unit, np.int64), np.array(size, np.int64), n)
    assert got.tolist() == expected
