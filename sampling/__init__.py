"""Sampling library: frames, allocation, selection, weights, reproducibility (DOMAIN.md §5, §7).

Pure: numpy and pandas only, randomness from an explicit ``numpy.random.Generator``.
"""

from sampling.allocation import allocate_commune
from sampling.citizens import CitizenDraw, CommuneShortfall, draw_citizens
from sampling.errors import FrameError, ReplacementError, SamplingError, SettingsError
from sampling.frames import frame_hash
from sampling.provenance import SAMPLING_VERSION, DrawProvenance
from sampling.schema import Role
from sampling.settings import (
    CitizenSettings,
    DistrictSettings,
    QuotaSettings,
    SamplingSettings,
    TierPick,
)

__version__ = SAMPLING_VERSION

__all__ = [
    "SAMPLING_VERSION",
    "CitizenDraw",
    "CitizenSettings",
    "CommuneShortfall",
    "DistrictSettings",
    "DrawProvenance",
    "FrameError",
    "QuotaSettings",
    "ReplacementError",
    "Role",
    "SamplingError",
    "SamplingSettings",
    "SettingsError",
    "TierPick",
    "allocate_commune",
    "draw_citizens",
    "frame_hash",
]
