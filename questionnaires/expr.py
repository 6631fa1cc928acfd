"""The skip-logic expression language: tokenizer, recursive-descent parser and AST.

Grammar (lowest precedence first)::

    condition  := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := "(" condition ")"
                | operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
                | operand ["not"] "in" "[" [literal ("," literal)*] "]"
    operand    := NAME | literal
    literal    := STRING | NUMBER

NAME is a question id (letters, digits, ``_``, ``-`` and ``.``, e.g. ``sipas.access.q1``).
Strings use single or double quotes with ``\\`` escapes. Nothing is ever handed to ``eval``:
there are no calls, attributes, subscripts or arithmetic, so ``__import__('os')`` is a syntax
error. Length and nesting are bounded so a hostile definition cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MAX_SOURCE_LENGTH = 2000
MAX_DEPTH = 40

Literal = str | float


class ExpressionError(ValueError):
    """A condition is not valid; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at character {position})")


class TokenKind(StrEnum):
    """Kinds of lexical tokens."""

    NAME = "name"
    STRING = "string"
    NUMBER = "number"
    OP = "operator"
    KEYWORD = "keyword"
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    COMMA = ","
    END = "end"


class CompareOp(StrEnum):
    """Comparison operators."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not in"


KEYWORDS = frozenset({"and", "or", "not", "in"})
_TWO_CHAR_OPS = ("==", "!=", "<=", ">=")
_ONE_CHAR = {
    "<": TokenKind.OP,
    ">": TokenKind.OP,
    "(": TokenKind.LPAREN,
    ")": TokenKind.RPAREN,
    "[": TokenKind.LBRACKET,
    "]": TokenKind.RBRACKET,
    ",": TokenKind.COMMA,
}
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class Token:
    """One token with its source position."""

    kind: TokenKind
    text: str
    position: int
    value: Literal | None = None


@dataclass(frozen=True)
class Ref:
    """A reference to the answer of a question."""

    question_id: str
    position: int


@dataclass(frozen=True)
class Const:
    """A string or number literal."""

    value: Literal
    position: int


Operand = Ref | Const


@dataclass(frozen=True)
class Compare:
    """``left op right``; for ``in``/``not in`` the right side is ``items``."""

    op: CompareOp
    left: Operand
    right: Operand | None
    items: tuple[Const, ...] = ()


@dataclass(frozen=True)
class Not:
    """Logical negation."""

    operand: Node


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


Node = Compare | Not | BoolOp


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_.-"


def _read_string(source: str, start: int) -> tuple[Token, int]:
    quote, i = source[start], start + 1
    out: list[str] = []
    while i < len(source):
        ch = source[i]
        if ch == quote:
            text = "".join(out)
            return Token(TokenKind.STRING, source[start : i + 1], start, text), i + 1
        if ch == "\\":
            if i + 1 >= len(source) or source[i + 1] not in _ESCAPES:
                raise ExpressionError("invalid escape in string", i)
            out.append(_ESCAPES[source[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    raise ExpressionError("unterminated string", start)


def _read_number(source: str, start: int) -> tuple[Token, int]:
    i = start + 1 if source[start] == "-" else start
    while i < len(source) and (source[i].isdigit() or source[i] == "."):
        i += 1
    text = source[start:i]
    if text.count(".") > 1 or text.endswith(".") or text in ("-", ""):
        raise ExpressionError(f"malformed number {text!r}", start)
    if i < len(source) and _is_name_char(source[i]):
        raise ExpressionError(f"malformed number {source[start : i + 1]!r}", start)
    return Token(TokenKind.NUMBER, text, start, float(text)), i


def _read_name(source: str, start: int) -> tuple[Token, int]:
    i = start
    while i < len(source) and _is_name_char(source[i]):
        i += 1
    text = source[start:i]
    kind = TokenKind.KEYWORD if text in KEYWORDS else TokenKind.NAME
    return Token(kind, text, start), i


def tokenize(source: str) -> list[Token]:
    """Split a condition into tokens; raises ExpressionError on any unknown character."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"condition longer than {MAX_SOURCE_LENGTH} characters", 0)
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in "'\"":
            token, i = _read_string(source, i)
            tokens.append(token)
        elif ch.isdigit() or (ch == "-" and source[i + 1 : i + 2].isdigit()):
            token, i = _read_number(source, i)
            tokens.append(token)
        elif ch.isalpha() or ch == "_":
            token, i = _read_name(source, i)
            tokens.append(token)
        elif source[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(Token(TokenKind.OP, source[i : i + 2], i))
            i += 2
        elif ch in _ONE_CHAR:
            tokens.append(Token(_ONE_CHAR[ch], ch, i))
            i += 1
        else:
            raise ExpressionError(f"unexpected character {ch!r}", i)
    tokens.append(Token(TokenKind.END, "", len(source)))
    return tokens


class _Parser:
    """Recursive-descent parser over a token list."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind is TokenKind.KEYWORD and token.text == word

    def expect(self, kind: TokenKind, what: str) -> Token:
        token = self.take()
        if token.kind is not kind:
            raise ExpressionError(f"expected {what}, found {_describe(token)}", token.position)
        return token

    def condition(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"condition nested deeper than {MAX_DEPTH}", self.peek().position)
        node = self.bool_chain("or", self.and_expr)
        self.depth -= 1
        return node

    def and_expr(self) -> Node:
        return self.bool_chain("and", self.not_expr)

    def bool_chain(self, word: str, operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.at_keyword(word):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(word, tuple(operands))

    def not_expr(self) -> Node:
        if self.at_keyword("not"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError(
                    f"condition nested deeper than {MAX_DEPTH}", self.peek().position
                )
            node = Not(self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        if self.peek().kind is TokenKind.LPAREN:
            self.take()
            node = self.condition()
            self.expect(TokenKind.RPAREN, "')'")
            return node
        left = self.operand()
        token = self.take()
        if token.kind is TokenKind.OP:
            return Compare(CompareOp(token.text), left, self.operand())
        if token.kind is TokenKind.KEYWORD and token.text in ("in", "not"):
            op = CompareOp.IN
            if token.text == "not":
                if not self.at_keyword("in"):
                    raise ExpressionError("expected 'in' after 'not'", self.peek().position)
                self.take()
                op = CompareOp.NOT_IN
            return Compare(op, left, None, self.list_literal())
        raise ExpressionError(
            f"expected a comparison operator, found {_describe(token)}", token.position
        )

    def operand(self) -> Operand:
        token = self.take()
        if token.kind is TokenKind.NAME:
            return Ref(token.text, token.position)
        if token.kind in (TokenKind.STRING, TokenKind.NUMBER) and token.value is not None:
            return Const(token.value, token.position)
        raise ExpressionError(
            f"expected a question id or a literal, found {_describe(token)}", token.position
        )

    def list_literal(self) -> tuple[Const, ...]:
        self.expect(TokenKind.LBRACKET, "'[' after 'in'")
        items: list[Const] = []
        if self.peek().kind is TokenKind.RBRACKET:
            self.take()
            return ()
        while True:
            token = self.take()
            if token.kind not in (TokenKind.STRING, TokenKind.NUMBER) or token.value is None:
                raise ExpressionError(
                    f"list items must be literals, found {_describe(token)}", token.position
                )
            items.append(Const(token.value, token.position))
            if self.peek().kind is TokenKind.COMMA:
                self.take()
                continue
            self.expect(TokenKind.RBRACKET, "',' or ']'")
            return tuple(items)


def _describe(token: Token) -> str:
    return "end of condition" if token.kind is TokenKind.END else repr(token.text)


def parse(source: str) -> Node:
    """Parse a condition into an AST; raises ExpressionError with a position on any error."""
    parser = _Parser(tokenize(source))
    if parser.peek().kind is TokenKind.END:
        raise ExpressionError("empty condition", 0)
    node = parser.condition()
    trailing = parser.peek()
    if trailing.kind is not TokenKind.END:
        raise ExpressionError(f"unexpected {_describe(trailing)}", trailing.position)
    return node


def _render_const(const: Const) -> str:
    if isinstance(const.value, str):
        escaped = const.value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = escaped.replace("\n", "\\n").replace("\t", "\\t")
        return f'"{escaped}"'
    return repr(const.value)


def _render_operand(operand: Operand) -> str:
    return operand.question_id if isinstance(operand, Ref) else _render_const(operand)


def render(node: Node) -> str:
    """Canonical source text of an AST (fully parenthesised; used for the content hash)."""
    if isinstance(node, Compare):
        if node.op in (CompareOp.IN, CompareOp.NOT_IN):
            items = ", ".join(_render_const(c) for c in node.items)
            return f"{_render_operand(node.left)} {node.op} [{items}]"
        assert node.right is not None
        return f"{_render_operand(node.left)} {node.op} {_render_operand(node.right)}"
    if isinstance(node, Not):
        return f"not ({render(node.operand)})"
    return f" {node.op} ".join(f"({render(child)})" for child in node.operands)


def references(node: Node) -> list[Ref]:
    """Every question reference in the AST, in source order."""
    if isinstance(node, Compare):
        sides = [node.left] if node.right is None else [node.left, node.right]
        return [side for side in sides if isinstance(side, Ref)]
    if isinstance(node, Not):
        return references(node.operand)
    return [ref for child in node.operands for ref in references(child)]
