"""Chaos: nothing acknowledged is ever lost or changed while workers, the master and
PostgreSQL die under a mixed load.

gunicorn (4 sync workers) on a PostgreSQL database of its own (``chaos``, created and dropped
here, 127.0.0.1 only), rate limits counted in Redis (db 3). For a bounded time, client
threads mix:

* whole submissions (JSON with every answer, as survey.js sends an offline form), 5 % sent
  twice with the same client key;
* page-by-page answering (one autosave per page), then a submit raced by an autosave of
  another answer sent on another connection 0-20 ms before or after it; half the submits
  carry every answer (the acknowledged answers are then exactly known), half submit the draft
  as survey.js does (the raced answer may or may not be in it, nothing else may differ);
* paper entry by the interviewer account (login, the entry form with its CSRF token);
* the same client key sent again with other answers (must be a 409).

Faults: a random worker is killed (SIGKILL) every few seconds; once, the master is killed and a
new one started on the same port; with ``--pg-restart``, PostgreSQL is restarted once (the
server is shared: use it only when nobody else is testing). Clients retry connection errors
and 5xx with back-off and keep a ledger of every acknowledgement (a 200 accepted /
already_accepted, or the entry form's redirect) with the exact answers sent. Afterwards the
database must hold every acknowledged submission exactly once with exactly those answers:

    acknowledged  stored  lost  changed  duplicated  partial  5xx outside the restart windows

    python bench/chaos_submissions.py [--seconds 90] [--quick] [--clients 12] [--pg-restart]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._chaos_faults import Faults, Server, chaos  # noqa: E402
from bench._chaos_ledger import Figures, Ledger, check, server_errors_outside  # noqa: E402
from bench._common import Device, Reply, free_port  # noqa: E402

ADMIN_URL = os.environ.get(
    "CHAOS_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CHAOS_DB = "chaos"
REDIS_URL = os.environ.get("CHAOS_REDIS_URL", "redis://127.0.0.1:6379/3")
GUNICORN = Path(sys.executable).with_name("gunicorn")
KINDS = ("whole",) * 8 + ("paged_full",) * 4 + ("paged_draft",) * 4 + ("conflict",) * 2
CSRF_FIELD = b'name="csrf_token"'


class GaveUp(Exception):
    """A request failed every retry (the server never came back)."""


@dataclass(frozen=True)
class Forms:
    """The answers clients send: variants as form fields and as the canonical JSON that the
    service stores for them; the raced question and its other value."""

    fields: tuple[dict[str, list[str]], ...]
    canonical: tuple[str, ...]
    pages: tuple[tuple[str, ...], ...]
    raced: tuple[str, str]
    raced_canonical: str


class Client:
    """One device: a keep-alive connection, its cookie, retries with back-off."""

    def __init__(self, port: int, ledger: Ledger, deadline: float) -> None:
        self.device = Device(port)
        self.port = port
        self.ledger = ledger
        self.deadline = deadline
        self.cookie = ""
        self.csrf = ""

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"
    ) -> Reply:
        """One request, sent again (the same bytes) on connection errors and 5xx."""
        for attempt in range(200):
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Cookie: {self.cookie}\r\nX-CSRFToken: {self.csrf}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            try:
                reply = self.device.exchange(head.encode() + body)
            except OSError:
                self._pause(attempt)
                continue
            if "set-cookie" in reply.headers:
                self.cookie = reply.headers["set-cookie"].split(";")[0]
            if reply.status >= 500 or reply.status == 429:
                if reply.status >= 500:
                    with self.ledger.lock:
                        self.ledger.server_errors.append(time.time())
                self._pause(attempt, reply.headers.get("retry-after"))
                continue
            return reply
        raise GaveUp(path)

    def _pause(self, attempt: int, retry_after: str | None = None) -> None:
        delay = float(retry_after) if retry_after else min(2.0, 0.05 * 2**attempt)
        time.sleep(delay * random.uniform(0.5, 1.0))

    def post_json(self, path: str, payload: dict[str, object]) -> Reply:
        """POST JSON; a refused CSRF token (400 csrf) is fetched again and the post repeated."""
        for _ in range(3):
            reply = self.request("POST", path, json.dumps(payload).encode())
            if reply.status != 400 or b'"csrf"' not in reply.body:
                return reply
            self.fetch_token(path.rsplit("/", 1)[0])
        return reply

    def fetch_token(self, link_path: str) -> None:
        self.csrf = json.loads(self.request("GET", f"{link_path}/token").body)["csrf_token"]


def _submit(client: Client, token: str, key: str, answers: dict[str, list[str]] | None) -> Reply:
    payload: dict[str, object] = {"client_key": key}
    if answers is not None:
        payload["answers"] = answers
    return client.post_json(f"/s/{token}/submit", payload)


def _accepted(reply: Reply) -> bool:
    return reply.status == 200 and json.loads(reply.body).get("status") in (
        "accepted",
        "already_accepted",
    )


def whole(client: Client, token: str, forms: Forms, ledger: Ledger) -> None:
    """Every answer in one JSON submit; one in 20 sent twice (a lost acknowledgement)."""
    key = uuid.uuid4().hex
    for _ in range(2 if random.random() < 0.05 else 1):
        reply = _submit(client, token, key, forms.fields[0])
        ledger.count(f"whole:{reply.status}")
        if _accepted(reply):
            ledger.ack(token, {forms.canonical[0]}, "whole")


def paged(
    client: Client, racer: Client, token: str, forms: Forms, ledger: Ledger, with_answers: bool
) -> None:
    """Autosave page by page, then submit, raced by an autosave of another answer."""
    for page in forms.pages:
        answers = {q: forms.fields[0][q] for q in page}
        saved = client.post_json(f"/s/{token}/autosave", {"answers": answers})
        ledger.count(f"autosave:{saved.status}")
    question, other = forms.raced
    offset = random.uniform(-0.02, 0.02)
    sent_at: list[float] = []

    def race() -> None:
        time.sleep(max(0.0, offset))
        sent_at.append(time.monotonic())
        reply = racer.post_json(f"/s/{token}/autosave", {"answers": {question: [other]}})
        ledger.count(f"raced_autosave:{reply.status}")

    thread = threading.Thread(target=race)
    thread.start()
    time.sleep(max(0.0, -offset))
    reply = _submit(client, token, uuid.uuid4().hex, forms.fields[0] if with_answers else None)
    answered_at = time.monotonic()
    thread.join()
    ledger.count(f"{'paged_full' if with_answers else 'paged_draft'}:{reply.status}")
    if _accepted(reply):
        allowed = {forms.canonical[0]}
        if not with_answers and sent_at and sent_at[0] < answered_at:
            allowed.add(forms.raced_canonical)  # the raced autosave may have come first
        ledger.ack(token, allowed, "paged_full" if with_answers else "paged_draft")


def conflict(client: Client, token: str, forms: Forms, ledger: Ledger) -> None:
    """Submit, then the same client key with other answers: a 409, nothing changed."""
    key = uuid.uuid4().hex
    first = _submit(client, token, key, forms.fields[0])
    if _accepted(first):
        ledger.ack(token, {forms.canonical[0]}, "conflict")
    again = _submit(client, token, key, forms.fields[1])
    ledger.count(f"conflict:{again.status}")
    if again.status != 409:
        with ledger.lock:
            ledger.conflict_not_409.append(token)


def respondent_thread(
    port: int, work: Iterator[tuple[str, str]], forms: Forms, ledger: Ledger, deadline: float
) -> None:
    client, racer = Client(port, ledger, deadline), Client(port, ledger, deadline)
    started = False
    for kind, token in work:
        if time.monotonic() > deadline:
            return
        try:
            if not started:
                client.fetch_token(f"/s/{token}")
                racer.cookie, racer.csrf, started = client.cookie, client.csrf, True
            if kind == "whole":
                whole(client, token, forms, ledger)
            elif kind == "conflict":
                conflict(client, token, forms, ledger)
            else:
                paged(client, racer, token, forms, ledger, kind == "paged_full")
        except GaveUp:
            ledger.count("gave_up")


def interviewer_thread(
    port: int, work: Iterator[int], forms: Forms, ledger: Ledger, deadline: float
) -> None:
    """Log in as the demo interviewer and key in paper forms (variant 2 of the answers)."""
    from survey_app.demo import demo_password

    client = Client(port, ledger, deadline)
    login = client.request("GET", "/login")
    form = {
        "username": "buudien",
        "password": demo_password("buudien"),
        "csrf_token": _csrf_of(login.body),
    }
    client.request(
        "POST", "/login", urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    )
    for respondent_id in work:
        if time.monotonic() > deadline:
            return
        try:
            page = client.request("GET", f"/entry/{respondent_id}")
            fields = {**forms.fields[2], "mode": ["paper"], "csrf_token": [_csrf_of(page.body)]}
            reply = client.request(
                "POST",
                f"/entry/{respondent_id}",
                urllib.parse.urlencode(fields, doseq=True).encode(),
                "application/x-www-form-urlencoded",
            )
        except GaveUp:
            ledger.count("gave_up")
            continue
        ledger.count(f"entry:{reply.status}")
        if reply.status == 302 and reply.headers.get("location", "").endswith("/entry/"):
            ledger.ack(f"entry:{respondent_id}", {forms.canonical[2]}, "entry")


def _csrf_of(html: bytes) -> str:
    start = html.index(b'value="', html.index(CSRF_FIELD)) + len('value="')
    return html[start : html.index(b'"', start)].decode()


# --- set-up ---------------------------------------------------------------------------------


def _database(create: bool) -> str:
    """Create (or drop) the chaos database; its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {CHAOS_DB} WITH (FORCE)"))
        if create:
            conn.execute(text(f"CREATE DATABASE {CHAOS_DB}"))
    engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + CHAOS_DB


