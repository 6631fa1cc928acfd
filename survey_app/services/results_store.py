"""Stored results: a campaign's results computed once per state of its data and kept.

The state of a campaign's data is named by the database itself: triggers (migration 0011)
write a ``results_changes`` row in the same transaction as every change the results are
computed from (a submitted response or its answers, a respondent's weight or stratum, a unit,
an appraisal point, an invitation), and the log is never updated or deleted, so its count of
rows for the campaign grows with every committed change. With a hash of everything else a
result depends on (the design and its analysis settings, the campaign's name and year, the
criteria trees published, :data:`RESULTS_FORMAT`), that count is the result's
:class:`DataState`.

A request reads the state first, then the data: a change committed in between is counted in
the next state, so a stored result is never labelled with a state older than its data, and
the next request recomputes. No result is ever shown for a state it was not computed from.

When only responses changed since the stored state, only those responses are read from the
database (:func:`results_data.load_responses` with ``only``) and merged into the stored data;
the analysis then runs on the data in memory (seconds even at national size). Any other
change (respondents, units, appraisal, settings) reads everything again.

Results live in the process that computed them (an LRU of a few campaigns): they hold every
response's answers, which is cheaper to compute again than to write and read as a blob.
Exports, the quality report and other things built from a result are kept beside it
(:meth:`ResultsStore.kept`), so a second download of the same state costs nothing.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.persistence.models import Campaign, CriteriaTree, ResultsChange
from survey_app.services.exports import BuiltExport
from survey_app.services.results import CampaignResults, compute
from survey_app.services.results_data import ResponseData, load_responses
from survey_app.services.results_state import DataState, Freshness

RESULTS_FORMAT = "2026-12-04.1"
"""Changes when :func:`results.compute` would give another answer for the same data (a new
rule, a new column): stored results of the old code are then never read."""

RESPONSE_SOURCES = frozenset({"response", "answer"})
"""Changes taken in by reading just the responses named (``results_changes.row_id``)."""
NO_DATA_SOURCES = frozenset({"invitation"})
"""Changes that leave the response data as it is (the response rates are built again). An
invitation moved to another person or rated unit is logged as ``assignment``: read it all."""
MAX_MERGED = 20_000
"""More changed responses than this are read by reading everything again."""

T = TypeVar("T")


@dataclass
class _Entry:
    state: DataState
    change_ids: np.ndarray[Any, np.dtype[np.int64]]
    data: ResponseData
    results: CampaignResults
    freshness: Freshness
    size: int = 0
    """About how many bytes it holds (the data, the tables, what was kept beside it)."""
    kept: dict[Hashable, object] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    files: list[Path] = field(default_factory=list)
    """Large exports kept on disk (deleted with the entry's kept things)."""
    forgotten: bool = False
    """Its kept things were dropped for good (newer data, evicted): nothing more is kept."""


def state_of(session: Session, campaign: Campaign) -> DataState:
    """The campaign's data state, read in one query of the change log plus the trees."""
    changes, last = session.execute(
        select(func.count(), func.coalesce(func.max(ResultsChange.id), 0)).where(
            ResultsChange.campaign_id == campaign.id
        )
    ).one()
    trees = session.execute(
        select(CriteriaTree.code, CriteriaTree.content_hash).order_by(CriteriaTree.code)
    ).all()
    inputs = {
        "format": RESULTS_FORMAT,
        "design": campaign.design,
        "campaign": [campaign.name, campaign.year, campaign.kind],
        "trees": [list(row) for row in trees],
    }
    digest = hashlib.sha256(
        json.dumps(inputs, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
    return DataState(campaign.id, int(changes), int(last), digest)


class ResultsStore:
    """Results of the campaigns asked lately, each for the state it was computed from.

    At most ``capacity`` campaigns and about ``budget_mb`` of memory are kept (the least
    recently asked go first; the one just computed always stays). Earlier campaigns asked only
    for a year-on-year comparison are kept apart, without their responses (:meth:`summary`), so
    looking back never pushes out the campaigns being worked on.
    """

    def __init__(
        self,
        capacity: int = 3,
        budget_mb: float = 1500,
        summaries: int = 16,
        spill_dir: Path | None = None,
    ) -> None:
        self.capacity = max(capacity, 1)
        self._spill_dir = _own_folder(spill_dir) if spill_dir is not None else None
        self.budget_bytes = int(max(budget_mb, 0) * 1024 * 1024)
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._summaries: OrderedDict[int, tuple[DataState, CampaignResults]] = OrderedDict()
        self._summary_capacity = max(summaries, 1)
        self._lock = threading.Lock()
        self._computing: dict[int, threading.Lock] = {}

    def results(self, session: Session, campaign: Campaign) -> CampaignResults:
        """The campaign's results for the state its data is in now (computed if need be)."""
        return self._entry(session, campaign).results_for(campaign)

    def summary(self, session: Session, campaign: Campaign) -> CampaignResults:
        """The campaign's results without its responses (``data`` empty), for comparisons:
        the kept full result when there is one, else one kept apart for its state."""
        state = state_of(session, campaign)
        with self._lock:
            entry = self._entries.get(campaign.id)
            if entry is not None and entry.state == state:
                return _StoredView(entry).results_for(campaign)
            found = self._summaries.get(campaign.id)
            if found is not None and found[0] == state:
                self._summaries.move_to_end(campaign.id)
                return dataclasses.replace(found[1], campaign=campaign)
        full = compute(session, campaign)
        empty = dataclasses.replace(full.data, meta=full.data.meta.iloc[0:0], answers={})
        stripped = dataclasses.replace(full, data=empty)
        with self._lock:
            self._summaries[campaign.id] = (state, stripped)
            self._summaries.move_to_end(campaign.id)
            while len(self._summaries) > self._summary_capacity:
                self._summaries.popitem(last=False)
        return stripped

    def kept(
        self,
        session: Session,
        campaign: Campaign,
        key: Hashable,
        build: Callable[[CampaignResults], T],
    ) -> T:
        """``build(results)`` for the current state, built once and kept with the result."""
        return self.kept_with_results(session, campaign, key, build)[0]

    def kept_with_results(
        self,
        session: Session,
        campaign: Campaign,
        key: Hashable,
        build: Callable[[CampaignResults], T],
    ) -> tuple[T, CampaignResults]:
        """:meth:`kept` and the results it was built from (to record what a file holds)."""
        view = self._entry(session, campaign)
        return self._kept_in(view, view.results_for(campaign), key, build)

    def kept_beside(
        self,
        session: Session,
        results: CampaignResults,
        key: Hashable,
        build: Callable[[CampaignResults], T],
    ) -> tuple[T, CampaignResults]:
        """:meth:`kept_with_results` for results this store just gave: the entry of their own
        state, without reading the state again (read again only when it is gone)."""
        state = results.freshness.state if results.freshness is not None else None
        with self._lock:
            entry = self._entries.get(results.campaign.id)
        if state is None or entry is None or entry.state != state:
            return self.kept_with_results(session, results.campaign, key, build)
        return self._kept_in(_StoredView(entry), results, key, build)

    def _kept_in(
        self,
        view: _StoredView,
        results: CampaignResults,
        key: Hashable,
        build: Callable[[CampaignResults], T],
    ) -> tuple[T, CampaignResults]:
        with view.lock:
            if view.entry.forgotten:  # dropped meanwhile (newer data, evicted): keep nothing
                return build(results), results
            if key not in view.kept:
                value = self._spilled(build(results), view.entry)
                view.kept[key] = value
                view.entry.size += _size_of(value)
            return view.kept[key], results  # type: ignore[return-value]

    def drop_kept(self, campaign: Campaign, key: Hashable) -> None:
        """Forget one kept thing of the campaign (its file went missing: build it again)."""
        with self._lock:
            entry = self._entries.get(campaign.id)
        if entry is None:
            return
        with entry.lock:
            value = entry.kept.pop(key, None)
            path = getattr(value, "path", None)
            if path is not None:
                entry.files = [f for f in entry.files if str(f) != path]
                Path(path).unlink(missing_ok=True)

    def _spilled(self, value: T, entry: _Entry) -> T:
        """A large export written to this process's folder and kept there, not in memory
        (kept in memory when the disk refuses it)."""
        if (
            self._spill_dir is None
            or not isinstance(value, BuiltExport)
            or value.content is None
            or len(value.content) < SPILL_BYTES
        ):
            return value
        path = self._spill_dir / f"{entry.state.key}-{uuid.uuid4().hex}.bin"
        try:
            self._spill_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(value.content)
        except OSError:
            path.unlink(missing_ok=True)
            return value
        entry.files.append(path)
        return dataclasses.replace(value, content=None, path=str(path))

    def freshness(self, session: Session, campaign: Campaign) -> Freshness:
        return self._entry(session, campaign).freshness

    def _entry(self, session: Session, campaign: Campaign) -> _StoredView:
        state = state_of(session, campaign)
        with self._lock:
            entry = self._entries.get(campaign.id)
            if entry is not None and entry.state == state:
                self._entries.move_to_end(campaign.id)
                return _StoredView(entry)
            computing = self._computing.setdefault(campaign.id, threading.Lock())
        with computing:  # one computation of a campaign at a time; the others wait for it
            with self._lock:
                entry = self._entries.get(campaign.id)
            if entry is not None and entry.state == state:
                return _StoredView(entry)
            if entry is not None:
                _forget_kept(entry)  # built for a state that is gone: free it before computing
            fresh = self._compute(session, campaign, state, entry)
            with self._lock:
                current = self._entries.get(campaign.id)
                if current is None or current.state.changes <= fresh.state.changes:
                    self._entries[campaign.id] = fresh
                    self._entries.move_to_end(campaign.id)
                    dropped = self._evicted()
                else:
                    dropped = [fresh]  # a newer one is kept: this one holds nothing
            for gone in dropped:  # outside the store's lock: a build in progress may hold one
                _forget_kept(gone)
            return _StoredView(fresh)

    def _evicted(self) -> list[_Entry]:
        """Take out the least recently asked campaigns over the count or the memory budget
        (the most recent always stays); the caller forgets what they kept."""
        dropped = []
        while len(self._entries) > 1 and (
            len(self._entries) > self.capacity
            or sum(e.size for e in self._entries.values()) > self.budget_bytes
        ):
            dropped.append(self._entries.popitem(last=False)[1])
        return dropped

    def _compute(
        self, session: Session, campaign: Campaign, state: DataState, old: _Entry | None
    ) -> _Entry:
        started = time.perf_counter()
        ids, sources, rows = _changes(session, campaign)
        # the state of what is read now (a change committed since state_of is in it)
        state = dataclasses.replace(state, changes=len(ids), last_change=int(ids.max(initial=0)))
        data, merged = None, None
        if old is not None and old.state.inputs == state.inputs:
            new = ~np.isin(ids, old.change_ids)
            data, merged = _merged(session, campaign, old, sources[new], rows[new])
        if data is None:
            data = load_responses(session, campaign)
        computed = (
            old.results
            if old is not None and data is old.data and old.state.inputs == state.inputs
            else compute(session, campaign, data)
        )
        freshness = Freshness(
            state,
            dt.datetime.now(dt.UTC),
            time.perf_counter() - started,
            len(data.meta),
            merged,
        )
        return _Entry(state, ids, data, computed, freshness, _data_size(data))


@dataclass(frozen=True)
class _StoredView:
    """An entry as one request sees it (the campaign row of the request's own session)."""

    entry: _Entry

    @property
    def freshness(self) -> Freshness:
        return self.entry.freshness

    @property
    def lock(self) -> threading.Lock:
        return self.entry.lock

    @property
    def kept(self) -> dict[Hashable, object]:
        return self.entry.kept

    def results_for(self, campaign: Campaign) -> CampaignResults:
        return dataclasses.replace(
            self.entry.results, campaign=campaign, freshness=self.entry.freshness
        )


def _changes(
    session: Session, campaign: Campaign
) -> tuple[
    np.ndarray[Any, np.dtype[np.int64]],
    np.ndarray[Any, np.dtype[np.object_]],
    np.ndarray[Any, np.dtype[np.float64]],
]:
    """Every logged change of the campaign: ids, sources and the rows they name."""
    found = session.execute(
        select(ResultsChange.id, ResultsChange.source, ResultsChange.row_id).where(
            ResultsChange.campaign_id == campaign.id
        )
    ).all()
    frame = pd.DataFrame(found, columns=["id", "source", "row_id"])
    return (
        frame["id"].to_numpy(np.int64),
        frame["source"].to_numpy(object),
        frame["row_id"].to_numpy(np.float64, na_value=np.nan),
    )


def _merged(
    session: Session,
    campaign: Campaign,
    old: _Entry,
    sources: np.ndarray[Any, np.dtype[np.object_]],
    rows: np.ndarray[Any, np.dtype[np.float64]],
) -> tuple[ResponseData | None, int | None]:
    """The stored data with the changed responses read again, or None when the changes need
    everything read again (returns the data and how many responses were read)."""
    kinds = set(sources.tolist())
    if not kinds <= RESPONSE_SOURCES | NO_DATA_SOURCES:
        return None, None
    wanted = {int(r) for r, s in zip(rows, sources, strict=True) if s in RESPONSE_SOURCES}
    if not wanted:
        return old.data, 0
    if len(wanted) > MAX_MERGED:
        return None, None
    fresh = load_responses(session, campaign, only=wanted)
    stored = old.data.instruments
    if any(stored.get(key) != instrument for key, instrument in fresh.instruments.items()):
        return None, None  # a questionnaire version new to this data renames the others
    kept = old.data.meta[~old.data.meta["response_id"].isin(wanted)]
    meta = pd.concat([kept, fresh.meta], ignore_index=True) if len(fresh.meta) else kept
    meta = meta.sort_values("response_id", ignore_index=True)
    if set(meta["instrument"]) != set(stored):
        return None, None  # a version no longer answered: its siblings' keys change
    answers = {k: v for k, v in old.data.answers.items() if k not in wanted}
    answers.update(fresh.answers)
    return dataclasses.replace(old.data, meta=meta, answers=answers), len(wanted)


SPILL_BYTES = 8 * 1024 * 1024
"""Exports at least this large are kept on disk (microdata of a national campaign: hundreds
of MB), not in the process's memory."""


def _own_folder(root: Path) -> Path:
    """A folder of this store's own under ``root``, removed when the process ends; folders
    left by processes that are gone (killed workers) are removed first."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in root.glob("process-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    folder = root / f"process-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _alive(pid: int) -> bool:
    """Whether a process of this id runs on this machine (another user's counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_kept(entry: _Entry) -> None:
    """Drop what was built beside an entry (its files too), for good."""
    with entry.lock:
        entry.forgotten = True
        entry.kept.clear()
        for path in entry.files:
            path.unlink(missing_ok=True)
        entry.files.clear()
        entry.size = _data_size(entry.data)


ANSWER_BYTES = 120
"""About what one stored answer costs in memory (a dict slot, its key and value objects)."""


def _data_size(data: ResponseData) -> int:
    """About how many bytes the response data holds (the results' tables are far smaller)."""
    answers = sum(len(given) for given in data.answers.values())
    return int(data.meta.memory_usage(deep=False).sum()) + ANSWER_BYTES * answers


def _size_of(value: object) -> int:
    """About how many bytes a kept value holds (an export's file; a report's tables)."""
    if isinstance(value, BuiltExport):
        return len(value.content) if value.content is not None else 0
    frames = (
        [v for v in vars(value).values() if isinstance(v, pd.DataFrame)]
        if hasattr(value, "__dict__")
        else []
    )
    return sum(int(f.memory_usage(deep=False).sum()) for f in frames)
