"""Year-on-year: a unit's index and field points beside its predecessors' in earlier
campaigns (``services/lineage.py`` finds them)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.persistence.models import Campaign, Unit
from survey_app.services import lineage, results

HOW_VI = {
    "this": "Đơn vị này",
    "linked": "Đơn vị tiền thân (đã chọn)",
    "same_code": "Cùng mã ở đợt trước",
    "official": "Đơn vị hành chính cũ hợp thành",
}


@dataclass(frozen=True)
class YearRow:
    """One campaign's figures for the unit or one of its predecessors."""

    campaign_id: int
    campaign_name: str
    year: int
    unit_id: int
    unit_code: str
    unit_name: str
    how: str  # "this", "linked", "same_code", "official"
    index_pct: float | None
    rank: int | None
    fields: dict[str, float] = field(default_factory=dict)  # by field title


def year_on_year(
    session: Session,
    unit: Unit,
    current: results.CampaignResults | None = None,
    compute: Callable[[Session, Campaign], results.CampaignResults] = results.compute,
    computed: dict[int, results.CampaignResults] | None = None,
    lineage_: lineage.Lineage | None = None,
    locale: str = "vi",
) -> list[YearRow]:
    """The unit's row, then its predecessors' rows, newest campaign first; each earlier
    campaign's results are computed once (``current``: the unit's own, when at hand;
    ``computed``: results already computed, by campaign id, filled as it goes)."""
    computed = {} if computed is None else computed
    if current is not None:
        computed[current.campaign.id] = current
    rows = []
    known = lineage_ or lineage.Lineage(session)
    for member, how in [(unit, "this"), *known.earlier_units(unit)]:
        if member.campaign_id not in computed:
            computed[member.campaign_id] = compute(session, member.campaign)
        rows.append(_row(computed[member.campaign_id], member, how, locale))
    return rows


def field_titles(rows: list[YearRow]) -> list[str]:
    """The field titles of every row, in first-seen order (the table's columns)."""
    seen: dict[str, None] = {}
    for row in rows:
        for title in row.fields:
            seen.setdefault(title)
    return list(seen)


def _row(r: results.CampaignResults, unit: Unit, how: str, locale: str = "vi") -> YearRow:
    """One unit's figures in one campaign's results."""
    ranked = r.ranking[r.ranking["unit_code"] == unit.code]
    index_pct = _number(ranked.iloc[0]["index_pct"]) if len(ranked) else None
    rank = int(ranked.iloc[0]["rank"]) if len(ranked) and _number(ranked.iloc[0]["rank"]) else None
    fields: dict[str, float] = {}
    if r.index is not None:
        titles = {f.code: f.title.get(locale) for f in r.tree.fields}
        own = r.index.fields[r.index.fields["unit_code"] == unit.code]
        for item in own.itertuples():
            value = _number(item.index_pct)
            if value is not None:
                fields[titles.get(str(item.field), str(item.field))] = value
    return YearRow(
        r.campaign.id,
        r.campaign.name,
        r.campaign.year,
        unit.id,
        unit.code,
        unit.name,
        how,
        index_pct,
        rank,
        fields,
    )


def _number(value: object) -> float | None:
    """A finite float, else None."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def comparison_table(
    session: Session,
    current: results.CampaignResults,
    compute: Callable[[Session, Campaign], results.CampaignResults] = results.compute,
) -> pd.DataFrame:
    """Every unit of ``current`` that has predecessors, with its and their figures: one
    row per unit and campaign (the export's "So sánh qua các năm" sheet; ``compute``: how
    an earlier campaign's results are had, e.g. from the results store)."""
    computed: dict[int, results.CampaignResults] = {current.campaign.id: current}
    known = lineage.Lineage(session)
    records = []
    units = session.scalars(select(Unit).where(Unit.campaign_id == current.campaign.id))
    for unit in sorted(units, key=lambda u: (u.level, u.name)):
        if not known.earlier_units(unit):
            continue  # nothing to compare: no figures looked up
        rows = year_on_year(
            session, unit, current, compute=compute, computed=computed, lineage_=known
        )
        if len(rows) < 2:
            continue
        for row in rows:
            records.append(
                {
                    "Mã đơn vị": unit.code,
                    "Đơn vị": unit.name,
                    "Năm": row.year,
                    "Đợt khảo sát": row.campaign_name,
                    "Mã đơn vị so sánh": row.unit_code,
                    "Đơn vị so sánh": row.unit_name,
                    "Quan hệ": HOW_VI[row.how],
                    "Chỉ số CCHC (%)": row.index_pct,
                    "Hạng": row.rank,
                    **{f"Lĩnh vực: {title} (%)": value for title, value in row.fields.items()},
                }
            )
    return pd.DataFrame(records)
