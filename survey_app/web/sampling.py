"""The administrator's sampling pages: settings, preview, run, verify, districts, export."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

import sampling
from survey_app import worker
from survey_app.catalogue import library_message
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import draws, lookup, respondents, sample_export, sample_plan
from survey_app.services.designs import DesignRefused, design_of
from survey_app.web.fieldwork import letters_response
from survey_app.web.helpers import get_or_404, locale_code, page_of, working_campaign
from survey_app.web.labels import RULE_LABELS

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign

bp = Blueprint("sampling", __name__, url_prefix="/sampling")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIZE_FIELDS = frozenset({"sample_size", "reserve_size", "quota", "per_parent"})
PREVIEW_PAGE_SIZE = 50
"""Rows per page of the preview (one per unit and group)."""
PREVIEW_TOTALS = ("frame_size", "sample_size", "reserve_size", "expected_forms")
SEARCH_CHARS = 100


def _campaign() -> Campaign:
    return working_campaign()


@bp.get("/")
@roles_required(Role.ADMIN)
def index() -> str:
    campaign = _campaign()
    session = get_session()
    run = draws.latest_run(session, campaign)
    design = design_of(campaign)
    chosen_levels = {g.selection.chosen_level for g in design.groups if g.selection.chosen_level}
    return render_template(
        "sampling/index.html",
        campaign=campaign,
        run=run,
        groups=design.groups,
        rule_labels=RULE_LABELS,
        expected=draws.expected_forms(session, campaign),
        districts=draws.district_choices(session, run) if run else [],
        suggested_seed=secrets.randbelow(10**6),
        district_units=[u for u in campaign.units if u.level in chosen_levels],
        **_preview(campaign),
    )


def _preview(campaign: Campaign) -> dict[str, Any]:
    """The preview's page of rows for ``?q=`` (a unit's name or code), ``?level=`` and
    ``?page=``, with the counts per level of the rows the search finds and their totals."""
    table = sample_plan.preview(get_session(), campaign)
    search = request.args.get("q", "")[:SEARCH_CHARS].strip()
    present = set(table["level"].dropna())
    levels = [lv.code for lv in design_of(campaign).levels if lv.code in present]
    level = request.args.get("level", "")
    level = level if level in levels else ""
    searched = sample_plan.preview_matching(table, search)
    shown = sample_plan.preview_matching(searched, level=level or None)
    rows, page = page_of(shown, "page", size=PREVIEW_PAGE_SIZE)
    return {
        "preview": rows.to_dict("records"),
        "preview_page": page,
        "preview_search": search,
        "preview_level": level,
        "preview_levels": levels,
        "preview_all": len(table),
        "preview_found": len(searched),
        "preview_counts": {code: int((searched["level"] == code).sum()) for code in levels},
        "preview_totals": {
            column: int(shown[column].sum()) if len(shown) else 0 for column in PREVIEW_TOTALS
        },
    }


@bp.post("/settings")
@roles_required(Role.ADMIN)
def save_settings() -> Any:
    sizes: dict[str, dict[str, int | None]] = {}
    for key in request.form:
        code, _sep, name = key.partition("__")
        if name in SIZE_FIELDS:
            sizes.setdefault(code, {})[name] = request.form.get(key, type=int)
    try:
        draws.save_sizes(get_session(), _campaign(), current_user(), sizes)
    except DesignRefused as exc:
        flash(exc.message(locale_code()) + " " + " ".join(exc.lines(locale_code())), "error")
        return redirect(url_for("sampling.index"))
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("sampling.index"))
    flash(_("Đã lưu thiết lập chọn mẫu."), "success")
    return redirect(url_for("sampling.index"))


@bp.post("/run")
@roles_required(Role.ADMIN)
def run() -> Any:
    campaign = _campaign()
    seed = request.form.get("seed", type=int)
    if seed is None or not 0 <= seed < 2**31:
        flash(_("Hạt giống ngẫu nhiên phải là số nguyên không âm."), "error")
        return redirect(url_for("sampling.index"))
    overrides = _overrides()
    try:
        stored = draws.run(get_session(), campaign, seed, current_user(), overrides)
    except (ServiceError, sampling.SamplingError) as exc:
        flash(
            exc.message(locale_code())
            if isinstance(exc, ServiceError)
            else library_message(exc, locale_code()),
            "error",
        )
        return redirect(url_for("sampling.index"))
    flash(
        _("Đã chọn mẫu (lần chạy %(id)d, hạt giống %(seed)d).", id=stored.id, seed=seed), "success"
    )
    return redirect(url_for("sampling.index"))


def _overrides() -> list[sampling.DistrictOverride]:
    """District overrides from the form: code, in/out and the recorded reason."""
    found = []
    for code in request.form.getlist("override_code"):
        choice = request.form.get(f"override_{code}", "")
        reason = request.form.get(f"reason_{code}", "").strip()
        if choice in ("in", "out") and reason:
            found.append(sampling.DistrictOverride(code, choice == "in", reason[:500]))
    return found


@bp.post("/verify")
@roles_required(Role.ADMIN)
def verify() -> Any:
    campaign = _campaign()
    run = draws.latest_run(get_session(), campaign)
    if run is None:
        abort(404)
    result = draws.verify(get_session(), campaign, run)
    if result.matches:
        flash(_("Kiểm tra lại: chọn lại với cùng hạt giống cho đúng danh sách đã lưu."), "success")
    else:
        flash(
            _(
                "Kiểm tra lại: khác %(n)d người; dữ liệu khung mẫu %(state)s.",
                n=result.differences,
                state=_("không đổi") if result.frame_hash_matches else _("đã thay đổi"),
            ),
            "warning",
        )
    return redirect(url_for("sampling.index"))


@bp.get("/export.xlsx")
@roles_required(Role.ADMIN)
def export() -> Any:
    return current_app.response_class(
        sample_export.respondents_xlsx(get_session(), _campaign(), current_user()),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=danh_sach_doi_tuong.xlsx"},
    )


@bp.get("/units/<int:unit_id>")
@roles_required(Role.ADMIN)
def unit_respondents(unit_id: int) -> str:
    unit = get_or_404(lookup.unit(get_session(), unit_id))
    return render_template(
        "sampling/unit.html",
        unit=unit,
        people=draws.unit_respondents(get_session(), unit),
        replaceable=draws.replaceable_groups(unit.campaign),
    )


@bp.post("/respondents/<int:respondent_id>/replace")
@roles_required(Role.ADMIN)
def replace(respondent_id: int) -> Any:
    respondent = get_or_404(lookup.respondent(get_session(), respondent_id))
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Hãy ghi lý do thay người."), "error")
        return redirect(url_for("sampling.unit_respondents", unit_id=respondent.unit_id))
    try:
        chosen, links = respondents.replace_by_reserve(
            get_session(),
            respondent,
            reason,
            current_user(),
            worker.context_of(current_app).sealer,
        )
    except ServiceError as exc:
        flash(exc.message(locale_code()), "error")
        return redirect(url_for("sampling.unit_respondents", unit_id=respondent.unit_id))
    flash(
        _(
            "Đã thay bằng %(name)s (dự phòng số %(rank)s).",
            name=chosen.full_name,
            rank=chosen.reserve_rank,
        ),
        "success",
    )
    if links:
        return letters_response(links, respondent.unit.campaign)
    return redirect(url_for("sampling.unit_respondents", unit_id=respondent.unit_id))
