"""Small factories for test data, built through the services real users go through.

Tests that assert numbers (counts, scores, ranks) build exactly the data they count with
these, instead of depending on what the demo province happens to contain: changing the demo
then changes no test but the demo's own. Each function flushes (never commits) and returns
what it created.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

import designs
from survey_app.persistence.enums import CampaignStatus, Mode, RespondentStatus, Role, SampleRole
from survey_app.persistence.models import Campaign, Invitation, Respondent, Unit, User
from survey_app.services import accounts, invitations, registry, responses
from survey_app.services import designs as designs_service
from tests.support import complete_answers

PASSWORD = "factory-password-2026"  # noqa: S105 - test accounts only
"""The password of every account :func:`user` makes (log in with ``login(client, name,
PASSWORD)``)."""
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công")


TEMPLATES = {
    "provincial_par": "par_province_2023",
    "commune_index": "commune_index_2023",
    "sipas": "sipas_2025",
    "internal_index": "internal_index_2025",
}
"""The shipped template a factory campaign of each kind is made from."""


def dated(
    template: str,
    window: tuple[dt.date, dt.date] | None = None,
    deadlines: designs.Deadlines | None = None,
) -> designs.CampaignDesign:
    """A shipped template with the transaction window of its groups and its deadlines set."""
    span = designs.Window(*window) if window is not None else None
    return designs.dated(designs_service.template(template), window=span, deadlines=deadlines)


def campaign(
    session: Session,
    *,
    name: str = "Khảo sát thử nghiệm",
    kind: str = "provincial_par",
    year: int | None = None,
    fieldwork_open: bool = True,
    design: designs.CampaignDesign | None = None,
) -> Campaign:
    """An open campaign through ``designs.create_campaign``: the shipped template of ``kind``
    (or ``design``) with this year's window (1/1-15/10) and deadlines; fieldwork includes
    today unless ``fieldwork_open`` is False."""
    today = dt.date.today()
    year = year or today.year
    opens = today - dt.timedelta(days=1) if fieldwork_open else today + dt.timedelta(days=30)
    deadlines = designs.Deadlines(
        lists=dt.date(year, 12, 31),
        fieldwork_opens=opens,
        fieldwork_closes=today + dt.timedelta(days=60),
    )
    if design is None:
        window = (dt.date(year, 1, 1), dt.date(year, 10, 15))
        chosen = dated(TEMPLATES[kind], window, deadlines)
    else:
        chosen = designs.dated(design, deadlines=deadlines)
    created = designs_service.create_campaign(
        session, chosen, year=year, name=name, actor=None, status=CampaignStatus.OPEN
    )
    session.flush()
    return created


@dataclass(frozen=True)
class UnitSpec:
    """One registry row: code, name, level, parent code; tier for districts; procedure
    fields for communes."""

    code: str
    name: str
    level: str
    parent: str = ""
    tier: int | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tree:
    """A unit tree as imported: units by code."""

    units: Mapping[str, Unit] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Unit:
        return self.units[code]


def unit_tree(
    session: Session,
    into: Campaign,
    *,
    departments: Sequence[str] = ("S01",),
    communes: Mapping[str, Sequence[str]] | None = None,
    fields: Sequence[str] = FIELDS,
) -> Tree:
    """Province T01 → the given departments → districts → communes (with procedure fields),
    imported through ``registry.import_units`` as a CSV registry.

    ``communes`` maps a district code to its commune codes (default: H01 with H01.01).
    """
    communes = communes if communes is not None else {"H01": ["H01.01"]}
    specs = [UnitSpec("T01", "Tỉnh Thử Nghiệm", "province")]
    specs += [UnitSpec(code, f"Sở thử nghiệm {code}", "department", "T01") for code in departments]
    for number, (district, codes) in enumerate(communes.items(), start=1):
        specs.append(
            UnitSpec(
                district,
                f"Huyện thử nghiệm {district}",
                "district",
                "T01",
                tier=1 + (number - 1) % 3,
            )
        )
        specs += [
            UnitSpec(code, f"Xã thử nghiệm {code}", "commune", district, fields=tuple(fields))
            for code in codes
        ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "level", "parent_code", "tier", "procedure_fields"])
    for s in specs:
        writer.writerow([s.code, s.name, s.level, s.parent, s.tier or "", "; ".join(s.fields)])
    registry.import_units(session, into, "units.csv", out.getvalue().encode(), None)
    session.flush()
    units = session.scalars(select(Unit).where(Unit.campaign_id == into.id))
    return Tree({u.code: u for u in units})


ROLE_UNITS = {Role.UNIT_OFFICER: "S01"}


def user(
    session: Session, role: Role, *, username: str | None = None, unit_code: str | None = None
) -> User:
    """An account of ``role`` (password :data:`PASSWORD`) through ``accounts.create_user``;
    a unit officer belongs to ``unit_code`` (default S01)."""
    if role is Role.UNIT_OFFICER:
        unit_code = unit_code or ROLE_UNITS[role]
    return accounts.create_user(
        session,
        username=username or f"tk-{role.value}",
        full_name=f"Tài khoản {role.value}",
        password=PASSWORD,
        role=role,
        unit_code=unit_code,
    )


def respondent(
    session: Session,
    of: Campaign,
    unit: Unit,
    *,
    group: str = "citizen",
    name: str = "Người thử",
    weight: float = 1.0,
    phone: str | None = None,
    email: str | None = None,
) -> Respondent:
    """An active sampled respondent of ``unit`` (there is no service that makes one outside a
    draw, so it is added as the draw would)."""
    person = Respondent(
        campaign_id=of.id,
        unit_id=unit.id,
        group=group,
        sample_role=SampleRole.SAMPLE,
        status=RespondentStatus.ACTIVE,
        stratum=FIELDS[0] if group == "citizen" else "",
        weight=weight,
        full_name=name,
        phone=phone,
        email=email,
    )
    session.add(person)
    session.flush()
    return person


def invitation(session: Session, of: Campaign, person: Respondent) -> Invitation:
    """The respondent's invitation, issued through ``invitations.issue``."""
    invitations.issue(session, of, None, [person.id])
    found = session.scalar(select(Invitation).where(Invitation.respondent_id == person.id))
    assert found is not None
    return found


def submitted_response(
    session: Session, of: Campaign, person: Respondent, *, variant: int = 0, mode: Mode = Mode.WEB
) -> responses.SubmitResult:
    """Invite ``person`` and submit complete answers (``variant`` picks the options, see
    ``tests.support.answer_for``) through ``responses.submit``; asserts it was accepted."""
    invited = invitation(session, of, person)
    answers = complete_answers(responses.instrument_of(invited), variant)
    result = responses.submit(session, invited, answers, f"k-{person.id}", mode=mode)
    assert result.outcome is responses.SubmitOutcome.ACCEPTED, result
    return result


def set_window(
    session: Session, of: Campaign, start: dt.date, end: dt.date, group: str = "citizen"
) -> None:
    """Change a group's transaction window through the design service (and commit)."""
    design = designs.dated(
        designs_service.design_of(of), window=designs.Window(start, end), group=group
    )
    designs_service.save_design(session, of, design, None)
    session.commit()


def rating_own_unit(design: designs.CampaignDesign, *groups: str) -> designs.CampaignDesign:
    """The design with these groups rating the unit that lists them (department leaders
    their department), as an internal index does, with the same questionnaires."""
    lines = tuple(
        dataclasses.replace(e, rates=designs.RatesShape.OWN_UNIT, level=None)
        if e.group in groups
        else e
        for e in design.evaluations
    )
    return dataclasses.replace(design, evaluations=lines)
