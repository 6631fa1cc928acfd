"""Browser journeys in Debian's Chromium, driven by Playwright (never a downloaded browser).

The app runs in a thread on a free port against a migrated SQLite copy with the demo loaded.
Screenshots for README.md are written to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# README's screenshots are refreshed with UPDATE_SCREENSHOTS=1 make test; otherwise they go to
# a temporary folder so that a test run leaves the checkout clean.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "survey-app-screenshots"
)
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (make system-deps installs it)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.e2e


# The folder (demo.db and instance/) behind each running live server, by its base URL. It
# lives in tests.support: pytest loads this file as a conftest module and the tests import it
# again as tests.e2e.conftest, so a dict defined here would exist twice.
from tests.support import LIVE_ROOTS  # noqa: E402


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Iterator[str]:
    """The demo service on http://127.0.0.1:<free port>, on a copy of the demo database."""
    from survey_app import create_app

    root = tmp_path_factory.mktemp("live")
    shutil.copytree(demo_db, root, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:  # the instance folder for create_app only
        patch.setenv("SURVEY_INSTANCE_DIR", str(root / "instance"))
        app = create_app(
            {"DATABASE_URL": f"sqlite:///{root / 'demo.db'}", "RATELIMIT_ENABLED": False}
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["LIVE_ROOT"] = root
    LIVE_ROOTS[base] = root
    yield base
    del LIVE_ROOTS[base]
    server.shutdown()
    app.extensions["engine"].dispose()


def demo_links(base: str) -> list[str]:
    """Respondent links of the demo (written by the demo loader, as a printed batch), except the
    first one per questionnaire, which ``demo_links_per_instrument`` gives."""
    firsts = set(demo_links_per_instrument(base).values())
    return [link for _title, link in _printed_links(base) if link not in firsts]


def demo_links_per_instrument(base: str) -> dict[str, str]:
    """The demo prints one link per questionnaire first: {questionnaire title: link}."""
    found: dict[str, str] = {}
    for title, link in _printed_links(base):
        found.setdefault(title, link)
    return found


def _printed_links(base: str) -> list[tuple[str, str]]:
    """(questionnaire title, link) of each link the demo printed ("name (unit) · title")."""
    import json

    path = LIVE_ROOTS[base] / "instance" / "demo_links.json"
    return [
        (label.rsplit(" · ", 1)[-1], f"{base}/s/{token}")
        for label, token in json.loads(path.read_text())
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    yield context.new_page()
    context.close()


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    from survey_app.demo import demo_password

    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", demo_password(username))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
