"""Sampling runs: the draw stored as respondents with weights, replacements, verification.

The plan, the frames and the draw itself are in :mod:`survey_app.services.sample_plan`; here
a run is stored (seed, library version, plan, frame hash), replaces an earlier draw that has
no invitations yet, and can be redrawn and compared by :func:`verify`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

import sampling
from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    RespondentStatus,
    SampleRole,
)
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    Campaign,
    DistrictChoice,
    Invitation,
    Respondent,
    SamplingRun,
    Unit,
    User,
)
from survey_app.services import audit, invitations, responses
from survey_app.services import designs as designs_service
from survey_app.services.sample_plan import (
    Draw,
    Frames,
    Plan,
    build_frames,
    campaign_plan,
    draw,
)


def expected_forms(session: Session, campaign: Campaign) -> list[dict[str, Any]]:
    """Drawn people per group beside what the Ministry's plan expects, for the groups the plan
    names (empty before a draw)."""
    drawn = counts(session, campaign)
    if not len(drawn):
        return []
    sampled = drawn[drawn["role"] == sampling.Role.SAMPLE.value]
    by_group = {str(g): int(n) for g, n in sampled.groupby("group")["count"].sum().items()}
    return _records(sampling.compare_with_expected(by_group))


def replaceable_groups(campaign: Campaign) -> frozenset[str]:
    """Groups whose people can be replaced by a reserve (the stratified ones)."""
    return frozenset(g.code for g in campaign_plan(campaign).stratified)


def save_sizes(
    session: Session,
    campaign: Campaign,
    actor: User | None,
    sizes: Mapping[str, Mapping[str, int | None]],
) -> None:
    """Change groups' sample sizes, reserves, quotas or numbers of chosen units (the sampling
    page), each group as ``{"sample_size": 30, "reserve_size": 10}`` and so on; the design
    checks the values (DesignRefused) and is saved under the campaign's lock, taken before
    the design is read (a concurrent edit is kept)."""
    lock_campaign(session, campaign.id)
    session.refresh(campaign)
    design = designs_service.design_of(campaign)
    groups = []
    for group in design.groups:
        changes: dict[str, Any] = {
            k: v for k, v in sizes.get(group.code, {}).items() if v is not None
        }
        if changes:
            selection = dataclasses.replace(group.selection, **changes)
            if "per_parent" in changes:
                selection = dataclasses.replace(selection, min_per_parent=None, max_per_parent=None)
            group = dataclasses.replace(group, selection=selection)
        groups.append(group)
    designs_service.save_design(
        session, campaign, dataclasses.replace(design, groups=tuple(groups)), actor
    )


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
    plan = campaign_plan(campaign)
    frames = build_frames(session, campaign, plan)
    result = draw(frames, seed, plan, overrides)
    session.execute(delete(Respondent).where(Respondent.campaign_id == campaign.id))
    stored = SamplingRun(
        campaign_id=campaign.id,
        seed=seed,
        library_version=sampling.SAMPLING_VERSION,
        settings={
            **plan.to_dict(),
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
    _store_districts(session, campaign, stored, result)
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
        "chosen_units": {
            level: list(selection.chosen_codes) for level, selection in result.chosen.items()
        },
        "stratified": {},
    }
    for code, drawn in result.stratified.items():
        rows = drawn.rows
        summary["stratified"][code] = {
            "sample": int((rows["role"] == sampling.Role.SAMPLE).sum()),
            "reserves": int((rows["role"] == sampling.Role.RESERVE).sum()),
            "shortfalls": [
                {"unit_code": s.unit_code, "shortfall": s.shortfall} for s in drawn.shortfalls
            ],
        }
    return summary


def _store_districts(
    session: Session,
    campaign: Campaign,
    run_row: SamplingRun,
    result: Draw,
) -> None:
    """Why each unit of a chosen level was or was not chosen (the district choices)."""
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    for selection in result.chosen.values():
        for rec in selection.districts.to_dict("records"):
            unit = units[str(rec["code"])]
            session.add(
                DistrictChoice(
                    run_id=run_row.id,
                    unit_id=unit.id,
                    chosen=bool(rec["chosen"]),
                    reason=str(rec["reason"]),
                    details={
                        "detail": str(rec.get("detail") or ""),
                        "name": unit.name,
                        "tier": int(rec["tier"]),
                        "size": int(rec["size"]),
                        "level": unit.level,
                    },
                    override_reason=rec.get("override_reason") or None,
                )
            )


def _store_respondents(
    session: Session, campaign: Campaign, run_row: SamplingRun, frames: Frames, result: Draw
) -> None:
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    records = [
        _respondent(frames, units, run_row, rec, str(rec["group"]), stratum=str(rec["unit_code"]))
        for rec in _records(result.officials.rows)
    ]
    for code, drawn in result.stratified.items():
        records += [
            _respondent(frames, units, run_row, rec, code, stratum=str(rec["field"]))
            for rec in _records(drawn.rows)
        ]
    session.add_all(records)
    session.flush()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a draw as dicts keyed by column name."""
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def _respondent(
    frames: Frames,
    units: dict[str, Unit],
    run_row: SamplingRun,
    rec: dict[str, Any],
    group: str,
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
    """Redraw with the stored seed and plan from today's frames and compare.

    Stratified groups go through the library's ``sampling.verify_citizen_draw``: roles,
    reserve ranks and weights, with reserve replacements undone; officials by who was drawn.
    """
    plan = Plan.from_dict(run_row.settings)
    frames = build_frames(session, campaign, plan)
    overrides = [
        sampling.DistrictOverride(o["code"], o["include"], o["reason"])
        for o in run_row.settings.get("district_overrides", [])
    ]
    redrawn = draw(frames, run_row.seed, plan, overrides)
    stored = list(
        session.scalars(
            select(Respondent)
            .where(Respondent.run_id == run_row.id)
            .options(joinedload(Respondent.unit))
        )
    )
    stratified = {g.code for g in plan.stratified}
    differences = len(
        {int(p) for p in redrawn.officials.rows["person_id"]}
        ^ {r.list_row_id for r in stored if r.group not in stratified}
    )
    for code in stratified:
        people = [r for r in stored if r.group == code]
        drawn = redrawn.stratified.get(code)
        if drawn is None:
            differences += len(people)
            continue
        checked = sampling.verify_citizen_draw(
            frames.stratified(code), _draw_rows(people), drawn.provenance
        )
        differences += len(checked.differences)
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
    """Replace an unreachable sampled person of a stratified group (citizens) by the next
    reserve of their unit (same field first).

    The replacement takes the replaced person's weight, so the commune's weights still sum to
    its eligible count; the old invitation is revoked and the replacement needs a new one.

    Decided under locks, never on what was read before: the campaign's (two replacements
    cannot pick the same reserve), then the person's response row (a submission racing the
    replacement either committed first, and the person is not replaceable, or waits and then
    finds the link revoked).
    """
    lock_campaign(session, respondent.campaign_id)
    session.refresh(respondent)
    links = list(
        session.scalars(select(Invitation).where(Invitation.respondent_id == respondent.id))
    )
    stratified = {g.code for g in campaign_plan(respondent.unit.campaign).stratified}
    if (
        respondent.group not in stratified
        or respondent.status is not RespondentStatus.ACTIVE
        or not all(responses.hold_unsubmitted(session, link) for link in links)
    ):
        raise ServiceError("not_replaceable")
    peers = list(
        session.scalars(
            select(Respondent)
            .where(
                Respondent.run_id == respondent.run_id,
                Respondent.unit_id == respondent.unit_id,
                Respondent.group == respondent.group,
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
    # it stands in for the replaced person in their stratum (sampling/replacement.py), also
    # when taken from another field: the stratum's weights keep summing to its N_h
    chosen.stratum = respondent.stratum
    chosen.interviewer_id = respondent.interviewer_id
    for link in links:
        invitations.revoke(session, link)
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


def _draw_rows(peers: list[Respondent]) -> pd.DataFrame:
    """Stored respondents of a stratified group in the shape of a CitizenDraw's rows (a
    replacement names the list row of the person it replaced)."""
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
