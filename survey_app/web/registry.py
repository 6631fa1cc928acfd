"""The official registry of administrative units and a campaign's links to it.

``/admin/official-units``: imports (source, version, data date), the import button, search
by name or code as of a date, one unit with what it was made of and became.
``/admin/campaigns/<id>/official``: pin the campaign's registry date, add a province's
communes with their codes, link a unit to its official code, and a unit's predecessors.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from adminunits import REFORM_2025, Tier
from survey_app.errors import ServiceError
from survey_app.persistence.enums import Role
from survey_app.persistence.session import get_session
from survey_app.security import current_user, roles_required
from survey_app.services import lineage, lookup, official_units, registry
from survey_app.services.designs import design_of
from survey_app.web.forms import PlainForm
from survey_app.web.helpers import get_or_404, locale_code

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign

bp = Blueprint("registry", __name__, url_prefix="/admin")

TYPE_LABELS = {
    "tinh": _l("Tỉnh"),
    "thanh_pho_trung_uong": _l("Thành phố trực thuộc trung ương"),
    "huyen": _l("Huyện"),
    "quan": _l("Quận"),
    "thi_xa": _l("Thị xã"),
    "thanh_pho_thuoc_tinh": _l("Thành phố thuộc tỉnh"),
    "xa": _l("Xã"),
    "phuong": _l("Phường"),
    "thi_tran": _l("Thị trấn"),
    "dac_khu": _l("Đặc khu"),
    "huyen_dao": _l("Huyện đảo"),
}


def _parsed(text: str | None) -> dt.date | None:
    """A date from dd/mm/yyyy or yyyy-mm-dd, else None."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def _day(text: str | None, default: dt.date) -> dt.date:
    """A date from dd/mm/yyyy or yyyy-mm-dd, else ``default``."""
    return _parsed(text) or default


@bp.route("/official-units", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def official() -> str | Response:
    """Imports, the import button and the search."""
    session = get_session()
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        province = (request.form.get("province") or "").strip() or None
        try:
            summary = official_units.import_official(
                session, province_code=province, actor=current_user()
            )
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
            return redirect(url_for("registry.official"))
        flash(
            _(
                "Đã nhập danh mục: %(provinces)d tỉnh, thành phố; %(communes)d xã, phường, đặc "
                "khu; %(mapped)d đơn vị cũ có đơn vị kế thừa. Mới %(created)d, cập nhật "
                "%(updated)d, không đổi %(unchanged)d.",
                provinces=summary.provinces,
                communes=summary.communes,
                mapped=summary.mapped_old_units,
                created=summary.created,
                updated=summary.updated,
                unchanged=summary.unchanged,
            ),
            "success",
        )
        return redirect(url_for("registry.official"))
    day = _day(request.args.get("as_of"), max(dt.date.today(), REFORM_2025))
    text = request.args.get("q", "")
    province = request.args.get("province") or None
    found, total = official_units.search(session, text, day, province)
    return render_template(
        "admin/official_units.html",
        form=form,
        imports=official_units.last_imports(session),
        provinces=official_units.provinces(session, day),
        found=found,
        total=total,
        q=text,
        province=province,
        as_of=day,
        types=TYPE_LABELS,
    )


@bp.get("/official-units/<path:key>")
@roles_required(Role.ADMIN)
def official_unit(key: str) -> str:
    """One official unit: its dates, province, predecessors and successors."""
    found = official_units.detail(get_session(), key)
    if found is None:
        abort(404)
    return render_template("admin/official_unit.html", found=found, types=TYPE_LABELS, Tier=Tier)


@bp.route("/campaigns/<int:campaign_id>/official", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def campaign_official(campaign_id: int) -> str | Response:
    """Pin the registry date, add a province's communes, link units."""
    session = get_session()
    campaign = get_or_404(lookup.campaign(session, campaign_id))
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            _apply(campaign, request.form.get("action", ""))
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        return redirect(url_for("registry.campaign_official", campaign_id=campaign.id))
    day = official_units.as_of(campaign)
    places = official_units.gazetteer(session, day)
    units = registry.list_units(session, campaign)
    names = places.registry.units if places else {}
    stale = [
        unit.name
        for unit in units
        if unit.official_key in names and not names[unit.official_key].valid_on(day)
    ]
    return render_template(
        "admin/campaign_official.html",
        campaign=campaign,
        form=form,
        as_of=day,
        pinned=campaign.registry_as_of,
        imported=places is not None,
        provinces=official_units.provinces(session, day),
        levels=design_of(campaign).levels,
        units=units,
        official=names,
        stale=stale,
    )


def _apply(campaign: Campaign, action: str) -> None:
    """One of the page's forms."""
    session = get_session()
    actor = current_user()
    if action == "pin":
        text = request.form.get("as_of", "").strip()
        day = _parsed(text) if text else None
        if text and day is None:
            raise ServiceError("bad_date", value=text)
        official_units.pin(session, campaign, day, actor)
        flash(_("Đã lưu ngày áp dụng danh mục."), "success")
    elif action == "add":
        parent_code = request.form.get("parent", "").strip()
        parent = registry.unit_by_code(session, campaign, parent_code) if parent_code else None
        added, linked = official_units.add_communes(
            session,
            campaign,
            request.form.get("province", ""),
            request.form.get("level", ""),
            parent,
            actor,
        )
        flash(
            _("Đã thêm %(added)d đơn vị, gắn mã cho %(linked)d.", added=added, linked=linked),
            "success",
        )
    elif action == "link":
        unit = registry.unit_by_code(session, campaign, request.form.get("unit", ""))
        official_units.link(session, campaign, unit, request.form.get("code"), actor)
        flash(_("Đã lưu mã đơn vị hành chính của %(name)s.", name=unit.name), "success")
    else:
        abort(400)


@bp.route("/units/<int:unit_id>/predecessors", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def predecessors(unit_id: int) -> str | Response:
    """The units of earlier campaigns a unit continues."""
    session = get_session()
    unit = get_or_404(lookup.unit(session, unit_id))
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ids = [int(v) for v in request.form.getlist("predecessor") if v.isdigit() and len(v) < 10]
        try:
            lineage.set_predecessors(session, unit, ids, current_user())
            flash(_("Đã lưu đơn vị tiền thân của %(name)s.", name=unit.name), "success")
        except ServiceError as exc:
            flash(exc.message(locale_code()), "error")
        return redirect(url_for("registry.predecessors", unit_id=unit.id))
    linked = {u.id for u in lineage.linked_predecessors(session, unit)}
    return render_template(
        "admin/predecessors.html",
        unit=unit,
        form=form,
        candidates=lineage.candidates(session, unit),
        linked=linked,
        earlier=lineage.earlier_units(session, unit),
    )
