"""Benchmark: validating a complete SIPAS form with the cached instrument.

Baseline: re-loading the instrument YAML for every request (what a service without
``builtin_instruments()`` caching would do). Budget: 2 ms per final-submit validation on the
project's 2-core machine, so the form service's answer path is dominated by the database.

Usage: .venv/bin/python bench/bench_questionnaires.py [--quick]
"""

from __future__ import annotations

import argparse
import time

from questionnaires import builtin_instruments, load_instrument, validate_answers
from questionnaires.builtin import INSTRUMENTS_DIR
from questionnaires.model import Instrument, QuestionType

BUDGET_MS = 2.0


def complete_answers(instrument: Instrument) -> dict[str, object]:
    """A plausible full answer set: first option, 2 trips, short text, consent to policy."""
    answers: dict[str, object] = {}
    for q in instrument.questions:
        if q.type is QuestionType.MULTIPLE_CHOICE:
            answers[q.id] = [q.options[0].value]
        elif q.type is QuestionType.NUMBER:
            answers[q.id] = 2
        elif q.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
            answers[q.id] = "ý kiến"
        else:
            answers[q.id] = q.options[0].value
    return answers


def per_call_ms(fn: object, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000 / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    repeat = 50 if args.quick else 2000
    sipas = builtin_instruments()["sipas_citizen"]
    answers = complete_answers(sipas)
    result = validate_answers(sipas, answers, partial=False)
    assert result.ok, result.errors
    cached = per_call_ms(lambda: validate_answers(sipas, answers, partial=False), repeat)
    path = INSTRUMENTS_DIR / "sipas_citizen.yaml"
    reload = per_call_ms(
        lambda: validate_answers(load_instrument(path), answers, partial=False),
        max(repeat // 50, 5),
    )
    print(f"questions={len(sipas.questions)} answered={len(result.cleaned)}")
    print(
        f"validate (cached instrument): {cached:.3f} ms/form, budget {BUDGET_MS} ms "
        f"-> {cached / BUDGET_MS:.2f} of budget"
    )
    print(
        f"baseline reload+validate:     {reload:.3f} ms/form -> cached is "
        f"{reload / cached:.0f}x faster"
    )


if __name__ == "__main__":
    main()
