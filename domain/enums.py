"""Enums shared by the libraries and the application (DOMAIN.md §2, §7).

Unit levels, respondent groups and campaign kinds are not enums: they are the codes of a
campaign's design (``designs``), rows an administrator owns. What stays here are kinds of
things the code itself knows.
"""

from __future__ import annotations

from enum import StrEnum


class DrawRole(StrEnum):
    """What a drawn person is for: the sample, the ordered reserve list, or replaced by a
    reserve. The one role enum of the sampling library, the database and the services
    (``sampling.Role``, ``persistence.enums.SampleRole`` and the respondent's status map here).
    """

    SAMPLE = "sample"
    RESERVE = "reserve"
    REPLACED = "replaced"
