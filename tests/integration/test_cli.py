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
    env = {**os.environ, "SURVEY_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(script), "run", "--port", str(port)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            status = None
            for _ in range(120):
                if server.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                timeout=2) as answer:
                        status = answer.status
                        break
                except OSError:
                    time.sleep(0.25)
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert status == 200, log.read_text(errors="replace")[-2000:]
