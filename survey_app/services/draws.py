"""Sampling runs: frames from the accepted lists, the draw, respondents with weights, verify.

One run draws, in this fixed order from one ``numpy.random.Generator(seed)``: the districts,
the officials (census and quota groups, district leaders of the chosen districts) and the
citizens (stratified by procedure field, with reserves). The seed, library version, settings
and a hash of the frames are stored, so :func:`verify` can redraw and compare.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

import sampling
from domain import RespondentGroup, UnitLevel
from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    RespondentStatus,
    ResponseStatus,
    RowStatus,
    SampleRole,
)
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    Campaign,
    DistrictChoice,
    Invitation,
    ListRow,
    Respondent,
    Response,
    SamplingRun,
    Unit,
    UnitList,
    User,
)
from survey_app.services import audit, invitations, responses


@dataclass(frozen=True)
class Frames:
    """The eligible frames of a campaign, from the current version of every list."""

    citizens: pd.DataFrame
    officials: pd.DataFrame
    districts: pd.DataFrame
    rows: dict[int, ListRow] = field(repr=False)

    def hash(self) -> str:
        """One SHA-256 over the three frame hashes (row order does not matter)."""
        parts = [
            sampling.frame_hash(self.citizens) if len(self.citizens) else "-",
            sampling.frame_hash(self.officials, label="group") if len(self.officials) else "-",
            hashlib.sha256(
                self.districts.sort_values("code").to_csv(index=False).encode()
            ).hexdigest(),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Draw:
    """A complete draw before it is stored."""

    districts: sampling.DistrictSelection
    officials: sampling.OfficialsDraw
    citizens: sampling.CitizenDraw | None
    frame_hash: str


def settings_of(campaign: Campaign) -> sampling.SamplingSettings:
    """The campaign's sampling settings (defaults: 30 + 10 reserves, 4 districts, quotas)."""
    return sampling.SamplingSettings.from_dict(campaign.settings.get("sampling", {}))


def build_frames(session: Session, campaign: Campaign) -> Frames:
    """Eligible rows of current lists as sampling frames (person_id = list row id)."""
    query = (
        select(ListRow, UnitList.group, Unit.code)
        .join(UnitList, ListRow.list_id == UnitList.id)
        .join(Unit, UnitList.unit_id == Unit.id)
        .where(
            UnitList.campaign_id == campaign.id,
            UnitList.is_current,
            ListRow.status == RowStatus.ELIGIBLE,
        )
    )
    citizens, officials, rows = [], [], {}
    for row, group, unit_code in session.execute(query):
        rows[row.id] = row
        if group is RespondentGroup.CITIZEN:
            citizens.append((unit_code, str(row.id), row.field or "(không rõ lĩnh vực)"))
        else:
            officials.append((unit_code, str(row.id), group.value))
    districts = [
        (u.code, u.tier or 1, u.size or 0, u.parent.code if u.parent else "")
        for u in session.scalars(
            select(Unit).where(Unit.campaign_id == campaign.id, Unit.level == UnitLevel.DISTRICT)
        )
    ]
    return Frames(
        citizens=pd.DataFrame(citizens, columns=["unit_code", "person_id", "field"]),
        officials=pd.DataFrame(officials, columns=["unit_code", "person_id", "group"]),
        districts=pd.DataFrame(districts, columns=["code", "tier", "size", "province_code"]),
        rows=rows,
    )


def draw(
    frames: Frames,
    seed: int,
    settings: sampling.SamplingSettings,
    overrides: Sequence[sampling.DistrictOverride] = (),
) -> Draw:
    """The whole draw from one generator, in a fixed order (districts, officials, citizens)."""
    rng = np.random.default_rng(seed)
    if frames.districts.empty:
        raise ServiceError("no_districts")
    districts = sampling.select_districts(
        frames.districts, rng, settings.districts, tuple(overrides)
    )
    officials = sampling.draw_officials(
        frames.officials, rng, settings.quotas, chosen_districts=districts.chosen_codes
    )
    citizens = (
        sampling.draw_citizens(frames.citizens, rng, settings.citizens)
        if len(frames.citizens)
        else None
    )
    return Draw(districts, officials, citizens, frames.hash())


