"""Every hostile or malformed list file through the real upload route: never a 500, a
Vietnamese message, nothing written on refusal, the worker alive, its memory bounded."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.persistence.models import Campaign, ListRow, UnitList
from survey_app.services import registry
from tests.integration.bad_files import CASES, Case, xlsx_list
from tests.integration.test_lists import campaign, logged_in  # noqa: F401 - the fixture

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]")
FLASH = re.compile(r'<p class="flash (error|warning|success)"[^>]*>(.*?)</p>', re.S)
PARENT_GROWTH_LIMIT = 200 * 1024 * 1024


@pytest.fixture
def officer(app: Flask, session: Session, campaign: Campaign) -> FlaskClient:  # noqa: F811
    """The An Bình officer, logged in, with parse limits small enough for a test."""
    app.config["SETTINGS"] = dataclasses.replace(
        app.config["SETTINGS"], upload_parse_seconds=15, upload_parse_mb=700
    )
    return logged_in(app, session, "xa-ab")


def _counts(session: Session) -> tuple[int, int, list[tuple[int, bool]]]:
    session.expire_all()
    lists = session.scalar(select(func.count()).select_from(UnitList)) or 0
    rows = session.scalar(select(func.count()).select_from(ListRow)) or 0
    versions = [
        (v, c)
        for v, c in session.execute(
            select(UnitList.version, UnitList.is_current).order_by(UnitList.version)
        )
    ]
    return lists, rows, versions


def _peak_reset() -> bool:
    """Reset this process's peak RSS (VmHWM), so a later peak is this case's alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(field)


def _post(client: FlaskClient, unit_id: int, name: str, data: bytes) -> tuple[int, str]:
    # Encoded here: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    with client.post(
        f"/lists/{unit_id}/citizen",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    ) as response:
        return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_refused_or_read_safely(
    officer: FlaskClient, session: Session, campaign: Campaign, case: Case
) -> None:  # noqa: F811
    unit = registry.unit_by_code(session, campaign, "AB")
    status, _ = _post(officer, unit.id, "ds.xlsx", xlsx_list(4))  # a valid list in use first
    assert status == 200
    before = _counts(session)
    data = case.build()
    reset = _peak_reset()
    base = _rss("VmRSS")
    status, html = _post(officer, unit.id, case.name, data)
    growth = _rss("VmHWM" if reset else "VmRSS") - base
    assert status < 500, html[:2000]
    messages = [(kind, text) for kind, text in FLASH.findall(html)]
    after = _counts(session)
    if status >= 400:
        errors = [text for kind, text in messages if kind == "error"]
        assert errors and all(VIETNAMESE.search(text.lower()) for text in errors), messages
        assert after == before  # nothing written, the list in use unchanged
    else:
        assert case.readable, f"{case.name} was accepted: {messages}"
        assert after[0] == before[0] + 1 and after[2][-1] == (2, True)
    assert os.getpid() > 0  # this worker is alive and answers the next request
    assert _post(officer, unit.id, "ds.xlsx", xlsx_list(4))[0] == 200
    assert growth < PARENT_GROWTH_LIMIT + len(data) * 4, growth


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert sum(not c.readable for c in CASES) >= 35


def test_english_interface_gets_english_messages(
    officer: FlaskClient, session: Session, campaign: Campaign
) -> None:  # noqa: F811
    unit = registry.unit_by_code(session, campaign, "AB")
    with officer.session_transaction() as browser:
        browser["locale"] = "en"
    status, html = _post(officer, unit.id, "h.csv", "STT,Họ và tên,Địa chỉ\n".encode())
    assert status == 422
    assert ("error", "The file has no data rows.") in FLASH.findall(html)
    status, html = _post(officer, unit.id, "bomb.xlsx", CASES[0].build())
    assert status == 422 and "header" in html
