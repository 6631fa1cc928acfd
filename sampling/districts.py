"""District selection per province (DOMAIN.md §5, §7): k districts spread over tiers.

Per province, after the administrator's overrides:
1. districts forced out leave the pool; districts forced in are chosen (reason FORCED_IN);
2. if the pool has no more districts than k, all are chosen (ALL_DISTRICTS);
3. each tier not yet covered gets one district (FIRST_OF_TIER), tiers taken by total size, largest
   first (ties: lower tier number), while slots remain; within a tier the district is drawn with
   probability proportional to size (``TierPick.PPS``, from the Generator) or is the largest
   (``TierPick.LARGEST``);
4. remaining slots go to the largest remaining districts (LARGEST_REMAINING).
Rows are processed sorted by (province, tier, code), so the frame's row order does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from sampling.errors import FrameError
from sampling.schema import require_columns, require_values
from sampling.settings import DistrictSettings, TierPick

CODE, TIER, SIZE, PROVINCE = "code", "tier", "size", "province_code"


class DistrictReason(StrEnum):
    """Why a district was or was not chosen."""

    FORCED_IN = "forced_in"
    FORCED_OUT = "forced_out"
    ALL_DISTRICTS = "all_districts"
    FIRST_OF_TIER = "first_of_tier"
    LARGEST_REMAINING = "largest_remaining"
    NOT_CHOSEN = "not_chosen"


@dataclass(frozen=True)
class DistrictOverride:
    """The administrator forces a district in (``include=True``) or out, with a reason."""

    code: str
    include: bool
    reason: str


@dataclass(frozen=True)
class DistrictSelection:
    """One row per district: ``province_code, code, tier, size, chosen, reason, detail,
    probability, override_reason``. ``detail`` is a readable "tier=2 p=0.310" style string;
    ``probability`` is the within-tier PPS probability where one was used."""

    districts: pd.DataFrame
    settings: DistrictSettings
    overrides: tuple[DistrictOverride, ...]

    @property
    def chosen_codes(self) -> tuple[str, ...]:
        """Codes of the chosen districts, in table order."""
        return tuple(str(c) for c in self.districts.loc[self.districts["chosen"], CODE])


@dataclass
class _Decision:
    reason: DistrictReason = DistrictReason.NOT_CHOSEN
    detail: str = ""
    probability: float = float("nan")


def _choose_province(
    group: pd.DataFrame,
    k: int,
    pick: TierPick,
    rng: np.random.Generator,
    forced: dict[str, DistrictOverride],
) -> dict[str, _Decision]:
    """Decisions for one province's districts (sorted by tier, code)."""
    out = {str(c): _Decision() for c in group[CODE]}
    for code, o in forced.items():
        if code in out:
            reason = DistrictReason.FORCED_IN if o.include else DistrictReason.FORCED_OUT
            out[code] = _Decision(reason, o.reason)
    pool = group[[out[str(c)].reason is DistrictReason.NOT_CHOSEN for c in group[CODE]]]
    chosen = [c for c, d in out.items() if d.reason is DistrictReason.FORCED_IN]
    slots = k - len(chosen)
    if len(pool) <= slots:
        for c in pool[CODE]:
            out[str(c)] = _Decision(DistrictReason.ALL_DISTRICTS, f"{len(pool)} in pool")
        return out
    covered = set(group.loc[group[CODE].isin(chosen), TIER])
    totals = pool.groupby(TIER)[SIZE].sum()
    tiers = sorted((t for t in totals.index if t not in covered), key=lambda t: (-totals[t], t))
    for tier in tiers[: max(slots, 0)]:
        members = pool[pool[TIER] == tier]
        code, decision = _tier_choice(members, pick, rng)
        out[code] = decision
        slots -= 1
    remaining = pool[[out[str(c)].reason is DistrictReason.NOT_CHOSEN for c in pool[CODE]]]
    ranked = remaining.sort_values([SIZE, CODE], ascending=[False, True]).head(max(slots, 0))
    for rank, (code, size) in enumerate(zip(ranked[CODE], ranked[SIZE], strict=True), 1):
        out[str(code)] = _Decision(DistrictReason.LARGEST_REMAINING, f"size={size:g} rank={rank}")
    return out


def _tier_choice(
    members: pd.DataFrame, pick: TierPick, rng: np.random.Generator
) -> tuple[str, _Decision]:
    """The district that represents a tier, and its decision record."""
    tier = int(members[TIER].iloc[0])
    sizes = members[SIZE].to_numpy(dtype=np.float64)
    codes = [str(c) for c in members[CODE]]
    if pick is TierPick.LARGEST:
        i = int(np.argmax(sizes))
        return codes[i], _Decision(DistrictReason.FIRST_OF_TIER, f"tier={tier} size={sizes[i]:g}")
    total = sizes.sum()
    p = sizes / total if total > 0 else np.full(len(sizes), 1 / len(sizes))
    i = int(rng.choice(len(codes), p=p))
    detail = f"tier={tier} p={p[i]:.3f}"
    return codes[i], _Decision(DistrictReason.FIRST_OF_TIER, detail, float(p[i]))


def _validated(frame: pd.DataFrame, overrides: tuple[DistrictOverride, ...]) -> pd.DataFrame:
    require_columns(frame, (CODE, TIER, SIZE))
    require_values(frame, (CODE, TIER, SIZE))
    table = frame.copy()
    if PROVINCE not in table.columns:
        table[PROVINCE] = ""
    table = table.astype({CODE: "str", PROVINCE: "str"})
    if table[CODE].duplicated().any():
        raise FrameError("duplicate_district", "a district code appears twice")
    if (table[SIZE] < 0).any():
        raise FrameError("negative_size", "district sizes must be 0 or more")
    unknown = {o.code for o in overrides} - set(table[CODE])
    if unknown:
        raise FrameError("unknown_district", f"override for unknown district(s): {sorted(unknown)}")
    return table.sort_values([PROVINCE, TIER, CODE], ignore_index=True)


def select_districts(
    frame: pd.DataFrame,
    rng: np.random.Generator,
    settings: DistrictSettings | None = None,
    overrides: Iterable[DistrictOverride] = (),
) -> DistrictSelection:
    """Choose k districts per province (module docstring) and explain every decision.

    ``frame``: columns ``code``, ``tier``, ``size`` and optionally ``province_code``.
    """
    settings = settings or DistrictSettings()
    ovr = tuple(overrides)
    table = _validated(frame, ovr)
    forced = {o.code: o for o in ovr}
    decisions: dict[str, _Decision] = {}
    for _, group in table.groupby(PROVINCE, sort=True):
        decisions.update(
            _choose_province(
                group, settings.districts_per_province, settings.tier_pick, rng, forced
            )
        )
    rows = [decisions[str(c)] for c in table[CODE]]
    reasons = [d.reason for d in rows]
    table["chosen"] = [
        r not in (DistrictReason.NOT_CHOSEN, DistrictReason.FORCED_OUT) for r in reasons
    ]
    table["reason"] = pd.Series([r.value for r in reasons], dtype="str")
    table["detail"] = pd.Series([d.detail for d in rows], dtype="str")
    table["probability"] = [d.probability for d in rows]
    table["override_reason"] = pd.Series(
        [forced[c].reason if c in forced else pd.NA for c in table[CODE]], dtype="str"
    )
    return DistrictSelection(table, settings, ovr)
