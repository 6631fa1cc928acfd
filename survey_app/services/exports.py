"""Analyst exports: result tables, an XLSX workbook with native charts, CSV, and provenance.

No export carries personal data: tables are per unit, place or question, and microdata
(:mod:`microdata`) hold answers, weights, strata, unit codes and the response day only.
Every text cell that a spreadsheet could read as a formula (= + - @ tab CR) is neutralised.
CSV and the API carry the tables' machine column names only; the workbook is for people: each
sheet's first row is the heading in the page's language (:mod:`export_labels`), the second the
column's code, with names beside codes and Có/Không for yes and no.
Each export writes an :class:`ExportRecord` with the settings and a hash of its data, and an
audit event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from analysis.reproducibility import hash_frame, provenance
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import ExportRecord, User
from survey_app.services import audit, results_history
from survey_app.services import export_labels as labels
from survey_app.services import xlsx_layout as layout
from survey_app.services.results import CampaignResults
from survey_app.services.spreadsheet import safe_cell as neutralise

TABLE_KINDS = ("scores", "ranking", "sipas", "estimates", "questions")


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return neutralise(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads Vietnamese correctly), neutralised cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def scores_table(results: CampaignResults) -> pd.DataFrame:
    """Per unit: total and index, then points and index of each field."""
    if results.index is None:
        return pd.DataFrame(columns=["unit_code", "unit_name", "points", "max_points", "index_pct"])
    fields = results.index.fields.pivot(
        index="unit_code", columns="field", values=["points", "index_pct"]
    )
    fields.columns = [
        f"field_{f}_{'points' if k == 'points' else 'index_pct'}" for k, f in fields.columns
    ]
    totals = results.index.totals[["unit_code", "points", "max_points", "index_pct"]]
    table = totals.merge(fields, left_on="unit_code", right_index=True, how="left")
    table.insert(1, "unit_name", table["unit_code"].map(results.unit_name))
    return table.reset_index(drop=True)


def sipas_table(results: CampaignResults) -> pd.DataFrame:
    """Per commune, district and province: element indices, overall index, 1-5 mean."""
    parts = []
    for level, result in (results.sipas or {}).items():
        elements = result.elements.pivot(index=level, columns="element", values="index_pct")
        elements.columns = [f"element_{e}_pct" for e in elements.columns]
        table = result.overall.set_index(level).join(elements)
        if not result.parts.empty and result.parts["part"].nunique() > 1:
            by_part = result.parts.pivot(index=level, columns="part", values="index_pct")
            by_part.columns = [f"part_{p}_pct" for p in by_part.columns]
            table = table.join(by_part)
        table = table.reset_index()
        table = table.rename(columns={level: "unit_code"})
        table.insert(0, "level", level)
        table.insert(2, "unit_name", table["unit_code"].map(results.unit_name))
        counts = result.questions.groupby(level)["n"].max()
        table["n"] = table["unit_code"].map(counts)
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=["level", "unit_code", "unit_name", "index_pct", "mean_1_5"])
    return pd.concat(parts, ignore_index=True)


def estimates_table(results: CampaignResults) -> pd.DataFrame:
    """Weighted field scores (percent) with SE, 95 % CI, deff, n_eff, n and small-cell flag."""
    parts = []
    for level, table in results.estimates.items():
        by = table.columns[0]
        part = table.rename(columns={by: "domain"}).drop(columns=["variable"])
        part.insert(0, "level", level)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["level", "domain", "field", "estimate", "se"])
    table = pd.concat(parts, ignore_index=True)
    order = [
        "level",
        "domain",
        "field",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "n_eff",
        "n",
        "small_cell",
    ]
    return table[order]


def question_table(results: CampaignResults) -> pd.DataFrame:
    """Per question and option: weighted percent of valid answers and unweighted count."""
    records = []
    meta = results.data.meta.set_index("response_id")
    for code, instrument in results.data.instruments.items():
        ids = results.data.of_instrument(code)["response_id"]
        for q in instrument.questions:
            if not q.options or q.type.value == "multiple_choice":
                continue
            chosen = pd.Series({int(r): results.data.answers[int(r)].get(q.id) for r in ids})
            chosen = chosen.dropna()
            weights = meta.loc[chosen.index, "weight"]
            total = float(weights.sum())
            for option in q.options:
                picked = chosen == option.value
                share = float(weights[picked].sum()) / total if total else np.nan
                records.append(
                    (code, q.id, q.text.vi, option.value, option.label.vi, share, int(picked.sum()))
                )
    return pd.DataFrame(
        records,
        columns=[
            "instrument",
            "question_id",
            "question",
            "option",
            "option_label",
            "weighted_share",
            "n",
        ],
    )


def table(results: CampaignResults, kind: str) -> pd.DataFrame:
    """One of :data:`TABLE_KINDS` as a DataFrame (the content of its CSV and XLSX sheet)."""
    builders = {
        "scores": scores_table,
        "ranking": lambda r: r.ranking,
        "sipas": sipas_table,
        "estimates": estimates_table,
        "questions": question_table,
    }
    return builders[kind](results)


SHEETS = (
    ("scores", _l("Điểm số")),
    ("ranking", _l("Xếp hạng")),
    ("sipas", _l("SIPAS")),
    ("estimates", _l("Ước lượng")),
    ("questions", _l("Câu hỏi")),
)
_CODE_ROWS = 2
"""Header rows of each table sheet: the heading people read, then the column's code."""


