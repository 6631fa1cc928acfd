"""The analyst's pages: overview, unit, ranking, SIPAS, quality, appraisal import, exports."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd
from flask import Blueprint, abort, flash, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

from analysis.sipas import SipasLevel
from survey_app.errors import ServiceError, render
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import (
    appraisal,
    campaigns,
    export_labels,
    exports,
    lookup,
    microdata,
    results,
    results_history,
)
from survey_app.services.designs import design_of
from survey_app.services.results_quality import QualityReport, quality_report
from survey_app.web.charts import Bar, bar_chart
from survey_app.web.forms import FileUploadForm
from survey_app.web.helpers import (
    drop_kept,
    get_or_404,
    kept_result,
    kept_with_results,
    locale_code,
    page_of,
    read_upload,
    results_of,
    summary_of,
)
from survey_app.web.labels import design_name

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign

bp = Blueprint("results", __name__, url_prefix="/results")
ANALYSTS = (Role.ANALYST, Role.ADMIN)
ELEMENT_LABELS = export_labels.ELEMENT_LABELS
PART_LABELS = export_labels.PART_LABELS


def number(value: object, digits: int = 2) -> str:
    """85,32 in Vietnamese, 85.32 in English; a dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(float(value), pattern))  # type: ignore[arg-type]


def percent(value: object, digits: int = 2) -> str:
    """An index already in percent (85.32) as '85,32 %'."""
    text = number(value, digits)
    return text if text == "–" else f"{text}\u00a0%"


def share(value: object, digits: int = 1) -> str:
    """A share 0-1 as a percent."""
    is_number = isinstance(value, int | float) and not math.isnan(float(value))
    return percent(float(value) * 100 if is_number else None, digits)  # type: ignore[arg-type]


@bp.app_template_filter("num")
def _num_filter(value: object, digits: int = 2) -> str:
    return number(value, digits)


@bp.app_template_filter("pct")
def _pct_filter(value: object, digits: int = 2) -> str:
    return percent(value, digits)


@bp.app_template_filter("share")
def _share_filter(value: object, digits: int = 1) -> str:
    return share(value, digits)


def _campaign(campaign_id: int | None) -> Campaign | None:
    try:
        return campaigns.get_campaign(get_session(), campaign_id)
    except ServiceError:
        if campaign_id is not None:
            abort(404)
        return None


def _results(campaign_id: int) -> results.CampaignResults:
    campaign = _campaign(campaign_id)
    assert campaign is not None
    return results_of(campaign)


@bp.get("/")
@roles_required(*ANALYSTS)
def overview() -> str:
    campaign_id = request.args.get("campaign_id", type=int)
    campaign = _campaign(campaign_id)
    if campaign is None:
        return render_template("results/overview.html", campaign=None, r=None)
    r = results_of(campaign)
    sipas_province = _sipas_overall(r, "province")
    return render_template(
        "results/overview.html",
        campaign=campaign,
        r=r,
        sipas=sipas_province,
        charts=_ranking_charts(r, top=12),
    )


def _sipas_overall(r: results.CampaignResults, level: str) -> pd.DataFrame | None:
    return r.sipas[level].overall if r.sipas and level in r.sipas else None


def _ranking_charts(r: results.CampaignResults, top: int | None = None) -> dict[str, str]:
    """One chart per peer group (a unit level), never two groups in one chart: each group's
    units by rank (the ``top`` first when given), titled with the design's name of the level,
    the groups in the design's order of levels."""
    levels = [lv.code for lv in design_of(r.campaign).levels] if r.campaign is not None else []
    groups = sorted(
        r.ranking.groupby("peer_group", sort=True),
        key=lambda item: levels.index(str(item[0])) if str(item[0]) in levels else len(levels),
    )
    charts = {}
    for group, table in groups:
        ordered = table.sort_values(["rank", "unit_code"], kind="stable")
        name = design_name(r.campaign, "level", str(group), locale_code())
        chart = _ranking_chart(r, ordered if top is None else ordered.head(top), name)
        if chart:
            charts[str(group)] = chart
    return charts


