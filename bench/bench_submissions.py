"""Submission throughput: gunicorn on PostgreSQL, concurrent clients submitting complete responses.

Each client keeps one HTTP session (cookie + CSRF token) and submits complete SIPAS responses
(38 questions) as JSON, as survey.js does when a respondent presses "Gửi phiếu". 5 % of
submissions are sent twice (a lost acknowledgement) and every failed request is retried with
the same client key. Afterwards the database is checked: lost (acknowledged but not stored) and
duplicated (stored twice) must both be 0.

Rate limits are counted in Redis when a server answers at 127.0.0.1:6379 (as in production
with several workers), else in each worker's memory. It also prints the CPU each submission
cost in gunicorn, PostgreSQL and the clients, read from /proc.

Reference: ODK Central handles about 41 submissions/s on a small server (published figure).
Budget: >= 300 accepted/s with p95 <= 200 ms on this 2-core machine.

    .venv/bin/python bench/bench_submissions.py [--forms 3000] [--clients 32] [--workers 4]
        [--threads 2] [--worker-class sync|gthread] [--rounds 3] [--reuse]
        # --reuse: keep the database and links of the last run

The machine's speed drifts from run to run (a shared VM), so all forms are submitted in
several rounds on the same server and the median round is reported, with the range.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._common import (  # noqa: E402 - after the path is set
    Device,
    cpu_seconds,
    free_port,
    rate_limit_storage,
    wait_for,
    wait_until_idle,
)

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BENCH_DB = "survey_bench"
ODK_CENTRAL_PER_S = 41.0
CLIENT_PROCESSES = 2


def _database_url() -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB}
        ).scalar()
        if not exists:
            conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB


def _payloads(app, tokens: list[str]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from survey_app.services import invitations, responses
    from tests.support import as_form, complete_answers

    with app.extensions["session_factory"]() as session:
        instrument = responses.instrument_of(invitations.find(session, tokens[0]))
    out = []
    for i, token in enumerate(tokens):
        body = {"client_key": f"bench-{i}", "answers": as_form(complete_answers(instrument, i))}
        out.append((token, json.dumps(body)))
    return out


def _client_process(port: int, shares: list[list[tuple[str, str]]], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    """Several simulated devices (threads) in one process: less client CPU than processes."""
    import threading

    results: list[tuple[str, float, str, int]] = []
    threads = [
        threading.Thread(target=_client, args=(port, share, results)) for share in shares if share
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((results, time.process_time()))


def _client(port: int, work: list[tuple[str, str]], out: list[tuple[str, float, str, int]]) -> None:
    """One respondent device after another on one keep-alive connection (``Device``)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/s/{work[0][0]}/token")
    first = conn.getresponse()
    cookie = first.getheader("Set-Cookie", "").split(";")[0]
    csrf = json.loads(first.read())["csrf_token"]
    conn.close()
    head = (
        f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"X-CSRFToken: {csrf}\r\nCookie: {cookie}\r\n"
    )
    device = Device(port)
    for i, (token, body) in enumerate(work):
        data = body.encode()
        request = (
            f"POST /s/{token}/submit HTTP/1.1\r\n{head}Content-Length: {len(data)}\r\n\r\n"
        ).encode() + data
        for _ in range(2 if i % 20 == 0 else 1):
            out.append(device.send(token, request))
    device.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="submit all forms this many times (the previous round's "
        "submissions deleted first); the median round is the figure",
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database and links of the previous run (its submissions "
        "are deleted first); skips loading the demo again",
    )
    args = parser.parse_args()
    if args.quick:
        args.forms, args.clients, args.rounds = 200, 8, 1
    if args.worker_class == "sync":
        args.threads = 1  # gunicorn turns a sync worker with threads into a gthread one
    if shutil.which("pg_isready") is None:
        print("PostgreSQL tools not found")
        return
    url = _database_url()
    payloads = _prepared(url, args.forms, args.reuse)
    port = free_port()
    limits = rate_limit_storage()
    env = {**os.environ, "DATABASE_URL": url, "SURVEY_RATELIMIT_STORAGE_URI": limits}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(args.workers),
            "-k",
            args.worker_class,
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
            *os.environ.get("BENCH_GUNICORN_EXTRA", "").split(),
            os.environ.get("BENCH_APP", "survey_app:create_app()"),
        ],
        env=env,
        cwd=ROOT,
    )
    print(
        f"gunicorn {args.workers} {args.worker_class} workers x {args.threads} threads, "
        f"{args.clients} clients, {args.forms} forms per round, rate limits stored in "
        f"{limits.split(':')[0]}"
    )
    rounds = []
    try:
        wait_for(port)
        wait_until_idle(server.pid)
        for number in range(1, args.rounds + 1):
            if number > 1:
                _delete_bench_submissions(url)
            before = cpu_seconds(server.pid)
            results, wall, client_cpu = _run(port, payloads, args.clients)
            used = {k: v - before[k] for k, v in cpu_seconds(server.pid).items()}
            rounds.append(_report(number, results, wall, client_cpu, used, url, args.forms))
    finally:
        server.terminate()
        server.wait()
    _summary(rounds)


