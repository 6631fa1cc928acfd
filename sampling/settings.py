"""Settings of every draw, as frozen dataclasses that round-trip through JSON-able dicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sampling.errors import SettingsError


class TierPick(StrEnum):
    """How the first district of a socio-economic tier is picked."""

    PPS = "pps"  # at random, probability proportional to size
    LARGEST = "largest"  # the largest district of the tier


def _check(condition: bool, name: str, detail: str) -> None:
    if not condition:
        raise SettingsError(f"invalid_{name}", detail)


@dataclass(frozen=True)
class CitizenSettings:
    """Citizen draw per commune (DOMAIN.md §7): sample size n and reserve list length."""

    sample_size: int = 30
    reserve_size: int = 10

    def __post_init__(self) -> None:
        _check(self.sample_size >= 1, "sample_size", "sample size must be at least 1")
        _check(self.reserve_size >= 0, "reserve_size", "reserve size must be 0 or more")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"sample_size": self.sample_size, "reserve_size": self.reserve_size}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CitizenSettings:
        """Inverse of :meth:`to_dict`; missing keys take defaults."""
        return cls(**{k: int(v) for k, v in data.items() if k in {"sample_size", "reserve_size"}})


@dataclass(frozen=True)
class DistrictSettings:
    """District selection per province: k districts, allowed between ``min_k`` and ``max_k``."""

    districts_per_province: int = 4
    min_k: int = 3
    max_k: int = 4
    tier_pick: TierPick = TierPick.PPS

    def __post_init__(self) -> None:
        _check(1 <= self.min_k <= self.max_k, "district_bounds", "need 1 <= min_k <= max_k")
        _check(
            self.min_k <= self.districts_per_province <= self.max_k,
            "districts_per_province",
            f"districts per province must be between {self.min_k} and {self.max_k}",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "districts_per_province": self.districts_per_province,
            "min_k": self.min_k,
            "max_k": self.max_k,
            "tier_pick": self.tier_pick.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DistrictSettings:
        """Inverse of :meth:`to_dict`; missing keys take defaults."""
        d = cls()
        k = data.get("districts_per_province", d.districts_per_province)
        return cls(
            districts_per_province=int(k),
            min_k=int(data.get("min_k", d.min_k)),
            max_k=int(data.get("max_k", d.max_k)),
            tier_pick=TierPick(data.get("tier_pick", d.tier_pick)),
        )


DEFAULT_QUOTAS: Mapping[str, int] = MappingProxyType({"par_officer": 40, "association_leader": 3})
"""The ministry survey's quotas (seed 001): 40 PAR officers per ministry, 3 leaders per
association; a campaign design sets its own."""


@dataclass(frozen=True)
class QuotaSettings:
    """Per-unit quotas of the quota groups, by group code (PAR officers per ministry...)."""

    quotas: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))

    def __post_init__(self) -> None:
        for group, quota in self.quotas.items():
            _check(quota >= 1, "quota", f"quota of {group} must be at least 1")
        object.__setattr__(self, "quotas", MappingProxyType(dict(self.quotas)))

    def quota(self, group: str) -> int | None:
        """The group's per-unit quota, or None for a census group."""
        return self.quotas.get(group)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"quotas": {g: q for g, q in sorted(self.quotas.items())}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuotaSettings:
        """Inverse of :meth:`to_dict`; missing key gives the default quotas."""
        raw = data.get("quotas")
        if raw is None:
            return cls()
        return cls({str(g): int(q) for g, q in raw.items()})


@dataclass(frozen=True)
class SamplingSettings:
    """All sampling settings of a campaign, stored with every draw."""

    citizens: CitizenSettings = field(default_factory=CitizenSettings)
    districts: DistrictSettings = field(default_factory=DistrictSettings)
    quotas: QuotaSettings = field(default_factory=QuotaSettings)
    margin_of_error: float = 0.05

    def __post_init__(self) -> None:
        _check(0 < self.margin_of_error < 1, "margin_of_error", "margin must be in (0, 1)")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "citizens": self.citizens.to_dict(),
            "districts": self.districts.to_dict(),
            "quotas": self.quotas.to_dict(),
            "margin_of_error": self.margin_of_error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SamplingSettings:
        """Inverse of :meth:`to_dict`; missing keys take defaults."""
        try:
            return cls(
                citizens=CitizenSettings.from_dict(data.get("citizens", {})),
                districts=DistrictSettings.from_dict(data.get("districts", {})),
                quotas=QuotaSettings.from_dict(data.get("quotas", {})),
                margin_of_error=float(data.get("margin_of_error", 0.05)),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise SettingsError("unreadable_settings", str(exc)) from exc