def save_settings(
    session: Session,
    campaign: Campaign,
    actor: User | None,
    *,
    sample_size: int | None,
    reserve_size: int | None,
    districts: int | None,
) -> sampling.SamplingSettings:
    """Check and store the administrator's sampling settings (audited); ``bad_sampling_settings``
    when a value is missing or out of range."""
    try:
        settings = sampling.SamplingSettings.from_dict(
            {
                "citizens": {"sample_size": sample_size, "reserve_size": reserve_size},
                "districts": {"districts_per_province": districts},
            }
        )
    except (sampling.SamplingError, TypeError, ValueError) as exc:
        raise ServiceError("bad_sampling_settings") from exc
    lock_campaign(session, campaign.id)  # merge into what is stored now, not what was read
    session.refresh(campaign)
    campaign.settings = {**campaign.settings, "sampling": settings.to_dict()}
    session.flush()
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        target="sampling settings",
        **settings.to_dict(),
    )
    return settings


def expected_forms(session: Session, campaign: Campaign) -> list[dict[str, Any]]:
    """Drawn people per group beside what the Ministry's plan expects (empty before a draw)."""
    drawn = counts(session, campaign)
    if not len(drawn):
        return []
    sampled = drawn[drawn["role"] == sampling.Role.SAMPLE.value]
    by_group = {
        RespondentGroup(str(g)): int(n) for g, n in sampled.groupby("group")["count"].sum().items()
    }
    return _records(sampling.compare_with_expected(by_group))