def _delete_bench_submissions(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM responses WHERE client_key LIKE 'bench-%'"))
    engine.dispose()


def _prepared(url: str, forms: int, reuse: bool) -> list[tuple[str, str]]:
    """(token, JSON body) per respondent: a fresh demo database, or the previous run's."""
    saved = Path(tempfile.gettempdir()) / "bench_submissions_payloads.json"
    if reuse and saved.exists():
        payloads = [tuple(p) for p in json.loads(saved.read_text())]
        if len(payloads) >= forms:
            _delete_bench_submissions(url)
            return payloads[:forms]  # type: ignore[return-value]
    from bench._demo_app import build

    app, tokens = build(url, invitations=forms)
    payloads = _payloads(app, tokens)
    app.extensions["engine"].dispose()
    saved.write_text(json.dumps(payloads))
    return payloads


def _run(port: int, payloads: list[tuple[str, str]], clients: int):  # type: ignore[no-untyped-def]
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    shares = [payloads[i::clients] for i in range(clients)]
    groups = [shares[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    procs = [
        mp.Process(target=_client_process, args=(port, group, queue)) for group in groups if group
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    done = [queue.get() for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    return [r for part, _ in done for r in part], wall, sum(cpu for _, cpu in done)


@dataclass(frozen=True)
class Round:
    rate: float
    p50: float
    p95: float
    p99: float
    lost: int
    duplicated: int


def _report(
    number: int,
    results,
    wall: float,
    client_cpu: float,  # type: ignore[no-untyped-def]
    used: dict[str, float],
    url: str,
    forms: int,
) -> Round:
    """Check the database (lost, duplicated), print one round's line, return its figures."""
    from sqlalchemy import create_engine, text

    latencies = sorted(r[1] for r in results if r[1] > 0)
    accepted = {r[0] for r in results if r[2] == "accepted"}
    acknowledged = {r[0] for r in results if r[2] in ("accepted", "already_accepted")}
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                text(
                    "SELECT i.token_hash, count(*) FROM responses r JOIN invitations i "
                    "ON i.id = r.invitation_id WHERE r.status = 'submitted' GROUP BY i.token_hash"
                )
            ).all()
        )
        without_answers = set(
            conn.execute(
                text(
                    "SELECT i.token_hash FROM responses r "
                    "JOIN invitations i ON i.id = r.invitation_id "
                    "WHERE r.status = 'submitted' AND NOT EXISTS "
                    "(SELECT 1 FROM answers a WHERE a.response_id = r.id)"
                )
            ).scalars()
        )
    engine.dispose()
    from survey_app.security import hash_token

    ours = {hash_token(r[0]) for r in results}  # the demo's own seeded responses are not ours
    stored = {digest: n for digest, n in stored.items() if digest in ours}
    lost = sum(
        1
        for t in acknowledged  # acknowledged, but not stored or stored without answers
        if hash_token(t) not in stored or hash_token(t) in without_answers
    )
    duplicated = sum(n - 1 for n in stored.values() if n > 1) + max(
        0, len(stored) - len(acknowledged)
    )

    def pct(p: float) -> float:
        if not latencies:  # nothing answered (the server failed): no latency to report
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    statuses: dict[str, int] = {}
    for r in results:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    figures = Round(len(accepted) / wall, pct(0.5), pct(0.95), pct(0.99), lost, duplicated)
    n = len(accepted) or 1
    print(
        f"round {number}: {len(accepted)}/{forms} accepted in {wall:.1f} s -> "
        f"{figures.rate:.0f}/s; latency ms p50 {figures.p50:.0f} p95 {figures.p95:.0f} "
        f"p99 {figures.p99:.0f}; {statuses}, retries {sum(r[3] for r in results)}; "
        f"lost {lost}, duplicated {duplicated}; CPU ms per submission: server "
        f"{used['server'] * 1000 / n:.1f}, PostgreSQL {used['postgres'] * 1000 / n:.1f}, "
        f"clients {client_cpu * 1000 / n:.1f} (of {2000 * wall / n:.1f} on 2 cores)"
    )
    return figures


def _summary(rounds: list[Round]) -> None:
    if not rounds:
        return
    middle = sorted(rounds, key=lambda r: r.rate)[len(rounds) // 2]
    rate = middle.rate
    print(
        f"median round: {rate:.0f} accepted/s (budget >= 300: "
        f"{'PASS' if rate >= 300 else 'FAIL'}; ratio vs ODK Central "
        f"{ODK_CENTRAL_PER_S:.0f}/s: {rate / ODK_CENTRAL_PER_S:.1f}x); p50 {middle.p50:.0f} "
        f"p95 {middle.p95:.0f} p99 {middle.p99:.0f} ms (budget p95 <= 200: "
        f"{'PASS' if middle.p95 <= 200 else 'FAIL'}); rounds "
        f"{min(r.rate for r in rounds):.0f}-{max(r.rate for r in rounds):.0f}/s"
    )
    print(
        f"lost: {sum(r.lost for r in rounds)}   duplicated: "
        f"{sum(r.duplicated for r in rounds)}   (all rounds; both must be 0)"
    )


if __name__ == "__main__":
    main()
