"""Planning before anything is committed: sample-size helper and a per-unit preview."""

from __future__ import annotations

import math
from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from domain.enums import RespondentGroup, SelectionRule
from sampling.errors import SettingsError
from sampling.officials import selection_rule
from sampling.schema import GROUP, PERSON, UNIT, require_columns
from sampling.settings import SamplingSettings

PREVIEW_COLUMNS = (
    UNIT,
    GROUP,
    "rule",
    "frame_size",
    "sample_size",
    "reserve_size",
    "expected_forms",
    "suggested_size",
)


def suggested_sample_size(population: int, margin: float = 0.05) -> int:
    """n = N / (1 + N e^2), rounded up (Yamane; SIPAS method since 2012, DOMAIN.md §7).

    Computed in exact rational arithmetic on the decimal value of ``margin``.
    """
    if population < 0 or not 0 < margin < 1:
        raise SettingsError("invalid_margin_of_error", "need population >= 0 and 0 < e < 1")
    e = Fraction(Decimal(str(margin)))
    return math.ceil(Fraction(population) / (1 + population * e * e))


def _citizen_preview(frame: pd.DataFrame, settings: SamplingSettings) -> pd.DataFrame:
    n, r = settings.citizens.sample_size, settings.citizens.reserve_size
    size = frame.groupby(UNIT, sort=True).size()
    sample = np.minimum(size.to_numpy(), n)
    return pd.DataFrame(
        {
            UNIT: size.index.astype("str"),
            GROUP: RespondentGroup.CITIZEN.value,
            "rule": SelectionRule.STRATIFIED_SAMPLE.value,
            "frame_size": size.to_numpy(),
            "sample_size": sample,
            "reserve_size": np.minimum(r, size.to_numpy() - sample),
        }
    )


def _officials_preview(
    frame: pd.DataFrame, settings: SamplingSettings, chosen: Collection[str] | None
) -> pd.DataFrame:
    size = frame.groupby([UNIT, GROUP], sort=True).size().reset_index(name="frame_size")
    groups = [RespondentGroup(str(g)) for g in size[GROUP]]
    rules = [selection_rule(g, settings.quotas) for g in groups]
    caps = [settings.quotas.quota(g) or n for g, n in zip(groups, size["frame_size"], strict=True)]
    in_scope = [
        rule is not SelectionRule.CENSUS_IN_CHOSEN_DISTRICTS or unit in set(chosen or ())
        for rule, unit in zip(rules, size[UNIT], strict=True)
    ]
    sample = np.where(in_scope, np.minimum(size["frame_size"].to_numpy(), caps), 0)
    return size.assign(rule=[r.value for r in rules], sample_size=sample, reserve_size=0).astype(
        {UNIT: "str", GROUP: "str"}
    )


def preview_plan(
    settings: SamplingSettings,
    citizens: pd.DataFrame | None = None,
    officials: pd.DataFrame | None = None,
    chosen_districts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Per unit and group: frame size, sample size, reserve size, expected forms, suggestion.

    ``expected_forms`` = sample size (one form per selected respondent; reserves are only used
    as replacements). ``suggested_size`` = :func:`suggested_sample_size` of the unit's frame at
    the settings' margin of error, for comparison. No random draw is made.
    """
    parts = []
    if citizens is not None:
        require_columns(citizens, (UNIT, PERSON))
        parts.append(_citizen_preview(citizens, settings))
    if officials is not None:
        require_columns(officials, (UNIT, PERSON, GROUP))
        parts.append(_officials_preview(officials, settings, chosen_districts))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PREVIEW_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    table["expected_forms"] = table["sample_size"]
    e = settings.margin_of_error
    table["suggested_size"] = [suggested_sample_size(int(n), e) for n in table["frame_size"]]
    return table.loc[:, list(PREVIEW_COLUMNS)]
