"""Analysis settings of a campaign: the design's ``settings.analysis`` and groups' shares.

Everything a result depends on besides the data, recorded with each export. The values are
checked when a design is read (``designs``); here they are only put together.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.settings import (
    BandScheme,
    EstimationSettings,
    ParIndexSettings,
    PoolingSettings,
    QualitySettings,
    SipasSettings,
)
from survey_app.persistence.models import Campaign
from survey_app.services.designs import criteria_tree_name, design_of


@dataclass(frozen=True)
class AnalysisSettings:
    """Everything a result depends on besides the data; recorded with each export.

    ``criteria_tree``: the tree of the campaign's rated units; ``level_trees``: another tree
    for units of some levels (the communes of an index that also rates agencies).
    """

    criteria_tree: str
    level_trees: dict[str, str]
    pooling: PoolingSettings
    estimation: EstimationSettings
    sipas: SipasSettings
    par_index: ParIndexSettings
    national_bands: BandScheme
    provincial_bands: BandScheme
    quality: QualitySettings
    unranked_levels: tuple[str, ...] = ()

    def tree_of(self, level: str) -> str:
        """The criteria tree of units of ``level``."""
        return self.level_trees.get(level, self.criteria_tree)


def settings_of(campaign: Campaign) -> AnalysisSettings:
    """The campaign's analysis settings, from its design."""
    design = design_of(campaign)
    options = design.settings.analysis
    return AnalysisSettings(
        criteria_tree=criteria_tree_name(campaign),
        level_trees=dict(options.level_trees),
        pooling=PoolingSettings(design.group_shares()),
        estimation=options.estimation,
        sipas=options.sipas,
        par_index=options.par_index,
        national_bands=options.national_bands,
        provincial_bands=options.provincial_bands,
        quality=options.quality,
        unranked_levels=tuple(lv.code for lv in design.levels if not lv.ranked),
    )