def _forms(app: Any, token: str) -> Forms:
    """Three complete variants of the citizen questionnaire and the raced likert answer."""
    from questionnaires import QuestionType, parse_form, validate_answers
    from survey_app.services import invitations, responses
    from tests.support import as_form, complete_answers

    with app.extensions["session_factory"]() as session:
        instrument = responses.instrument_of(invitations.find(session, token))

    def canonical(fields: dict[str, list[str]]) -> str:
        result = validate_answers(instrument, parse_form(instrument, fields), partial=False)
        assert result.complete, result.errors
        return responses.canonical_json(result.cleaned)

    fields = tuple(as_form(complete_answers(instrument, v)) for v in range(3))
    pages = tuple(
        tuple(q.id for q in s.questions if q.id in fields[0]) for s in instrument.sections
    )
    likert = [
        q
        for s in instrument.sections
        for q in s.questions
        if q.type is QuestionType.LIKERT5 and q.show_if is None and q.id in fields[0]
    ]
    for q in likert:
        other = next(o.value for o in q.options if [o.value] != fields[0][q.id])
        try:
            raced = canonical({**fields[0], q.id: [other]})
        except AssertionError:
            continue
        return Forms(
            fields,
            tuple(canonical(f) for f in fields),
            tuple(p for p in pages if p),
            (q.id, other),
            raced,
        )
    raise RuntimeError("no answer can be raced without changing the skip logic")


