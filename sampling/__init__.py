"""Sampling library: frames, allocation, selection, weights, reproducibility (DOMAIN.md §5, §7).

Pure: numpy and pandas (pyarrow, when present, to read, code and take string columns without
copies); randomness only from an explicit ``numpy.random.Generator``. Entry points:

* :func:`draw_citizens` - stratified citizen sample + reserves per commune;
* :func:`replace_respondent` - next reserve for an unreachable respondent;
* :func:`select_districts` - k districts per province over socio-economic tiers;
* :func:`draw_officials` - census and quota groups, :func:`compare_with_expected`;
* :func:`preview_plan`, :func:`suggested_sample_size` - planning without drawing;
* :func:`frame_hash`, :func:`verify_citizen_draw` - reproducibility and audit.
"""

from sampling.allocation import allocate_commune
from sampling.citizens import DRAW_COLUMNS, CitizenDraw, CommuneShortfall, draw_citizens
from sampling.districts import (
    DistrictOverride,
    DistrictReason,
    DistrictSelection,
    select_districts,
)
from sampling.errors import FrameError, ReplacementError, SamplingError, SettingsError
from sampling.frames import frame_hash
from sampling.officials import (
    EXPECTED_NATIONAL,
    ExpectedCount,
    OfficialsDraw,
    compare_with_expected,
    draw_officials,
)
from sampling.planning import PREVIEW_COLUMNS, GroupPlan, preview_plan, suggested_sample_size
from sampling.provenance import SAMPLING_VERSION, DrawKind, DrawProvenance
from sampling.replacement import Replacement, replace_respondent
from sampling.schema import Role
from sampling.settings import (
    CitizenSettings,
    DistrictSettings,
    QuotaSettings,
    SamplingSettings,
    TierPick,
)
from sampling.verify import Verification, verify_citizen_draw

__version__ = SAMPLING_VERSION

__all__ = [
    "DRAW_COLUMNS",
    "EXPECTED_NATIONAL",
    "PREVIEW_COLUMNS",
    "SAMPLING_VERSION",
    "CitizenDraw",
    "CitizenSettings",
    "CommuneShortfall",
    "DistrictOverride",
    "DistrictReason",
    "DistrictSelection",
    "DistrictSettings",
    "DrawKind",
    "DrawProvenance",
    "ExpectedCount",
    "FrameError",
    "GroupPlan",
    "OfficialsDraw",
    "QuotaSettings",
    "Replacement",
    "ReplacementError",
    "Role",
    "SamplingError",
    "SamplingSettings",
    "SettingsError",
    "TierPick",
    "Verification",
    "allocate_commune",
    "compare_with_expected",
    "draw_citizens",
    "draw_officials",
    "frame_hash",
    "preview_plan",
    "replace_respondent",
    "select_districts",
    "suggested_sample_size",
    "verify_citizen_draw",
]
