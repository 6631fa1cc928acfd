"""Keep respondents' personal links out of every log line.

A link ``/s/<token>`` (or a typed paper code ``/s/ABCD-EFGH-JK``) opens a person's
questionnaire, so it must never be written where operators, log shippers or backups can read
it. :class:`RedactLinks` rewrites each record before any handler formats it: the key becomes
``~`` and the first 8 hex digits of its SHA-256, the same digest ``invitations.token_hash``
stores, so an operator can still find the invitation (``token_hash LIKE 'abcd1234%'``) while a
log reader learns nothing that opens it. 32 bits also leave a 50-bit paper code with 2¹⁸
candidates, so it cannot be recovered from the log by trying every code.

The filter is put on the loggers that write request paths: the application's (Flask's
"Exception on /s/… [POST]"), werkzeug's request log (``survey-app run``) and gunicorn's
``gunicorn.error`` and ``gunicorn.access``.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

from survey_app.security import hash_token

LINK_IN_PATH = re.compile(r"(/s/)([^/\s?#\"'<>]+)")
PERSON_IN_QUERY = re.compile(r"([?&](?:name|phone)=)([^&\s\"'<>]*)")
"""The respondent search's name and phone (personal data, not a credential): never logged."""
DIGEST_CHARS = 8
REQUEST_LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access")
_exception_formatter = logging.Formatter()


def link_digest(key: str) -> str:
    """``~`` and the first hex digits of the stored hash of a link's key."""
    return "~" + hash_token(key)[:DIGEST_CHARS]


def redact(text: str) -> str:
    """``text`` with every ``/s/<key>`` replaced by ``/s/~<digest>`` and a search's
    ``name=`` and ``phone=`` values by ``~``."""
    if "name=" in text or "phone=" in text:
        text = PERSON_IN_QUERY.sub(lambda m: m.group(1) + ("~" if m.group(2) else ""), text)
    if "/s/" not in text:
        return text
    return LINK_IN_PATH.sub(
        lambda m: (
            m.group(0) if m.group(2).startswith("~") else m.group(1) + link_digest(m.group(2))
        ),
        text,
    )


class RedactLinks(logging.Filter):
    """Rewrite a record's message, traceback and stack so no personal link remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(app: Flask) -> None:
    """Add the filter (once) to the application's logger and the servers' request loggers."""
    for logger in (app.logger, *map(logging.getLogger, REQUEST_LOGGERS)):
        if not any(isinstance(f, RedactLinks) for f in logger.filters):
            logger.addFilter(RedactLinks())
