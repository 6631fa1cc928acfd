"""Simulation: empirical inclusion frequencies match the design probabilities k_h / N_h."""

import numpy as np
import pandas as pd

from sampling import CitizenSettings, Role
from sampling.citizens import draw_with_key

FIELDS = {"A": 50, "B": 30, "C": 15, "D": 5}  # allocation 14, 9, 5, 2 (hand-worked)
K = {"A": 14, "B": 9, "C": 5, "D": 2}
COMMUNES, DRAWS, Z = 250, 20, 4.5


def test_inclusion_frequencies_match_design_probabilities():
    rows = [
        (f"C{c:03d}", f"{f}{i:02d}", f)
        for c in range(COMMUNES)
        for f, n in FIELDS.items()
        for i in range(n)
    ]
    frame = pd.DataFrame(rows, columns=["unit_code", "person_id", "field"])
    sampled = pd.Series(0, index=pd.Index(frame["person_id"].unique()))
    reserved = sampled.copy()
    rng = np.random.default_rng(2024)
    for _ in range(DRAWS):
        out = draw_with_key(frame, int(rng.integers(2**63)), CitizenSettings(30, 10)).rows
        sampled = sampled.add(
            out[out.role == Role.SAMPLE.value].person_id.value_counts(), fill_value=0
        )
        reserved = reserved.add(
            out[out.role == Role.RESERVE.value].person_id.value_counts(), fill_value=0
        )
    trials = COMMUNES * DRAWS
    field = sampled.index.str[0]
    p_sample = field.map(lambda f: K[f] / FIELDS[f]).to_numpy()
    p_reserve = (1 - p_sample) * 10 / 70  # a random 10 of the 70 not selected
    for counts, p in ((sampled, p_sample), (reserved, p_reserve)):
        se = np.sqrt(p * (1 - p) / trials)
        z = np.abs(counts.to_numpy() / trials - p) / se
        assert z.max() < Z, (counts.index[z.argmax()], z.max())
        assert abs(z.mean() - np.sqrt(2 / np.pi)) < 0.15  # |N(0,1)| has mean 0.80
