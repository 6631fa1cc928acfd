"""Anonymised microdata: answers, weights, strata, unit codes and the response day.

No names, phones, e-mails, tokens, free-text answers (people write names and numbers in
them) or times finer than a day. Cases are numbered after sorting, not by database ids.
Choice answers are stored as their 1-based option position, labelled in the SPSS file. The
CSV carries the variable names only; the SPSS labels are in the page's language.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from questionnaires import Question, QuestionType
from survey_app.persistence.models import User
from survey_app.services.export_labels import current_locale
from survey_app.services.exports import BuiltExport, built_export, csv_bytes, deliver, neutralise
from survey_app.services.results import CampaignResults
from survey_app.services.results_data import numeric_value

DESIGN = {
    "case_id": _l("Số thứ tự phiếu"),
    "instrument": _l("Mã phiếu khảo sát"),
    "group": _l("Nhóm đối tượng"),
    "mode": _l("Hình thức trả lời"),
    "weight": _l("Trọng số thiết kế"),
    "stratum": _l("Tầng chọn mẫu"),
    "unit_code": _l("Mã đơn vị của người trả lời"),
    "rated_unit": _l("Mã đơn vị được đánh giá"),
    "commune": _l("Mã xã"),
    "district": _l("Mã huyện"),
    "province": _l("Mã tỉnh"),
    "response_date": _l("Ngày trả lời"),
}
"""Labels of the design variables (the SPSS file's variable labels)."""
CHOSEN = {0.0: _l("Không được chọn"), 1.0: _l("Được chọn")}
"""Value labels of a multiple-choice option's 0/1 variable."""


@dataclass(frozen=True)
class Microdata:
    frame: pd.DataFrame
    column_labels: dict[str, str]
    value_labels: dict[str, dict[float, str]]


def variable_name(question_id: str, option: str | None = None) -> str:
    """An SPSS-safe name: letters, digits and underscores, starting with a letter, <= 64."""
    raw = question_id if option is None else f"{question_id}_{option}"
    name = re.sub(r"[^0-9A-Za-z_]", "_", raw)
    return (name if name[:1].isalpha() else f"v_{name}")[:64]


def _columns(question: Question, answers: list[object], name: str) -> dict[str, list[float]]:
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return {
            variable_name(name, o.value): [
                np.nan if a is None else float(o.value in (a if isinstance(a, list) else [a]))
                for a in answers
            ]
            for o in question.options
        }
    return {variable_name(name): [numeric_value(question, a) for a in answers]}


def _labels(
    question: Question, base: str, locale: str
) -> tuple[dict[str, str], dict[str, dict[float, str]]]:
    text = question.text.get(locale)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        names = {
            variable_name(base, o.value): f"{text} — {o.label.get(locale)}"
            for o in question.options
        }
        chosen = {value: str(label) for value, label in CHOSEN.items()}
        return names, {n: dict(chosen) for n in names}
    name = variable_name(base)
    values: dict[float, str] = {}
    if question.options and question.type is not QuestionType.LIKERT5:
        values = {float(i): o.label.get(locale) for i, o in enumerate(question.options, start=1)}
    elif question.options:
        values = {float(o.value): o.label.get(locale) for o in question.options}
    return {name: text}, ({name: values} if values else {})


def microdata(results: CampaignResults, locale: str | None = None) -> Microdata:
    """One row per submitted response with design columns and coded answers; variable and
    value labels in ``locale`` (default: the page's)."""
    locale = locale or current_locale()
    with force_locale(locale):
        return _microdata(results, locale)


def _microdata(results: CampaignResults, locale: str) -> Microdata:
    data = results.data
    meta = data.meta.sort_values(["instrument", "unit_code", "response_id"]).reset_index(drop=True)
    frame = meta[[c for c in DESIGN if c in meta.columns]].copy()
    frame.insert(0, "case_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["response_date"] = frame["response_date"].map(
        lambda d: d.isoformat() if d is not None else ""
    )
    column_labels = {name: str(label) for name, label in DESIGN.items()}
    value_labels: dict[str, dict[float, str]] = {}
    columns: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    ids = meta["response_id"].to_numpy()
    for key, instrument in data.instruments.items():
        rows = np.flatnonzero((meta["instrument"] == key).to_numpy())
        given = [data.answers[int(r)] for r in ids[rows]]  # only this questionnaire's forms
        for q in instrument.questions:
            if q.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.DATE):
                continue  # free text and dates may identify a person: never in microdata
            name = data.coding_keys[(key, q.id)]
            answers = [g.get(q.id) for g in given]
            for column, values in _columns(q, answers, name).items():
                # another version with the same meaning fills its own rows of the column
                kept = columns.setdefault(column, np.full(len(meta), np.nan))
                kept[rows] = np.asarray(values, dtype=np.float64)
            names, labels = _labels(q, name, locale)
            column_labels.update(names)
            value_labels.update(labels)
    coded = pd.DataFrame(columns, index=frame.index, dtype=np.float64)
    frame = pd.concat([frame, coded], axis=1)
    for column in (
        "instrument",
        "group",
        "mode",
        "stratum",
        "unit_code",
        "rated_unit",
        "commune",
        "district",
        "province",
    ):
        frame[column] = frame[column].fillna("").astype(str).map(neutralise)
    return Microdata(frame, column_labels, value_labels)


def build_csv(results: CampaignResults) -> BuiltExport:
    """The microdata as CSV (codes only)."""
    data = microdata(results)
    return built_export(results, "microdata:csv", data.frame, lambda _: csv_bytes(data.frame))


def export_csv(session: Session, results: CampaignResults, actor: User | None) -> bytes:
    return deliver(session, results, build_csv(results), actor)


def build_sav(results: CampaignResults, locale: str | None = None) -> BuiltExport:
    """SPSS .sav with variable and value labels (pyreadstat) in ``locale``, default the
    page's; the data and their hash are the same in every locale."""
    data = microdata(results, locale)
    return built_export(results, "microdata:sav", data.frame, lambda _: _sav_bytes(data))


def export_sav(
    session: Session, results: CampaignResults, actor: User | None, locale: str | None = None
) -> bytes:
    return deliver(session, results, build_sav(results, locale), actor)


def _sav_bytes(data: Microdata) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "microdata.sav"
        pyreadstat.write_sav(
            data.frame,
            str(path),
            column_labels=[data.column_labels.get(c, c) for c in data.frame.columns],
            variable_value_labels={
                k: v for k, v in data.value_labels.items() if k in data.frame.columns
            },
        )
        return path.read_bytes()
