"""The console script serves: `make run` (`survey-app demo`) and `survey-app run` share the
serving code, which must not stop after printing (Flask's app.run is a no-op under a CLI
group)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_survey_app_run_migrates_and_serves(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "survey-app"
    port = _free_port()
    env = {
        **os.environ,
        "SURVEY_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    env.pop("FLASK_RUN_FROM_CLI", None)
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(script), "run", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            status = None
            for _ in range(120):
                if server.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/healthz", timeout=2
                    ) as answer:
                        status = answer.status
                        break
                except OSError:
                    time.sleep(0.25)
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert status == 200, log.read_text(errors="replace")[-2000:]


def test_db_revision_writes_the_next_numbered_migration(tmp_path: Path) -> None:
    """On a database at head with unchanged models: an empty 0004 revision, then removed."""
    from click.testing import CliRunner

    from survey_app.cli import main
    from survey_app.persistence.db import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'rev.db'}"
    env = {"DATABASE_URL": url, "SURVEY_INSTANCE_DIR": str(tmp_path / "instance")}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    before = set((MIGRATIONS / "versions").glob("*.py"))
    result = runner.invoke(main, ["db", "revision", "-m", "nothing changed"], env=env)
    written = set((MIGRATIONS / "versions").glob("*.py")) - before
    try:
        assert result.exit_code == 0, result.output
        assert len(written) == 1
        path = written.pop()
        text = path.read_text()
        number = int(path.name.split("_", 1)[0])
        assert number == max(int(p.name[:4]) for p in before if p.name[:4].isdigit()) + 1
        assert "op.add_column" not in text and "op.create_table" not in text
    finally:
        for path in written | {
            p for p in (MIGRATIONS / "versions").glob("*.py") if p not in before
        }:
            path.unlink()
