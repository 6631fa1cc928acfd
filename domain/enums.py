"""Enums for units, respondent groups and campaigns (DOMAIN.md §2, §5)."""

from __future__ import annotations

from enum import StrEnum


class UnitLevel(StrEnum):
    """Where a unit sits in the administrative tree."""

    PROVINCE = "province"
    DEPARTMENT = "department"
    SUBUNIT = "subunit"
    DISTRICT = "district"
    COMMUNE = "commune"
    MINISTRY = "ministry"
    MINISTRY_DEPARTMENT = "ministry_department"
    ASSOCIATION = "association"


class SelectionRule(StrEnum):
    """How a group's respondents are chosen from its frame (DOMAIN.md §7)."""

    CENSUS = "census"
    CENSUS_IN_CHOSEN_DISTRICTS = "census_in_chosen_districts"
    QUOTA = "quota"
    STRATIFIED_SAMPLE = "stratified_sample"


class RespondentGroup(StrEnum):
    """Respondent groups of the province- and ministry-level surveys (DOMAIN.md §5)."""

    COUNCIL_DELEGATE = "council_delegate"
    DEPARTMENT_LEADER = "department_leader"
    SUBUNIT_LEADER = "subunit_leader"
    DISTRICT_LEADER = "district_leader"
    CITIZEN = "citizen"
    MINISTRY_DEPARTMENT_LEADER = "ministry_department_leader"
    PROVINCE_DEPARTMENT_LEADER_FOR_MINISTRY = "province_department_leader_for_ministry"
    MINISTRY_SUBUNIT_LEADER = "ministry_subunit_leader"
    PAR_OFFICER = "par_officer"
    ASSOCIATION_LEADER = "association_leader"

    @property
    def selection(self) -> SelectionRule:
        """The default selection rule of the group."""
        return _SELECTION[self]

    @property
    def submitting_level(self) -> UnitLevel:
        """The unit level that uploads this group's list."""
        return _SUBMITTER[self]


_SELECTION: dict[RespondentGroup, SelectionRule] = {
    RespondentGroup.COUNCIL_DELEGATE: SelectionRule.CENSUS,
    RespondentGroup.DEPARTMENT_LEADER: SelectionRule.CENSUS,
    RespondentGroup.SUBUNIT_LEADER: SelectionRule.CENSUS,
    RespondentGroup.DISTRICT_LEADER: SelectionRule.CENSUS_IN_CHOSEN_DISTRICTS,
    RespondentGroup.CITIZEN: SelectionRule.STRATIFIED_SAMPLE,
    RespondentGroup.MINISTRY_DEPARTMENT_LEADER: SelectionRule.CENSUS,
    RespondentGroup.PROVINCE_DEPARTMENT_LEADER_FOR_MINISTRY: SelectionRule.CENSUS,
    RespondentGroup.MINISTRY_SUBUNIT_LEADER: SelectionRule.CENSUS,
    RespondentGroup.PAR_OFFICER: SelectionRule.QUOTA,
    RespondentGroup.ASSOCIATION_LEADER: SelectionRule.QUOTA,
}

_SUBMITTER: dict[RespondentGroup, UnitLevel] = {
    RespondentGroup.COUNCIL_DELEGATE: UnitLevel.PROVINCE,
    RespondentGroup.DEPARTMENT_LEADER: UnitLevel.DEPARTMENT,
    RespondentGroup.SUBUNIT_LEADER: UnitLevel.SUBUNIT,
    RespondentGroup.DISTRICT_LEADER: UnitLevel.DISTRICT,
    RespondentGroup.CITIZEN: UnitLevel.COMMUNE,
    RespondentGroup.MINISTRY_DEPARTMENT_LEADER: UnitLevel.MINISTRY_DEPARTMENT,
    RespondentGroup.PROVINCE_DEPARTMENT_LEADER_FOR_MINISTRY: UnitLevel.DEPARTMENT,
    RespondentGroup.MINISTRY_SUBUNIT_LEADER: UnitLevel.SUBUNIT,
    RespondentGroup.PAR_OFFICER: UnitLevel.MINISTRY,
    RespondentGroup.ASSOCIATION_LEADER: UnitLevel.ASSOCIATION,
}


class CampaignKind(StrEnum):
    """What a campaign measures."""

    PROVINCIAL_PAR = "provincial_par"
    INTERNAL_INDEX = "internal_index"
    COMMUNE_INDEX = "commune_index"
    SIPAS = "sipas"


class DrawRole(StrEnum):
    """What a drawn person is for: the sample, the ordered reserve list, or replaced by a
    reserve. The one role enum of the sampling library, the database and the services
    (``sampling.Role``, ``persistence.enums.SampleRole`` and the respondent's status map here).
    """

    SAMPLE = "sample"
    RESERVE = "reserve"
    REPLACED = "replaced"
