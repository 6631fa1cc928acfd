"""The skip-logic expression language: tokenizer, parser, evaluation, safety."""

from __future__ import annotations

import pytest

from questionnaires.conditions import RefInfo, ValueKind, check, evaluate
from questionnaires.expr import (
    MAX_DEPTH,
    BoolOp,
    Compare,
    CompareOp,
    Const,
    ExpressionError,
    Not,
    Ref,
    parse,
    render,
    tokenize,
)

REFS = {
    "a": RefInfo(ValueKind.CHOICE, frozenset({"yes", "no"})),
    "n": RefInfo(ValueKind.NUMBER),
    "m": RefInfo(ValueKind.NUMBER),
    "t": RefInfo(ValueKind.TEXT),
    "s.multi": RefInfo(ValueKind.CHOICES, frozenset({"x", "y"})),
}


def test_tokenizer_reads_dotted_names_strings_numbers_and_operators() -> None:
    kinds = [(tok.kind.value, tok.text) for tok in tokenize("s.q1 >= -2.5 and x != 'a\\'b'")]
    assert kinds == [
        ("name", "s.q1"),
        ("operator", ">="),
        ("number", "-2.5"),
        ("keyword", "and"),
        ("name", "x"),
        ("operator", "!="),
        ("string", "'a\\'b'"),
        ("end", ""),
    ]


def test_parse_builds_the_expected_ast() -> None:
    node = parse('a == "yes" and not n < 3')
    assert node == BoolOp(
        "and",
        (
            Compare(CompareOp.EQ, Ref("a", 0), Const("yes", 5)),
            Not(Compare(CompareOp.LT, Ref("n", 19), Const(3.0, 23))),
        ),
    )


def test_and_binds_tighter_than_or() -> None:
    node = parse('a == "yes" or n > 1 and n < 5')
    assert isinstance(node, BoolOp) and node.op == "or"
    assert isinstance(node.operands[1], BoolOp) and node.operands[1].op == "and"
    # a true left side decides an or whatever the and says
    assert evaluate(node, {"a": "yes", "n": 9})
    assert not evaluate(node, {"a": "no", "n": 9})
    assert evaluate(node, {"a": "no", "n": 3})


def test_parentheses_override_precedence() -> None:
    node = parse('(a == "yes" or n > 1) and n < 5')
    assert not evaluate(node, {"a": "yes", "n": 9})
    assert evaluate(node, {"a": "yes", "n": 0})


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("n == 3", {"n": 3}, True),
        ("n != 3", {"n": 4}, True),
        ("n <= 3", {"n": 3.0}, True),
        ("n > 3", {"n": 3}, False),
        ("n >= m", {"n": 3, "m": 3}, True),
        ('a in ["yes"]', {"a": "yes"}, True),
        ('a not in ["yes"]', {"a": "no"}, True),
        ("n in [1, 2]", {"n": 2}, True),
        ('s.multi in ["y"]', {"s.multi": ("x", "y")}, True),
        ('s.multi not in ["y"]', {"s.multi": ("x",)}, True),
        ('not a == "yes"', {"a": "no"}, True),
        ('t == "hi"', {"t": "hi"}, True),
    ],
)
def test_evaluation(source: str, answers: dict[str, object], expected: bool) -> None:
    assert evaluate(parse(source), answers) is expected


@pytest.mark.parametrize("source", ['a == "yes"', 'a != "yes"', "n < 3", 'a not in ["no"]'])
def test_unanswered_reference_makes_comparison_false(source: str) -> None:
    assert evaluate(parse(source), {}) is False
    assert evaluate(parse(source), {"a": None, "n": None}) is False


def test_mismatched_runtime_types_are_false_not_errors() -> None:
    assert evaluate(parse("n < 3"), {"n": "two"}) is False
    assert evaluate(parse('a == "yes"'), {"a": 5}) is False
    assert evaluate(parse('a in ["yes"]'), {"a": {"k": 1}}) is False


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "__import__('os').system('ls')",
        "a.__class__ == 1 or open('x')",
        "q()",
        "a[0] == 1",
        "n + 1 > 2",
        "lambda: 1",
        "a == `x`",
        "a == {1: 2}",
        "a ==",
        "== a",
        "a and",
        "(a == 1",
        "a == 1)",
        "",
        "a",
        "a == 1 2",
        "a not 1",
        "a in 1",
        "a in [b]",
        "'unterminated",
        "1.2.3 == n",
        "n == 1abc",
        "a == 'bad \\q escape'",
    ],
)
def test_rejects_invalid_and_dangerous_input(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


def test_error_reports_position() -> None:
    with pytest.raises(ExpressionError) as info:
        parse('a == "yes" and __import__("os")')
    assert info.value.position == 25
    assert "'('" in info.value.message


def test_nesting_and_length_are_bounded() -> None:
    deep = "(" * (MAX_DEPTH + 5) + "n == 1" + ")" * (MAX_DEPTH + 5)
    with pytest.raises(ExpressionError, match="nested"):
        parse(deep)
    with pytest.raises(ExpressionError, match="nested"):
        parse("not " * (MAX_DEPTH + 5) + "n == 1")
    with pytest.raises(ExpressionError, match="longer"):
        parse("n == 1 or " * 500 + "n == 2")


def test_render_is_canonical_and_reparses_to_same_ast() -> None:
    a = parse("n>=1 and(a=='yes'or t!=\"x\")")
    b = parse('n >= 1.0 and (a == "yes" or t != "x")')
    assert render(a) == render(b)
    assert render(parse(render(a))) == render(a)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ('a == "maybe"', "not an option"),
        ("a == 1", "quoted string"),
        ('n == "3"', "is a number"),
        ('t < "b"', "needs number questions"),
        ('a < "yes"', "needs number questions"),
        ('s.multi == "x"', "only be tested with 'in"),
        ("n == a", "cannot compare"),
        ('"x" == "x"', "two literals"),
        ('"x" in ["x"]', "left side of 'in'"),
        ("n in []", "empty list"),
        ('s.multi in ["q"]', "not an option"),
    ],
)
def test_type_checker_rejects(source: str, fragment: str) -> None:
    problems = check(parse(source), REFS)
    assert problems and fragment in problems[0]


def test_type_checker_accepts_valid_conditions() -> None:
    for source in ['a == "yes"', "n < m", 's.multi in ["x"]', 't != "q"', "n in [1, 2]"]:
        assert check(parse(source), REFS) == []
