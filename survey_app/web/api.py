"""A read-only JSON API for analysts, described by ``openapi.json`` (OpenAPI 3.1)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, abort

from analysis.reproducibility import to_jsonable
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import roles_required
from survey_app.services import campaigns, exports, results
from survey_app.web.helpers import results_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SPEC = Path(__file__).with_name("openapi.json")
ANALYSTS = (Role.ANALYST, Role.ADMIN)


def _value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON objects; NaN and NA become null."""
    return [{str(k): _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _results(campaign_id: int) -> results.CampaignResults:
    try:
        campaign = campaigns.get_campaign(get_session(), campaign_id)
    except ServiceError:
        abort(404)
    return results_of(campaign)


def _envelope(r: results.CampaignResults, kind: str, data: Any) -> dict[str, Any]:
    frame = exports.table(r, kind)
    return {
        "campaign": {"id": r.campaign.id, "name": r.campaign.name, "year": r.campaign.year},
        "responses": len(r.data.meta),
        "provenance": {"data_hash": exports.frame_hash(frame), "settings": to_jsonable(r.settings)},
        "data": data,
    }


@bp.get("/openapi.json")
@roles_required(*ANALYSTS)
def openapi() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return spec


@bp.get("/campaigns/<int:campaign_id>/scores")
@roles_required(*ANALYSTS)
def scores(campaign_id: int) -> dict[str, Any]:
    r = _results(campaign_id)
    return _envelope(r, "scores", records(exports.scores_table(r)))


@bp.get("/campaigns/<int:campaign_id>/ranking")
@roles_required(*ANALYSTS)
def ranking(campaign_id: int) -> dict[str, Any]:
    r = _results(campaign_id)
    return _envelope(r, "ranking", records(r.ranking))


@bp.get("/campaigns/<int:campaign_id>/sipas")
@roles_required(*ANALYSTS)
def sipas(campaign_id: int) -> dict[str, Any]:
    r = _results(campaign_id)
    return _envelope(r, "sipas", records(exports.sipas_table(r)))


@bp.get("/campaigns/<int:campaign_id>/estimates")
@roles_required(*ANALYSTS)
def estimates(campaign_id: int) -> dict[str, Any]:
    r = _results(campaign_id)
    return _envelope(r, "estimates", records(exports.estimates_table(r)))
