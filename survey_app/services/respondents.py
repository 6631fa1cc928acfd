"""Finding a drawn person and what happened to them: the fieldwork office's search (name
without diacritics, phone as typed, unit, group, standing), the person holding a letter's
short code or link, a person's forms, their letter printed again, a replacement.

Only hashes of links are stored, so a typed short code or pasted link is found by its hash
(``invitations.find``), exactly as the respondent's own code page finds it. A code opens a
questionnaire, so it is sent in a POST body, never in a URL that logs would keep.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from adminunits.names import fold_words
from survey_app.errors import ServiceError
from survey_app.persistence.enums import (
    AuditAction,
    InvitationStatus,
    RespondentStatus,
    ResponseStatus,
    Role,
)
from survey_app.persistence.models import (
    Campaign,
    Invitation,
    Respondent,
    Response,
    Unit,
    User,
)
from survey_app.persistence.queries import respondents as sql
from survey_app.persistence.queries.respondents import Criteria, Standing
from survey_app.sealing import LinkSealer
from survey_app.services import audit, draws, instruments, invitations
from survey_app.services.invitations import IssuedLink

__all__ = ["PAGE_SIZE", "Form", "Found", "Person", "Search", "Standing"]

PAGE_SIZE = 50
_LONGEST_QUERY = 200
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Search:
    """What a staff member typed or chose; empty fields do not filter."""

    name: str = ""
    phone: str = ""
    unit_id: int | None = None
    group: str | None = None
    standing: Standing | None = None


@dataclass(frozen=True)
class Form:
    """One invitation of a person (a rated unit and questionnaire) and its response."""

    invitation: Invitation
    response: Response | None

    @property
    def submitted(self) -> bool:
        return self.response is not None and self.response.status is ResponseStatus.SUBMITTED

    @property
    def active(self) -> bool:
        return self.invitation.status is InvitationStatus.ACTIVE


@dataclass(frozen=True)
class Person:
    """A drawn person with their forms."""

    respondent: Respondent
    forms: tuple[Form, ...]

    @property
    def standing(self) -> Standing:
        status = self.respondent.status
        if status is RespondentStatus.RESERVE:
            return Standing.RESERVE
        if status is RespondentStatus.REPLACED:
            return Standing.REPLACED
        if self.forms and all(f.submitted for f in self.forms):
            return Standing.ANSWERED
        return Standing.PENDING

    @property
    def submitted(self) -> int:
        return sum(f.submitted for f in self.forms)

    @property
    def started(self) -> bool:
        """Some form was opened and saved (or submitted)."""
        return any(f.response is not None for f in self.forms)

    @property
    def last_activity(self) -> dt.datetime | None:
        """When a form was last saved or submitted."""
        times = [
            f.response.submitted_at or f.response.updated_at
            for f in self.forms
            if f.response is not None
        ]
        return max(times, key=utc) if times else None

    @property
    def can_reissue(self) -> bool:
        """In the sample with a form still to answer (a submitted form needs no letter)."""
        return self.standing is Standing.PENDING and any(f.active for f in self.forms)


@dataclass(frozen=True)
class Found:
    """One page of a search."""

    people: list[Person]
    total: int
    number: int
    pages: int
    offset: int


def search(
    session: Session,
    campaign: Campaign,
    wanted: Search,
    viewer: Role | None = None,
    viewer_id: int | None = None,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Found:
    """The page ``page`` (past the end: the last) of the campaign's people matching
    ``wanted``; an interviewer (``viewer``) sees only the people given to them."""
    criteria = _criteria(campaign, wanted, viewer_id if viewer is Role.INTERVIEWER else None)
    tokens = name_tokens(wanted.name)
    ids: list[int] | None = None
    if tokens:
        ids = [i for i, name in sql.names(session, criteria) if name_matches(tokens, name)]
        total = len(ids)
    else:
        total = sql.count(session, criteria)
    pages = max(-(-total // size), 1)
    number = min(max(page, 1), pages)
    offset = (number - 1) * size
    shown = (
        ids[offset : offset + size]
        if ids is not None
        else sql.page_ids(session, criteria, offset, size)
    )
    return Found(_people(session, shown), total, number, pages, offset)


def _criteria(campaign: Campaign, wanted: Search, interviewer_id: int | None) -> Criteria:
    return Criteria(
        campaign_id=campaign.id,
        unit_id=wanted.unit_id,
        group=wanted.group or None,
        standing=wanted.standing,
        phone_like=phone_pattern(wanted.phone),
        interviewer_id=interviewer_id,
    )


def name_tokens(typed: str) -> tuple[str, ...]:
    """The words of a typed name, folded ("Nguyễn  văn A" → nguyen, van, a)."""
    return tuple(fold_words(typed[:_LONGEST_QUERY]).split())


def name_matches(tokens: tuple[str, ...], name: str) -> bool:
    """Each typed word begins a word of the name, in any order, without diacritics or case
    ("nguyen van a" finds "Nguyễn Văn A" and "Nguyễn Văn An")."""
    words = fold_words(name).split()
    return all(any(w.startswith(t) for w in words) for t in tokens)


def phone_pattern(typed: str) -> str | None:
    """A LIKE pattern on stored E.164 numbers for a phone typed as people write it: a local
    number's start ("0912 345", "0912.345.678") from +84, anything else anywhere."""
    digits = _NON_DIGIT.sub("", typed[:_LONGEST_QUERY])
    if not digits:
        return None
    if digits.startswith("0"):
        return f"+84{digits[1:]}%"
    if typed.strip().startswith("+"):
        return f"+{digits}%"
    return f"%{digits}%"


