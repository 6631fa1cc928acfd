"""Personal links: a token (256 bits) and a short code per respondent and rated unit, looked
up by hash. A respondent who rates several units gets one link per unit (the design's
evaluation matrix, :mod:`survey_app.services.assignments`), all issued together.

Lookups use only SHA-256 hashes. The clear link is also kept sealed (encrypted under the link
key, ``survey_app.sealing``), so the letters of a batch can be printed again: issuing for a
whole sample is a background job (:func:`issue_batch` step by step), and its letters are read
back per unit with :func:`letters`. A lost letter is handled by :func:`reissue`, which revokes
the old link. Issuing and sampling take the campaign's lock, so a sampling run can never delete
respondents whose invitations are being issued.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session, aliased, joinedload

from designs import CampaignDesign
from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    InvitationStatus,
    RespondentStatus,
)
from survey_app.persistence.locks import lock_campaign
from survey_app.persistence.models import (
    Campaign,
    Instrument,
    Invitation,
    Job,
    Respondent,
    Unit,
    User,
    now,
)
from survey_app.sealing import LinkSealer
from survey_app.security import hash_token, new_short_code, new_token
from survey_app.services import audit, instruments
from survey_app.services.assignments import UnitIndex, tasks_for
from survey_app.services.designs import design_of


@dataclass(frozen=True)
class IssuedLink:
    """A clear token and short code, for letters and messages (stored only sealed)."""

    respondent_id: int
    full_name: str
    unit_name: str
    token: str
    short_code: str
    rated_unit_name: str = ""
    instrument_id: int | None = None
    """The questionnaire version the link opens (its estimated minutes go on the letter)."""

    @classmethod
    def of(cls, invitation: Invitation, token: str, code: str) -> IssuedLink:
        """The letter of an invitation whose clear token and code are at hand."""
        person = invitation.respondent
        return cls(
            person.id,
            person.full_name,
            person.unit.name,
            token,
            code,
            invitation.rated_unit.name,
            invitation.instrument_id,
        )


def issue(
    session: Session,
    campaign: Campaign,
    actor: User | None,
    respondent_ids: list[int] | None = None,
    *,
    sealer: LinkSealer | None = None,
    job_id: int | None = None,
    limit: int | None = None,
) -> list[IssuedLink]:
    """Create the invitations of active respondents that have none yet (idempotent): one per
    task of the design's evaluation matrix (rated unit and questionnaire).

    ``limit`` issues for at most that many respondents (a job's step); ``sealer`` keeps each
    clear link sealed so the letters can be printed again; ``job_id`` records the job that
    issued them.
    """
    lock_campaign(session, campaign.id)
    query = _uninvited(campaign.id).options(joinedload(Respondent.unit)).order_by(Respondent.id)
    if respondent_ids is not None:
        query = query.where(Respondent.id.in_(respondent_ids))
    if limit is not None:
        query = query.limit(limit)
    people = list(session.scalars(query))
    design = design_of(campaign)
    index = UnitIndex.of(session, campaign)
    published: dict[tuple[str, str], int] = {}
    links, rows = [], []
    for respondent in people:
        tasks = tasks_for(design, index, respondent.group, respondent.unit)
        if not tasks:
            raise ServiceError("nothing_to_rate", group=_group_name(design, respondent.group))
        for task in tasks:
            line = (respondent.group, task.questionnaire)
            if line not in published:
                published[line] = instruments.in_force(session, campaign.id, *line)
            token, code = new_token(), new_short_code()
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "respondent_id": respondent.id,
                    "rated_unit_id": task.rated_unit_id,
                    "instrument_id": published[line],
                    "token_hash": hash_token(token),
                    "short_code_hash": hash_token(code),
                    "status": InvitationStatus.ACTIVE,
                    "created_at": now(),
                    "job_id": job_id,
                    "sealed_link": sealer.seal(token, code) if sealer else None,
                }
            )
            rated = index.by_id[task.rated_unit_id].name
            links.append(
                IssuedLink(
                    respondent.id, respondent.full_name, respondent.unit.name, token, code, rated
                )
            )
    if rows:
        session.execute(insert(Invitation), rows)
        audit.record(
            session,
            AuditAction.INVITATIONS_ISSUED,
            user=actor,
            campaign_id=campaign.id,
            count=len(rows),
            job=job_id,
        )
    return links


def _uninvited(campaign_id: int) -> Select[Respondent]:
    return (
        select(Respondent)
        .outerjoin(Invitation, Invitation.respondent_id == Respondent.id)
        .where(
            Respondent.campaign_id == campaign_id,
            Respondent.status == RespondentStatus.ACTIVE,
            Invitation.id.is_(None),
        )
    )


def _group_name(design: CampaignDesign, code: str) -> str:
    """The group's name for a message (the code only if the design lost the group)."""
    return design.group(code).name.vi if design.has_group(code) else code


def check_tasks(session: Session, campaign: Campaign) -> None:
    """Refuse (``nothing_to_rate``) before issuing when someone in the sample would rate no
    unit (an ancestor missing from the registry, a level without units yet): the
    administrator fixes the registry or the design first, instead of a job failing midway."""
    design = design_of(campaign)
    index = UnitIndex.of(session, campaign)
    people = session.scalars(_uninvited(campaign.id).options(joinedload(Respondent.unit)))
    for respondent in people:
        if not tasks_for(design, index, respondent.group, respondent.unit):
            raise ServiceError("nothing_to_rate", group=_group_name(design, respondent.group))


def count_uninvited(session: Session, campaign_id: int) -> int:
    """Active respondents without an invitation (what an issuing job has left to do)."""
    subquery = _uninvited(campaign_id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


def letters(
    session: Session, job_id: int, sealer: LinkSealer, unit_id: int | None = None
) -> list[IssuedLink]:
    """The letters of one issuing job (optionally of one unit), read back from the sealed
    links. Links revoked or re-issued since are left out: their letters would not work."""
    rated = aliased(Unit)
    query = (
        select(Invitation, Respondent, Unit, rated.name)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Unit, Unit.id == Respondent.unit_id)
        .join(rated, rated.id == Invitation.rated_unit_id)
        .where(Invitation.job_id == job_id, Invitation.status == InvitationStatus.ACTIVE)
        .order_by(Unit.code, Respondent.full_name, Respondent.id, Invitation.id)
    )
    if unit_id is not None:
        query = query.where(Respondent.unit_id == unit_id)
    found = []
    for invitation, respondent, unit, rated_name in session.execute(query):
        opened = sealer.open(invitation.sealed_link)
        if opened is not None:
            token, code = opened
            found.append(
                IssuedLink(
                    respondent.id,
                    respondent.full_name,
                    unit.name,
                    token,
                    code,
                    rated_name,
                    invitation.instrument_id,
                )
            )
    return found


def print_letters(
    session: Session,
    job: Job,
    sealer: LinkSealer,
    actor: User | None,
    unit_id: int | None = None,
    *,
    as_csv: bool = False,
) -> list[IssuedLink]:
    """``letters`` for printing or the CSV of links, audited (they carry clear links)."""
    found = letters(session, job.id, sealer, unit_id)
    if found:
        audit.record(
            session,
            AuditAction.EXPORT,
            user=actor,
            campaign_id=job.campaign_id,
            target=f"{'links' if as_csv else 'letters'} job {job.id}",
            unit=unit_id,
            count=len(found),
        )
    return found


def letters_by_unit(session: Session, job_id: int) -> list[tuple[Unit, int]]:
    """Units with letters in a job, and how many each (for the job's page)."""
    query = (
        select(Unit, func.count(Invitation.id))
        .join(Respondent, Respondent.unit_id == Unit.id)
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .where(Invitation.job_id == job_id, Invitation.status == InvitationStatus.ACTIVE)
        .group_by(Unit.id)
        .order_by(Unit.code)
    )
    return [(unit, int(n)) for unit, n in session.execute(query)]


def reissue(
    session: Session, respondent: Respondent, actor: User | None, sealer: LinkSealer | None = None
) -> list[IssuedLink]:
    """New links for a respondent whose letter was lost (one per rated unit); the old links
    stop working, answers already given stay with their invitations."""
    lock_campaign(session, respondent.campaign_id)  # a replacement takes it too
    session.refresh(respondent)
    found = list(
        session.scalars(
            select(Invitation)
            .where(Invitation.respondent_id == respondent.id)
            .options(joinedload(Invitation.rated_unit))
            .order_by(Invitation.id)
            .execution_options(populate_existing=True)
        )
    )
    if not found:
        raise ServiceError("no_invitation")
    if respondent.status is not RespondentStatus.ACTIVE or any(
        i.status is InvitationStatus.REVOKED for i in found
    ):  # revoked only by a replacement
        raise ServiceError("not_in_sample")
    links = []
    for invitation in found:
        token, code = new_token(), new_short_code()
        invitation.token_hash = hash_token(token)
        invitation.short_code_hash = hash_token(code)
        invitation.sealed_link = sealer.seal(token, code) if sealer else None
        invitation.job_id = None
        links.append(IssuedLink.of(invitation, token, code))
    session.flush()
    audit.record(
        session,
        AuditAction.INVITATIONS_ISSUED,
        user=actor,
        campaign_id=respondent.campaign_id,
        target=str(respondent.id),
        reissued=True,
        count=len(links),
    )
    return links


def find(session: Session, key: str) -> Invitation | None:
    """The invitation of a link token or a short code typed from a letter, or None."""
    digest = hash_token(key)
    return session.scalar(
        select(Invitation)
        .where((Invitation.token_hash == digest) | (Invitation.short_code_hash == digest))
        .options(
            joinedload(Invitation.instrument),
            joinedload(Invitation.rated_unit),
            joinedload(Invitation.respondent).joinedload(Respondent.unit).joinedload(Unit.campaign),
        )
    )


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


def letters_pdf(
    session: Session,
    campaign: Campaign,
    links: list[IssuedLink],
    base_url: str,
    hotline: str,
) -> bytes:
    """The letters as one PDF, one A4 page each: the national heading of the Sở Nội vụ, the
    person, why and how long (the questionnaire's own minutes), the QR code, the short code,
    the reply-by date (the end of fieldwork) and the hotline."""
    from survey_app.services import letters_pdf, pdf, registry
    from survey_app.services.export_labels import vietnam_today

    minutes: dict[int, int] = {}
    for link in links:
        if link.instrument_id is not None and link.instrument_id not in minutes:
            row = session.get(Instrument, link.instrument_id)
            minutes[link.instrument_id] = (
                instruments.load(row).estimated_minutes if row is not None else 15
            )
    tops = registry.top_units(session, campaign)
    province = tops[0].name if tops else ""
    place = province.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    today = vietnam_today()
    heading = letters_pdf.LetterHeading(
        issuer=pdf.Issuer(
            f"UBND {province.upper()}" if province else "", "SỞ NỘI VỤ", "", place, today
        ),
        sender=f"Sở Nội vụ {province[:1].lower()}{province[1:]}".strip(),
        campaign_name=campaign.name,
        code_url=f"{base_url}/c",
        reply_by=campaign.fieldwork_closes or today,
        hotline=hotline,
    )
    return letters_pdf.letters_pdf(
        [
            letters_pdf.LetterData(
                link.full_name,
                link.unit_name,
                f"{base_url}/s/{link.token}",
                format_short_code(link.short_code),
                minutes.get(link.instrument_id or 0, 15),
                link.rated_unit_name if link.rated_unit_name != link.unit_name else "",
            )
            for link in links
        ],
        heading,
    )


LETTER_FILES = "letters"
"""The folder under the instance folder where batches of letters are kept."""


def letters_folder(root: Path, job_id: int) -> Path:
    """Where a letters job keeps its files (one PDF per unit, then the batch)."""
    return root / LETTER_FILES / f"job-{int(job_id)}"


def write_unit_letters(folder: Path, unit_id: int, unit_code: str, data: bytes) -> Path:
    """One unit's letters, written whole (a temporary file of this writer's own, readable by
    the service's user only: the letters carry working links, then renamed)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in unit_code)[:60]
    target = folder / f"thu-moi-{safe}-{int(unit_id)}.pdf"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def bundle_letters(folder: Path) -> Path:
    """The unit files of a letters job as one ZIP (stored: the PDFs are compressed already)."""
    target = folder / "thu-moi.zip"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as bundle:
            for path in sorted(folder.glob("thu-moi-*.pdf")):
                bundle.write(path, path.name)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
