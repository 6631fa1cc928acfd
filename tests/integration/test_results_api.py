"""The JSON API and its OpenAPI description."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey_app.persistence.enums import Role
from tests.integration.results_fixtures import (
    SECRET_NAME,
    SECRET_PHONE,
    results_campaign,
    seed_results,
    staff,
)


@pytest.fixture
def results_id(session: Session) -> int:
    """A campaign built by the factories (the demo's contents change no number here)."""
    return results_campaign(session)


@pytest.fixture
def analyst(app: Flask, results_id: int) -> FlaskClient:
    return staff(app, Role.ANALYST)


def _api_paths(app: Flask) -> set[str]:
    return {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }


def test_openapi_describes_exactly_the_routes(app: Flask, analyst: FlaskClient) -> None:
    spec = analyst.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == _api_paths(app)
    for path, item in spec["paths"].items():
        assert set(item) == {"get"}, path
        declared = {p.get("name") for p in item["get"].get("parameters", [])} | {
            ref["$ref"].rsplit("/", 1)[-1]
            for ref in item["get"].get("parameters", [])
            if "$ref" in ref
        }
        for name in re.findall(r"{(\w+)}", path):
            assert name in declared or "CampaignId" in declared, (path, name)


def test_endpoints_return_documented_fields(
    analyst: FlaskClient, session: Session, results_id: int
) -> None:
    campaign_id = seed_results(session, results_id).campaign_id
    spec = analyst.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for kind, schema in (
        ("scores", "Score"),
        ("ranking", "RankingRow"),
        ("sipas", "SipasRow"),
        ("estimates", "Estimate"),
    ):
        response = analyst.get(f"/api/v1/campaigns/{campaign_id}/{kind}")
        assert response.status_code == 200, kind
        body = response.get_json()
        assert body["responses"] == 47
        assert re.fullmatch(r"[0-9a-f]{64}", body["provenance"]["data_hash"])
        assert body["data"], kind
        for row in body["data"]:
            assert set(schemas[schema]["required"]) <= set(row), (kind, row)
        text = response.get_data(as_text=True)
        assert SECRET_NAME not in text and SECRET_PHONE not in text


def test_ranking_rows_match_the_page_order(
    analyst: FlaskClient, session: Session, results_id: int
) -> None:
    campaign_id = seed_results(session, results_id).campaign_id
    rows = analyst.get(f"/api/v1/campaigns/{campaign_id}/ranking").get_json()["data"]
    departments = [r["unit_code"] for r in rows if r["peer_group"] == "department"]
    assert departments == ["S02", "S04", "S01", "S03"]


def test_unknown_campaign_is_404_and_other_roles_403(app: Flask, results_id: int) -> None:
    assert staff(app, Role.ANALYST).get("/api/v1/campaigns/9999/scores").status_code == 404
    assert staff(app, Role.UNIT_OFFICER).get("/api/v1/openapi.json").status_code == 403
