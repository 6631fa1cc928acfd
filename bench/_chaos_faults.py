"""The faults of the chaos bench: gunicorn masters it starts, worker and master kills, one
PostgreSQL restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import children, wait_for

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """gunicorn masters started here (each in its own process group), on one port."""

    def __init__(
        self, gunicorn: Path, port: int, env: dict[str, str], workers: int, log: Path
    ) -> None:
        self.gunicorn, self.port, self.env, self.workers, self.log = (
            gunicorn,
            port,
            env,
            workers,
            log,
        )
        self.masters: list[subprocess.Popen[bytes]] = []
        self.orphans: list[int] = []

    @property
    def master(self) -> subprocess.Popen[bytes]:
        return self.masters[-1]

    def start(self) -> None:
        """A new master; --reuse-port lets it bind while a dead master's workers still hold
        the socket."""
        self.masters.append(
            subprocess.Popen(
                [
                    str(self.gunicorn),
                    "-w",
                    str(self.workers),
                    "-k",
                    "sync",
                    "--reuse-port",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--log-level",
                    "error",
                    "--error-logfile",
                    str(self.log),
                    "--keep-alive",
                    "30",
                    "--timeout",
                    "30",
                    "survey_app:create_app()",
                ],
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
            )
        )
        for _ in range(600):  # its own workers, not a dead master's, must be answering
            if len(children(self.master.pid)) >= self.workers:
                break
            time.sleep(0.1)
        wait_for(self.port, attempts=600)

    def kill_worker(self) -> int | None:
        workers = children(self.master.pid)
        if not workers:
            return None
        victim = random.choice(workers)
        os.kill(victim, signal.SIGKILL)
        return victim

    def restart_master(self) -> None:
        """SIGKILL the master (its workers are left to notice and exit), start another."""
        self.orphans.extend(children(self.master.pid))
        self.master.kill()
        self.master.wait()
        self.start()

    def stop(self) -> None:
        for master in self.masters:
            if master.poll() is None:
                master.terminate()
                master.wait(timeout=30)
        for pid in self.orphans:  # workers of a killed master that are still alive
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class Faults:
    """When each fault happened (time.time()), for the report and the 5xx windows."""

    worker_kills: int = 0
    windows: list[tuple[str, float, float]] = field(default_factory=list)


def chaos(
    server: Server, seconds: float, kill_every: float, pg_restart: bool, stop: threading.Event
) -> Faults:
    """Kill a worker every ``kill_every`` s; restart the master at 60 % of the run and, with
    ``pg_restart``, PostgreSQL at 30 %."""
    faults = Faults()
    start = time.monotonic()
    pg_done, master_done = not pg_restart, False
    while not stop.wait(kill_every * random.uniform(0.5, 1.5)):
        elapsed = time.monotonic() - start
        if elapsed > seconds:
            break
        if not pg_done and elapsed > 0.3 * seconds:
            faults.windows.append(_timed("postgresql restart", _restart_postgresql))
            pg_done = True
        elif not master_done and elapsed > 0.6 * seconds:
            faults.windows.append(_timed("master restart", server.restart_master))
            master_done = True
        elif server.kill_worker() is not None:
            faults.worker_kills += 1
    return faults


def _timed(name: str, action: Any) -> tuple[str, float, float]:
    began = time.time()
    action()
    return name, began, time.time()


def _restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
