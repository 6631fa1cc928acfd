"""Small helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode

import pandas as pd
from flask import abort, current_app, request
from flask_babel import get_locale
from werkzeug.datastructures import FileStorage

from survey_app.ingest import ParseLimits
from survey_app.persistence.session import get_session

if TYPE_CHECKING:  # annotations only: views never touch the models themselves
    from survey_app.persistence.models import Campaign
    from survey_app.services.results import CampaignResults
    from survey_app.services.results_store import ResultsStore

T = TypeVar("T")


def get_or_404(found: T | None) -> T:
    """What a lookup found, or a 404 page (unknown ids never become a 500)."""
    if found is None:
        abort(404)
    return found


def results_of(campaign: Campaign) -> CampaignResults:
    """The campaign's results for its data as it is now, from the app's results store
    (computed on the first request after a change, then read as kept)."""
    store: ResultsStore = current_app.extensions["results_store"]
    return store.results(get_session(), campaign)


def summary_of(campaign: Campaign) -> CampaignResults:
    """An earlier campaign's results for a year-on-year comparison (without its responses;
    kept apart, so looking back never pushes the campaign being worked on out)."""
    store: ResultsStore = current_app.extensions["results_store"]
    return store.summary(get_session(), campaign)


def kept_with_results(
    r: CampaignResults, key: Hashable, build: Callable[[CampaignResults], T]
) -> tuple[T, CampaignResults]:
    """:func:`kept_result` and the results it was built from (to record what a file holds)."""
    store: ResultsStore = current_app.extensions["results_store"]
    return store.kept_beside(get_session(), r, key, build)


def drop_kept(campaign: Campaign, key: Hashable) -> None:
    """Forget a kept thing whose file went missing, so the next look builds it again."""
    store: ResultsStore = current_app.extensions["results_store"]
    store.drop_kept(campaign, key)


def kept_result(r: CampaignResults, key: Hashable, build: Callable[[CampaignResults], T]) -> T:
    """Something built from these results (an export, a report), built once per state of the
    data and kept beside them (``r`` as :func:`results_of` gave it: no second look at the
    state)."""
    return kept_with_results(r, key, build)[0]


@dataclass(frozen=True)
class Page:
    """One page of a long table: where its rows stand and the links to its neighbours."""

    number: int
    pages: int
    total: int
    first: int
    last: int
    previous_url: str | None
    next_url: str | None


def page_of(frame: pd.DataFrame, param: str, size: int = 100) -> tuple[pd.DataFrame, Page]:
    """The rows of the page asked for by ``?<param>=N`` (the last page past the end), and
    where it stands: a long table is paged, never cut silently. Links keep the request's
    own path and other query arguments."""
    total = len(frame)
    pages = max((total + size - 1) // size, 1)
    number = min(max(request.args.get(param, 1, type=int) or 1, 1), pages)
    start = (number - 1) * size
    rows = frame.iloc[start : start + size]
    return rows, page_for(param, number, pages, total, start, len(rows))


def page_for(param: str, number: int, pages: int, total: int, offset: int, shown: int) -> Page:
    """Where page ``number`` of ``pages`` stands (its ``shown`` rows start after ``offset``
    of ``total``), with links to its neighbours by ``?<param>=N``."""
    return Page(
        number,
        pages,
        total,
        offset + 1 if total else 0,
        offset + shown,
        _page_url(param, number - 1) if number > 1 else None,
        _page_url(param, number + 1) if number < pages else None,
    )


def _page_url(param: str, number: int) -> str:
    args = request.args.copy()
    args[param] = str(number)
    return f"{request.path}?{urlencode(list(args.items(multi=True)))}"


def locale_code() -> str:
    """'vi' or 'en' for the error catalogue."""
    return "en" if str(get_locale() or "vi").startswith("en") else "vi"


def parse_limits() -> ParseLimits:
    """Memory and CPU-time limits for reading one upload (SURVEY_UPLOAD_PARSE_*)."""
    settings = current_app.config["SETTINGS"]
    return ParseLimits(seconds=settings.upload_parse_seconds, memory_mb=settings.upload_parse_mb)


def read_upload(file: FileStorage) -> tuple[str, bytes]:
    """The uploaded file's name and bytes, refusing files over the configured size (413)."""
    limit = current_app.config["SETTINGS"].max_upload_mb * 1024 * 1024
    try:
        data = file.stream.read(limit + 1)
    finally:
        file.close()  # a large upload is spooled to a temporary file: release it now
    if len(data) > limit:
        abort(413)
    return (file.filename or "upload"), data


WORKING_CAMPAIGN = "campaign_id"
"""Key of the session holding the campaign a staff member works on (several may be open: a
province runs the Ministry's survey and its own index at the same time)."""


def working_campaign() -> Campaign:
    """The campaign chosen with ``?campaign=ID`` (remembered in the session for the next
    pages and forms), else the one remembered, else the current one; 404 when none."""
    from flask import request, session

    from survey_app.errors import ServiceError
    from survey_app.persistence.session import get_session
    from survey_app.services import campaigns

    asked = request.args.get("campaign", type=int)
    remembered = session.get(WORKING_CAMPAIGN)
    db = get_session()
    for candidate in (asked, remembered if isinstance(remembered, int) else None):
        if candidate is None:
            continue
        try:
            found = campaigns.get_campaign(db, candidate)
        except ServiceError:
            continue
        if asked is not None:
            session[WORKING_CAMPAIGN] = found.id
        return found
    try:
        return campaigns.current_campaign(db)
    except ServiceError:
        abort(404)
