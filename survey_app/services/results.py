"""Scores of a campaign: survey points, weighted estimates, SIPAS, the PAR Index and ranking.

The service reads the stored responses (:mod:`results_data`) and appraisal points, and hands
DataFrames to the pure :mod:`analysis` library; every number on the analyst's pages and in the
exports comes from :func:`compute`. Rules chosen here (DOMAIN.md §9):

* the rated unit of a response is the respondent's ``rated_unit`` or else their own unit;
* survey points of a tree leaf are the pooled points of its questions, scaled to the leaf's
  maximum over the questions with valid answers;
* a survey leaf without any valid answer for a unit, and a SIPAS leaf of a unit without SIPAS
  data, are not applicable for that unit (both numerator and maximum leave the index);
* units are ranked within their peer group, which is their level (departments, districts...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.criteria import CriteriaTree as AnalysisTree
from analysis.criteria import ScoringMethod, criteria_tree
from analysis.design import DesignColumns
from analysis.estimation import Statistic, weighted_estimates_by_level
from analysis.par_index import ParIndexResult, par_index
from analysis.ranking import classify, rank_units
from analysis.scoring import QUESTION_MAP_COLUMNS, SurveyPoints, survey_points
from analysis.sipas import SipasInstrument, SipasLevel, sipas_indices
from questionnaires import CriteriaTree, IntegrityTopic, SipasElement
from survey_app.persistence.models import AppraisalPoint, Campaign, Unit
from survey_app.services import criteria_trees
from survey_app.services.results_data import (
    ResponseData,
    load_responses,
    option_share,
    scored,
    wide_frame,
)
from survey_app.services.results_settings import AnalysisSettings, settings_of
from survey_app.services.results_state import Freshness

ESTIMATE_LEVELS = {
    "unit": ("rated_unit",),
    "group": ("group",),
    "district": ("district",),
    "province": ("province",),
}
SIPAS_LEVELS = {"commune": ("commune",), "district": ("district",), "province": ("province",)}
FIELD_PREFIX = "field:"


def design_columns(settings: AnalysisSettings) -> DesignColumns:
    """The design of a campaign's responses: strata as drawn, a person's forms (one per unit
    they rate) one cluster (their answers are not independent, so a group's or a province's
    standard error counts people, not forms), and each stratum's eligible count for the
    finite-population correction unless the design turns it off."""
    finite = settings.estimation.finite_population
    return DesignColumns(psu="person", pop_size="stratum_population" if finite else None)


@dataclass(frozen=True)
class CampaignResults:
    """Everything the analyst's pages, the API and the exports show for one campaign."""

    campaign: Campaign
    settings: AnalysisSettings
    data: ResponseData
    tree: CriteriaTree
    question_map: pd.DataFrame
    survey: SurveyPoints | None
    estimates: dict[str, pd.DataFrame]
    sipas: dict[str, SipasLevel] | None
    index: ParIndexResult | None
    ranking: pd.DataFrame
    freshness: Freshness | None = None
    """When and from what state it was computed (set when read from :mod:`results_store`)."""
    unit_trees: Mapping[str, CriteriaTree] = dataclasses.field(default_factory=dict)
    """The criteria tree each rated unit is scored on, by unit code."""
    appraisal: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """The appraisal points the index was computed with (``load_appraisal``)."""

    def tree_of_unit(self, code: str) -> CriteriaTree:
        """The criteria tree the unit is scored on (the campaign's, when it is not rated)."""
        return self.unit_trees.get(code, self.tree)

    def unit_name(self, code: str) -> str:
        unit = self.data.units.get(code)
        return unit.name if unit is not None else code


