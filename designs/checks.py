"""Checks between a design's parts, each adding problems to the reader by path."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from designs.model import Evaluation, Group, Level, RatesShape, SelectionRule
from designs.reader import Reader, at


def ancestry(parents: Mapping[str, str | None], level: str) -> tuple[str, ...]:
    """``level`` and its ancestor levels, nearest first (stops at a cycle or unknown code)."""
    chain: list[str] = []
    current: str | None = level
    while current is not None and current in parents and current not in chain:
        chain.append(current)
        current = parents[current]
    return tuple(chain)


def check_levels(reader: Reader, levels: list[Level]) -> dict[str, str | None]:
    """Unique codes, known parents, no cycle, a top level; returns level -> parent level."""
    parents: dict[str, str | None] = {}
    for i, level in enumerate(levels):
        if level.code in parents:
            reader.add(at(at("levels", i), "code"), "duplicate_code", code=level.code)
        parents[level.code] = level.parent
    for i, level in enumerate(levels):
        if level.parent is not None and level.parent not in parents:
            reader.add(at(at("levels", i), "parent"), "unknown_level", code=level.parent)
        elif level.parent is not None and _cycles(parents, level.code):
            reader.add(at(at("levels", i), "parent"), "level_cycle", code=level.code)
    if levels and all(level.parent is not None for level in levels):
        reader.add("levels", "no_top_level")
    return parents


def _cycles(parents: Mapping[str, str | None], code: str) -> bool:
    seen = {code}
    current = parents.get(code)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def check_groups(reader: Reader, groups: list[Group], parents: Mapping[str, str | None]) -> None:
    """Unique codes, known submitting and chosen levels, usable shares."""
    seen: set[str] = set()
    for i, group in enumerate(groups):
        path = at("groups", i)
        if group.code in seen:
            reader.add(at(path, "code"), "duplicate_code", code=group.code)
        seen.add(group.code)
        if group.submitted_by not in parents:
            reader.add(at(path, "submitted_by"), "unknown_level", code=group.submitted_by)
            continue
        selection = group.selection
        if selection.rule is SelectionRule.CENSUS_IN_CHOSEN and selection.chosen_level:
            chosen_path = at(at(path, "selection"), "chosen_level")
            if selection.chosen_level not in parents:
                reader.add(chosen_path, "unknown_level", code=selection.chosen_level)
            elif selection.chosen_level not in ancestry(parents, group.submitted_by):
                reader.add(
                    chosen_path,
                    "not_an_ancestor",
                    code=selection.chosen_level,
                    level=group.submitted_by,
                )
    chosen: dict[str, tuple[object, ...]] = {}
    for i, group in enumerate(groups):
        s = group.selection
        if s.rule is SelectionRule.CENSUS_IN_CHOSEN and s.chosen_level:
            key = (s.per_parent, s.min_per_parent, s.max_per_parent, s.tier_pick)
            if chosen.setdefault(s.chosen_level, key) != key:
                path = at(at(at("groups", i), "selection"), "per_parent")
                reader.add(path, "chosen_differently", level=s.chosen_level)
    shares = [g.share for g in groups if g.share is not None]
    if shares and sum(shares) <= 0:
        reader.add("groups", "shares_zero")
    if shares:  # shares are given for every group or for none (pooled per respondent)
        for i, group in enumerate(groups):
            if group.share is None:
                reader.add(at(at("groups", i), "share"), "share_missing")


def check_evaluations(
    reader: Reader,
    evaluations: list[Evaluation],
    groups: list[Group],
    parents: Mapping[str, str | None],
    questionnaires: Collection[str] | None,
) -> None:
    """Known groups, levels and questionnaires; each shape with the levels it needs; every
    group rates something; no line twice."""
    by_code = {g.code: g for g in groups}
    seen: set[tuple[str, str, str | None, str | None]] = set()
    for i, evaluation in enumerate(evaluations):
        path = at("evaluations", i)
        key = (evaluation.group, evaluation.rates.value, evaluation.level, evaluation.within)
        if key in seen:
            reader.add(path, "duplicate_evaluation")
        seen.add(key)
        if questionnaires is not None and evaluation.questionnaire not in questionnaires:
            reader.add(
                at(path, "questionnaire"), "unknown_questionnaire", code=evaluation.questionnaire
            )
        group = by_code.get(evaluation.group)
        if group is None:
            reader.add(at(path, "group"), "unknown_group", code=evaluation.group)
            continue
        if group.submitted_by in parents:
            _check_shape(reader, evaluation, path, ancestry(parents, group.submitted_by), parents)
    rated = {e.group for e in evaluations}
    for i, group in enumerate(groups):
        if group.code not in rated:
            reader.add(at(at("groups", i), "code"), "group_rates_nothing", code=group.code)


def _check_shape(
    reader: Reader,
    evaluation: Evaluation,
    path: str,
    own_chain: tuple[str, ...],
    parents: Mapping[str, str | None],
) -> None:
    """The levels a shape needs: OWN_UNIT an ancestor, EACH_OF_LEVEL a level (and a shared
    ancestor for ``within``); PROVINCE neither."""
    level, within = evaluation.level, evaluation.within
    if level is not None and level not in parents:
        reader.add(at(path, "level"), "unknown_level", code=level)
        return
    if within is not None and evaluation.rates is not RatesShape.EACH_OF_LEVEL:
        reader.add(at(path, "within"), "not_for_shape", shape=evaluation.rates.value)
    if evaluation.rates is RatesShape.PROVINCE:
        if level is not None:
            reader.add(at(path, "level"), "not_for_shape", shape=evaluation.rates.value)
    elif evaluation.rates is RatesShape.OWN_UNIT:
        if level is not None and level not in own_chain:
            reader.add(at(path, "level"), "not_an_ancestor", code=level, level=own_chain[0])
    elif level is None:
        reader.add(at(path, "level"), "needed_by_shape", shape=evaluation.rates.value)
    elif within is not None and within == level and level == own_chain[0]:
        reader.add(at(path, "within"), "rates_only_itself", level=level)
    elif within is not None:
        if within not in parents:
            reader.add(at(path, "within"), "unknown_level", code=within)
        elif within not in own_chain or within not in ancestry(parents, level):
            reader.add(at(path, "within"), "not_shared_ancestor", code=within, level=level)
