"""Submitted responses of a campaign as DataFrames for the analysis library.

One query reads every submitted response with its respondent's design columns (weight,
stratum, group), its rated unit and the commune, district and province it belongs to. Names,
phones, tokens and exact times never leave this module: only the response date (a day) and
the completion time in seconds (for the speeding flag) do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from designs import ListKind
from questionnaires import Instrument, Question, QuestionType
from survey_app.persistence.enums import RespondentStatus, ResponseStatus
from survey_app.persistence.models import (
    Answer,
    Campaign,
    Invitation,
    Respondent,
    Response,
    Unit,
)
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.services import instruments as instrument_versions
from survey_app.services.designs import design_of

META_COLUMNS = (
    "response_id",
    "instrument",
    "group",
    "mode",
    "weight",
    "stratum",
    "unit_code",
    "rated_unit",
    "commune",
    "district",
    "province",
    "response_date",
    "duration_seconds",
    "person",
    "stratum_population",
)
"""Design and domain columns of :attr:`ResponseData.meta`, one row per submitted response.
``person`` is the respondent's internal id, the cluster of their forms (a person who rates
several units answers several forms); it never leaves the analysis (not in exports).
``stratum`` is the stratum the person was drawn in (their unit, group and the draw's own
stratum: a citizens' field, an officials' unit) and ``stratum_population`` its eligible count
``N_h``: the design weights of a stratum's drawn people sum to it (sampling's invariant, kept
by replacements), so a census stratum (everyone drawn, weight 1) has ``N_h`` = people drawn."""


@dataclass(frozen=True)
class UnitInfo:
    """What the results read of a unit: a plain copy, so a stored result never holds a row
    of a closed session."""

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None

    @classmethod
    def of(cls, unit: Unit) -> UnitInfo:
        return cls(unit.id, unit.code, unit.name, unit.level, unit.parent_id)


@dataclass(frozen=True)
class ResponseData:
    """Submitted responses: ``meta`` (see :data:`META_COLUMNS`) and the cleaned answers.

    ``instruments`` holds the stored definition of every questionnaire version the responses
    were given on, by the key in ``meta["instrument"]``: the code, or ``code@version`` when a
    campaign's responses use several versions of one code. Each response is read and scored
    with its own version.
    """

    meta: pd.DataFrame
    answers: Mapping[int, Mapping[str, object]]
    units: Mapping[str, UnitInfo]
    instruments: Mapping[str, Instrument] = dataclasses.field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.meta.empty

    def of_instrument(self, key: str) -> pd.DataFrame:
        return self.meta[self.meta["instrument"] == key]

    def key_of(self, instrument: Instrument) -> str:
        """The key of an instrument object of :attr:`instruments`."""
        return next(k for k, v in self.instruments.items() if v is instrument)

    @cached_property
    def question_keys(self) -> Mapping[tuple[str, str], str]:
        """The scoring name of each (instrument key, question id): the question id itself,
        unless questionnaires in this data score that id differently (another criterion or
        points, as in two uploaded workbooks that both say ``q1``); then ``key/question id``,
        so no response is ever scored as another questionnaire's question. Versions that
        only change option shares keep one name: each response is scored with its own."""
        return _names(self.instruments, lambda q: (q.criterion, q.points))

    @cached_property
    def coding_keys(self) -> Mapping[tuple[str, str], str]:
        """The microdata name of each (instrument key, question id): split like
        :attr:`question_keys` when the type or the options differ (codes would mean other
        options)."""
        return _names(self.instruments, lambda q: (q.type, tuple(o.value for o in q.options)))


def _names(
    instruments: Mapping[str, Instrument], meaning: Callable[[Question], object]
) -> dict[tuple[str, str], str]:
    meanings: dict[str, set[object]] = {}
    for instrument in instruments.values():
        for q in instrument.questions:
            meanings.setdefault(q.id, set()).add(meaning(q))
    return {
        (key, q.id): q.id if len(meanings[q.id]) == 1 else f"{key}/{q.id}"
        for key, instrument in instruments.items()
        for q in instrument.questions
    }


def load_responses(
    session: Session, campaign: Campaign, only: Collection[int] | None = None
) -> ResponseData:
    """Every submitted response of ``campaign`` with design and domain columns (``only``:
    just the responses of these ids that are submitted, for a stored result to take in).

    Only respondents still in the sample count: a person replaced by a reserve passed their
    weight to the reserve, so an answer of theirs (keyed before the replacement) is left out.

    Writes go on while this reads (each statement sees what was committed when it began): the
    responses and their strata's sizes come from one statement, the units are read after it
    (so every unit it names is there), and answers of responses it did not return are skipped.
    """
    sizes = (
        select(
            Respondent.unit_id.label("unit_id"),
            Respondent.group.label("group"),
            Respondent.stratum.label("stratum"),
            func.sum(Respondent.weight).label("total"),
            func.count().label("people"),
        )
        .where(Respondent.campaign_id == campaign.id, Respondent.status == RespondentStatus.ACTIVE)
        .group_by(Respondent.unit_id, Respondent.group, Respondent.stratum)
        .subquery("sizes")
    )
    rows = session.execute(
        select(
            Response.id,
            Response.instrument_id,
            Respondent.group,
            Response.mode,
            Respondent.weight,
            Respondent.unit_id,
            Invitation.rated_unit_id,
            Response.started_at,
            Response.submitted_at,
            Respondent.id,
            Respondent.stratum,
            sizes.c.total,
            sizes.c.people,
        )
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(
            sizes,
            (sizes.c.unit_id == Respondent.unit_id)
            & (sizes.c.group == Respondent.group)
            & (sizes.c.stratum == Respondent.stratum),
        )
        .where(*_submitted(campaign, only))
        .order_by(Response.id)
        .execution_options(yield_per=STREAM_ROWS)
    ).all()
    units = {
        u.id: UnitInfo.of(u)
        for u in session.scalars(select(Unit).where(Unit.campaign_id == campaign.id))
    }
    design = design_of(campaign)
    local = frozenset(g.submitted_by for g in design.groups if g.list.kind is ListKind.TRANSACTIONS)
    above = {design.level(code).parent for code in local}
    middle = frozenset(
        code for code in above if code is not None and design.level(code).parent is not None
    )
    keys, versions = _versions(session, {row[1] for row in rows})
    records = [_record(row, units, local, middle, keys) for row in rows]
    meta = pd.DataFrame.from_records(records, columns=list(META_COLUMNS))
    meta["weight"] = meta["weight"].astype(np.float64)
    meta["duration_seconds"] = meta["duration_seconds"].astype(np.float64)
    meta["stratum_population"] = meta["stratum_population"].astype(np.float64)
    answers: dict[int, dict[str, object]] = {int(r): {} for r in meta["response_id"]}
    if answers:
        conditions = [
            Invitation.campaign_id == campaign.id,
            Response.status == ResponseStatus.SUBMITTED,
        ]
        if only is not None:
            conditions.append(Response.id.in_(sorted(only)))
        for response_id, question_id, text in session.execute(
            select(Answer.response_id, Answer.question_id, cast(Answer.value, Text))
            .join(Response)
            .join(Invitation)
            .where(*conditions)
            .execution_options(yield_per=STREAM_ROWS)
        ):
            given = answers.get(response_id)
            if given is not None:  # submitted after the responses were read: next time
                given[sys.intern(question_id)] = _decode(text)
    return ResponseData(meta, answers, {u.code: u for u in units.values()}, versions)


def _submitted(campaign: Campaign, only: Collection[int] | None) -> list[ColumnElement[bool]]:
    """The conditions of a counted response: submitted, by a person still in the sample."""
    conditions = [
        Invitation.campaign_id == campaign.id,
        Response.status == ResponseStatus.SUBMITTED,
        Respondent.status == RespondentStatus.ACTIVE,
    ]
    if only is not None:
        conditions.append(Response.id.in_(sorted(only)))
    return conditions


STREAM_ROWS = 20_000
"""Rows fetched at a time (a server-side cursor on PostgreSQL): a national campaign has
millions of answers, which the driver would otherwise hold all at once."""


def stratum_population(total: float, people: int) -> float:
    """A stratum's eligible count ``N_h`` from its drawn people's weights (never below the
    people drawn, whatever rounding does)."""
    return float(max(round(float(total)), int(people)))


def _versions(session: Session, ids: set[int]) -> tuple[dict[int, str], dict[str, Instrument]]:
    """The key of each instrument row used (code, or code@version when a code has several
    versions here) and the stored definition of each, in key order."""
    if not ids:
        return {}, {}
    rows = list(session.scalars(select(InstrumentRow).where(InstrumentRow.id.in_(ids))))
    per_code: dict[str, int] = {}
    for row in rows:
        per_code[row.code] = per_code.get(row.code, 0) + 1
    keys = {
        row.id: row.code if per_code[row.code] == 1 else f"{row.code}@{row.version}" for row in rows
    }
    loaded = {keys[row.id]: instrument_versions.load(row) for row in rows}
    return keys, dict(sorted(loaded.items()))


def _decode(text: str | None) -> object:
    """A stored JSON answer; plain strings (most answers) without the JSON parser."""
    if text is None:
        return None
    if len(text) >= 2 and text[0] == '"' == text[-1] and "\\" not in text:
        return sys.intern(text[1:-1])  # option codes repeat: one string each, not per answer
    return json.loads(text)


def _record(
    row: tuple[object, ...],
    units: Mapping[int, UnitInfo],
    local: frozenset[str],
    middle: frozenset[str],
    keys: Mapping[int, str],
) -> tuple[object, ...]:
    (
        response_id,
        instrument_id,
        group,
        mode,
        weight,
        unit_id,
        rated_id,
        started,
        submitted,
        person,
        drawn_in,
        total,
        people,
    ) = row
    assert isinstance(unit_id, int)
    unit = units[unit_id]
    assert isinstance(rated_id, int)
    rated = units[rated_id]
    places = ancestry(unit, units, local, middle)
    assert isinstance(submitted, dt.datetime) and isinstance(started, dt.datetime)
    duration = max((_aware(submitted) - _aware(started)).total_seconds(), 0.0)
    day = _aware(submitted).date()
    assert isinstance(instrument_id, int)
    return (
        response_id,
        keys[instrument_id],
        str(group),
        str(mode),
        weight,
        f"{unit.code} · {group} · {drawn_in}",
        unit.code,
        rated.code,
        places.get("commune"),
        places.get("district"),
        places.get("province"),
        day,
        duration,
        person,
        stratum_population(float(str(total)), int(str(people))),
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for stored UTC times."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def ancestry(
    unit: UnitInfo, units: Mapping[int, UnitInfo], local: frozenset[str], middle: frozenset[str]
) -> dict[str, str]:
    """The places of a unit, whatever the design calls its levels: ``province`` is the top of
    its chain, ``commune`` the nearest unit of a level that lists people who transacted there
    (``local``: communes, wards…), ``district`` the nearest unit of a level between those and
    the top (``middle``: the districts of a three-tier design, a cluster of communes)."""
    chain: list[UnitInfo] = []
    current: UnitInfo | None = unit
    while current is not None and current not in chain:
        chain.append(current)
        current = units.get(current.parent_id) if current.parent_id else None
    found = {"province": chain[-1].code}
    for place in chain[:-1]:
        if place.level in local:
            found.setdefault("commune", place.code)
        elif place.level in middle:
            found.setdefault("district", place.code)
    return found


def scored(question: Question) -> bool:
    """A question whose options carry shares of its points (PAR survey questions)."""
    return (
        bool(question.criterion)
        and question.points is not None
        and any(o.share is not None for o in question.options)
    )


def option_share(question: Question, value: object) -> float:
    """The share of the answer's option; NaN for non-substantive or missing answers."""
    option = question.option(str(value)) if value is not None else None
    if option is None or not option.substantive or option.share is None:
        return float("nan")
    return float(option.share)


