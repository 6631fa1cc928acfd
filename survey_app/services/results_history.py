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
    figures: dict[int, _Figures] | None = None,
) -> list[YearRow]:
    """The unit's row, then its predecessors' rows, newest campaign first; each earlier
    campaign's results are computed once (``current``: the unit's own, when at hand;
    ``computed``: results already computed, by campaign id, filled as it goes)."""
    computed = {} if computed is None else computed
    figures = {} if figures is None else figures
    if current is not None:
        computed[current.campaign.id] = current
    rows = []
    known = lineage_ or lineage.Lineage(session)
    for member, how in [(unit, "this"), *known.earlier_units(unit)]:
        if member.campaign_id not in computed:
            computed[member.campaign_id] = compute(session, member.campaign)
        r = computed[member.campaign_id]
        if member.campaign_id not in figures:
            figures[member.campaign_id] = _Figures.of(r, locale)
        rows.append(_row(r, member, how, locale, figures[member.campaign_id]))
    return rows


def field_titles(rows: list[YearRow]) -> list[str]:
    """The field titles of every row, in first-seen order (the table's columns)."""
    seen: dict[str, None] = {}
    for row in rows:
        for title in row.fields:
            seen.setdefault(title)
    return list(seen)


@dataclass(frozen=True)
class _Figures:
    """One campaign's figures by unit code, looked up once per campaign (a comparison of a
    whole campaign asks for hundreds of units)."""

    totals: dict[str, tuple[float | None, int | None]]
    fields: dict[str, list[tuple[str, float]]]

    @classmethod
    def of(cls, r: results.CampaignResults, locale: str) -> _Figures:
        totals: dict[str, tuple[float | None, int | None]] = {}
        for row in r.ranking.itertuples():
            rank = _number(row.rank)
            totals.setdefault(
                str(row.unit_code), (_number(row.index_pct), int(rank) if rank else None)
            )
        fields: dict[str, list[tuple[str, float]]] = {}
        if r.index is not None:
            titles = {f.code: f.title.get(locale) for f in r.tree.fields}
            for item in r.index.fields.itertuples():
                value = _number(item.index_pct)
                if value is not None:
                    title = titles.get(str(item.field), str(item.field))
                    fields.setdefault(str(item.unit_code), []).append((title, value))
        return cls(totals, fields)


def _row(
    r: results.CampaignResults,
    unit: Unit,
    how: str,
    locale: str = "vi",
    figures: _Figures | None = None,
) -> YearRow:
    """One unit's figures in one campaign's results."""
    found = figures or _Figures.of(r, locale)
    index_pct, rank = found.totals.get(unit.code, (None, None))
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
        dict(found.fields.get(unit.code, [])),
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
    figures: dict[int, _Figures] = {}
    known = lineage.Lineage(session)
    records = []
    units = session.scalars(select(Unit).where(Unit.campaign_id == current.campaign.id))
    for unit in sorted(units, key=lambda u: (u.level, u.name)):
        if not known.earlier_units(unit):
            continue  # nothing to compare: no figures looked up
        rows = year_on_year(
            session,
            unit,
            current,
            compute=compute,
            computed=computed,
            lineage_=known,
            figures=figures,
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
