"""Type checking and evaluation of parsed skip-logic conditions (see ``expr``).

Semantics, chosen so a half-filled form behaves predictably:

* a comparison that involves an unanswered (or hidden) question is false, whatever the
  operator, so ``q != "a"`` is false until ``q`` is answered; write ``not (q == "a")`` for
  "anything but a, including no answer";
* for a multiple-choice question ``q in [...]`` is true when any selected option is listed and
  ``q not in [...]`` when none is;
* ordering comparisons exist only between numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from questionnaires.expr import BoolOp, Compare, CompareOp, Const, Node, Not, Operand, Ref


class ValueKind(StrEnum):
    """The type an answer has inside a condition."""

    CHOICE = "choice"
    CHOICES = "choices"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True)
class RefInfo:
    """What the type checker knows about a referable question."""

    kind: ValueKind
    options: frozenset[str] = frozenset()


_ORDERING = frozenset({CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE})
_MEMBERSHIP = frozenset({CompareOp.IN, CompareOp.NOT_IN})


def _const_problem(info: RefInfo, ref: Ref, const: Const) -> str | None:
    if info.kind is ValueKind.NUMBER:
        if isinstance(const.value, str):
            return f"{ref.question_id} is a number; compare it with a number, not {const.value!r}"
        return None
    if not isinstance(const.value, str):
        return f"{ref.question_id} is a {info.kind} answer; compare it with a quoted string"
    if info.kind in (ValueKind.CHOICE, ValueKind.CHOICES) and const.value not in info.options:
        known = ", ".join(sorted(info.options))
        return f"{const.value!r} is not an option of {ref.question_id} (options: {known})"
    return None


def _check_binary(node: Compare, refs: Mapping[str, RefInfo]) -> list[str]:
    assert node.right is not None
    left, right = node.left, node.right
    if isinstance(left, Const) and isinstance(right, Const):
        return ["comparison of two literals is constant; reference a question"]
    kinds = [refs[side.question_id].kind for side in (left, right) if isinstance(side, Ref)]
    if ValueKind.CHOICES in kinds:
        return [f"multiple-choice answers can only be tested with 'in [...]', not {node.op}"]
    if node.op in _ORDERING and any(kind is not ValueKind.NUMBER for kind in kinds):
        return [f"'{node.op}' needs number questions; use == != or in for choices and text"]
    if isinstance(left, Ref) and isinstance(right, Ref):
        if kinds[0] is not kinds[1]:
            return [
                f"cannot compare {left.question_id} ({kinds[0]}) with "
                f"{right.question_id} ({kinds[1]})"
            ]
        return []
    ref, const = (left, right) if isinstance(left, Ref) else (right, left)
    assert isinstance(ref, Ref) and isinstance(const, Const)
    problem = _const_problem(refs[ref.question_id], ref, const)
    return [problem] if problem else []


def _check_membership(node: Compare, refs: Mapping[str, RefInfo]) -> list[str]:
    if not isinstance(node.left, Ref):
        return ["the left side of 'in' must be a question id"]
    if not node.items:
        return [f"'{node.op} []' over an empty list is constant"]
    info = refs[node.left.question_id]
    problems = [_const_problem(info, node.left, item) for item in node.items]
    return [p for p in problems if p]


def check(node: Node, refs: Mapping[str, RefInfo]) -> list[str]:
    """Type errors of a condition whose every reference is a key of ``refs``."""
    if isinstance(node, Not):
        return check(node.operand, refs)
    if isinstance(node, BoolOp):
        return [p for child in node.operands for p in check(child, refs)]
    if node.op in _MEMBERSHIP:
        return _check_membership(node, refs)
    return _check_binary(node, refs)


def _resolve(operand: Operand, answers: Mapping[str, object]) -> object:
    return answers.get(operand.question_id) if isinstance(operand, Ref) else operand.value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: CompareOp, left: object, right: object) -> bool:
    if _is_number(left) and _is_number(right):
        a, b = float(left), float(right)  # type: ignore[arg-type]
        return {
            CompareOp.EQ: a == b,
            CompareOp.NE: a != b,
            CompareOp.LT: a < b,
            CompareOp.LE: a <= b,
            CompareOp.GT: a > b,
            CompareOp.GE: a >= b,
        }[op]
    if isinstance(left, str) and isinstance(right, str) and op not in _ORDERING:
        return (left == right) if op is CompareOp.EQ else (left != right)
    return False


def _member(value: object, items: tuple[Const, ...]) -> bool | None:
    """Whether value (or, for a selection, any selected option) is listed; None if invalid."""
    listed = [item.value for item in items]
    if isinstance(value, tuple | list | frozenset):
        return any(isinstance(v, str) and v in listed for v in value)
    if isinstance(value, str):
        return value in listed
    if _is_number(value):
        return any(_compare(CompareOp.EQ, value, item) for item in listed)
    return None


def evaluate(node: Node, answers: Mapping[str, object]) -> bool:
    """Truth of a condition over cleaned answers (absent or None means unanswered)."""
    if isinstance(node, Not):
        return not evaluate(node.operand, answers)
    if isinstance(node, BoolOp):
        results = (evaluate(child, answers) for child in node.operands)
        return all(results) if node.op == "and" else any(results)
    left = _resolve(node.left, answers)
    if left is None:
        return False
    if node.op in _MEMBERSHIP:
        found = _member(left, node.items)
        if found is None:
            return False
        return found if node.op is CompareOp.IN else not found
    assert node.right is not None
    right = _resolve(node.right, answers)
    return right is not None and _compare(node.op, left, right)
