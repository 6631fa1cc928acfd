"""Finding one record by id for a view: each returns the record or None (the view answers 404).

Views never touch the persistence models themselves (an import-linter contract); they ask
here, then check access (``security.require_unit_access``) where the record belongs to a unit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.persistence.models import Campaign, Respondent, Unit, UnitList, User


def campaign(session: Session, campaign_id: int | None) -> Campaign | None:
    return session.get(Campaign, campaign_id) if campaign_id is not None else None


def user(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def unit(session: Session, unit_id: int | None) -> Unit | None:
    return session.get(Unit, unit_id) if unit_id is not None else None


def respondent(session: Session, respondent_id: int | None) -> Respondent | None:
    return session.get(Respondent, respondent_id) if respondent_id is not None else None


def unit_list(session: Session, list_id: int | None) -> UnitList | None:
    return session.get(UnitList, list_id) if list_id is not None else None
