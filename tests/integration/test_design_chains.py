"""The whole chain for any valid design: registry → lists → sample → links → answers → scores
→ ranking, for the two 2025 templates and a design written by hand that is none of them.

Every selection rule (census, quota, stratified, census within chosen units) and every
evaluation shape (the province, the own unit or an ancestor, each unit of a level, within a
shared ancestor) is drawn, issued, answered and scored here, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import designs
from survey_app.persistence.models import Campaign, Invitation, Respondent, Unit
from survey_app.services import designs as designs_service
from survey_app.services import draws, invitations, lists, registry, responses, results
from tests import factories
from tests.support import complete_answers

YEAR = dt.date.today().year
WINDOW = (dt.date(YEAR, 1, 1), dt.date(YEAR, 10, 15))
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai")
REGISTRY = [  # code, name, level, parent, tier
    ("T91", "Tỉnh Thử Nghiệm", "province", "", ""),
    ("S01", "Sở Nội vụ", "department", "T91", ""),
    ("S02", "Sở Tài chính", "department", "T91", ""),
    ("S03", "Sở Xây dựng", "department", "T91", ""),
    ("S01.01", "Chi cục Văn thư - Lưu trữ", "subunit", "S01", ""),
    ("S02.01", "Trung tâm Thẩm định giá", "subunit", "S02", ""),
    ("C01", "Xã Yên Lạc", "commune", "T91", "1"),
    ("C02", "Phường Đồng Tâm", "commune", "T91", "2"),
    ("C03", "Đặc khu Cồn Cỏ", "commune", "T91", "3"),
    ("C01.VP", "Văn phòng HĐND và UBND xã Yên Lạc", "commune_office", "C01", ""),
    ("C01.KT", "Phòng Kinh tế xã Yên Lạc", "commune_office", "C01", ""),
    ("C02.VP", "Văn phòng HĐND và UBND phường Đồng Tâm", "commune_office", "C02", ""),
]
HAND_WRITTEN = f"""
name: {{vi: "Khảo sát thử của Sở Nội vụ", en: "A trial survey"}}
levels:
  - {{code: tinh, name: "Tỉnh", ranked: false}}
  - {{code: cum, name: {{vi: "Cụm xã", en: "Cluster"}}, parent: tinh, ranked: false}}
  - {{code: xa, name: {{vi: "Xã", en: "Commune"}}, parent: cum}}
  - {{code: so, name: {{vi: "Sở", en: "Agency"}}, parent: tinh}}
groups:
  - code: can_bo_xa
    name: {{vi: "Cán bộ xã", en: "Commune officials"}}
    submitted_by: xa
    selection: {{rule: census_in_chosen, chosen_level: xa, per_parent: 1}}
    list: {{kind: officials, required: [position]}}
    share: 0.4
  - code: lanh_dao_so
    name: {{vi: "Lãnh đạo sở", en: "Agency leaders"}}
    submitted_by: so
    selection: {{rule: quota, quota: 2}}
    share: 0.4
  - code: nguoi_dan
    name: {{vi: "Người dân", en: "Citizens"}}
    submitted_by: xa
    selection: {{rule: stratified, sample_size: 4, reserve_size: 1}}
    list: {{kind: transactions, expected: 4}}
    window: {{start: {WINDOW[0].isoformat()}, end: {WINDOW[1].isoformat()}}}
    share: 0.2
evaluations:
  - {{group: can_bo_xa, rates: each_of_level, level: so, questionnaire: par_agency_2025}}
  - {{group: lanh_dao_so, rates: each_of_level, level: xa, questionnaire: par_commune_2025}}
  - {{group: can_bo_xa, rates: own_unit, level: tinh, questionnaire: par_province_council}}
  - {{group: nguoi_dan, rates: own_unit, questionnaire: sipas_citizen}}
  - {{group: nguoi_dan, rates: each_of_level, level: xa, within: cum,
      questionnaire: commune_citizen}}
