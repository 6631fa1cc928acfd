"""The shared vocabulary of the domain brief (../shared/DOMAIN.md §2, §5): enums only, pure.

Every layer (the libraries, ingest, services, web) names units, groups and campaign kinds
with these enums so that a code such as ``citizen`` is spelled in exactly one place.
"""

from domain.enums import CampaignKind, DrawRole, RespondentGroup, SelectionRule, UnitLevel

__all__ = ["CampaignKind", "DrawRole", "RespondentGroup", "SelectionRule", "UnitLevel"]
