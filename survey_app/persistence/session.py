"""One SQLAlchemy session and one transaction per request, committed at the boundary."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, g
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

# The database cannot be used right now (a restart, a dropped connection, SQLite "database is
# locked" after the busy timeout, a full disk, no free pooled connection): worth retrying.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)

log = logging.getLogger(__name__)


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        factory: sessionmaker[Session] = current_app.extensions["session_factory"]
        g.db_session = factory()
    session: Session = g.db_session
    return session


def keep_on_error() -> None:
    """Commit this request's work even though the response is an error status.

    For pages that save what was valid and report the rest (a questionnaire page with one
    bad answer must not lose the good ones).
    """
    g.db_commit_on_error = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once this request's transaction has committed (e.g. start the job the
    request queued: a runner must see the committed row). Dropped if the request rolls back."""
    g.setdefault("db_after_commit", []).append(callback)


def _run_after_commit(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the request's data is committed; log and go on
            log.exception("after-commit callback failed")


def discard_session() -> None:
    """Roll back and close the request's session, if any, without raising.

    For error handlers: after a failure the database may be unreachable, and the rollback
    itself then fails; the connection is dropped with the session either way.
    """
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        _close(session, rollback=True)


def _close(session: Session, *, rollback: bool) -> None:
    try:
        if rollback:
            session.rollback()
    except DATABASE_UNAVAILABLE:
        log.warning("rollback failed: the database is unavailable")
    finally:
        session.close()


def init_app(app: Flask) -> None:
    """Commit after a successful response, roll back otherwise, always close.

    A failed commit never leaves a 2xx: the session is rolled back and the response is
    replaced by the application's handler for the error (503 "try again"), since nothing
    of that request was stored. Register this after other ``after_request`` hooks: Flask
    runs them in reverse, so this runs first and the replacement still gets their headers.
    """

    @app.after_request
    def _commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return response
        callbacks: list[Callable[[], None]] = g.pop("db_after_commit", [])
        if response.status_code >= 400 and not g.pop("db_commit_on_error", False):
            _close(session, rollback=True)
            return response
        try:
            session.commit()
        except DATABASE_UNAVAILABLE as exc:
            _close(session, rollback=True)
            return app.make_response(app.handle_user_exception(exc))
        except BaseException:
            _close(session, rollback=True)
            raise
        session.close()
        _run_after_commit(callbacks)
        return response

    @app.teardown_request
    def _teardown(_exc: BaseException | None) -> None:
        discard_session()
