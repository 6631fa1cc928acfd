"""Official administrative units: codes, dates, successions and addresses (DOMAIN.md §11).

Pure: the standard library only. Entry points:

* :func:`read_registry` - the country's units before and after 1 July 2025 and the
  mapping between them, from the `vietnamadminunits` data files;
* :class:`Registry`, :class:`OfficialUnit`, :class:`Succession` - the values;
* :class:`Gazetteer` - where an address lies as of a date, and :class:`Locality` - whether
  it lies in one commune (inside, outside, or in an old unit split between several).
"""

from adminunits.model import OfficialUnit, Registry, SourceInfo, Succession, Tier, UnitType
from adminunits.source import REFORM_2025, SourceMissing, read_registry, restrict

__all__ = [
    "REFORM_2025",
    "OfficialUnit",
    "Registry",
    "SourceInfo",
    "SourceMissing",
    "Succession",
    "Tier",
    "UnitType",
    "read_registry",
    "restrict",
]
