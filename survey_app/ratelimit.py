"""Rate limits: fixed windows counted per key, in this process or in Redis.

Respondent pages are limited per personal link *and* address (a whole village may share one
address, so never by address alone), the login per address and per username, the paper-code
lookup per address. ``RATELIMIT_STORAGE_URI`` chooses where the counts live:

* ``memory://`` (default): a plain dictionary in each worker process, shared by its threads.
  Nothing to run; with N workers a client can get up to N times the limit.
* ``redis://host:port``: one count shared by every worker and server (the ``limits`` library's
  fixed-window strategy: one round trip per request).

A check costs one dictionary update (or one Redis call) on the request path: no hooks run on
requests that are not limited. If the shared storage cannot be reached, this process counts
on its own until it can (a warning is logged): limits never switch off, and a broken Redis
never turns respondents away. Keys hold no secrets: callers pass hashed tokens and usernames.
A rate may hold several limits ("10 per minute; 100 per hour"); each is checked.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from logging import Logger
from typing import ParamSpec, Protocol, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

P = ParamSpec("P")
R = TypeVar("R")
Rate = str | Callable[[], str]
PRUNE_EVERY_SECONDS = 1.0


class Counter(Protocol):
    def hit(self, item: RateLimitItem, key: str) -> bool:
        """Count one request; False when it goes over the limit."""


class LocalCounter:
    """Fixed-window counts in this process; windows that have ended are pruned each second."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = threading.Lock()
        self._pruned = 0.0

    def hit(self, item: RateLimitItem, key: str) -> bool:
        now = time.time()
        period = item.get_expiry()
        window = (key, period, int(now // period))
        with self._lock:
            count = self._counts.get(window, 0) + 1
            self._counts[window] = count
            if now - self._pruned > PRUNE_EVERY_SECONDS:
                self._prune(now)
        return count <= item.amount

    def _prune(self, now: float) -> None:
        self._pruned = now
        ended = [w for w in self._counts if w[2] < int(now // w[1])]
        for window in ended:
            del self._counts[window]


class SharedCounter:
    """Counts in the ``limits`` storage named by a URI (Redis, Memcached...), falling back to
    this process's own counts while that storage cannot be reached."""

    def __init__(self, uri: str, fallback: LocalCounter, logger: Logger) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))
        self._fallback = fallback
        self._logger = logger

    def hit(self, item: RateLimitItem, key: str) -> bool:
        try:
            return bool(self._limiter.hit(item, key))
        except Exception:  # noqa: BLE001 - any storage failure: count here instead
            self._logger.warning("rate-limit storage unreachable; counting in this process")
            return self._fallback.hit(item, key)


def init_app(app: Flask, rates: tuple[str, ...] = ()) -> None:
    """Choose the counter from RATELIMIT_STORAGE_URI; ``rates`` are checked now, so that a
    mistyped setting stops the start with a clear error instead of failing each request."""
    for rate in rates:
        try:
            _items(rate)
        except ValueError as exc:
            raise ValueError(f"rate limit {rate!r} is not like '10 per minute': {exc}") from exc
    uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    local = LocalCounter()
    counter: Counter = (
        local if uri.startswith("memory://") else SharedCounter(uri, local, app.logger)
    )
    app.extensions["rate_limits"] = counter


@lru_cache(maxsize=64)
def _items(rate: str) -> tuple[RateLimitItem, ...]:
    items = tuple(parse_many(rate))
    if not items:
        raise ValueError("no limit")
    return items


def address() -> str:
    return str(request.remote_addr or "")


def digest(value: str) -> str:
    """A short one-way digest for a counter key (tokens and usernames never stored as such)."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def check(rate: str, key: str) -> None:
    """Count this request against each limit of ``rate`` for ``key``; 429 with Retry-After
    (the seconds left in the longest window that is full) when over any of them."""
    app = current_app
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    counter: Counter = app.extensions["rate_limits"]
    full = [item for item in _items(rate) if not counter.hit(item, key)]
    if full:
        period = max(item.get_expiry() for item in full)
        raise TooManyRequests(retry_after=max(1, int(period - time.time() % period)))


def limited(
    rate: Rate, key: Callable[[], str] = address, *, methods: tuple[str, ...] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a view: at most ``rate`` (e.g. "120 per minute") requests per ``key()``.

    ``rate`` may be a function (read from the settings at request time); ``methods`` limits
    only those HTTP methods (the login page is free to view, its POST is limited).
    """

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        scope = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited_view(*args: P.args, **kwargs: P.kwargs) -> R:
            if methods is None or request.method in methods:
                check(rate() if callable(rate) else rate, f"{scope}:{key()}")
            return view(*args, **kwargs)

        return limited_view

    return decorate