def _ranking_chart(r: results.CampaignResults, ranking: pd.DataFrame, group_name: str) -> str:
    """The units of ONE peer group in the given order. A unit with survey points resting on
    fewer than ``small_cell_n`` responses carries the small-sample marker: the responses
    rating it, or, when nobody rates it directly (a district scored by its citizens' SIPAS),
    the SIPAS answers of its place."""
    if ranking["peer_group"].nunique() > 1:
        raise ValueError("one ranking chart holds one peer group")
    small_n = r.settings.estimation.small_cell_n
    sipas_n = _sipas_counts(r)
    bars = []
    for row in ranking.itertuples():
        n = int(row.responses) or sipas_n.get(str(row.unit_code), 0)
        bars.append(
            Bar(
                f"{row.rank}. {row.unit_name}",
                row.index_pct,
                small=bool(row.has_survey) and n < small_n,
                n=n,
            )
        )
    title = _("Chỉ số CCHC (%%) — %(group)s", group=group_name)
    return bar_chart(bars, title, percent, small_n=small_n) if bars else ""


def _sipas_counts(r: results.CampaignResults) -> dict[str, int]:
    """Per place of every SIPAS level, the most answers any of its SIPAS questions has."""
    counts: dict[str, int] = {}
    for level, result in (r.sipas or {}).items():
        if len(result.questions) and level in result.questions.columns:
            most = result.questions.groupby(level)["n"].max()
            counts.update({str(code): int(n) for code, n in most.items() if pd.notna(n)})
    return counts


@bp.get("/campaigns/<int:campaign_id>/units/<int:unit_id>")
@roles_required(*ANALYSTS)
def unit(campaign_id: int, unit_id: int) -> str:
    r = _results(campaign_id)
    found = get_or_404(lookup.unit(get_session(), unit_id))
    if found.campaign_id != campaign_id:
        abort(404)
    index = r.index
    fields = index.fields[index.fields["unit_code"] == found.code] if index else None
    criteria = index.criteria[index.criteria["unit_code"] == found.code] if index else None
    total = r.ranking[r.ranking["unit_code"] == found.code]
    estimates = r.estimates.get("unit")
    own = estimates[estimates["rated_unit"] == found.code] if estimates is not None else None
    years = results_history.year_on_year(
        get_session(), found, current=r, compute=_stored, locale=locale_code()
    )
    return render_template(
        "results/unit.html",
        years=years if len(years) > 1 else [],
        year_fields=results_history.field_titles(years),
        year_chart=_year_chart(years) if len(years) > 1 else "",
        r=r,
        campaign=r.campaign,
        unit=found,
        fields=fields,
        criteria=criteria,
        total=total.iloc[0].to_dict() if len(total) else None,
        estimates=own,
        chart=_field_chart(r, own),
        field_titles=_field_titles(r, found.code),
        estimate_titles=_field_titles(r),  # estimates are of the campaign tree's fields
    )


def _year_chart(years: list[results_history.YearRow]) -> str:
    """The index of the unit and its predecessors, oldest first."""
    bars = [
        Bar(f"{row.year} · {row.unit_name}", row.index_pct)
        for row in reversed(years)
        if row.index_pct is not None
    ]
    return bar_chart(bars, _("Chỉ số CCHC qua các năm (%)"), percent) if bars else ""


def _field_titles(r: results.CampaignResults, unit_code: str | None = None) -> dict[str, str]:
    """Titles of the fields, criteria and sub-criteria of the unit's tree (the campaign's
    by default), by code, in the page's language."""
    tree = r.tree if unit_code is None else r.tree_of_unit(unit_code)
    return {code: title.get(locale_code()) for code, title in tree.titles().items()}


def _field_chart(r: results.CampaignResults, own: pd.DataFrame | None) -> str:
    if own is None or own.empty:
        return ""
    titles = _field_titles(r)
    bars = [
        Bar(
            f"{row.field}. {titles.get(row.field, row.field)}",
            row.estimate,
            row.ci_low,
            row.ci_high,
            small=bool(row.small_cell),
            n=int(row.n),
        )
        for row in own.itertuples()
    ]
    return bar_chart(
        bars,
        _("Điểm điều tra theo lĩnh vực (%), khoảng tin cậy 95 %"),
        percent,
        small_n=r.settings.estimation.small_cell_n,
    )


