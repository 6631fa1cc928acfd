"""XLSForm ``relevant`` expressions to and from the project's own condition language.

XLSForm writes skip logic in XPath: ``${q} = 'yes'``, ``selected(${q}, 'x')``, ``and``, ``or``,
``not(...)``. Only a safe subset is accepted, and it is translated into the AST of
``questionnaires.expr`` (never evaluated as XPath), keeping XPath's meaning for unanswered
questions:

* ``${q} = 'a'`` is false while ``q`` is unanswered: ``q == "a"``;
* ``${q} != 'a'`` is *true* while ``q`` is unanswered: ``not (q == "a")``;
* ``${q} != '' and ${q} != 'a'`` (answered, and not ``a``): ``q != "a"``;
* ``selected(${q}, 'a') or selected(${q}, 'b')``: ``q in ["a", "b"]``;
* ``${q} != '' and not(selected(${q}, 'a'))``: ``q not in ["a"]``;
* ``<``, ``<=``, ``>``, ``>=`` between a number question and a number.

:func:`to_xlsform` writes an AST back in exactly these forms, so a condition survives the round
trip unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from questionnaires.expr import BoolOp, Compare, CompareOp, Const, Node, Not, Ref

MAX_LENGTH = 2000
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<word>[A-Za-z][A-Za-z-]*)
    | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)


class RelevanceError(ValueError):
    """An expression outside the accepted subset; ``code`` names the kind of problem."""

    def __init__(self, code: str, detail: str, token: str = "") -> None:
        self.code = code
        self.detail = detail
        self.token = token  # the word at fault, when there is one (an unsupported function)
        super().__init__(f"{code}: {detail}")


@dataclass(frozen=True)
class _Answered:
    """``${q} != ''``: only meaningful joined by ``and`` to a test of the same question."""

    question_id: str


_Item = Node | _Answered


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    position: int


def _tokens(source: str) -> list[_Tok]:
    if len(source) > MAX_LENGTH:
        raise RelevanceError("too_long", f"longer than {MAX_LENGTH} characters")
    tokens, i = [], 0
    while i < len(source):
        if source[i:].strip() == "":
            break
        match = _TOKEN.match(source, i)
        if match is None or match.end() == i:
            raise RelevanceError("syntax", f"unexpected {source[i:].strip()[:12]!r}")
        kind = next(k for k in ("ref", "string", "number", "op", "word", "punct") if match[k])
        text = match["name"] if kind == "ref" else match[kind]
        tokens.append(_Tok(kind, text, match.start(kind)))
        i = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.tokens[self.at]

    def take(self, kind: str, text: str | None = None) -> _Tok:
        token = self.peek()
        if token.kind != kind or (text is not None and token.text != text):
            found = token.text or "the end"
            raise RelevanceError("syntax", f"expected {text or kind}, found {found!r}")
        self.at += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text == word

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek().kind != "end":
            raise RelevanceError("syntax", f"unexpected {self.peek().text!r}")
        return _finish(node)

    def or_expr(self) -> _Item:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RelevanceError("too_deep", f"nested deeper than {MAX_DEPTH}")
        items = [self.and_expr()]
        while self.is_word("or"):
            self.at += 1
            items.append(self.and_expr())
        self.depth -= 1
        return items[0] if len(items) == 1 else _or([_finish(i) for i in items])

    def and_expr(self) -> _Item:
        items = [self.unary()]
        while self.is_word("and"):
            self.at += 1
            items.append(self.unary())
        return items[0] if len(items) == 1 else _and(items)

    def unary(self) -> _Item:
        if self.is_word("not"):
            self.at += 1
            self.take("punct", "(")
            inner = self.or_expr()
            self.take("punct", ")")
            return Not(_finish(inner))
        if self.is_word("selected"):
            self.at += 1
            self.take("punct", "(")
            ref = self.take("ref")
            self.take("punct", ",")
            value = self.literal()
            self.take("punct", ")")
            return Compare(CompareOp.IN, Ref(ref.text, ref.position), None, (value,))
        if self.peek().kind == "punct" and self.peek().text == "(":
            self.at += 1
            inner = self.or_expr()
            self.take("punct", ")")
            return inner
        if self.peek().kind == "word":
            word = self.peek().text
            raise RelevanceError("function", f"{word!r} is not supported", token=word)
        return self.comparison()

    def literal(self) -> Const:
        token = self.peek()
        if token.kind == "string":
            self.at += 1
            return Const(token.text[1:-1], token.position)
        if token.kind == "number":
            self.at += 1
            return Const(float(token.text), token.position)
        raise RelevanceError("syntax", f"expected a quoted value or a number, found {token.text!r}")

    def comparison(self) -> _Item:
        ref = self.take("ref")
        op = self.take("op").text
        value = self.literal()
        left = Ref(ref.text, ref.position)
        if value.value == "":
            if op != "!=":
                raise RelevanceError("empty", "only ${q} != '' (answered) compares with ''")
            return _Answered(ref.text)
        if op == "=":
            return Compare(CompareOp.EQ, left, value)
        if op == "!=":
            return Not(Compare(CompareOp.EQ, left, value))
        return Compare(CompareOp(op), left, value)


def _or(items: list[Node]) -> Node:
    """Selections of one question joined by ``or`` are one ``in [...]``."""
    refs = {
        i.left.question_id
        for i in items
        if isinstance(i, Compare) and i.op is CompareOp.IN and isinstance(i.left, Ref)
    }
    if len(refs) == 1 and all(isinstance(i, Compare) and i.op is CompareOp.IN for i in items):
        first = items[0]
        assert isinstance(first, Compare)
        values = tuple(c for i in items if isinstance(i, Compare) for c in i.items)
        return Compare(CompareOp.IN, first.left, None, values)
    return BoolOp("or", tuple(_flat("or", items)))


def _and(items: list[_Item]) -> _Item:
    """``answered and not (= / selected)`` of one question is ``!=`` / ``not in``."""
    if len(items) == 2 and isinstance(items[0], _Answered) and isinstance(items[1], Not):
        inner = items[1].operand
        same = (
            isinstance(inner, Compare)
            and isinstance(inner.left, Ref)
            and inner.left.question_id == items[0].question_id
        )
        if same and isinstance(inner, Compare) and inner.op is CompareOp.EQ:
            return Compare(CompareOp.NE, inner.left, inner.right)
        if same and isinstance(inner, Compare) and inner.op is CompareOp.IN:
            return Compare(CompareOp.NOT_IN, inner.left, None, inner.items)
    return BoolOp("and", tuple(_flat("and", [_finish(i) for i in items])))


def _flat(op: str, items: list[Node]) -> list[Node]:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.operands if isinstance(item, BoolOp) and item.op == op else (item,))
    return flat


def _finish(item: _Item) -> Node:
    if isinstance(item, _Answered):
        raise RelevanceError(
            "empty", f"${{{item.question_id}}} != '' must be joined by 'and' to a test of it"
        )
    return item


def from_xlsform(source: str) -> Node:
    """The AST of an XLSForm relevance; raises RelevanceError outside the accepted subset."""
    if not source.strip():
        raise RelevanceError("syntax", "empty expression")
    return _Parser(source).parse()


def _value(const: Const) -> str:
    if isinstance(const.value, str):
        if "'" in const.value:
            return '"' + const.value + '"'
        return "'" + const.value + "'"
    number = float(const.value)
    return str(int(number)) if number.is_integer() else repr(number)


def _selected(ref: Ref, items: tuple[Const, ...]) -> str:
    parts = [f"selected(${{{ref.question_id}}}, {_value(c)})" for c in items]
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def to_xlsform(node: Node) -> str:
    """XLSForm text of an AST, in the forms :func:`from_xlsform` reads back to the same AST."""
    if isinstance(node, Not):
        return f"not({to_xlsform(node.operand)})"
    if isinstance(node, BoolOp):
        return f" {node.op} ".join(_grouped(child) for child in node.operands)
    left, right = node.left, node.right
    if not isinstance(left, Ref):
        raise ValueError("a condition starts with a question")
    name = f"${{{left.question_id}}}"
    if node.op is CompareOp.IN:
        return _selected(left, node.items)
    if node.op is CompareOp.NOT_IN:
        return f"({name} != '' and not({_selected(left, node.items)}))"
    if not isinstance(right, Const):
        raise ValueError("a question is compared with a value")
    if node.op is CompareOp.EQ:
        return f"{name} = {_value(right)}"
    if node.op is CompareOp.NE:
        return f"({name} != '' and {name} != {_value(right)})"
    return f"{name} {node.op.value} {_value(right)}"


def _grouped(node: Node) -> str:
    text = to_xlsform(node)
    return f"({text})" if isinstance(node, BoolOp) else text
