"""Rate limits: fixed windows counted per key, in this process or in Redis.

Respondent pages are limited per personal link *and* address (a whole village may share one
address, so never by address alone), the login per address and per username, the paper-code
lookup per address. ``RATELIMIT_STORAGE_URI`` chooses where the counts live:

* ``memory://`` (default): a plain dictionary in each worker process, shared by its threads.
  Nothing to run; with N workers a client can get up to N times the limit.
* ``redis://host:port``: one count shared by every worker and server (the ``limits`` library's
  fixed-window strategy: one round trip per request).

A check costs one dictionary update (or one Redis call) on the request path: no hooks run on
requests that are not limited. If the storage cannot be reached the request is let through
and a warning logged: a broken counter must not turn respondents away.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import ParamSpec, Protocol, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
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
    """Counts in the ``limits`` storage named by a URI (Redis, Memcached...)."""

    def __init__(self, uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))

    def hit(self, item: RateLimitItem, key: str) -> bool:
        return bool(self._limiter.hit(item, key))


def init_app(app: Flask) -> None:
    uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    counter: Counter = LocalCounter() if uri.startswith("memory://") else SharedCounter(uri)
    app.extensions["rate_limits"] = counter


@lru_cache(maxsize=64)
def _item(rate: str) -> RateLimitItem:
    return parse(rate)


def address() -> str:
    return str(request.remote_addr or "")


def check(rate: str, key: str) -> None:
    """Count this request against ``rate`` for ``key``; 429 with Retry-After when over it."""
    app = current_app
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    item = _item(rate)
    try:
        allowed = app.extensions["rate_limits"].hit(item, key)
    except Exception:  # noqa: BLE001 - storage down: let the request through, say so in the log
        app.logger.warning("rate-limit storage unreachable; %s not counted", key, exc_info=True)
        return
    if not allowed:
        raise TooManyRequests(retry_after=item.get_expiry())


def limited(rate: Rate, key: Callable[[], str] = address, *,
            methods: tuple[str, ...] | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
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