@bp.get("/campaigns/<int:campaign_id>/ranking")
@roles_required(*ANALYSTS)
def ranking(campaign_id: int) -> str:
    r = _results(campaign_id)
    groups = {g: t for g, t in r.ranking.groupby("peer_group", sort=False)}
    charts = _ranking_charts(r)
    units = {u.code: u.id for u in r.data.units.values()}
    return render_template(
        "results/ranking.html",
        r=r,
        campaign=r.campaign,
        groups=groups,
        charts=charts,
        unit_ids=units,
    )


@bp.get("/campaigns/<int:campaign_id>/sipas")
@roles_required(*ANALYSTS)
def sipas(campaign_id: int) -> str:
    r = _results(campaign_id)
    level = request.args.get("level", "province")
    chosen = r.sipas.get(level) if r.sipas else None
    present = {str(e) for lv in (r.sipas or {}).values() for e in lv.elements["element"]}
    return render_template(
        "results/sipas.html",
        r=r,
        campaign=r.campaign,
        level=level,
        result=chosen,
        table=exports.sipas_table(r),
        chart=_sipas_chart(r, level, chosen),
        element_labels={e: label for e, label in ELEMENT_LABELS.items() if e in present},
        part_labels=PART_LABELS,
        question_text={
            q.id: q.text for instrument in r.data.instruments.values() for q in instrument.questions
        },
        item_score=r.settings.sipas.item_score.value,
    )


def _sipas_chart(r: results.CampaignResults, level: str, chosen: SipasLevel | None) -> str:
    """Element indices for the province; each place's overall index below it. A bar whose
    every question rests on fewer than ``small_cell_n`` answers carries the small-sample
    marker, with the largest number of answers of its questions."""
    if chosen is None:
        return ""
    small_n = r.settings.estimation.small_cell_n
    questions = chosen.questions
    if level == "province":
        counts = (
            questions.groupby("element")["n"].max() if len(questions) else pd.Series(dtype="int64")
        )
        bars = [
            Bar(
                str(ELEMENT_LABELS.get(row.element, row.element)),
                row.index_pct,
                small=_few(counts.get(row.element), small_n),
                n=_count(counts.get(row.element)),
            )
            for row in chosen.elements.itertuples()
        ]
        return bar_chart(bars, _("Chỉ số hài lòng theo yếu tố (%)"), percent, small_n=small_n)
    counts = questions.groupby(level)["n"].max() if len(questions) else pd.Series(dtype="int64")
    bars = [
        Bar(
            r.unit_name(str(code)),
            index,
            small=_few(counts.get(code), small_n),
            n=_count(counts.get(code)),
        )
        for code, index in zip(chosen.overall[level], chosen.overall["index_pct"], strict=True)
    ]
    return bar_chart(bars, _("Chỉ số SIPAS (%)"), percent, small_n=small_n)