def compute(
    session: Session, campaign: Campaign, data: ResponseData | None = None
) -> CampaignResults:
    """Load the campaign's submitted responses (unless ``data`` holds them already) and
    appraisal points and compute every result.

    Units are scored on the criteria tree of their level (``settings.tree_of``): an index of
    agencies and communes scores each on its own tree, and the tables are put together.
    The analyst's pages read these through :mod:`results_store`, computed once per state.
    """
    settings = settings_of(campaign)
    data = load_responses(session, campaign) if data is None else data
    trees = criteria_trees.available(session)
    tree = trees[settings.criteria_tree]
    qmap = question_map(data, tree)
    answers = long_answers(data, qmap)  # read once: at national size, millions of rows
    estimates = field_estimates(data, qmap, settings, answers)
    sipas = compute_sipas(data, settings)
    appraisal = load_appraisal(session, campaign)
    surveys, indices = [], []
    unit_trees: dict[str, CriteriaTree] = {}
    for name, codes in _units_by_tree(data, appraisal, settings).items():
        part_tree = trees[name]
        unit_trees.update(dict.fromkeys(codes, part_tree))
        part_qmap = qmap if name == settings.criteria_tree else question_map(data, part_tree)
        given = answers if part_qmap is qmap else None
        survey_part = _only(compute_survey_points(data, part_qmap, settings, given), codes)
        surveys.append(survey_part)
        index_part = compute_index(
            part_tree, appraisal[appraisal["unit_code"].isin(codes)], survey_part, sipas, settings
        )
        indices.append(index_part)
    survey = _joined(surveys, SurveyPoints)
    index = _joined(indices, ParIndexResult)
    ranking = rank(index, data, settings) if index is not None else _empty_ranking()
    return CampaignResults(
        campaign,
        settings,
        data,
        tree,
        qmap,
        survey,
        estimates,
        sipas,
        index,
        ranking,
        unit_trees=unit_trees,
        appraisal=appraisal,
    )


def with_appraisal(
    r: CampaignResults, appraisal: pd.DataFrame, trees: Mapping[str, CriteriaTree]
) -> tuple[ParIndexResult | None, pd.DataFrame]:
    """The index and the ranking these results would give with ``appraisal`` in place of
    the stored appraisal points (the council's view before it approves): the survey points
    and SIPAS are the ones computed, only the appraisal part is new."""
    indices = []
    for name, codes in _units_by_tree(r.data, appraisal, r.settings).items():
        part = _only(r.survey, codes)
        indices.append(
            compute_index(
                trees[name],
                appraisal[appraisal["unit_code"].isin(codes)],
                part,
                r.sipas,
                r.settings,
            )
        )
    index = _joined(indices, ParIndexResult)
    ranking = rank(index, r.data, r.settings) if index is not None else _empty_ranking()
    return index, ranking


def _units_by_tree(
    data: ResponseData, appraisal: pd.DataFrame, settings: AnalysisSettings
) -> dict[str, set[str]]:
    """The codes of rated and appraised units, by the criteria tree of their level."""
    codes = set(data.meta["rated_unit"]) | set(appraisal["unit_code"])
    found: dict[str, set[str]] = {}
    for code in sorted(codes):
        unit = data.units.get(code)
        name = settings.tree_of(unit.level) if unit is not None else settings.criteria_tree
        found.setdefault(name, set()).add(code)
    return found


def _only(survey: SurveyPoints | None, codes: set[str]) -> SurveyPoints | None:
    """The survey points of these units only (None when none is left)."""
    if survey is None:
        return None
    kept = SurveyPoints(
        *(
            getattr(survey, f.name)[getattr(survey, f.name)["unit_code"].isin(codes)]
            for f in dataclasses.fields(SurveyPoints)
        )
    )
    return kept if len(kept.sub_criteria) else None


T = TypeVar("T", SurveyPoints, ParIndexResult)


def _joined(parts: list[T | None], kind: type[T]) -> T | None:
    """The tables of several parts, one under the other (None when every part is None)."""
    found = [p for p in parts if p is not None]
    if len(found) <= 1:
        return found[0] if found else None
    return kind(
        *(
            pd.concat([getattr(p, f.name) for p in found], ignore_index=True)
            for f in dataclasses.fields(kind)
        )
    )


def analysis_tree(tree: CriteriaTree) -> AnalysisTree:
    """The questionnaires' criteria tree as the analysis library's flat table."""
    rows = [(r.field, r.criterion, r.code, r.max_points, r.method.value) for r in tree.flatten()]
    return criteria_tree(
        pd.DataFrame(rows, columns=["field", "criterion", "sub_criterion", "max_points", "method"])
    )


