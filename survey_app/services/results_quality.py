"""Data quality of a campaign: response rates, Cronbach's alpha, straight-lining and speeding.

Flags are shown to the analyst beside the data; no response is ever removed or down-weighted
because of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.quality import (
    LOW_ALPHA,
    cronbach_alpha,
    response_rates,
    speeding_flags,
    straightlining_flags,
)
from survey_app.persistence.enums import Mode, RespondentStatus, ResponseStatus
from survey_app.persistence.models import Campaign, Invitation, Respondent, Response, Unit
from survey_app.services.results_data import ResponseData, wide_frame
from survey_app.services.results_settings import AnalysisSettings


@dataclass(frozen=True)
class QualityReport:
    """``rates``: unit_code, unit_name, group, invited, submitted, rate. ``alpha``: instrument,
    section, alpha, n_items, n_respondents, alpha_level (``analysis.quality.AlphaLevel``:
    negative, low, not computable or acceptable). ``flags``: response_id, instrument,
    unit_code, mode, straightlined, too_fast (only flagged responses)."""

    rates: pd.DataFrame
    alpha: pd.DataFrame
    flags: pd.DataFrame
    low_alpha: float = LOW_ALPHA
    """The lowest acceptable alpha: below it (and from 0) a section is flagged as low."""

    @property
    def flagged(self) -> int:
        return len(self.flags)


def quality_report(
    session: Session, campaign: Campaign, data: ResponseData, settings: AnalysisSettings
) -> QualityReport:
    return QualityReport(
        unit_response_rates(session, campaign), section_alphas(data), response_flags(data, settings)
    )


def unit_response_rates(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Invited (active respondents with a link) and submitted responses per unit and group."""
    submitted = func.count(Response.id).filter(Response.status == ResponseStatus.SUBMITTED)
    rows = session.execute(
        select(Unit.code, Unit.name, Respondent.group, func.count(Invitation.id), submitted)
        .join(Respondent, Respondent.unit_id == Unit.id)
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Respondent.campaign_id == campaign.id, Respondent.status == RespondentStatus.ACTIVE)
        .group_by(Unit.code, Unit.name, Respondent.group)
        .order_by(Unit.code, Respondent.group)
    ).all()
    counts = pd.DataFrame(
        [(c, n, str(g), int(i), int(s or 0)) for c, n, g, i, s in rows],
        columns=["unit_code", "unit_name", "group", "invited", "submitted"],
    )
    return response_rates(counts)


def _sections(data: ResponseData) -> list[tuple[str, str, list[str]]]:
    """(instrument, section, choice questions of one scale) for every section with >= 2."""
    found = []
    for code, instrument in data.instruments.items():
        for section in instrument.sections:
            items = [
                q.id
                for q in section.questions
                if q.options and any(o.share is not None for o in q.options)
            ]
            if len(items) >= 2:
                found.append((code, section.id, items))
    return found


def section_alphas(data: ResponseData) -> pd.DataFrame:
    """Cronbach's alpha of each section's scored items (shares, or 1-5 Likert values), with
    its :class:`AlphaLevel` (a negative alpha is told apart from a low one)."""
    tables = []
    for code, instrument in data.instruments.items():
        sections = {s: items for c, s, items in _sections(data) if c == code}
        if not sections:
            continue
        frame = _item_frame(data, code)
        table = cronbach_alpha(frame, sections)
        tables.append(table.assign(instrument=instrument.code))
    if not tables:
        return pd.DataFrame(columns=ALPHA_COLUMNS)
    return pd.concat(tables, ignore_index=True)[ALPHA_COLUMNS]


ALPHA_COLUMNS = ["instrument", "section", "alpha", "n_items", "n_respondents", "alpha_level"]


def _item_frame(data: ResponseData, code: str) -> pd.DataFrame:
    instrument = data.instruments[code]
    shares = wide_frame(data, instrument, "share")
    values = wide_frame(data, instrument, "value")
    for column in values.columns.difference(shares.columns):
        shares[column] = values[column]
    return shares


def response_flags(data: ResponseData, settings: AnalysisSettings) -> pd.DataFrame:
    """Responses flagged for straight-lining (any section) or speeding (web answers only)."""
    columns = ["response_id", "instrument", "unit_code", "mode", "straightlined", "too_fast"]
    parts = []
    for code, instrument in data.instruments.items():
        values = wide_frame(data, instrument, "value")
        grids = {s: items for c, s, items in _sections(data) if c == code}
        straight = straightlining_flags(values, grids, settings.quality).any(axis=1)
        web = values["mode"] == Mode.WEB.value
        speed = speeding_flags(values[web], ("instrument",), settings.quality)["too_fast"]
        flags = values[["response_id", "instrument", "unit_code", "mode"]].assign(
            straightlined=straight.to_numpy(bool),
            too_fast=speed.reindex(values.index, fill_value=False).to_numpy(bool),
        )
        parts.append(flags[flags["straightlined"] | flags["too_fast"]])
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