def holder_of_code(session: Session, typed: str, role: Role, user_id: int) -> Respondent | None:
    """The person whose letter carries this short code ("ABCDE-FGHJK", any case, with or
    without the dash) or link (pasted whole), if this user may see them."""
    text = typed.strip()[:_LONGEST_QUERY]
    if "/s/" in text:
        text = re.split(r"[/?#]", text.split("/s/", 1)[1], maxsplit=1)[0]
    invitation = invitations.find(session, text) if text.strip() else None
    if invitation is None or not may_see(role, user_id, invitation.respondent):
        return None
    return invitation.respondent


def _people(session: Session, ids: list[int]) -> list[Person]:
    forms: dict[int, list[Form]] = {}
    for invitation, response in sql.forms(session, ids):
        forms.setdefault(invitation.respondent_id, []).append(Form(invitation, response))
    return [Person(r, tuple(forms.get(r.id, ()))) for r in sql.people(session, ids)]


def person(session: Session, respondent: Respondent) -> Person:
    """One person with their forms."""
    return _people(session, [respondent.id])[0]


def units(
    session: Session, campaign: Campaign, viewer: Role | None, viewer_id: int | None
) -> list[Unit]:
    """The units the search offers (those with drawn people the viewer may see)."""
    return sql.units_with_people(
        session, campaign.id, viewer_id if viewer is Role.INTERVIEWER else None
    )


def can_replace(found: Person) -> bool:
    """In the sample of a group drawn with reserves, and no form submitted yet."""
    respondent = found.respondent
    return (
        respondent.status is RespondentStatus.ACTIVE
        and respondent.group in draws.replaceable_groups(respondent.unit.campaign)
        and not found.submitted
    )


def may_see(role: Role, user_id: int, respondent: Respondent) -> bool:
    """An administrator sees everyone; an interviewer the people given to them."""
    return role is Role.ADMIN or (role is Role.INTERVIEWER and respondent.interviewer_id == user_id)


def form_title(session: Session, form: Form, locale: str) -> str:
    """The questionnaire's title in ``locale`` (its code when the version cannot be read)."""
    row = form.invitation.instrument
    try:
        return instruments.load_published(session, row.id, row.content_hash).title.get(locale)
    except ServiceError:  # a page naming a form must not fail on its definition
        return row.code


def letters_target(respondent_id: int) -> str:
    """The audit target of one person's letters printed from their page."""
    return f"letters respondent {respondent_id}"


def utc(at: dt.datetime) -> dt.datetime:
    """A naive UTC time to compare (SQLite gives naive times, PostgreSQL aware ones)."""
    return at.astimezone(dt.UTC).replace(tzinfo=None) if at.tzinfo else at


def letters(
    session: Session, found: Person, sealer: LinkSealer, actor: User | None
) -> list[IssuedLink]:
    """The letters of a person's forms still to answer, read back from their sealed links
    (to print again, or after a re-issue); audited, as they carry clear links. Empty when
    none can be opened (sealed under another key: re-issue them)."""
    respondent = found.respondent
    links = []
    for form in found.forms:
        if form.submitted or not form.active:
            continue
        opened = sealer.open(form.invitation.sealed_link)
        if opened is not None:
            token, code = opened
            links.append(IssuedLink.of(form.invitation, token, code))
    if links:
        audit.record(
            session,
            AuditAction.EXPORT,
            user=actor,
            campaign_id=respondent.campaign_id,
            target=letters_target(respondent.id),
            count=len(links),
        )
    return links


def replace_by_reserve(
    session: Session,
    respondent: Respondent,
    reason: str,
    actor: User | None,
    sealer: LinkSealer | None,
) -> tuple[Respondent, list[IssuedLink]]:
    """Replace an unreachable person by the next reserve (``draws.replace``) and issue the
    reserve's letters; both or neither (a reserve with nothing to rate undoes it)."""
    with session.begin_nested():
        chosen = draws.replace(session, respondent, reason, actor)
        links = invitations.issue(
            session,
            respondent.unit.campaign,
            actor,
            [chosen.id],
            sealer=sealer,
        )
    return chosen, links
