"""One SQLAlchemy session and one transaction per request, committed at the boundary."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session, sessionmaker


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
            logging.getLogger(__name__).exception("after-commit callback failed")


def init_app(app: Flask) -> None:
    """Commit after a successful response, roll back otherwise, always close."""

    @app.after_request
    def _commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return response
        callbacks: list[Callable[[], None]] = g.pop("db_after_commit", [])
        try:
            if response.status_code < 400 or g.pop("db_commit_on_error", False):
                session.commit()
            else:
                session.rollback()
                callbacks = []
        finally:
            session.close()
        _run_after_commit(callbacks)
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