def _count(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def _few(value: object, small_n: int) -> bool:
    count = _count(value)
    return count is not None and count < small_n


@bp.get("/campaigns/<int:campaign_id>/quality")
@roles_required(*ANALYSTS)
def quality(campaign_id: int) -> str:
    r = _results(campaign_id)
    report = kept_result(r, "quality", _quality_report)
    rates, rates_page = page_of(report.rates, "rates_page")
    flags, flags_page = page_of(report.flags, "flags_page")
    return render_template(
        "results/quality.html",
        r=r,
        campaign=r.campaign,
        report=report,
        rates=rates,
        rates_page=rates_page,
        flags=flags,
        flags_page=flags_page,
    )


def _quality_report(r: results.CampaignResults) -> QualityReport:
    return quality_report(get_session(), r.campaign, r.data, r.settings)


@bp.route("/campaigns/<int:campaign_id>/appraisal", methods=["GET", "POST"])
@roles_required(*ANALYSTS)
def appraisal_import(campaign_id: int) -> tuple[str, int]:
    campaign = _campaign(campaign_id)
    assert campaign is not None
    form, problems, status = FileUploadForm(), [], 200
    if form.validate_on_submit():
        filename, data = read_upload(form.file.data)
        try:
            count = appraisal.import_appraisal(
                get_session(), campaign, filename, data, current_user()
            )
            flash(_("Đã nhập %(count)d dòng điểm thẩm định.", count=count), "success")
        except appraisal.AppraisalRejected as exc:
            problems = [
                (p.row, render(p.code.value, locale_code(), {}), p.detail) for p in exc.problems
            ]
            flash(_("Có %(count)d dòng lỗi; chưa nhập dòng nào.", count=len(problems)), "error")
            status = 422
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
            status = 422
    elif form.is_submitted():
        status = 422
    stored = results.load_appraisal(get_session(), campaign)
    return render_template(
        "results/appraisal.html", campaign=campaign, form=form, problems=problems, stored=stored
    ), status


@bp.get("/campaigns/<int:campaign_id>/appraisal/template")
@roles_required(*ANALYSTS)
def appraisal_template(campaign_id: int) -> Response:
    campaign = _campaign(campaign_id)
    assert campaign is not None
    rows = appraisal.template_rows(get_session(), campaign)
    if request.args.get("format") == "csv":
        frame = pd.DataFrame(rows, columns=list(appraisal.HEADERS))
        return _download(exports.csv_bytes(frame), "mau-diem-tham-dinh.csv", "text/csv")
    return _download(appraisal.template_xlsx(rows), "mau-diem-tham-dinh.xlsx", XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes | BinaryIO, filename: str, mimetype: str) -> Response:
    """A file to save: bytes, or a file kept on disk streamed without reading it whole."""
    if isinstance(data, bytes):
        response = Response(data, mimetype=mimetype)
    else:
        response = Response(
            wrap_file(request.environ, data), mimetype=mimetype, direct_passthrough=True
        )
        response.content_length = os.fstat(data.fileno()).st_size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _delivered(
    r: results.CampaignResults, key: tuple[object, ...], build: Builder
) -> bytes | BinaryIO:
    """The export built once per state of the results (and ``key``), recorded each time: its
    bytes, or its file on disk opened (a large one the store keeps there)."""
    for _attempt in range(3):  # a kept file is dropped when newer data arrives: build it again
        built, source = kept_with_results(r, key, build)
        if built.path is None:
            exports.record_delivery(get_session(), source, built, current_user())
            return built.data
        try:
            handle = open(built.path, "rb")  # noqa: SIM115 - closed by the response
        except FileNotFoundError:  # removed from the disk: build it again
            drop_kept(r.campaign, key)
            continue
        exports.record_delivery(get_session(), source, built, current_user())
        return handle
    abort(503)


Builder = Callable[[results.CampaignResults], exports.BuiltExport]


@bp.get("/campaigns/<int:campaign_id>/export.xlsx")
@roles_required(*ANALYSTS)
def export_xlsx(campaign_id: int) -> Response:
    r = _results(campaign_id)
    locale = locale_code()
    comparison = results_history.comparison_table(get_session(), r, compute=_stored)
    data = _delivered(
        r,
        ("xlsx", locale, exports.frame_hash(comparison), export_labels.vietnam_today()),
        lambda kept: exports.build_workbook(kept, comparison, locale),
    )
    return _download(data, f"ket-qua-{r.campaign.year}.xlsx", XLSX)


def _stored(_session: object, campaign: Campaign) -> results.CampaignResults:
    """An earlier campaign's results for the year-on-year comparison (the store's)."""
    return summary_of(campaign)


@bp.get("/campaigns/<int:campaign_id>/export/<kind>.csv")
@roles_required(*ANALYSTS)
def export_csv(campaign_id: int, kind: str) -> Response:
    if kind not in exports.TABLE_KINDS:
        abort(404)
    r = _results(campaign_id)
    data = _delivered(r, ("csv", kind), lambda kept: exports.build_table_csv(kept, kind))
    return _download(data, f"{kind}-{r.campaign.year}.csv", "text/csv; charset=utf-8")


@bp.get("/campaigns/<int:campaign_id>/microdata.csv")
@roles_required(*ANALYSTS)
def microdata_csv(campaign_id: int) -> Response:
    r = _results(campaign_id)
    data = _delivered(r, ("microdata.csv",), microdata.build_csv)
    return _download(data, f"microdata-{r.campaign.year}.csv", "text/csv; charset=utf-8")


@bp.get("/campaigns/<int:campaign_id>/microdata.sav")
@roles_required(*ANALYSTS)
def microdata_sav(campaign_id: int) -> Response:
    r = _results(campaign_id)
    locale = locale_code()
    data = _delivered(r, ("microdata.sav", locale), lambda kept: microdata.build_sav(kept, locale))
    return _download(data, f"microdata-{r.campaign.year}.sav", "application/x-spss-sav")
