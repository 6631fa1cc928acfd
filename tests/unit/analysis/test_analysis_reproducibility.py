"""Content hashes and provenance records."""

from __future__ import annotations

import json

import pandas as pd

from analysis.reproducibility import hash_frame, provenance
from analysis.settings import EstimationSettings, PoolingSettings


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"unit": ["a", "b", "c"], "y": [1.0, 2.0, 3.0]})


def test_order_independent_hash() -> None:
    shuffled = _frame().iloc[[2, 0, 1]]
    assert hash_frame(_frame(), order_independent=True) == hash_frame(shuffled, True)
    assert hash_frame(_frame()) != hash_frame(shuffled)


def test_hash_changes_with_content() -> None:
    changed = _frame().assign(y=[1.0, 2.0, 3.5])
    assert hash_frame(_frame(), True) != hash_frame(changed, True)


def test_provenance_is_json() -> None:
    record = provenance(_frame(), EstimationSettings())
    text = json.dumps(record)
    assert record["settings"]["values"]["small_cell_n"] == 10
    assert record["data"]["hash"].startswith("sha256:")
    pooled = provenance(_frame(), PoolingSettings({"citizen": 0.5}))
    assert pooled["settings"]["values"]["group_shares"] == {"citizen": 0.5}
    assert json.loads(text)["data"]["rows"] == 3
