"""Citizen draw: hand cases, invariants (hypothesis), reproducibility, replacement, audit."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import (
    CitizenSettings,
    DrawProvenance,
    FrameError,
    ReplacementError,
    Role,
    draw_citizens,
    frame_hash,
    replace_respondent,
    verify_citizen_draw,
)
from sampling.hashing import _python_buffers, hash_strings, hash_utf8


def make_frame(communes: dict[str, dict[str, int]]) -> pd.DataFrame:
    rows = [
        (u, f"{u}/{f}/{i}", f)
        for u, fields in communes.items()
        for f, n in fields.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows, columns=["unit_code", "person_id", "field"])


def draw(frame, seed=1, n=30, r=10):
    return draw_citizens(frame, np.random.default_rng(seed), CitizenSettings(n, r))


def sample_of(result):
    return result.rows[result.rows["role"] == Role.SAMPLE.value]


def test_hand_worked_commune():
    result = draw(make_frame({"C1": {"A": 50, "B": 30, "C": 15, "D": 5}}))
    sample = sample_of(result)
    assert sample.groupby("field").size().to_dict() == {"A": 14, "B": 9, "C": 5, "D": 2}
    assert sample.groupby("field")["weight"].first().to_dict() == pytest.approx(
        {"A": 50 / 14, "B": 30 / 9, "C": 3.0, "D": 2.5}
    )
    assert sample["weight"].sum() == pytest.approx(100)
    reserves = result.rows[result.rows["role"] == Role.RESERVE.value]
    assert reserves["reserve_rank"].tolist() == list(range(1, 11))
    assert reserves["weight"].isna().all()


def test_fewer_eligible_than_n_takes_all_and_reports_shortfall():
    result = draw(make_frame({"C1": {"A": 5, "B": 3}, "C2": {"A": 40}}))
    assert len(sample_of(result)[lambda d: d.unit_code == "C1"]) == 8
    (short,) = result.shortfalls
    assert (short.unit_code, short.eligible, short.shortfall) == ("C1", 8, 22)
    assert result.communes.set_index("unit_code").loc["C1", "reserve"] == 0


def test_more_fields_than_n_reports_unrepresented():
    result = draw(make_frame({"C1": {f"F{i}": 1 + (i == 3) for i in range(6)}}), n=3, r=2)
    sample = sample_of(result)
    assert len(sample) == 3 and sample["field"].nunique() == 3
    assert "F3" in set(sample["field"])
    row = result.communes.iloc[0]
    assert row["fields_represented"] == 3 and row["unrepresented_eligible"] == 3


communes_st = st.dictionaries(
    st.sampled_from(["X1", "X2", "X3", "X4"]),
    st.dictionaries(st.sampled_from("ABCDE"), st.integers(1, 25), min_size=1),
    min_size=1,
)


@settings(max_examples=40, deadline=None)
@given(communes_st, st.integers(1, 35), st.integers(0, 12), st.integers(0, 2**32))
def test_draw_invariants(communes, n, r, seed):
    frame = make_frame(communes)
    result = draw(frame, seed, n, r)
    rows = result.rows
    assert not rows.duplicated(["unit_code", "person_id"]).any()
    assert set(rows["person_id"]) <= set(frame["person_id"])
    for unit, fields in communes.items():
        got = rows[rows["unit_code"] == unit]
        sample = got[got["role"] == Role.SAMPLE.value]
        total = sum(fields.values())
        assert len(sample) == min(n, total)
        assert len(got) - len(sample) == min(r, total - len(sample))
        if len(fields) <= n:
            assert set(sample["field"]) == set(fields)
            assert sample["weight"].sum() == pytest.approx(total)
        per_field = sample.groupby("field").size()
        assert all(per_field[f] <= fields[f] for f in per_field.index)


@settings(max_examples=25, deadline=None)
@given(communes_st, st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_row_order_and_index_are_irrelevant(communes, seed, rnd):
    frame = make_frame(communes)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].set_index(pd.Index([f"r{i}" for i in order]))
    a, b = draw(frame, seed), draw(shuffled, seed)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert a.provenance == b.provenance


def test_same_seed_same_list_other_seed_other_list():
    frame = make_frame({f"C{i}": {"A": 60, "B": 40} for i in range(5)})
    first = draw(frame, 11).rows
    pd.testing.assert_frame_equal(first, draw(frame, 11).rows)
    assert set(first["person_id"]) != set(draw(frame, 12).rows["person_id"])


def test_commune_draw_does_not_depend_on_other_communes():
    big = make_frame({"C1": {"A": 60, "B": 40}, "C2": {"A": 70}, "C3": {"B": 5}})
    alone = big[big["unit_code"] == "C1"]
    run_key = 123456789
    from sampling.citizens import draw_with_key

    with_others = draw_with_key(big, run_key, CitizenSettings()).rows
    pd.testing.assert_frame_equal(
        with_others[with_others["unit_code"] == "C1"].reset_index(drop=True),
        draw_with_key(alone, run_key, CitizenSettings()).rows,
    )


def test_string_hash_is_the_same_without_pyarrow_and_for_unicode():
    values = pd.Series(["", "a", "Nguyễn Văn Ả", "abcdefgh", "abcdefghi", "x" * 40], dtype="str")
    assert hash_strings(values).tolist() == hash_utf8(*_python_buffers(values)[0]).tolist()
    assert len(set(hash_strings(values).tolist())) == len(values)
    assert hash_strings(values).tolist() == [reference_hash(v) for v in values]


MASK = 2**64 - 1


def fmix(x: int) -> int:
    x ^= x >> 33
    x = x * 0xFF51AFD7ED558CCD & MASK
    x ^= x >> 33
    x = x * 0xC4CEB9FE1A85EC53 & MASK
    return x ^ (x >> 33)


def reference_hash(text: str) -> int:
    """Pure-Python statement of the documented string hash (pins it across versions)."""
    data = text.encode("utf-8")
    h = (len(data) * 0x9E3779B97F4A7C15 & MASK) ^ 0x53414D504C455331
    for j in range(0, len(data), 8):
        h = fmix(h ^ int.from_bytes(data[j : j + 8], "little"))
    return h


@pytest.mark.parametrize("long_share", [0.1, 0.9])
def test_string_hash_of_mixed_lengths_matches_the_reference(long_share):
    """Strings longer than the shortest one are mixed word by word, few or many at a time."""
    rng = np.random.default_rng(3)
    long = rng.random(300) < long_share
    lengths = np.where(long, rng.integers(9, 41, 300), rng.integers(0, 9, 300))
    values = ["".join(chr(int(c)) for c in rng.integers(97, 0x1EF9, n)) for n in lengths]
    hashed = hash_strings(pd.Series(values, dtype="str"))
    assert hashed.tolist() == [reference_hash(v) for v in values]


def test_frame_hash_is_content_only():
    frame = make_frame({"C1": {"A": 3, "B": 2}})
    h = frame_hash(frame)
    assert h == frame_hash(frame.iloc[::-1].assign(extra=1))
    changed = frame.copy()
    changed.loc[0, "field"] = "B"
    assert frame_hash(changed) != h
    assert frame_hash(frame.iloc[1:]) != h


def test_duplicate_person_and_missing_values_are_rejected():
    frame = make_frame({"C1": {"A": 3}})
    with pytest.raises(FrameError, match="duplicate_person"):
        draw(pd.concat([frame, frame.iloc[:1]]))
    with pytest.raises(FrameError, match="missing_column"):
        draw(frame.drop(columns="field"))
    with pytest.raises(FrameError, match="null_value"):
        draw(frame.assign(field=[None, "A", "A"]))


def test_replacement_prefers_same_field_then_any_and_keeps_weights():
    result = draw(make_frame({"C1": {"A": 20, "B": 12}}), n=20, r=12)
    rows = result.rows
    reserves = rows[rows["role"] == Role.RESERVE.value]
    victim = sample_of(result)[lambda d: d.field == "B"].iloc[0]
    rep = replace_respondent(rows, "C1", victim["person_id"])
    expected = reserves[reserves["field"] == "B"].sort_values("reserve_rank").iloc[0]
    assert rep.replacement == expected["person_id"] and rep.same_field
    new = rep.rows.set_index("person_id")
    assert new.loc[rep.replacement, "weight"] == victim["weight"]
    assert new.loc[victim["person_id"], "role"] == Role.REPLACED.value
    assert new.loc[rep.replacement, "replaces"] == victim["person_id"]
    current = rep.rows[rep.rows["role"] == Role.SAMPLE.value]
    assert current["weight"].sum() == pytest.approx(32)
    rows = rep.rows
    while (rows[(rows.field == "B") & (rows.role == Role.RESERVE.value)]).shape[0]:
        b = rows[(rows.field == "B") & (rows.role == Role.SAMPLE.value)].iloc[0]
        rows = replace_respondent(rows, "C1", b["person_id"]).rows
    b = rows[(rows.field == "B") & (rows.role == Role.SAMPLE.value)].iloc[0]
    other = replace_respondent(rows, "C1", b["person_id"])
    assert not other.same_field
    with pytest.raises(ReplacementError, match="not_in_sample"):
        replace_respondent(rows, "C1", "nobody")


def test_no_reserve_left():
    result = draw(make_frame({"C1": {"A": 3}}), n=3, r=5)
    with pytest.raises(ReplacementError, match="no_reserve_left"):
        replace_respondent(result.rows, "C1", result.rows["person_id"].iloc[0])


def test_verify_redraws_and_reports_differences():
    frame = make_frame({"C1": {"A": 40, "B": 20}, "C2": {"A": 10}})
    result = draw(frame, 5)
    stored = DrawProvenance.from_dict(result.provenance.to_dict())
    assert verify_citizen_draw(frame.iloc[::-1], result.rows, stored).matches
    replaced = replace_respondent(result.rows, "C1", sample_of(result)["person_id"].iloc[0])
    assert verify_citizen_draw(frame, replaced.rows, stored).matches
    tampered = result.rows.copy()
    tampered.loc[0, "person_id"] = "C1/A/999"
    check = verify_citizen_draw(frame, tampered, stored)
    assert not check.matches and len(check.differences) == 2
    assert not verify_citizen_draw(frame.iloc[1:], result.rows, stored).frame_hash_matches