settings:
  analysis: {{criteria_tree: department_2025, level_trees: {{xa: commune_2025}}}}
"""
HAND_REGISTRY = [
    ("T", "Tỉnh Thử", "tinh", "", ""),
    ("K1", "Cụm Bắc", "cum", "T", ""),
    ("K2", "Cụm Nam", "cum", "T", ""),
    ("X1", "Xã Bắc Một", "xa", "K1", "1"),
    ("X2", "Xã Bắc Hai", "xa", "K1", "2"),
    ("X3", "Xã Nam Ba", "xa", "K2", "1"),
    ("A1", "Sở Nội vụ", "so", "T", ""),
    ("A2", "Sở Tư pháp", "so", "T", ""),
]


def _registry_csv(
    rows: list[tuple[str, str, str, str, str]], design: designs.CampaignDesign
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "level", "parent_code", "tier", "procedure_fields"])
    levels = {lv.code for lv in design.levels}
    transactions = {g.submitted_by for g in design.groups if g.list.kind.value == "transactions"}
    for code, name, level, parent, tier in rows:
        if level in levels:
            fields = "; ".join(FIELDS) if level in transactions else ""
            writer.writerow([code, name, level, parent, tier, fields])
    return out.getvalue().encode()


def _list_file(unit: Unit, group: designs.Group, people: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if group.list.kind is designs.ListKind.TRANSACTIONS:
        writer.writerow(
            [
                "STT",
                "Họ và tên",
                "Địa chỉ",
                "Số điện thoại",
                "Lĩnh vực TTHC",
                "Ngày nộp hồ sơ",
                "Ngày nhận kết quả",
            ]
        )
        for i in range(people):
            writer.writerow(
                [
                    i + 1,
                    f"Người dân {unit.code} {i}",
                    f"Thôn {i}, {unit.name}",
                    f"09123{i:05d}",
                    FIELDS[i % len(FIELDS)],
                    f"02/03/{YEAR}",
                    f"10/03/{YEAR}",
                ]
            )
    else:
        writer.writerow(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số điện thoại"])
        for i in range(people):
            writer.writerow(
                [i + 1, f"Cán bộ {unit.code} {i}", "Phó Giám đốc", unit.name, f"08123{i:05d}"]
            )
    return ("\ufeff" + out.getvalue()).encode()


def _run_chain(session: Session, design: designs.CampaignDesign, rows: list) -> Campaign:
    campaign = factories.campaign(session, design=design, name=f"Chuỗi {design.name.vi}")
    registry.import_units(session, campaign, "units.csv", _registry_csv(rows, design), None)
    session.flush()
    units = registry.list_units(session, campaign)
    for unit in units:
        for code in lists.required_groups(campaign, unit):
            group = design.group(code)
            people = 7 if group.list.kind is designs.ListKind.TRANSACTIONS else 3
            lists.upload(
                session,
                campaign,
                unit,
                code,
                f"{unit.code}.csv",
                _list_file(unit, group, people),
                None,
            )
    draws.run(session, campaign, 2026, None)
    issued = invitations.issue(session, campaign, None)
    assert issued
    for invitation in session.scalars(
        select(Invitation).where(Invitation.campaign_id == campaign.id)
    ):
        answers = complete_answers(responses.instrument_of(invitation), invitation.id % 3)
        result = responses.submit(session, invitation, answers, f"chain-{invitation.id}")
        assert result.outcome is responses.SubmitOutcome.ACCEPTED
    session.flush()
    return campaign


def _forms_per_person(session: Session, campaign: Campaign, group: str) -> Counter[int]:
    rows = session.execute(
        select(Respondent.id, func.count(Invitation.id))
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .where(Respondent.campaign_id == campaign.id, Respondent.group == group)
        .group_by(Respondent.id)
    ).all()
    return Counter(n for _, n in rows)


def _ranked(computed: results.CampaignResults) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in computed.ranking.itertuples():
        assert row.rank >= 1 and 0 <= row.index_pct <= 100, row
        found.setdefault(row.peer_group, set()).add(row.unit_code)
    return found


def _template(code: str) -> designs.CampaignDesign:
    return factories.dated(code, WINDOW)


def test_the_2025_provincial_survey_runs_end_to_end(session: Session) -> None:
    campaign = _run_chain(session, _template("par_province_2025"), REGISTRY)
    for group in ("council_delegate", "subunit_leader", "commune_leader", "commune_office_leader"):
        assert _forms_per_person(session, campaign, group) == Counter(
            {1: _count(session, campaign, group)}
        )
    rated = session.scalars(
        select(Unit.code)
        .join(Invitation, Invitation.rated_unit_id == Unit.id)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .where(Respondent.group == "commune_leader")
        .distinct()
    ).all()
    assert rated == ["T91"]
    computed = results.compute(session, campaign)
    assert computed.sipas is not None
    assert _ranked(computed)["province"] == {"T91"}
    citizens = session.scalar(
        select(func.count())
        .select_from(Respondent)
        .where(
            Respondent.campaign_id == campaign.id,
            Respondent.group == "citizen",
            Respondent.status == "active",
        )
    )
    assert citizens == 3 * 7  # fewer than 30 listed: everyone


def _count(session: Session, campaign: Campaign, group: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Respondent)
            .where(Respondent.campaign_id == campaign.id, Respondent.group == group)
        )
        or 0
    )


def test_the_2025_internal_index_rates_each_agency_and_commune_and_ranks_them(
    session: Session,
) -> None:
    campaign = _run_chain(session, _template("internal_index_2025"), REGISTRY)
    # a commune leader rates each of the 3 agencies; a delegate each agency and each commune
    assert set(_forms_per_person(session, campaign, "commune_leader")) == {3}
    assert set(_forms_per_person(session, campaign, "council_delegate")) == {6}
    # the quota: 2 of the 3 leaders listed by each commune office, weight 3/2
    weights = session.scalars(
        select(Respondent.weight).where(
            Respondent.campaign_id == campaign.id, Respondent.group == "commune_office_leader"
        )
    )
    assert sorted(set(weights)) == [1.5]
    computed = results.compute(session, campaign)
    ranked = _ranked(computed)
    assert ranked == {"department": {"S01", "S02", "S03"}, "commune": {"C01", "C02", "C03"}}
    trees = {computed.data.units[c].level for c in computed.index.totals["unit_code"]}
    assert trees == {"department", "commune"}
    fields = computed.index.fields
    assert set(fields[fields["unit_code"] == "C01"]["field"]) > {
        "8"
    }  # the commune tree's 8th field
    assert "8" not in set(fields[fields["unit_code"] == "S01"]["field"])  # agencies: 7 fields


def test_a_design_written_by_hand_runs_every_rule_and_shape(session: Session) -> None:
    design = designs_service.read_document(HAND_WRITTEN)
    campaign = _run_chain(session, design, HAND_REGISTRY)
    chosen = {
        u.code
        for u in session.scalars(
            select(Unit)
            .join(Respondent, Respondent.unit_id == Unit.id)
            .where(Respondent.group == "can_bo_xa")
        )
    }
    assert len(chosen & {"X1", "X2"}) == 1 and "X3" in chosen  # one commune per cluster
    # commune officials rate both agencies and their province: 3 forms each
    assert set(_forms_per_person(session, campaign, "can_bo_xa")) == {3}
    # citizens rate their commune (SIPAS) and each other commune of their cluster
    citizen_forms = _forms_per_person(session, campaign, "nguoi_dan")
    assert set(citizen_forms) == {1 + 1, 1 + 0}  # X1/X2 have a neighbour, X3 none
    computed = results.compute(session, campaign)
    ranked = _ranked(computed)
    assert ranked["so"] == {"A1", "A2"} and ranked["xa"] == {"X1", "X2", "X3"}
    assert "tinh" not in ranked and "cum" not in ranked
    # SIPAS by commune, cluster and province, whatever the design calls them
    assert computed.sipas is not None
    assert set(computed.sipas["commune"].overall["commune"]) == {"X1", "X2", "X3"}
    assert set(computed.sipas["district"].overall["district"]) == {"K1", "K2"}
    exported = designs_service.design_of(campaign)
    assert designs.load_yaml(designs.dump_yaml(exported)) == exported


def test_a_design_that_drops_a_group_in_use_is_refused_and_nothing_changes(
    session: Session,
) -> None:
    campaign = _run_chain(session, _template("internal_index_2025"), REGISTRY)
    before = dict(campaign.design)
    design = designs_service.design_of(campaign)
    smaller = dataclasses.replace(
        design,
        groups=tuple(g for g in design.groups if g.code != "commune_leader"),
        evaluations=tuple(e for e in design.evaluations if e.group != "commune_leader"),
    )
    with pytest.raises(designs_service.DesignRefused) as refused:
        designs_service.save_design(session, campaign, smaller, None)
    found = {(p.path, p.code) for p in refused.value.problems}
    assert ("groups", "group_in_use") in found  # lists and people of the group exist
    assert ("evaluations", "design_in_use") in found  # and invitations are out
    assert campaign.design == before


def test_after_issuing_settings_change_but_who_rates_whom_does_not(session: Session) -> None:
    campaign = _run_chain(session, _template("par_province_2025"), REGISTRY)
    design = designs_service.design_of(campaign)
    renamed = dataclasses.replace(design, name=designs.Text("Tên mới", "New name"))
    designs_service.save_design(session, campaign, renamed, None)  # names may change
    moved = dataclasses.replace(
        design,
        evaluations=tuple(
            dataclasses.replace(e, rates=designs.RatesShape.OWN_UNIT)
            if e.group == "commune_leader"
            else e
            for e in design.evaluations
        ),
    )
    with pytest.raises(designs_service.DesignRefused) as refused:
        designs_service.save_design(session, campaign, moved, None)
    assert [(p.path, p.code) for p in refused.value.problems] == [("evaluations", "design_in_use")]


def test_each_form_of_a_person_who_rates_several_units_is_keyed_and_counted_on_its_own(
    session: Session,
) -> None:
    from survey_app.errors import ServiceError
    from survey_app.persistence.enums import Mode, ResponseStatus, Role
    from survey_app.services import entry, fieldwork
    from survey_app.services.entry import EntryOutcome

    design = _template("internal_index_2025")
    campaign = factories.campaign(session, design=design, name="Nhập phiếu nhiều đơn vị")
    registry.import_units(session, campaign, "u.csv", _registry_csv(REGISTRY, design), None)
    session.flush()
    leader_unit = registry.unit_by_code(session, campaign, "C01")
    lists.upload(
        session,
        campaign,
        leader_unit,
        "commune_leader",
        "c.csv",
        _list_file(leader_unit, design.group("commune_leader"), 3),
        None,
    )
    draws.run(session, campaign, 5, None)
    invitations.issue(session, campaign, None)
    person = session.scalars(
        select(Respondent).where(Respondent.campaign_id == campaign.id)
    ).first()
    forms = entry.forms_of(session, person)
    assert len(forms) == 3 and len({f.rated_unit_id for f in forms}) == 3
    clerk = factories.user(session, Role.INTERVIEWER)
    answers = complete_answers(responses.instrument_of(forms[1]))
    result = entry.enter(session, person, answers, Mode.PAPER, clerk, invitation_id=forms[1].id)
    assert result.outcome is EntryOutcome.SUBMITTED
    assert [entry.status_of(session, f) for f in forms] == [None, ResponseStatus.SUBMITTED, None]
    row = next(r for r in fieldwork.progress(session, campaign) if r.unit.code == "C01")
    assert (row.respondents, row.started, row.submitted) == (3, 1, 0)
    assert (row.forms, row.forms_submitted) == (9, 1)
    with pytest.raises(ServiceError, match="no_invitation"):
        entry.invitation_of(session, person, invitation_id=-1)
