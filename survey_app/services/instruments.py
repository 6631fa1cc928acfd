"""Publishing instruments: a (code, version) is stored once with its content hash, never changed."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from questionnaires import (
    Instrument,
    InstrumentError,
    InstrumentRegistry,
    PublishedInstrument,
    builtin_instruments,
)
from questionnaires.stored import instrument_from_canonical
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import Campaign, CampaignEvaluation, User
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.services import audit


def builtin(code: str) -> Instrument:
    """The shipped questionnaire a design names (``no_instrument`` when there is none)."""
    instrument = builtin_instruments().get(code)
    if instrument is None:
        raise ServiceError("no_instrument", code=code)
    return instrument


def publish(session: Session, instrument: Instrument) -> InstrumentRow:
    """The stored row of this instrument version, creating it on first use.

    Raises PublishedInstrumentChangedError when a different definition was published under
    the same (code, version): a changed questionnaire needs a new version.
    """
    rows = list(session.scalars(select(InstrumentRow).where(InstrumentRow.code == instrument.code)))
    registry = InstrumentRegistry.of(
        PublishedInstrument(r.code, r.version, r.content_hash) for r in rows
    )
    registry.publish(instrument)
    existing = next((r for r in rows if r.version == instrument.version), None)
    if existing is not None:
        return existing
    row = InstrumentRow(
        code=instrument.code,
        version=instrument.version,
        content_hash=instrument.content_hash,
        definition=instrument.canonical(),
    )
    session.add(row)
    session.flush()
    return row


def load(row: InstrumentRow) -> Instrument:
    """The instrument of a stored row, rebuilt from its stored definition and checked against
    its content hash (never the shipped file of the same code, which may have moved on)."""
    shipped = builtin_instruments().get(row.code)
    if shipped is not None and shipped.content_hash == row.content_hash:
        return shipped
    return _from_definition(row.content_hash, row.definition)


def load_published(code: str, version: str, content_hash: str) -> Instrument:
    """The instrument published as (code, version, content hash) when it is in memory (the
    shipped file or a stored version loaded before); ``instrument_changed`` otherwise."""
    instrument = builtin_instruments().get(code)
    if instrument is not None and instrument.content_hash == content_hash:
        return instrument
    known = _KNOWN.get(content_hash)
    if known is None or known.code != code or known.version != version:
        raise ServiceError("instrument_changed", code=code, version=version)
    return known


def version_row(session: Session, code: str, version: str | None = None) -> InstrumentRow | None:
    """The stored row of a published version (the latest one when ``version`` is None)."""
    query = select(InstrumentRow).where(InstrumentRow.code == code)
    if version is not None:
        query = query.where(InstrumentRow.version == version)
    return session.scalars(query.order_by(InstrumentRow.id.desc()).limit(1)).first()


_KNOWN: dict[str, Instrument] = {}
"""Stored versions rebuilt in this process, by content hash (immutable, so never stale)."""


def _from_definition(content_hash: str, definition: dict[str, object]) -> Instrument:
    known = _KNOWN.get(content_hash)
    if known is not None:
        return known
    try:
        instrument = instrument_from_canonical(definition, content_hash)
    except InstrumentError as exc:
        raise ServiceError("instrument_changed", code="?", version="?") from exc
    if len(_KNOWN) < 1024:
        _KNOWN[content_hash] = instrument
    return instrument


def versions(session: Session, code: str) -> list[InstrumentRow]:
    """Every published version of a questionnaire code, oldest first."""
    query = select(InstrumentRow).where(InstrumentRow.code == code).order_by(InstrumentRow.id)
    return list(session.scalars(query))


def give_version(
    session: Session, campaign: Campaign, group: str, instrument_id: int, actor: User | None
) -> InstrumentRow:
    """Give a group of ``campaign`` a published version of a questionnaire it answers.

    Invitations issued from now on use it; invitations already issued keep the version they
    were given on (and their responses are scored with it)."""
    lock_campaign(session, campaign.id)
    row = session.get(InstrumentRow, instrument_id)
    if row is None:
        raise ServiceError("no_instrument_version")
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
        raise ServiceError("version_not_for_group", group=group, code=row.code)
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


def in_force(session: Session, campaign_id: int, group: str, code: str) -> int:
    """The id of the version a group answers ``code`` with: the one given to it, else the
    shipped questionnaire, published and pinned now (a conditional write: the first pin
    wins, so every invitation of the group gets the same version)."""
    line = (
        CampaignEvaluation.campaign_id == campaign_id,
        CampaignEvaluation.group_code == group,
        CampaignEvaluation.questionnaire == code,
    )
    pinned = session.scalar(select(CampaignEvaluation.instrument_id).where(*line).limit(1))
    if pinned is not None:
        return pinned
    row = publish(session, builtin(code))
    session.execute(
        update(CampaignEvaluation)
        .where(*line, CampaignEvaluation.instrument_id.is_(None))
        .values(instrument_id=row.id)
    )
    chosen = session.scalar(select(CampaignEvaluation.instrument_id).where(*line).limit(1))
    return row.id if chosen is None else chosen