def preview(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Frame size, sample size and expected forms per unit and group; nothing is drawn."""
    frames = build_frames(session, campaign)
    return sampling.preview_plan(settings_of(campaign), frames.citizens, frames.officials)


def run(
    session: Session,
    campaign: Campaign,
    seed: int,
    actor: User | None,
    overrides: Sequence[sampling.DistrictOverride] = (),
) -> SamplingRun:
    """Draw and store the respondents, replacing an earlier draw that has no invitations yet.

    The campaign's lock is taken first (issuing invitations takes it too), so "once invitations
    exist the sample changes only by replacement" holds under concurrency: a run waits for an
    issuing step to commit and then sees its invitations, and an issuing step waits for a run.
    """
    lock_campaign(session, campaign.id)
    if session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.campaign_id == campaign.id)
    ):
        raise ServiceError("sample_in_use")
    frames = build_frames(session, campaign)
    settings = settings_of(campaign)
    result = draw(frames, seed, settings, overrides)
    session.execute(delete(Respondent).where(Respondent.campaign_id == campaign.id))
    stored = SamplingRun(
        campaign_id=campaign.id,
        seed=seed,
        library_version=sampling.SAMPLING_VERSION,
        settings={
            **settings.to_dict(),
            "district_overrides": [
                {"code": o.code, "include": o.include, "reason": o.reason} for o in overrides
            ],
        },
        frame_hash=result.frame_hash,
        summary=_summary(result),
        created_by_id=actor.id if actor else None,
    )
    session.add(stored)
    session.flush()
    _store_districts(session, campaign, stored, result.districts)
    _store_respondents(session, campaign, stored, frames, result)
    audit.record(
        session,
        AuditAction.SAMPLING_RUN,
        user=actor,
        campaign_id=campaign.id,
        target=f"run {stored.id}",
        seed=seed,
        frame_hash=result.frame_hash,
        overrides=len(overrides),
    )
    return stored


def _summary(result: Draw) -> dict[str, Any]:
    counts = result.officials.rows.groupby("group").size().to_dict()
    summary: dict[str, Any] = {
        "officials": {str(k): int(v) for k, v in counts.items()},
        "chosen_districts": list(result.districts.chosen_codes),
    }
    if result.citizens is not None:
        rows = result.citizens.rows
        summary["citizens"] = int((rows["role"] == sampling.Role.SAMPLE).sum())
        summary["reserves"] = int((rows["role"] == sampling.Role.RESERVE).sum())
        summary["shortfalls"] = [
            {"unit_code": s.unit_code, "shortfall": s.shortfall} for s in result.citizens.shortfalls
        ]
    return summary


def _store_districts(
    session: Session,
    campaign: Campaign,
    run_row: SamplingRun,
    selection: sampling.DistrictSelection,
) -> None:
    districts = list(
        session.scalars(
            select(Unit).where(Unit.campaign_id == campaign.id, Unit.level == UnitLevel.DISTRICT)
        )
    )
    units = {u.code: u.id for u in districts}
    names = {u.code: u.name for u in districts}
    for rec in selection.districts.to_dict("records"):
        session.add(
            DistrictChoice(
                run_id=run_row.id,
                unit_id=units[str(rec["code"])],
                chosen=bool(rec["chosen"]),
                reason=str(rec["reason"]),
                details={
                    "detail": str(rec.get("detail") or ""),
                    "name": names[str(rec["code"])],
                    "tier": int(rec["tier"]),
                    "size": int(rec["size"]),
                },
                override_reason=rec.get("override_reason") or None,
            )
        )


def _store_respondents(
    session: Session, campaign: Campaign, run_row: SamplingRun, frames: Frames, result: Draw
) -> None:
    province = session.scalar(
        select(Unit).where(Unit.campaign_id == campaign.id, Unit.level == UnitLevel.PROVINCE)
    )
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    records = []
    for rec in _records(result.officials.rows):
        records.append(
            _respondent(
                frames,
                units,
                province,
                run_row,
                rec,
                RespondentGroup(rec["group"]),
                stratum=str(rec["unit_code"]),
            )
        )
    if result.citizens is not None:
        for rec in _records(result.citizens.rows):
            records.append(
                _respondent(
                    frames,
                    units,
                    None,
                    run_row,
                    rec,
                    RespondentGroup.CITIZEN,
                    stratum=str(rec["field"]),
                )
            )
    session.add_all(records)
    session.flush()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a draw as dicts keyed by column name."""
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def _respondent(
    frames: Frames,
    units: dict[str, Unit],
    rated: Unit | None,
    run_row: SamplingRun,
    rec: dict[str, Any],
    group: RespondentGroup,
    stratum: str,
) -> Respondent:
    row = frames.rows[int(rec["person_id"])]
    unit = units[str(rec["unit_code"])]
    reserve = rec.get("role") == sampling.Role.RESERVE
    weight = rec.get("weight")
    return Respondent(
        campaign_id=run_row.campaign_id,
        run_id=run_row.id,
        unit_id=unit.id,
        rated_unit_id=(rated or unit).id,
        list_row_id=row.id,
        group=group,
        sample_role=SampleRole.RESERVE if reserve else SampleRole.SAMPLE,
        status=RespondentStatus.RESERVE if reserve else RespondentStatus.ACTIVE,
        reserve_rank=int(rec["reserve_rank"]) if reserve else None,
        stratum=stratum[:200],
        weight=float(weight) if weight is not None and not pd.isna(weight) else 1.0,
        full_name=row.full_name or "",
        phone=row.phone,
        email=row.email,
        position=row.position,
    )


def unit_respondents(session: Session, unit: Unit) -> list[Respondent]:
    """A unit's drawn people: the sample, then the reserves in rank order."""
    return list(
        session.scalars(
            select(Respondent)
            .where(Respondent.unit_id == unit.id)
            .order_by(Respondent.sample_role, Respondent.reserve_rank, Respondent.full_name)
        )
    )


def latest_run(session: Session, campaign: Campaign) -> SamplingRun | None:
    return session.scalar(
        select(SamplingRun)
        .where(SamplingRun.campaign_id == campaign.id)
        .order_by(SamplingRun.id.desc())
    )


def district_choices(session: Session, run_row: SamplingRun) -> list[DistrictChoice]:
    return list(
        session.scalars(
            select(DistrictChoice)
            .where(DistrictChoice.run_id == run_row.id)
            .order_by(DistrictChoice.chosen.desc(), DistrictChoice.id)
        )
    )


@dataclass(frozen=True)
class Verification:
    frame_hash_matches: bool
    same_list: bool
    differences: int

    @property
    def matches(self) -> bool:
        return self.frame_hash_matches and self.same_list


def verify(session: Session, campaign: Campaign, run_row: SamplingRun) -> Verification:
    """Redraw with the stored seed and settings from today's frames and compare.

    Citizens go through the library's ``sampling.verify_citizen_draw``: roles, reserve ranks
    and weights, with reserve replacements undone; officials by who was drawn.
    """
    frames = build_frames(session, campaign)
    settings = sampling.SamplingSettings.from_dict(run_row.settings)
    overrides = [
        sampling.DistrictOverride(o["code"], o["include"], o["reason"])
        for o in run_row.settings.get("district_overrides", [])
    ]
    redrawn = draw(frames, run_row.seed, settings, overrides)
    stored = list(
        session.scalars(
            select(Respondent)
            .where(Respondent.run_id == run_row.id)
            .options(joinedload(Respondent.unit))
        )
    )
    citizens = [r for r in stored if r.group is RespondentGroup.CITIZEN]
    differences = len(
        {int(p) for p in redrawn.officials.rows["person_id"]}
        ^ {r.list_row_id for r in stored if r.group is not RespondentGroup.CITIZEN}
    )
    if redrawn.citizens is not None:
        checked = sampling.verify_citizen_draw(
            frames.citizens, _draw_rows(citizens), redrawn.citizens.provenance
        )
        differences += len(checked.differences)
    elif citizens:
        differences += len(citizens)
    return Verification(redrawn.frame_hash == run_row.frame_hash, differences == 0, differences)


def counts(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Active respondents by group and unit, with reserves, for the page and export."""
    query = (
        select(Unit.code, Unit.name, Respondent.group, Respondent.sample_role, func.count())
        .join(Unit, Respondent.unit_id == Unit.id)
        .where(Respondent.campaign_id == campaign.id)
        .group_by(Unit.code, Unit.name, Respondent.group, Respondent.sample_role)
    )
    frame = pd.DataFrame(
        session.execute(query).all(), columns=["unit_code", "unit_name", "group", "role", "count"]
    )
    return frame


def replace(
    session: Session, respondent: Respondent, reason: str, actor: User | None
) -> Respondent:
    """Replace an unreachable sampled citizen by the next reserve (same field first).

    The replacement takes the replaced person's weight, so the commune's weights still sum to
    its eligible count; the old invitation is revoked and the replacement needs a new one.

    Decided under locks, never on what was read before: the campaign's (two replacements
    cannot pick the same reserve), then the person's response row (a submission racing the
    replacement either committed first, and the person is not replaceable, or waits and then
    finds the link revoked).
    """
    lock_campaign(session, respondent.campaign_id)
    session.refresh(respondent)
    invitation = session.scalar(select(Invitation).where(Invitation.respondent_id == respondent.id))
    if (
        respondent.group is not RespondentGroup.CITIZEN
        or respondent.status is not RespondentStatus.ACTIVE
        or (invitation is not None and not responses.hold_unsubmitted(session, invitation))
    ):
        raise ServiceError("not_replaceable")
    peers = list(
        session.scalars(
            select(Respondent)
            .where(
                Respondent.run_id == respondent.run_id,
                Respondent.unit_id == respondent.unit_id,
                Respondent.group == RespondentGroup.CITIZEN,
            )
            .execution_options(populate_existing=True)
        )
    )
    try:
        result = sampling.replace_respondent(
            _draw_rows(peers), respondent.unit.code, str(respondent.list_row_id)
        )
    except sampling.ReplacementError as exc:
        raise ServiceError("no_reserve") from exc
    chosen = next(p for p in peers if str(p.list_row_id) == result.replacement)
    respondent.status = RespondentStatus.REPLACED
    chosen.status, chosen.replaces_id = RespondentStatus.ACTIVE, respondent.id
    chosen.weight, chosen.replacement_reason = respondent.weight, reason[:2000]
    chosen.interviewer_id = respondent.interviewer_id
    if invitation is not None:
        invitations.revoke(session, invitation)
    session.flush()
    audit.record(
        session,
        AuditAction.RESPONDENT_REPLACED,
        user=actor,
        campaign_id=respondent.campaign_id,
        target=str(respondent.id),
        replacement=chosen.id,
        reserve_rank=result.reserve_rank,
        same_field=result.same_field,
        reason=reason[:500],
    )
    return chosen


def _submitted(session: Session, respondent: Respondent) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Response)
            .join(Invitation)
            .where(
                Invitation.respondent_id == respondent.id,
                Response.status == ResponseStatus.SUBMITTED,
            )
        )
    )


def _draw_rows(peers: list[Respondent]) -> pd.DataFrame:
    """Stored citizen respondents in the shape of a CitizenDraw's rows (a replacement names
    the list row of the person it replaced)."""
    row_of = {p.id: p.list_row_id for p in peers}
    return pd.DataFrame(
        [
            {
                "unit_code": p.unit.code,
                "person_id": str(p.list_row_id),
                "field": p.stratum,
                "role": p.status.draw_role.value,
                "reserve_rank": float(p.reserve_rank) if p.reserve_rank else np.nan,
                "weight": p.weight if p.status is not RespondentStatus.RESERVE else np.nan,
                "stratum_size": np.nan,
                "stratum_sample": np.nan,
                "replaces": str(row_of[p.replaces_id]) if p.replaces_id in row_of else None,
            }
            for p in peers
        ],
        columns=list(sampling.DRAW_COLUMNS),
    )
