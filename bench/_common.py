"""Pieces the server benchmarks share: a free port, a cheap raw-socket HTTP client, where rate
limits are counted, waiting for gunicorn, and CPU read from /proc."""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Reply:
    """One HTTP reply: status, headers (names in lower case; the last of repeated ones,
    Set-Cookie excepted, which keeps the first) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class Device:
    """A keep-alive HTTP/1.1 connection that reconnects and retries (same request, same client
    key) when the connection fails.

    Requests are written as bytes on a plain socket and the replies read with a minimal
    parser: the load generator shares the cores with the server, so it must cost little
    (http.client cost about 0.8 ms of CPU per request, this about a quarter of that).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def send(self, token: str, request: bytes) -> tuple[str, float, str, int]:
        """(token, seconds, outcome, attempts): a submission tried up to 5 times."""
        for attempt in range(5):
            start = time.perf_counter()
            try:
                reply = self.exchange(request)
            except OSError:
                continue
            elapsed = time.perf_counter() - start
            if reply.status == 200:
                return token, elapsed, json.loads(reply.body)["status"], attempt
            if reply.status < 500:
                return token, elapsed, f"http_{reply.status}", attempt
        return token, 0.0, "gave_up", 5

    def exchange(self, request: bytes) -> Reply:
        """Send one request and read its reply; OSError (connection closed) after closing."""
        try:
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.sendall(request)
            return self._reply()
        except OSError:
            self.close()
            raise

    def _reply(self) -> Reply:
        assert self.sock is not None
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("closed by the server")
            buffer += chunk
        header, _, body = buffer.partition(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name != "set-cookie" or name not in headers:
                headers[name] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("closed by the server")
            body += chunk
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Reply(int(lines[0].split()[1]), headers, body)


def rate_limit_storage(uri: str | None = None) -> str:
    """Redis, as in production (limits shared by all workers), when a server answers there."""
    uri = uri or os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
    try:
        import redis

        redis.Redis.from_url(uri, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis here: per-worker memory storage
        return "memory://"
    return uri


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn processes and by all PostgreSQL processes."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"server": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        pid, ppid = int(stat.parent.name), int(fields[1])
        cpu = (int(fields[11]) + int(fields[12])) / tick
        if pid == server_pid or ppid == server_pid:
            totals["server"] += cpu
        elif name.startswith("postgres"):
            totals["postgres"] += cpu
    return totals


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers of a master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_for(port: int, attempts: int = 100) -> None:
    for _ in range(attempts):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def wait_until_idle(server_pid: int, timeout: float = 60.0) -> None:
    """Wait until every worker has booted (create_app imports pandas, scipy...: seconds of CPU
    each), so that neither the clock nor the CPU figures include workers still starting."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(server_pid)["server"]
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(server_pid)["server"]
        if now - last < 0.02:
            return
        last = now