def workbook(
    results: CampaignResults,
    record_hash: str,
    comparison: pd.DataFrame | None = None,
    locale: str | None = None,
) -> bytes:
    """The XLSX workbook: an information sheet, one sheet per table, two native charts;
    ``comparison``: the year-on-year table (a sheet when it has rows). Headings, names and
    Có/Không in ``locale`` (default: the page's), each column's code under its heading."""
    locale = locale or labels.current_locale()
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    with force_locale(locale):
        names = labels.Names(results, locale)
        formats = layout.formats(book)
        _info_sheet(book, results, record_hash, names, formats)
        for kind, title in SHEETS:
            frame = labels.shown(table(results, kind), kind, names)
            sheet = book.add_worksheet(layout.sheet_name(title))
            _write_frame(sheet, frame, formats, names, kind)
            if kind in ("ranking", "sipas") and len(frame):
                name = _("Chỉ số CCHC (%)") if kind == "ranking" else _("Chỉ số SIPAS (%)")
                _chart(book, sheet, sheet.name, frame, "unit_name", "index_pct", name)
        if comparison is not None and len(comparison):
            sheet = book.add_worksheet(layout.sheet_name(_("So sánh qua các năm")))
            _write_frame(sheet, labels.comparison(comparison, names), formats, names, "")
    book.close()
    return out.getvalue()


def _info_sheet(
    book: xlsxwriter.Workbook,
    results: CampaignResults,
    record_hash: str,
    names: labels.Names,
    formats: dict[str, object],
) -> None:
    """One setting per row: its name, its value as people read it, its key, its raw value."""
    sheet = book.add_worksheet(layout.sheet_name(_("Thông tin")))
    headings = [
        (_("Thiết lập"), "setting", 42),
        (_("Giá trị"), "value", 60),
        (_("Mã thiết lập"), "key", 32),
        (_("Giá trị (dạng máy đọc)"), "raw_value", 40),
    ]
    for c, (label, code, width) in enumerate(headings):
        sheet.write_string(0, c, str(neutralise(label)), formats["header"])
        sheet.write_string(1, c, code, formats["code"])
        sheet.set_column(c, c, width)
    for r, row in enumerate(labels.info_rows(results, record_hash, names), start=_CODE_ROWS):
        sheet.write_string(r, 0, str(neutralise(row.label)), formats["wrap"])
        sheet.write_string(r, 1, str(neutralise(row.value)), formats["wrap"])
        sheet.write_string(r, 2, str(neutralise(row.key)), formats["text"])
        sheet.write_string(r, 3, str(neutralise(labels.raw_text(row.raw))), formats["wrap"])
    sheet.freeze_panes(_CODE_ROWS, 1)


def _write_frame(
    sheet: object,
    frame: pd.DataFrame,
    formats: dict[str, object],
    names: labels.Names,
    kind: str,
) -> None:
    """Headings on row 1, codes on row 2, the rows below; both header rows frozen."""
    heights = [1]
    for c, name in enumerate(frame.columns):
        code, heading = str(name), names.heading(str(name), kind)
        width, wrap = layout.width(frame[name], heading, code)
        sheet.write_string(0, c, str(neutralise(heading)), formats["header"])  # type: ignore[attr-defined]
        sheet.write_string(1, c, str(neutralise(code)), formats["code"])  # type: ignore[attr-defined]
        sheet.set_column(c, c, width, formats["wrap"] if wrap else None)  # type: ignore[attr-defined]
        heights.append(layout.lines(heading, width))
        fmt = formats[layout.kind_of(frame[name], code)]
        cell = formats["wrap"] if wrap else formats["text"]
        for r, value in enumerate(frame[name], start=_CODE_ROWS):
            if code.endswith(layout.PERCENT_COLUMNS) or code.startswith("element_"):
                value = _fraction(value, code)
            _write_value(sheet, r, c, value, fmt, cell)
    sheet.set_row(0, 15 * min(max(heights), 8))  # type: ignore[attr-defined]
    unit = list(frame.columns[:4]).index("unit_name") + 1 if "unit_name" in frame.columns[:4] else 0
    sheet.freeze_panes(_CODE_ROWS, unit)  # type: ignore[attr-defined]


def _fraction(value: object, name: str) -> object:
    """Index percents (0-100) become fractions so the cell shows 85,32 % in percent format."""
    if (
        isinstance(value, int | float | np.floating)
        and name.endswith(("index_pct", "_pct"))
        and not np.isnan(float(value))
    ):
        return float(value) / 100.0
    return value


