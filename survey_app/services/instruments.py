"""Publishing instruments: a (code, version) is stored once with its content hash, never changed."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from questionnaires import (
    Instrument,
    InstrumentError,
    builtin_instruments,
)
from questionnaires.stored import instrument_from_canonical
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    Campaign,
    CampaignEvaluation,
    Invitation,
    Respondent,
    User,
)
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.services import audit, criteria_trees


def builtin(code: str) -> Instrument:
    """The shipped questionnaire a design names (``no_instrument`` when there is none)."""
    instrument = builtin_instruments().get(code)
    if instrument is None:
        raise ServiceError("no_instrument", code=code)
    return instrument


def publish(session: Session, instrument: Instrument) -> InstrumentRow:
    """The stored row of this instrument version, creating it on first use.

    A (code, version) is unique in the database, so two administrators publishing at once
    get one row; ``version_taken`` when a different definition holds that version already (a
    changed questionnaire needs a new version number; a published one never changes).
    """
    existing = version_row(session, instrument.code, instrument.version)
    if existing is None:
        row = InstrumentRow(
            code=instrument.code,
            version=instrument.version,
            content_hash=instrument.content_hash,
            definition=instrument.canonical(),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:  # published by someone else since the read: theirs stands
            existing = version_row(session, instrument.code, instrument.version)
            assert existing is not None
    if existing.content_hash != instrument.content_hash:
        raise ServiceError("version_taken", code=instrument.code, version=instrument.version)
    return existing


def load(row: InstrumentRow) -> Instrument:
    """The instrument of a stored row, rebuilt from its stored definition and checked against
    its content hash (never the shipped file of the same code, which may have moved on)."""
    shipped = builtin_instruments().get(row.code)
    if shipped is not None and shipped.content_hash == row.content_hash:
        return shipped
    return _from_definition(row.content_hash, row.definition, object_session(row))


def load_published(session: Session, instrument_id: int, content_hash: str) -> Instrument:
    """The instrument of a published row known by id and hash: from memory when this process
    has it (the shipped file, or a stored version rebuilt before), else from its stored
    definition (one primary-key read, then remembered)."""
    known = _KNOWN.get(content_hash)
    if known is not None:
        return known
    row = session.get(InstrumentRow, instrument_id)
    if row is None:
        raise ServiceError("no_instrument_version")
    if row.content_hash != content_hash:
        raise ServiceError("instrument_changed", code=row.code, version=row.version)
    instrument = load(row)
    _remember(instrument)
    return instrument


def version_row(session: Session, code: str, version: str | None = None) -> InstrumentRow | None:
    """The stored row of a published version (the latest one when ``version`` is None)."""
    query = select(InstrumentRow).where(InstrumentRow.code == code)
    if version is not None:
        query = query.where(InstrumentRow.version == version)
    return session.scalars(query.order_by(InstrumentRow.id.desc()).limit(1)).first()


_KNOWN: dict[str, Instrument] = {i.content_hash: i for i in builtin_instruments().values()}
"""Shipped questionnaires and stored versions rebuilt in this process, by content hash
(immutable, so never stale)."""


def _from_definition(
    content_hash: str, definition: dict[str, object], session: Session | None
) -> Instrument:
    """A stored definition rebuilt (checked against the criteria trees that exist: shipped,
    and with a session published ones)."""
    known = _KNOWN.get(content_hash)
    if known is not None:
        return known
    try:
        instrument = instrument_from_canonical(
            definition, content_hash, criteria_trees=criteria_trees.available(session)
        )
    except InstrumentError as exc:
        code, version = definition.get("code", ""), definition.get("version", "")
        raise ServiceError("instrument_changed", code=code, version=version) from exc
    _remember(instrument)
    return instrument


def _remember(instrument: Instrument) -> None:
    if len(_KNOWN) < 1024:
        _KNOWN[instrument.content_hash] = instrument


def versions(session: Session, code: str) -> list[InstrumentRow]:
    """Every published version of a questionnaire code, oldest first."""
    query = select(InstrumentRow).where(InstrumentRow.code == code).order_by(InstrumentRow.id)
    return list(session.scalars(query))


def give_version(
    session: Session,
    campaign: Campaign,
    group: str,
    instrument_id: int,
    actor: User | None,
    *,
    replacing: str | None = None,
) -> InstrumentRow:
    """Give a group of ``campaign`` a published questionnaire version.

    By default the version must be of the questionnaire the group answers now; with
    ``replacing`` (the code it answers now) it may be another questionnaire, which the
    campaign's design then names for that group (saved through the design service, so every
    design check holds). Invitations issued from now on use the version; invitations already
    issued keep the one they were given (and their responses are scored with it). Refused
    (``version_not_for_group``) when the questionnaire names respondent groups and this group
    is not one of them."""
    from survey_app.services import designs as designs_service

    lock_campaign(session, campaign.id)
    row = session.get(InstrumentRow, instrument_id) if 0 < instrument_id < 2**63 else None
    if row is None:
        raise ServiceError("no_instrument_version")
    instrument = load(row)
    design = designs_service.design_of(campaign)
    shown = design.group(group).name.in_locale("vi") if design.has_group(group) else group
    groups = instrument.groups
    if groups and "respondent" not in groups and group not in groups:
        raise ServiceError("version_not_for_group", group=shown, code=row.code)
    trees = {designs_service.criteria_tree_name(campaign)} | {
        designs_service.criteria_tree_name(campaign, level.code) for level in design.levels
    }
    if instrument.criteria_tree is not None and instrument.criteria_tree not in trees:
        raise ServiceError("tree_not_of_campaign", code=row.code, tree=instrument.criteria_tree)
    _keeps_scoring(session, campaign, group, row, instrument)
    if replacing is not None and replacing != row.code:
        lines = tuple(
            dataclasses.replace(e, questionnaire=row.code)
            if (e.group, e.questionnaire) == (group, replacing)
            else e
            for e in design.evaluations
        )
        if lines == design.evaluations:
            raise ServiceError("version_not_for_group", group=shown, code=replacing)
        designs_service.save_design(
            session, campaign, dataclasses.replace(design, evaluations=lines), actor
        )
    result = session.execute(
        update(CampaignEvaluation)
        .where(
            CampaignEvaluation.campaign_id == campaign.id,
            CampaignEvaluation.group_code == group,
            CampaignEvaluation.questionnaire == row.code,
        )
        .values(instrument_id=row.id)
    )
    if not getattr(result, "rowcount", 0):
        raise ServiceError("version_not_for_group", group=shown, code=row.code)
    audit.record(
        session,
        AuditAction.CAMPAIGN_UPDATED,
        user=actor,
        campaign_id=campaign.id,
        change="questionnaire_version",
        group=group,
        code=row.code,
        version=row.version,
    )
    return row


def _keeps_scoring(
    session: Session, campaign: Campaign, group: str, row: InstrumentRow, instrument: Instrument
) -> None:
    """Refuse (``version_moves_points``) a version that scores a question the group already
    received, under any version of this questionnaire it was sent, on another criterion or with
    other points: the two would no longer be one question (a changed question needs a new
    name)."""
    sent = session.scalars(
        select(Invitation.instrument_id)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(InstrumentRow, InstrumentRow.id == Invitation.instrument_id)
        .where(
            Respondent.campaign_id == campaign.id,
            Respondent.group == group,
            InstrumentRow.code == row.code,
            Invitation.instrument_id != row.id,
        )
        .distinct()
    )
    for version_id in sent:
        previous = session.get(InstrumentRow, version_id)
        if previous is None:
            continue
        before = {q.id: (q.criterion, q.points) for q in load(previous).questions}
        for q in instrument.questions:
            if q.id in before and before[q.id] != (q.criterion, q.points):
                raise ServiceError(
                    "version_moves_points", code=row.code, version=row.version, question=q.id
                )


def in_force(session: Session, campaign_id: int, group: str, code: str) -> int:
    """The id of the version a group answers ``code`` with: the one given to it, else the
    shipped questionnaire (for an uploaded code, its latest published version), pinned now
    (a conditional write: the first pin wins, so every invitation of the group gets the same
    version)."""
    lock_campaign(session, campaign_id)  # a design save rewrites these lines meanwhile
    line = (
        CampaignEvaluation.campaign_id == campaign_id,
        CampaignEvaluation.group_code == group,
        CampaignEvaluation.questionnaire == code,
    )
    pinned = session.scalar(select(CampaignEvaluation.instrument_id).where(*line).limit(1))
    if pinned is not None:
        return pinned
    shipped = builtin_instruments().get(code)
    latest = version_row(session, code) if shipped is None else None
    row = publish(session, builtin(code)) if latest is None else latest
    session.execute(
        update(CampaignEvaluation)
        .where(*line, CampaignEvaluation.instrument_id.is_(None))
        .values(instrument_id=row.id)
    )
    chosen = session.scalar(select(CampaignEvaluation.instrument_id).where(*line).limit(1))
    return row.id if chosen is None else chosen


@dataclasses.dataclass(frozen=True)
class CampaignLine:
    """One line of who-rates-whom with the questionnaire version its group answers now
    (None until one is given or the first invitation pins the shipped one)."""

    group: str
    questionnaire: str
    rates: str
    level: str | None
    version: InstrumentRow | None


def campaign_lines(session: Session, campaign: Campaign) -> list[CampaignLine]:
    """The campaign's lines, one per (group, questionnaire), in design order."""
    query = (
        select(CampaignEvaluation, InstrumentRow)
        .outerjoin(InstrumentRow, InstrumentRow.id == CampaignEvaluation.instrument_id)
        .where(CampaignEvaluation.campaign_id == campaign.id)
        .order_by(CampaignEvaluation.position)
    )
    lines: dict[tuple[str, str], CampaignLine] = {}
    for line, row in session.execute(query):
        key = (line.group_code, line.questionnaire)
        lines.setdefault(
            key, CampaignLine(line.group_code, line.questionnaire, line.rates, line.level_code, row)
        )
    return list(lines.values())