def question_map(data: ResponseData, tree: CriteriaTree) -> pd.DataFrame:
    """Scored questions of the instruments in use whose sub-criterion is a survey leaf."""
    leaves = {r.code: r for r in tree.flatten() if r.method.value == ScoringMethod.SURVEY}
    rows: dict[str, tuple[str, str, str, str, float]] = {}
    names = data.question_keys
    for key, instrument in data.instruments.items():
        for q in instrument.questions:
            leaf = leaves.get(q.criterion or "")
            if scored(q) and leaf is not None and q.points is not None:
                name = names[(key, q.id)]
                rows.setdefault(name, (name, leaf.code, leaf.criterion, leaf.field, q.points))
    return pd.DataFrame(list(rows.values()), columns=list(QUESTION_MAP_COLUMNS))


LONG_COLUMNS = ["response_id", "unit_code", "group", "question_id", "share", "weight"]


def long_answers(data: ResponseData, qmap: pd.DataFrame) -> pd.DataFrame:
    """One row per (response, scored question): rated unit, group, share (NaN = don't know).

    Built a question at a time as columns (no Python tuple per answer: at national size that
    is millions of rows), then put back in form order (each form's answers in question order)."""
    parts = []
    mapped = set(qmap["question_id"])
    names = data.question_keys
    for key, instrument in data.instruments.items():
        rows = data.of_instrument(key)
        given = [data.answers[int(r)] for r in rows["response_id"]]
        for q in instrument.questions:
            name = names[(key, q.id)]
            if name not in mapped:
                continue
            answered = np.fromiter((q.id in g for g in given), bool, len(given))
            if not answered.any():
                continue
            shares = np.fromiter((option_share(q, g[q.id]) for g in given if q.id in g), np.float64)
            chosen = rows[answered]
            parts.append(
                pd.DataFrame(
                    {
                        "response_id": chosen["response_id"].to_numpy(),
                        "unit_code": chosen["rated_unit"].to_numpy(),
                        "group": chosen["group"].to_numpy(),
                        "question_id": name,
                        "share": shares,
                        "weight": chosen["weight"].to_numpy(),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=LONG_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)  # question by question; back to form order
    return frame.sort_values(["response_id"], kind="stable", ignore_index=True)


def compute_survey_points(
    data: ResponseData,
    qmap: pd.DataFrame,
    settings: AnalysisSettings,
    answers: pd.DataFrame | None = None,
) -> SurveyPoints | None:
    """Survey points per rated unit (groups pooled by the configured shares), or None
    (``answers``: :func:`long_answers` of ``qmap`` when already at hand)."""
    answers = long_answers(data, qmap) if answers is None else answers
    if answers.empty or not answers["share"].notna().any():
        return None
    return survey_points(answers, qmap, settings.pooling)


def respondent_field_scores(
    data: ResponseData, qmap: pd.DataFrame, answers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per response the percent of points earned in each field (over its answered questions)."""
    answers = long_answers(data, qmap) if answers is None else answers
    valid = answers[answers["share"].notna()]
    by_question = qmap.set_index("question_id")
    max_points = valid["question_id"].map(by_question["max_points"]).astype(np.float64)
    points = pd.DataFrame(
        {
            "response_id": valid["response_id"].to_numpy(),
            "field": valid["question_id"].map(by_question["field"]).to_numpy(),
            "earned": (valid["share"] * max_points).to_numpy(),
            "max_points": max_points.to_numpy(),
        }
    )
    sums = points.groupby(["response_id", "field"])[["earned", "max_points"]].sum()
    percent = (100.0 * sums["earned"] / sums["max_points"]).unstack("field")
    percent.columns = [f"{FIELD_PREFIX}{c}" for c in percent.columns]
    return data.meta.merge(percent, left_on="response_id", right_index=True, how="inner")


def field_estimates(
    data: ResponseData,
    qmap: pd.DataFrame,
    settings: AnalysisSettings,
    answers: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Weighted mean field scores (percent) with SE, CI, deff and n_eff by unit, group, place."""
    if data.empty or qmap.empty:
        return {}
    frame = respondent_field_scores(data, qmap, answers)
    variables = [c for c in frame.columns if c.startswith(FIELD_PREFIX)]
    if frame.empty or not variables:
        return {}
    levels = {name: by for name, by in ESTIMATE_LEVELS.items() if frame[by[0]].notna().any()}
    tables = weighted_estimates_by_level(
        frame,
        variables,
        levels,
        design=design_columns(settings),
        statistic=Statistic.MEAN,
        settings=settings.estimation,
    )
    for table in tables.values():
        table["field"] = table["variable"].str.removeprefix(FIELD_PREFIX)
    return tables


_FACTORS = frozenset(m.value for m in SipasElement)


def sipas_frame(data: ResponseData) -> tuple[pd.DataFrame, SipasInstrument] | None:
    """Citizens' satisfaction answers (1-5) and integrity events (0/1), or None."""
    frames, elements, integrity = [], {}, {}
    for instrument in data.instruments.values():
        sat = [q for q in instrument.questions if q.satisfaction and q.element is not None]
        if not sat:
            continue
        frame = wide_frame(data, instrument, kind="value")
        for q in sat:
            elements.setdefault(q.element.value if q.element else "", []).append(q.id)
        for q in instrument.questions:
            if q.integrity is not None and q.option("yes") and q.option("no"):
                events = [
                    {"yes": 1.0, "no": 0.0}.get(str(data.answers[int(r)].get(q.id)), np.nan)
                    for r in frame["response_id"]
                ]
                frame[f"event:{q.integrity.value}"] = np.asarray(events, dtype=np.float64)
                integrity[q.integrity] = f"event:{q.integrity.value}"
        frames.append(frame)
    if not frames:
        return None
    frame = pd.concat(frames, ignore_index=True)
    instrument = SipasInstrument(
        elements={e: tuple(dict.fromkeys(qs)) for e, qs in elements.items()},
        harassed=integrity.get(IntegrityTopic.HARASSMENT),
        unofficial_money=integrity.get(IntegrityTopic.UNOFFICIAL_PAYMENT),
        parts={e: SipasElement(e).part for e in elements if e in _FACTORS},
    )
    return frame, instrument


def compute_sipas(data: ResponseData, settings: AnalysisSettings) -> dict[str, SipasLevel] | None:
    """SIPAS indices by commune, district and province, or None without citizens' answers."""
    built = sipas_frame(data)
    if built is None:
        return None
    frame, instrument = built
    levels = {name: by for name, by in SIPAS_LEVELS.items() if frame[by[0]].notna().any()}
    if not levels:
        return None
    return sipas_indices(
        frame,
        instrument,
        design=design_columns(settings),
        levels=levels,
        settings=settings.sipas,
        estimation=settings.estimation,
    )


def sipas_by_unit(sipas: dict[str, SipasLevel] | None) -> pd.DataFrame:
    """``unit_code, index_pct``: each commune's, district's and province's overall SIPAS."""
    parts = [
        level.overall.rename(columns={name: "unit_code"})[["unit_code", "index_pct"]]
        for name, level in (sipas or {}).items()
    ]
    if not parts:
        return pd.DataFrame(columns=["unit_code", "index_pct"])
    return pd.concat(parts, ignore_index=True).dropna()


def load_appraisal(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Stored appraisal points: ``unit_code, sub_criterion, points, not_applicable``."""
    rows = session.execute(
        select(
            Unit.code,
            AppraisalPoint.sub_criterion,
            AppraisalPoint.points,
            AppraisalPoint.not_applicable,
        )
        .join(Unit, Unit.id == AppraisalPoint.unit_id)
        .where(AppraisalPoint.campaign_id == campaign.id)
        .order_by(Unit.code, AppraisalPoint.sub_criterion)
    ).all()
    frame = pd.DataFrame(rows, columns=["unit_code", "sub_criterion", "points", "not_applicable"])
    frame["points"] = frame["points"].astype(np.float64)
    frame["not_applicable"] = frame["not_applicable"].astype(bool)
    return frame


def scaled_survey_points(survey: SurveyPoints | None, tree: AnalysisTree) -> pd.DataFrame:
    """Survey points of each (unit, leaf) scaled to the leaf's maximum in the tree."""
    if survey is None:
        return pd.DataFrame(columns=["unit_code", "sub_criterion", "points"])
    table = survey.sub_criteria[survey.sub_criteria["max_points"] > 0]
    leaf_max = table["sub_criterion"].map(tree.table.set_index("sub_criterion")["max_points"])
    return table.assign(points=table["points"] / table["max_points"] * leaf_max)[
        ["unit_code", "sub_criterion", "points"]
    ]


def compute_index(
    qtree: CriteriaTree,
    appraisal: pd.DataFrame,
    survey: SurveyPoints | None,
    sipas: dict[str, SipasLevel] | None,
    settings: AnalysisSettings,
) -> ParIndexResult | None:
    """The PAR Index of every unit rated on the criteria in the survey or with appraisal points."""
    tree = analysis_tree(qtree)
    rated = set(survey.sub_criteria["unit_code"]) if survey is not None else set()
    units = sorted(rated | set(appraisal["unit_code"]))
    if not units:
        return None
    surveyed = scaled_survey_points(survey, tree)
    sipas_units = sipas_by_unit(sipas)
    not_applicable = pd.concat(
        [
            appraisal.loc[appraisal["not_applicable"], ["unit_code", "sub_criterion"]],
            _without_data(units, tree, ScoringMethod.SURVEY, surveyed),
            _without_data(units, tree, ScoringMethod.SIPAS, sipas_units),
        ],
        ignore_index=True,
    )
    points = appraisal.loc[~appraisal["not_applicable"], ["unit_code", "sub_criterion", "points"]]
    return par_index(tree, units, points, surveyed, sipas_units, not_applicable, settings.par_index)


def _without_data(
    units: list[str], tree: AnalysisTree, method: ScoringMethod, found: pd.DataFrame
) -> pd.DataFrame:
    """(unit, leaf) pairs of ``method`` leaves for which ``found`` has no value."""
    leaves = tree.table.loc[tree.table["method"] == method.value, ["sub_criterion"]]
    grid = pd.DataFrame({"unit_code": units}).merge(leaves, how="cross")
    if "sub_criterion" in found.columns:
        have = set(zip(found["unit_code"], found["sub_criterion"], strict=True))
        keep = [
            (u, s) not in have
            for u, s in zip(grid["unit_code"], grid["sub_criterion"], strict=True)
        ]
    else:
        keep = list(~grid["unit_code"].isin(set(found["unit_code"])))
    return grid[keep]


RANKING_COLUMNS = [
    "unit_code",
    "unit_name",
    "peer_group",
    "points",
    "max_points",
    "index_pct",
    "rank",
    "band_national",
    "band_provincial",
    "has_survey",
    "rescaled_points",
    "responses",
    "missing",
]


def rank(index: ParIndexResult, data: ResponseData, settings: AnalysisSettings) -> pd.DataFrame:
    """Totals ranked within peer groups (unit levels) with both band schemes; units of a level
    the design does not rank (``ranked: false``) keep their index but are left out here."""
    totals = index.totals.copy()
    units = data.units
    totals["unit_name"] = totals["unit_code"].map(lambda c: units[c].name if c in units else c)
    totals["peer_group"] = totals["unit_code"].map(lambda c: units[c].level if c in units else "")
    totals = totals[~totals["peer_group"].isin(settings.unranked_levels)]
    ranked = rank_units(totals)
    ranked["band_national"] = classify(ranked["index_pct"], settings.national_bands)
    ranked["band_provincial"] = classify(ranked["index_pct"], settings.provincial_bands)
    counts = data.meta.groupby("rated_unit").size()
    ranked["responses"] = ranked["unit_code"].map(counts).fillna(0).astype(np.int64)
    missing = index.sub_criteria.groupby("unit_code")["missing"].sum()
    ranked["missing"] = ranked["unit_code"].map(missing).fillna(0).astype(np.int64)
    return ranked.sort_values(["peer_group", "rank", "unit_code"], ignore_index=True)[
        RANKING_COLUMNS
    ]


def _empty_ranking() -> pd.DataFrame:
    return pd.DataFrame(columns=RANKING_COLUMNS)