def _write_value(
    sheet: object, row: int, col: int, value: object, fmt: object, text_fmt: object = None
) -> None:
    """Booleans as Có/Không, numbers in ``fmt``, text neutralised."""
    value = _cell(value)
    if isinstance(value, bool):
        sheet.write_string(row, col, labels.yes_no(value), text_fmt)  # type: ignore[attr-defined]
    elif isinstance(value, int | float):
        sheet.write_number(row, col, float(value), fmt)  # type: ignore[attr-defined]
    else:
        sheet.write_string(row, col, str(value), text_fmt)  # type: ignore[attr-defined]


def _chart(
    book: xlsxwriter.Workbook,
    sheet: object,
    title: str,
    frame: pd.DataFrame,
    label: str,
    value: str,
    name: str,
) -> None:
    """A native bar chart of ``value`` by ``label`` beside the table."""
    rows = min(len(frame), 60)
    cat, val = list(frame.columns).index(label), list(frame.columns).index(value)
    first, last = _CODE_ROWS, _CODE_ROWS + rows - 1
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": name,
            "categories": [title, first, cat, last, cat],
            "values": [title, first, val, last, val],
            "data_labels": {"value": True, "num_format": "0.00%"},
        }
    )
    chart.set_title({"name": name})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_size({"width": 640, "height": max(320, 18 * rows)})
    sheet.insert_chart(_CODE_ROWS, len(frame.columns) + 1, chart)  # type: ignore[attr-defined]


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of an exported table, row order ignored (64 hex digits)."""
    return hash_frame(frame.astype(str), order_independent=True)


@dataclass(frozen=True)
class BuiltExport:
    """An export's bytes and the provenance of the table it holds, built once per state of
    the results (``results_store``) and recorded every time it is handed out. A large file
    kept by the store lives on disk (``path``, ``content`` None) instead of in memory."""

    kind: str
    content: bytes | None
    data_hash: str
    details: dict[str, object]
    path: str | None = None
    size: int = 0

    @property
    def data(self) -> bytes:
        """The file's bytes (read from disk when it was put there)."""
        if self.content is not None:
            return self.content
        assert self.path is not None
        with open(self.path, "rb") as handle:
            return handle.read()


def built_export(
    results: CampaignResults, kind: str, frame: pd.DataFrame, write: Callable[[str], bytes]
) -> BuiltExport:
    """``write(data_hash)`` (the file, given its table's hash) with the table's provenance."""
    digest = frame_hash(frame)
    details = provenance(frame.astype(str), results.settings)
    details["responses"] = len(results.data.meta)
    content = write(digest)
    return BuiltExport(kind, content, digest, details, size=len(content))


def deliver(
    session: Session, results: CampaignResults, built: BuiltExport, actor: User | None
) -> bytes:
    """Record that ``built`` was handed out (provenance, appraisal hash, audit); its bytes."""
    record_delivery(session, results, built, actor)
    return built.data


def record_delivery(
    session: Session, results: CampaignResults, built: BuiltExport, actor: User | None
) -> None:
    """Record that ``built`` was handed out: provenance, appraisal hash, audit."""
    details = {**built.details, "appraisal_hash": frame_hash(results.appraisal)}
    state = results.freshness.state.key if results.freshness is not None else None
    if state is not None:
        details["results_state"] = state
    row = ExportRecord(
        campaign_id=results.campaign.id,
        kind=built.kind,
        settings=details,
        data_hash=built.data_hash,
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        AuditAction.EXPORT,
        user=actor,
        campaign_id=results.campaign.id,
        target=built.kind,
        export_id=row.id,
        data_hash=row.data_hash,
    )


def build_table_csv(results: CampaignResults, kind: str) -> BuiltExport:
    """One result table as CSV (machine codes as column names)."""
    frame = table(results, kind)
    return built_export(results, f"csv:{kind}", frame, lambda _: csv_bytes(frame))


def export_table_csv(
    session: Session, results: CampaignResults, kind: str, actor: User | None
) -> bytes:
    """One result table as CSV, recorded."""
    return deliver(session, results, build_table_csv(results, kind), actor)


def build_workbook(
    results: CampaignResults, comparison: pd.DataFrame, locale: str | None = None
) -> BuiltExport:
    """The XLSX workbook with the hash of all its tables (``comparison``: the year-on-year
    sheet, from ``results_history.comparison_table``; ``locale``: that of its headings and
    names, default the page's)."""
    combined = pd.concat(
        [table(results, k).astype(str).assign(_table=k) for k in TABLE_KINDS], ignore_index=True
    )
    return built_export(
        results, "xlsx", combined, lambda digest: workbook(results, digest, comparison, locale)
    )


def export_workbook(
    session: Session, results: CampaignResults, actor: User | None, locale: str | None = None
) -> bytes:
    """The XLSX workbook, recorded."""
    comparison = results_history.comparison_table(session, results)
    return deliver(session, results, build_workbook(results, comparison, locale), actor)


def safe_rows(values: Iterable[Sequence[object]]) -> list[list[object]]:
    """Rows with every cell neutralised (for templates written by other modules)."""
    return [[_cell(v) for v in row] for row in values]