def option_code(question: Question, value: object) -> float:
    """1-based position of the chosen option (as in the printed form); NaN when unanswered."""
    values = [o.value for o in question.options]
    return float(values.index(str(value)) + 1) if str(value) in values else float("nan")


def numeric_value(question: Question, value: object) -> float:
    """Likert answers as their 1-5 value, numbers as numbers, other choices by position."""
    if value is None:
        return float("nan")
    if question.type is QuestionType.LIKERT5 or question.type is QuestionType.NUMBER:
        try:
            return float(str(value))
        except ValueError:
            return float("nan")
    return option_code(question, value)


def wide_frame(data: ResponseData, instrument: Instrument, kind: str = "share") -> pd.DataFrame:
    """One row per response of ``instrument`` (meta columns), one column per question.

    ``kind="share"``: option shares of scored questions (NaN for "don't know");
    ``kind="value"``: numeric values of every choice, Likert and number question.
    """
    meta = data.of_instrument(data.key_of(instrument)).reset_index(drop=True)
    if kind == "share":
        questions = [q for q in instrument.questions if scored(q)]
        convert = option_share
    else:
        questions = [
            q
            for q in instrument.questions
            if q.type is not QuestionType.MULTIPLE_CHOICE
            and (q.options or q.type is QuestionType.NUMBER)
        ]
        convert = numeric_value
    columns = {
        q.id: [convert(q, data.answers[int(r)].get(q.id)) for r in meta["response_id"]]
        for q in questions
    }
    values = pd.DataFrame(columns, index=meta.index, dtype=np.float64)
    return pd.concat([meta, values], axis=1)
