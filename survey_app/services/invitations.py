"""Personal links: a token (256 bits) and a short code per respondent, stored only as hashes.

The clear token exists once, in the batch returned by :func:`issue`, which the administrator
downloads as printable letters (with a QR code) and a CSV of links. A lost letter is handled by
:func:`reissue`, which revokes the old link.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload

from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    InvitationStatus,
    RespondentStatus,
)
from survey_app.persistence.models import Campaign, Invitation, Respondent, Unit, User, now
from survey_app.security import hash_token, new_short_code, new_token
from survey_app.services import audit, instruments


@dataclass(frozen=True)
class IssuedLink:
    """A clear token and short code, for letters and messages; never stored."""

    respondent_id: int
    full_name: str
    unit_name: str
    token: str
    short_code: str


def issue(session: Session, campaign: Campaign, actor: User | None,
          respondent_ids: list[int] | None = None) -> list[IssuedLink]:
    """Create invitations for active respondents that have none yet (idempotent)."""
    query = (select(Respondent).outerjoin(Invitation, Invitation.respondent_id == Respondent.id)
             .where(Respondent.campaign_id == campaign.id,
                    Respondent.status == RespondentStatus.ACTIVE,
                    Invitation.id.is_(None))
             .options(joinedload(Respondent.unit))
             .order_by(Respondent.id))
    if respondent_ids is not None:
        query = query.where(Respondent.id.in_(respondent_ids))
    people = list(session.scalars(query))
    instrument_ids = {group: instruments.publish(
        session, instruments.instrument_for(group, campaign.kind)).id
        for group in {r.group for r in people}}
    links, rows = [], []
    for respondent in people:
        token, code = new_token(), new_short_code()
        rows.append({"campaign_id": campaign.id, "respondent_id": respondent.id,
                     "instrument_id": instrument_ids[respondent.group],
                     "token_hash": hash_token(token), "short_code_hash": hash_token(code),
                     "status": InvitationStatus.ACTIVE, "created_at": now()})
        links.append(IssuedLink(respondent.id, respondent.full_name, respondent.unit.name,
                                token, code))
    if rows:
        session.execute(insert(Invitation), rows)
        audit.record(session, AuditAction.INVITATIONS_ISSUED, user=actor,
                     campaign_id=campaign.id, count=len(rows))
    return links


def reissue(session: Session, respondent: Respondent, actor: User | None) -> IssuedLink:
    """A new link for a respondent whose letter was lost; the old link stops working."""
    invitation = session.scalar(select(Invitation).where(
        Invitation.respondent_id == respondent.id))
    if invitation is None:
        raise ServiceError("no_invitation")
    token, code = new_token(), new_short_code()
    invitation.token_hash = hash_token(token)
    invitation.short_code_hash = hash_token(code)
    invitation.status = InvitationStatus.ACTIVE
    session.flush()
    audit.record(session, AuditAction.INVITATIONS_ISSUED, user=actor,
                 campaign_id=respondent.campaign_id, target=str(respondent.id), reissued=True)
    return IssuedLink(respondent.id, respondent.full_name, respondent.unit.name, token, code)


def find(session: Session, key: str) -> Invitation | None:
    """The invitation of a link token or a short code typed from a letter, or None."""
    digest = hash_token(key)
    return session.scalar(
        select(Invitation)
        .where((Invitation.token_hash == digest) | (Invitation.short_code_hash == digest))
        .options(joinedload(Invitation.instrument),
                 joinedload(Invitation.respondent).joinedload(Respondent.unit)
                 .joinedload(Unit.campaign)))


def revoke(session: Session, invitation: Invitation) -> None:
    invitation.status = InvitationStatus.REVOKED
    session.flush()


def format_short_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read aloud and type."""
    return f"{code[:5]}-{code[5:]}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for a letter (no external service)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
