"""First start with several workers: one secret key and one compiled catalogue, made atomically.

Gunicorn starts its workers at the same moment on a fresh ``instance/``; each used to write the
key (so workers signed cookies with different keys, or read an empty file) and all compiled
the translations through one shared temporary file (so some failed to boot).
"""

from __future__ import annotations

import gettext
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

PROCESSES = 16
ROUNDS = 3


def _first_start(instance: str, barrier: Any, results: Any) -> None:
    """One worker's start: settings (the secret key) and the compiled translations."""
    os.environ["SURVEY_INSTANCE_DIR"] = instance
    os.environ.pop("SURVEY_SECRET_KEY", None)
    try:
        from survey_app.config import Settings
        from survey_app.i18n import compiled_translations_dir

        barrier.wait(timeout=60)
        key = Settings.from_env().secret_key
        target = compiled_translations_dir(SimpleNamespace(instance_path=instance))  # type: ignore[arg-type]
        with (target / "en" / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
            home = gettext.GNUTranslations(mo).gettext("Về trang chủ")
        results.put(("ok", key, home))
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put(("error", repr(exc), ""))


def test_many_workers_starting_at_once_share_one_key_and_catalogue(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    for round_no in range(ROUNDS):
        instance = tmp_path / f"instance-{round_no}"
        barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
        workers = [
            ctx.Process(target=_first_start, args=(str(instance), barrier, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        errors = [detail for status, detail, _ in outcomes if status != "ok"]
        assert not errors, f"round {round_no}: workers failed to start: {errors}"
        keys = {key for _, key, _ in outcomes}
        assert len(keys) == 1, f"round {round_no}: {len(keys)} different keys"
        key = keys.pop()
        assert len(key) > 40
        assert (instance / "secret_key").read_text() == key
        assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
        assert {home for _, _, home in outcomes} == {"Back to home page"}
        leftovers = [
            p.name
            for p in instance.rglob("*")
            if p.is_file() and p.name not in ("secret_key", "messages.mo")
        ]
        assert not leftovers, f"temporary files left behind: {leftovers}"


def test_an_empty_key_file_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key file left empty (a crash mid-write by an older version) is not a usable key."""
    from survey_app.config import Settings

    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="secret_key"):
        Settings.from_env()


def test_a_worker_that_loses_the_race_reads_the_winners_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving that gave workers different keys, made certain: this worker found no
    key file, then another worker created it before this one wrote its own."""
    from survey_app.config import Settings

    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE_DIR", str(tmp_path))
    winner = "k" * 64
    (tmp_path / "secret_key").write_text(winner)
    real_exists = Path.exists
    monkeypatch.setattr(
        Path, "exists", lambda p: False if p.name == "secret_key" else real_exists(p)
    )
    assert Settings.from_env().secret_key == winner
    assert (tmp_path / "secret_key").read_text() == winner


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this venv")
def test_gunicorn_with_four_workers_boots_on_a_fresh_instance(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """``gunicorn -w 4`` on an empty instance folder: every worker boots and answers, and
    gunicorn's access log shows no personal link."""
    shutil.copy(sqlite_template, tmp_path / "survey.db")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SURVEY_SECRET_KEY"}
    env.update(
        SURVEY_INSTANCE_DIR=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'survey.db'}",
    )
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "20",
            "--graceful-timeout",
            "2",
            "--no-control-socket",
            "--access-logfile",
            "-",
            "survey_app:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 28
        statuses: list[int] = []
        while time.monotonic() < deadline and len(statuses) < 20:
            assert server.poll() is None, _tail(log)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                    statuses.append(r.status)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert statuses == [200] * 20, _tail(log)
        link = "/s/" + "x" * 43
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{link}", timeout=10)
        except urllib.error.HTTPError as unknown:
            assert unknown.code == 404
        time.sleep(1.0)  # let every worker finish booting (or fail to)
        text = _tail(log)
        assert link not in text and "/s/~" in text, text  # the access log is redacted
        assert text.count("Booting worker") == 4, text
        assert "Worker failed to boot" not in text and "Traceback" not in text, text
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _tail(log: Any) -> str:
    log.flush()
    log.seek(0)
    return str(log.read())[-4000:]
