"""The design templates shipped with the service (``designs/templates/*.yaml``), one per file,
each documented by its header comment: (a) ``par_province_2025``, (b) ``internal_index_2025``,
(c) ``sipas_2025``, (d) ``par_province_2023``, (e) ``commune_index_2023``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from designs.document import load_yaml
from designs.model import CampaignDesign

TEMPLATE_DIR = Path(__file__).with_name("templates")
ORDER = (
    "par_province_2025",
    "internal_index_2025",
    "sipas_2025",
    "par_province_2023",
    "commune_index_2023",
)


def template_text(code: str) -> str:
    """The YAML text of a template, comments included (KeyError for an unknown code)."""
    if code not in template_codes():
        raise KeyError(code)
    return (TEMPLATE_DIR / f"{code}.yaml").read_text(encoding="utf-8")


@cache
def template_codes() -> tuple[str, ...]:
    """Codes of the shipped templates: the documented order first, then any others."""
    found = sorted(p.stem for p in TEMPLATE_DIR.glob("*.yaml"))
    return tuple(c for c in ORDER if c in found) + tuple(c for c in found if c not in ORDER)


def template(code: str) -> CampaignDesign:
    """A shipped template as a design (checked for shape; the caller checks questionnaires)."""
    return load_yaml(template_text(code))


def templates() -> dict[str, CampaignDesign]:
    """Every shipped template by code, in order."""
    return {code: template(code) for code in template_codes()}
