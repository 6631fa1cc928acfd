"""The demo campaign: loaded once, through the same services real users go through."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import designs
from survey_app.demo import appraisal
from survey_app.demo import data as demo_data
from survey_app.demo import lists as demo_lists
from survey_app.demo import responses as demo_responses
from survey_app.demo.province2025 import Unit2025
from survey_app.persistence.enums import CampaignStatus, JobKind, Role
from survey_app.persistence.models import Campaign, Invitation, Response, User
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.sealing import LinkSealer
from survey_app.services import (
    accounts,
    draws,
    instruments,
    invitations,
    jobs,
    official_units,
    registry,
)
from survey_app.services import designs as designs_service

DEMO_NAME = "Khảo sát CCHC tỉnh Minh Sơn (demo)"
DEMO_SEED = 20261123
RESPONSE_SHARE = 0.4  # of the invited, so that results show and many links are still open
DEMO_ACCOUNTS = (
    ("admin", "Trần Thị Quản Trị", Role.ADMIN, None),
    ("sotuphap", "Lê Văn Tư Pháp", Role.UNIT_OFFICER, "S02"),
    ("xa-h03-01", "Phạm Thị Xã", Role.UNIT_OFFICER, "H03.01"),
    ("tinh-t91", "Hoàng Văn Tỉnh", Role.UNIT_OFFICER, "T91"),
    ("sonoivu-2025", "Bùi Thị Nội Vụ", Role.UNIT_OFFICER, "S01"),
    ("buudien", "Ngô Văn Bưu Điện", Role.INTERVIEWER, None),
    ("phantich", "Đỗ Thị Phân Tích", Role.ANALYST, None),
    ("thamdinh", "Vũ Thị Thẩm Định", Role.APPRAISER, None),
)
"""Username, full name, role and unit of each demo login. ``tinh-t91`` fills the report of
the 2025 province (T91) in the Ministry's provincial campaign; ``sonoivu-2025`` is the 2025
Sở Nội vụ (S01), a lead department of that report and a rated agency of the internal index;
``thamdinh`` appraises the internal index's reports."""
ROLE_NAMES = {
    Role.ADMIN: "Quản trị đợt khảo sát",
    Role.UNIT_OFFICER: "Cán bộ đơn vị",
    Role.INTERVIEWER: "Điều tra viên / nhập phiếu",
    Role.ANALYST: "Phân tích viên",
    Role.APPRAISER: "Thành viên tổ thẩm định",
}
"""The roles as the application names them (``web/labels.py``), for the printout."""
UNIT_NOTES = {
    "S02": "Sở Tư pháp, Minh Sơn ba cấp",
    "H03.01": "xã của Minh Sơn ba cấp",
    "T91": "Minh Sơn hai cấp: báo cáo tự đánh giá của tỉnh",
    "S01": "Sở Nội vụ, Minh Sơn hai cấp: sở chủ trì; tự đánh giá của sở",
}
"""What each demo officer's unit is, for the printout."""


def demo_password(username: str) -> str:
    """Demo-only passwords, printed by ``survey-app demo``; never use them in production."""
    return f"demo-{username}-2026"


@dataclass(frozen=True)
class DemoAccount:
    """A demo login as printed: who it is, its role and unit, its password."""

    username: str
    password: str
    full_name: str
    role: Role
    unit_code: str | None


@dataclass
class DemoInfo:
    campaign_id: int
    created: bool
    accounts: list[DemoAccount] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


def ensure_accounts(session: Session) -> dict[str, User]:
    """The demo logins by username, each created the first time only (a database loaded
    before an account was added to the demo gets it; an existing one is left as it is)."""
    names = [username for username, _, _, _ in DEMO_ACCOUNTS]
    found = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}
    for username, full_name, role, unit_code in DEMO_ACCOUNTS:
        if username not in found:
            found[username] = accounts.create_user(
                session,
                username=username,
                full_name=full_name,
                password=demo_password(username),
                role=role,
                unit_code=unit_code,
            )
    return found


def ensure_demo(
    session: Session,
    instance_dir: Path,
    *,
    fieldwork: bool = True,
    sealer: LinkSealer | None = None,
) -> DemoInfo:
    """Load the demo campaign unless it exists; return what to print either way.

    ``fieldwork=False`` loads only the registry and the accounts (fast, for tests of pages
    that need no lists or respondents). ``sealer`` keeps the letters printable again.
    """
    links_file = instance_dir / "demo_links.json"
    official_units.ensure_imported(session)
    existing = session.scalar(select(Campaign).where(Campaign.name == DEMO_NAME))
    if existing is None:
        existing = _load(session, links_file, fieldwork, sealer)
        created = True
    else:
        created = False
    ensure_accounts(session)
    links = json.loads(links_file.read_text()) if links_file.exists() else []
    return DemoInfo(
        campaign_id=existing.id,
        created=created,
        accounts=[
            DemoAccount(username, demo_password(username), full_name, role, unit_code)
            for username, full_name, role, unit_code in DEMO_ACCOUNTS
        ],
        links=[(label, token) for label, token in links],
    )


