"""Publishing instruments: a (code, version) is stored once with its content hash, never changed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import (
    Instrument,
    InstrumentRegistry,
    PublishedInstrument,
    builtin_instruments,
)
from survey_app.errors import ServiceError
from survey_app.persistence.models import Instrument as InstrumentRow


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
    """The instrument object of a stored row, checked against its content hash."""
    return load_published(row.code, row.version, row.content_hash)


def load_published(code: str, version: str, content_hash: str) -> Instrument:
    """The shipped instrument published as (code, version, content hash); refuses a changed one."""
    instrument = builtin_instruments().get(code)
    if (
        instrument is None
        or instrument.version != version
        or instrument.content_hash != content_hash
    ):
        raise ServiceError("instrument_changed", code=code, version=version)
    return instrument
