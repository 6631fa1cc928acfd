"""Finding one record by id for a view: each returns the record or None (the view answers 404).

Views never touch the persistence models themselves (an import-linter contract); they ask
here, then check access (``security.require_unit_access``) where the record belongs to a unit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey_app.persistence.models import Base, Campaign, Respondent, Unit, UnitList, User
from survey_app.persistence.models import Instrument as InstrumentRow

_LARGEST_ID = 2**63 - 1  # ids past a 64-bit integer match nothing (SQLite would overflow)


def _get(session: Session, model: type[Base], record_id: int | None) -> Any:
    if record_id is None or not 0 < record_id <= _LARGEST_ID:
        return None
    return session.get(model, record_id)


def campaign(session: Session, campaign_id: int | None) -> Campaign | None:
    found: Campaign | None = _get(session, Campaign, campaign_id)
    return found


def user(session: Session, user_id: int | None) -> User | None:
    found: User | None = _get(session, User, user_id)
    return found


def unit(session: Session, unit_id: int | None) -> Unit | None:
    found: Unit | None = _get(session, Unit, unit_id)
    return found


def respondent(session: Session, respondent_id: int | None) -> Respondent | None:
    found: Respondent | None = _get(session, Respondent, respondent_id)
    return found


def unit_list(session: Session, list_id: int | None) -> UnitList | None:
    found: UnitList | None = _get(session, UnitList, list_id)
    return found


def instrument(session: Session, instrument_id: int | None) -> InstrumentRow | None:
    """A published questionnaire version."""
    found: InstrumentRow | None = _get(session, InstrumentRow, instrument_id)
    return found