def dated_design(template: str, year: int) -> designs.CampaignDesign:
    """A shipped template with this year's windows and deadlines: transactions from 1/1 to
    15/10, lists due 31/12, fieldwork from 1/11 to 15/1 of the next year."""
    deadlines = designs.Deadlines(
        lists=dt.date(year, 12, 31),
        fieldwork_opens=dt.date(year, 11, 1),
        fieldwork_closes=dt.date(year + 1, 1, 15),
    )
    window = designs.Window(dt.date(year, 1, 1), dt.date(year, 10, 15))
    return designs.dated(designs_service.template(template), window=window, deadlines=deadlines)


def _load(
    session: Session, links_file: Path, fieldwork: bool, sealer: LinkSealer | None
) -> Campaign:
    rng = np.random.default_rng(DEMO_SEED)
    year = dt.date.today().year
    campaign = designs_service.create_campaign(
        session,
        dated_design("par_province_2023", year),
        year=year,
        name=DEMO_NAME,
        actor=None,
        status=CampaignStatus.OPEN,
    )
    units = demo_data.units(rng)
    registry.import_units(session, campaign, "demo_units.csv", registry_csv(units), None)
    ensure_accounts(session)
    links: list[tuple[str, str]] = []
    if fieldwork:
        session.refresh(campaign)
        demo_lists.upload_all(session, campaign, rng)
        draws.run(session, campaign, DEMO_SEED, None)
        job, _ = jobs.start(session, campaign.id, JobKind.ISSUE_INVITATIONS, None)
        issued = invitations.issue(session, campaign, None, sealer=sealer, job_id=job.id)
        jobs.complete(session, job, len(issued))
        demo_responses.seed_demo_responses(session, campaign, rng, share=RESPONSE_SHARE)
        answered = set(
            session.scalars(
                select(Invitation.respondent_id).join(
                    Response, Response.invitation_id == Invitation.id
                )
            )
        )
        appraisal.seed(session, campaign, rng)
        waiting = [x for x in issued if x.respondent_id not in answered]
        links = _sample_links(session, campaign, waiting)
    links_file.write_text(json.dumps(links, ensure_ascii=False))
    return campaign


def _sample_links(
    session: Session, campaign: Campaign, waiting: list[invitations.IssuedLink]
) -> list[tuple[str, str]]:
    """Links to print: first one unanswered respondent per questionnaire, so that every
    instrument of the demo can be tried, then every 7th of the first 84 others."""
    rows = session.execute(
        select(Invitation.respondent_id, InstrumentRow)
        .join(InstrumentRow, InstrumentRow.id == Invitation.instrument_id)
        .where(Invitation.campaign_id == campaign.id)
    )
    title_of = {respondent_id: instruments.load(row).title.vi for respondent_id, row in rows}
    first: dict[str, invitations.IssuedLink] = {}
    for link in waiting:
        first.setdefault(title_of[link.respondent_id], link)
    chosen = list(first.values())
    chosen += [x for x in waiting[:84:7] if x not in chosen]
    return [
        (f"{x.full_name} ({x.unit_name}) · {title_of[x.respondent_id]}", x.token) for x in chosen
    ]


def registry_csv(units: Sequence[demo_data.DemoUnit | Unit2025]) -> bytes:
    """Units in the registry file format (the demo imports its units as an officer would)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "level", "parent_code", "tier", "size", "procedure_fields"])
    for u in units:
        writer.writerow(
            [
                u.code,
                u.name,
                u.level,
                u.parent_code or "",
                u.tier or "",
                u.size or "",
                "; ".join(u.procedure_fields),
            ]
        )
    return out.getvalue().encode("utf-8")


def describe(info: DemoInfo, base_url: str) -> str:
    """The text ``survey-app demo`` prints: where to go, how to log in (the accounts by
    role), a few respondent links."""
    state = "đã nạp" if info.created else "đã có sẵn, dùng lại"
    lines = [
        f"Dữ liệu mẫu {state}: đợt khảo sát số {info.campaign_id} ({DEMO_NAME})",
        "",
        "Tài khoản mẫu theo vai trò (chỉ để dùng thử): tên đăng nhập, mật khẩu, người dùng",
    ]
    width = max((len(a.username) for a in info.accounts), default=0)
    pw_width = max((len(a.password) for a in info.accounts), default=0)
    for role in Role:
        mine = [a for a in info.accounts if a.role is role]
        if not mine:
            continue
        lines.append(f"  {ROLE_NAMES.get(role, role.value)}")
        for a in mine:
            who = a.full_name
            if a.unit_code:
                note = UNIT_NOTES.get(a.unit_code)
                who += f" · đơn vị {a.unit_code}" + (f" ({note})" if note else "")
            lines.append(f"    {a.username:<{width}}  {a.password:<{pw_width}}  {who}")
    if info.links:
        lines += ["", "Đường dẫn trả lời phiếu (người được mời chưa trả lời):"]
        lines += [f"  {label}: {base_url}/s/{token}" for label, token in info.links[:8]]
    lines += ["", f"Đăng nhập tại {base_url}/login"]
    return "\n".join(lines)