def _prepare(url: str, invitations: int) -> tuple[Forms, list[str], list[int]]:
    """The demo with ``invitations`` citizen links; a tenth assigned to the interviewer."""
    from sqlalchemy import text

    from bench._demo_app import build
    from survey_app.security import hash_token

    app, tokens = build(url, invitations=invitations)
    forms = _forms(app, tokens[0])
    paper = tokens[: len(tokens) // 10]
    with app.extensions["engine"].begin() as conn:
        clerk = conn.execute(text("SELECT id FROM users WHERE username = 'buudien'")).scalar()
        ids = [
            conn.execute(
                text("SELECT respondent_id FROM invitations WHERE token_hash = :h"),
                {"h": hash_token(t)},
            ).scalar()
            for t in paper
        ]
        conn.execute(
            text("UPDATE respondents SET interviewer_id = :c WHERE id = ANY(:ids)"),
            {"c": clerk, "ids": ids},
        )
    app.extensions["engine"].dispose()
    return forms, tokens[len(paper) :], [int(i) for i in ids]


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--quick", action="store_true", help="20 s")
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--interviewers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills")
    parser.add_argument(
        "--pg-restart",
        action="store_true",
        help="restart PostgreSQL once (shared server: only when nobody tests)",
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds = 20.0
    url = _database(create=True)
    try:
        run(args, url)
    finally:
        _database(create=False)


def run(args: argparse.Namespace, url: str) -> None:
    import redis

    invitations = int(60 * args.seconds) + 500
    print(f"loading the demo with {invitations} links into {CHAOS_DB}...", flush=True)
    forms, tokens, paper = _prepare(url, invitations)
    redis.Redis.from_url(REDIS_URL).flushdb()  # db 3 is this bench's own
    env = {**os.environ, "DATABASE_URL": url, "SURVEY_RATELIMIT_STORAGE_URI": REDIS_URL}
    log = Path(tempfile.mkdtemp(prefix="chaos-")) / "gunicorn.log"
    server = Server(GUNICORN, free_port(), env, args.workers, log)
    server.start()
    ledger = Ledger()
    work = iter([(KINDS[i % len(KINDS)], t) for i, t in enumerate(tokens)])
    paper_work = iter(paper)
    lock = threading.Lock()

    def locked(items: Iterator[Any]) -> Iterator[Any]:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            yield item

    stop = threading.Event()
    crashed: list[str] = []
    threading.excepthook = lambda hook: crashed.append(  # a client that dies fails the run
        f"{hook.thread.name if hook.thread else '?'}: {hook.exc_type.__name__}: {hook.exc_value}"
    )
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=respondent_thread, args=(server.port, locked(work), forms, ledger, deadline)
        )
        for _ in range(args.clients)
    ]
    threads += [
        threading.Thread(
            target=interviewer_thread,
            args=(server.port, locked(paper_work), forms, ledger, deadline),
        )
        for _ in range(args.interviewers)
    ]
    print(
        f"gunicorn {args.workers} sync workers on :{server.port}, {args.clients} respondent "
        f"and {args.interviewers} interviewer clients for {args.seconds:.0f} s; worker kill "
        f"every ~{args.kill_every:.0f} s, one master restart"
        f"{', one PostgreSQL restart' if args.pg_restart else ''}",
        flush=True,
    )
    try:
        for t in threads:
            t.start()
        faults = chaos(server, args.seconds, args.kill_every, args.pg_restart, stop)
        for t in threads:
            t.join()
    finally:
        stop.set()
        server.stop()
    _report(check(url, ledger), ledger, faults)
    errors = [
        line
        for line in log.read_text().splitlines()
        if line.startswith(("sqlalchemy.exc.", "psycopg."))
    ]
    print(f"server errors logged: {len(errors)} {sorted(set(e[:90] for e in errors))} ({log})")
    if crashed:
        print(f"client threads crashed: {len(crashed)}: {crashed[:3]}")
        raise SystemExit(1)


def _report(figures: Figures, ledger: Ledger, faults: Faults) -> None:
    windows = ", ".join(f"{name} {ended - began:.1f} s" for name, began, ended in faults.windows)
    outside = server_errors_outside(ledger, faults)
    print(f"faults: {faults.worker_kills} workers killed; {windows}")
    print(f"requests: {dict(sorted(ledger.outcomes.items()))}")
    print(f"5xx: {len(ledger.server_errors)} in all, {outside} outside the restart windows")
    print(f"same key, other answers not answered 409: {len(ledger.conflict_not_409)}")
    if figures.changed_by_kind:
        print(f"changed, by flow: {figures.changed_by_kind}")
    print(
        f"acknowledged {figures.acknowledged}  stored {figures.stored}  lost {figures.lost}  "
        f"changed {figures.changed}  duplicated {figures.duplicated}  partial "
        f"{figures.partial}  5xx outside {outside}   (target: all but the first two 0)"
    )


if __name__ == "__main__":
    main()
