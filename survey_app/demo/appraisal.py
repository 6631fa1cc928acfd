"""Plausible appraisal points for the demo province (what the appraisal council would give)."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from questionnaires import Method
from survey_app.persistence.models import Campaign
from survey_app.services.appraisal import (
    AppraisalRow,
    campaign_tree,
    indexed_units,
    store_points,
)


def seed(session: Session, campaign: Campaign, rng: np.random.Generator) -> int:
    """Plausible appraisal points (70-100 % of each maximum, varying by unit) for every unit
    the design gives an index, on the tree of its level; a few sub-criteria marked not
    applicable."""
    units = {u.code: u for u in indexed_units(session, campaign)}
    rows = []
    for code, unit in units.items():
        tree = campaign_tree(session, campaign, unit.level)
        leaves = [r for r in tree.flatten() if r.method is Method.APPRAISAL]
        quality = float(np.clip(rng.normal(0.88, 0.05), 0.7, 0.99))
        for leaf in leaves:
            if rng.random() < 0.02:
                rows.append(AppraisalRow(0, code, leaf.code, "", True))
                continue
            share = float(np.clip(rng.normal(quality, 0.08), 0.5, 1.0))
            points = round(leaf.max_points * share * 4) / 4
            rows.append(AppraisalRow(0, code, leaf.code, f"{points:g}", False))
    return store_points(session, campaign, rows, units, None, "demo") if rows else 0
