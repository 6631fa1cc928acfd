"""The chaos bench's ledger: what clients were told, and its check against the database."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from bench._chaos_faults import Faults


@dataclass
class Ledger:
    """What the clients were told, shared by their threads."""

    allowed: dict[str, set[str]] = field(default_factory=dict)
    acks: dict[str, int] = field(default_factory=dict)
    server_errors: list[float] = field(default_factory=list)
    conflict_not_409: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, key: str, allowed: set[str], kind: str) -> None:
        """An acknowledgement of ``key`` (a link token, or entry:<respondent id>) by a flow of
        ``kind``: the stored answers must be one of ``allowed`` (canonical JSON), for every
        acknowledgement."""
        with self.lock:
            self.kinds[key] = kind
            self.allowed[key] = self.allowed.get(key, allowed) & allowed
            self.acks[key] = self.acks.get(key, 0) + 1

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@dataclass(frozen=True)
class Figures:
    acknowledged: int
    stored: int
    lost: int
    changed: int
    duplicated: int
    partial: int
    changed_by_kind: dict[str, int]


def stored_answers(url: str) -> tuple[dict[str, list[str]], dict[int, list[str]]]:
    """Canonical JSON of each submitted response, by link token hash and by respondent id."""
    from sqlalchemy import create_engine, text

    from survey_app.services.responses import canonical_json

    engine = create_engine(url)
    by_link: dict[str, list[str]] = {}
    by_respondent: dict[int, list[str]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.id, i.token_hash, i.respondent_id, a.question_id, a.value "
                "FROM responses r JOIN invitations i ON i.id = r.invitation_id "
                "LEFT JOIN answers a ON a.response_id = r.id WHERE r.status = 'submitted' "
                "ORDER BY r.id"
            )
        ).all()
    engine.dispose()
    answers: dict[int, tuple[str, int, dict[str, object]]] = {}
    for response_id, digest, respondent_id, question, value in rows:
        entry = answers.setdefault(response_id, (digest, respondent_id, {}))
        if question is not None:
            entry[2][question] = value
    for digest, respondent_id, values in answers.values():
        text_ = canonical_json(values)
        by_link.setdefault(digest, []).append(text_)
        by_respondent.setdefault(respondent_id, []).append(text_)
    return by_link, by_respondent


def check(url: str, ledger: Ledger) -> Figures:
    """Compare every acknowledgement with what the database holds."""
    from survey_app.security import hash_token

    by_link, by_respondent = stored_answers(url)
    lost = changed = duplicated = partial = stored = 0
    by_kind: dict[str, int] = {}
    for key, allowed in ledger.allowed.items():
        if key.startswith("entry:"):
            found = by_respondent.get(int(key.split(":")[1]), [])
        else:
            found = by_link.get(hash_token(key), [])
        stored += bool(found)
        if not found or found == ["{}"]:
            lost += 1
            continue
        duplicated += len(found) - 1
        if not allowed:  # acknowledged twice with different answers
            changed += 1
            by_kind[ledger.kinds[key]] = by_kind.get(ledger.kinds[key], 0) + 1
        elif found[0] not in allowed:
            expected = json.loads(next(iter(allowed)))
            got = json.loads(found[0])
            if set(got) < set(expected) and all(got[q] == expected[q] for q in got):
                partial += 1
            else:
                changed += 1
                by_kind[ledger.kinds[key]] = by_kind.get(ledger.kinds[key], 0) + 1
    return Figures(len(ledger.allowed), stored, lost, changed, duplicated, partial, by_kind)


def server_errors_outside(ledger: Ledger, faults: Faults, grace: float = 5.0) -> int:
    """5xx answered outside the restart windows (and ``grace`` seconds after each)."""
    return sum(
        1
        for at in ledger.server_errors
        if not any(began <= at <= ended + grace for _, began, ended in faults.windows)
    )
