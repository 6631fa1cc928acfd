"""Analyst exports: result tables, an XLSX workbook with native charts, CSV, and provenance.

No export carries personal data: tables are per unit, place or question, and microdata
(:mod:`microdata`) hold answers, weights, strata, unit codes and the response day only.
Every text cell that a spreadsheet could read as a formula (= + - @ tab CR) is neutralised.
Each export writes an :class:`ExportRecord` with the settings and a hash of its data, and an
audit event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import xlsxwriter
from sqlalchemy.orm import Session

from analysis.reproducibility import hash_frame, provenance, to_jsonable
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import ExportRecord, User
from survey_app.services import audit, results_history
from survey_app.services.results import CampaignResults, load_appraisal
from survey_app.services.spreadsheet import safe_cell as neutralise

NUMBER_FORMAT = "[$-42A]#,##0.00"
PERCENT_FORMAT = "[$-42A]0.00%"
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
    ("scores", "Điểm số"),
    ("ranking", "Xếp hạng"),
    ("sipas", "SIPAS"),
    ("estimates", "Ước lượng"),
    ("questions", "Câu hỏi"),
)
_PERCENT_COLUMNS = ("index_pct", "weighted_share", "rate")


def workbook(
    results: CampaignResults, record_hash: str, comparison: pd.DataFrame | None = None
) -> bytes:
    """The XLSX workbook: an information sheet, one sheet per table, two native charts;
    ``comparison``: the year-on-year table (a sheet when it has rows)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {
        "number": book.add_format({"num_format": NUMBER_FORMAT}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT}),
        "header": book.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True}),
    }
    _info_sheet(book, results, record_hash, formats)
    for kind, title in SHEETS:
        frame = table(results, kind)
        sheet = book.add_worksheet(title)
        _write_frame(sheet, frame, formats)
        if kind == "ranking" and len(frame):
            _chart(book, sheet, title, frame, "unit_name", "index_pct", "Chỉ số CCHC (%)")
        if kind == "sipas" and len(frame):
            _chart(book, sheet, title, frame, "unit_name", "index_pct", "Chỉ số SIPAS (%)")
    if comparison is not None and len(comparison):
        _write_frame(book.add_worksheet("So sánh qua các năm"), comparison, formats)
    book.close()
    return out.getvalue()


def _info_sheet(
    book: xlsxwriter.Workbook,
    results: CampaignResults,
    record_hash: str,
    formats: dict[str, object],
) -> None:
    sheet = book.add_worksheet("Thông tin")
    rows = [
        ("Đợt khảo sát", results.campaign.name),
        ("Năm", results.campaign.year),
        ("Ngày xuất", dt.date.today().isoformat()),
        ("Số phiếu đã nộp", len(results.data.meta)),
        ("Bộ tiêu chí", results.settings.criteria_tree),
        ("Mã băm dữ liệu (SHA-256)", record_hash),
        ("Thiết lập", str(to_jsonable(results.settings))),
    ]
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    for r, (label, value) in enumerate(rows):
        sheet.write_string(r, 0, label, formats["header"])
        _write_value(sheet, r, 1, value, None)


def _write_frame(sheet: object, frame: pd.DataFrame, formats: dict[str, object]) -> None:
    for c, name in enumerate(frame.columns):
        sheet.write_string(0, c, str(name), formats["header"])  # type: ignore[attr-defined]
        sheet.set_column(c, c, 14 if c else 18)  # type: ignore[attr-defined]
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
            fmt = (
                formats["percent"]
                if str(name).endswith(_PERCENT_COLUMNS) or str(name).startswith("element_")
                else formats["number"]
            )
            if str(name).endswith(_PERCENT_COLUMNS) or str(name).startswith("element_"):
                value = _fraction(value, str(name))
            _write_value(sheet, r, c, value, fmt)
    sheet.freeze_panes(1, 0)  # type: ignore[attr-defined]


def _fraction(value: object, name: str) -> object:
    """Index percents (0-100) become fractions so the cell shows 85,32 % in percent format."""
    if (
        isinstance(value, int | float | np.floating)
        and name.endswith(("index_pct", "_pct"))
        and not np.isnan(float(value))
    ):
        return float(value) / 100.0
    return value


def _write_value(sheet: object, row: int, col: int, value: object, fmt: object) -> None:
    value = _cell(value)
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)  # type: ignore[attr-defined]
    elif isinstance(value, int | float):
        sheet.write_number(row, col, float(value), fmt)  # type: ignore[attr-defined]
    else:
        sheet.write_string(row, col, str(value))  # type: ignore[attr-defined]


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
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": name,
            "categories": [title, 1, cat, rows, cat],
            "values": [title, 1, val, rows, val],
            "data_labels": {"value": True, "num_format": "0.00%"},
        }
    )
    chart.set_title({"name": name})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_size({"width": 640, "height": max(320, 18 * rows)})
    sheet.insert_chart(1, len(frame.columns) + 1, chart)  # type: ignore[attr-defined]


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of an exported table, row order ignored (64 hex digits)."""
    return hash_frame(frame.astype(str), order_independent=True)


def record(
    session: Session, results: CampaignResults, kind: str, frame: pd.DataFrame, actor: User | None
) -> ExportRecord:
    """Write the export's provenance (settings, data hash, appraisal hash) and audit it."""
    appraisal = load_appraisal(session, results.campaign)
    details = provenance(frame.astype(str), results.settings)
    details["appraisal_hash"] = frame_hash(appraisal)
    details["responses"] = len(results.data.meta)
    row = ExportRecord(
        campaign_id=results.campaign.id,
        kind=kind,
        settings=details,
        data_hash=frame_hash(frame),
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        AuditAction.EXPORT,
        user=actor,
        campaign_id=results.campaign.id,
        target=kind,
        export_id=row.id,
        data_hash=row.data_hash,
    )
    return row


def export_table_csv(
    session: Session, results: CampaignResults, kind: str, actor: User | None
) -> bytes:
    """One result table as CSV, recorded."""
    frame = table(results, kind)
    record(session, results, f"csv:{kind}", frame, actor)
    return csv_bytes(frame)


def export_workbook(session: Session, results: CampaignResults, actor: User | None) -> bytes:
    """The XLSX workbook, recorded with the hash of all its tables."""
    combined = pd.concat(
        [table(results, k).astype(str).assign(_table=k) for k in TABLE_KINDS], ignore_index=True
    )
    comparison = results_history.comparison_table(session, results)
    row = record(session, results, "xlsx", combined, actor)
    return workbook(results, row.data_hash, comparison)


def safe_rows(values: Iterable[Sequence[object]]) -> list[list[object]]:
    """Rows with every cell neutralised (for templates written by other modules)."""
    return [[_cell(v) for v in row] for row in values]
