"""Safe formulas for derived measures, such as `done / due * 100` or `if(x > 0, y, 0)`.

A formula is parsed by a small recursive-descent parser over an allow-list grammar and
compiled to a Polars expression; Python's `eval` is never involved, so no text can
run code. Grammar, loosest binding first:

    formula    := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | primary
    primary    := NUMBER | NAME | FUNCTION "(" formula ("," formula)* ")" | "(" formula ")"

Functions: min(a, b, …), max(a, b, …), abs(x), clamp(x, low, high), coalesce(a, b, …),
if(condition, then, else). Formulas are type-checked: arithmetic takes numbers, `and`,
`or`, `not` and the condition of `if` take comparisons, and a formula must give a number.
Formula = the arithmetic written; a division by zero and any result that is not a finite
number (an overflow) give null, which the scorecard treats as missing data.
Excludes: strings, attribute access, indexing, assignment, and any function not listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce

import polars as pl

from kpilib.engine.errors import EngineError

MAX_LENGTH = 2000
MAX_DEPTH = 60


class FormulaError(EngineError):
    """A formula that cannot be used; `column` is the 1-based position of the mistake."""

    def __init__(self, reason: str, column: int) -> None:
        self.reason = reason
        self.column = column
        super().__init__(f"column {column}: {reason}")


class Kind(StrEnum):
    """What a formula node gives: a number or a truth value."""

    NUMBER = "number"
    TRUTH = "comparison"


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    column: int


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Unary:
    operator: str
    operand: Node
    column: int


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    arguments: tuple[Node, ...]
    column: int


type Node = Number | Name | Unary | Binary | Call


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed, type-checked formula and the names it reads."""

    text: str
    tree: Node
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "operator", "end"
    text: str
    column: int


_TOKEN = re.compile(
    r"(?P<space>[ \t]+)"
    r"|(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<operator><=|>=|==|!=|[-+*/(),<>])"
)
KEYWORDS = frozenset({"and", "or", "not"})
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
# function name → (fewest arguments, most arguments or None for any number)
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "clamp": (3, 3),
    "coalesce": (1, None),
    "if": (3, 3),
}


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FormulaError(f"unexpected character {text[position]!r}", position + 1)
        kind = str(match.lastgroup)
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """Recursive descent over the token list; depth is bounded so nesting cannot overflow."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.position]

    def advance(self) -> _Token:
        token = self.current
        self.position += 1
        return token

    def at(self, *texts: str) -> bool:
        return self.current.kind in ("operator", "name") and self.current.text in texts

    def expect(self, text: str) -> _Token:
        if not self.at(text):
            raise FormulaError(
                f"expected {text!r} but found {self.describe(self.current)}", self.current.column
            )
        return self.advance()

    @staticmethod
    def describe(token: _Token) -> str:
        return "the end of the formula" if token.kind == "end" else repr(token.text)

    def nested(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"nested more than {MAX_DEPTH} levels deep", column)

    def formula(self) -> Node:
        tree = self.disjunction()
        if self.current.kind != "end":
            raise FormulaError(f"unexpected {self.describe(self.current)}", self.current.column)
        return tree

    def disjunction(self) -> Node:
        tree = self.conjunction()
        while self.at("or"):
            token = self.advance()
            tree = Binary("or", tree, self.conjunction(), token.column)
        return tree

    def conjunction(self) -> Node:
        tree = self.negation()
        while self.at("and"):
            token = self.advance()
            tree = Binary("and", tree, self.negation(), token.column)
        return tree

    def negation(self) -> Node:
        if self.at("not"):
            token = self.advance()
            self.nested(token.column)
            operand = self.negation()
            self.depth -= 1
            return Unary("not", operand, token.column)
        return self.comparison()

    def comparison(self) -> Node:
        tree = self.sum()
        if self.current.kind == "operator" and self.current.text in COMPARISONS:
            token = self.advance()
            tree = Binary(token.text, tree, self.sum(), token.column)
            if self.current.kind == "operator" and self.current.text in COMPARISONS:
                reason = "comparisons cannot be chained; join them with `and`"
                raise FormulaError(reason, self.current.column)
        return tree

    def sum(self) -> Node:
        tree = self.product()
        while self.at("+", "-"):
            token = self.advance()
            tree = Binary(token.text, tree, self.product(), token.column)
        return tree

    def product(self) -> Node:
        tree = self.unary()
        while self.at("*", "/"):
            token = self.advance()
            tree = Binary(token.text, tree, self.unary(), token.column)
        return tree

    def unary(self) -> Node:
        if self.at("-", "+"):
            token = self.advance()
            self.nested(token.column)
            operand = self.unary()
            self.depth -= 1
            return Unary(token.text, operand, token.column)
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            value = float(token.text)
            if not math.isfinite(value):
                raise FormulaError(f"the number {token.text} is too large", token.column)
            return Number(value, token.column)
        if token.kind == "name" and token.text not in KEYWORDS:
            self.advance()
            if self.at("("):
                return self.call(token)
            if token.text in FUNCTIONS:
                raise FormulaError(
                    f"{token.text} is a function: write {token.text}(…)", token.column
                )
            return Name(token.text, token.column)
        if self.at("("):
            self.advance()
            self.nested(token.column)
            tree = self.disjunction()
            self.depth -= 1
            self.expect(")")
            return tree
        raise FormulaError(
            f"expected a number, a name or '(' but found {self.describe(token)}", token.column
        )

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            allowed = ", ".join(FUNCTIONS)
            raise FormulaError(f"unknown function {name.text!r} (allowed: {allowed})", name.column)
        self.expect("(")
        self.nested(name.column)
        arguments = [self.disjunction()]
        while self.at(","):
            self.advance()
            arguments.append(self.disjunction())
        self.depth -= 1
        self.expect(")")
        fewest, most = FUNCTIONS[name.text]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            wanted = str(fewest) if fewest == most else f"at least {fewest}"
            reason = f"{name.text}() takes {wanted} arguments, not {len(arguments)}"
            raise FormulaError(reason, name.column)
        return Call(name.text, tuple(arguments), name.column)


def _kind(node: Node) -> Kind:
    """Type-check a tree; raise FormulaError at the first node used as the wrong kind."""
    match node:
        case Number() | Name():
            return Kind.NUMBER
        case Unary(operator="not", operand=operand):
            _require(operand, Kind.TRUTH)
            return Kind.TRUTH
        case Unary(operand=operand):
            _require(operand, Kind.NUMBER)
            return Kind.NUMBER
        case Binary(operator="and" | "or", left=left, right=right):
            _require(left, Kind.TRUTH)
            _require(right, Kind.TRUTH)
            return Kind.TRUTH
        case Binary(operator=operator, left=left, right=right):
            _require(left, Kind.NUMBER)
            _require(right, Kind.NUMBER)
            return Kind.TRUTH if operator in COMPARISONS else Kind.NUMBER
        case Call(function="if", arguments=(condition, then, otherwise)):
            _require(condition, Kind.TRUTH)
            _require(then, Kind.NUMBER)
            _require(otherwise, Kind.NUMBER)
            return Kind.NUMBER
        case Call(arguments=arguments):
            for argument in arguments:
                _require(argument, Kind.NUMBER)
            return Kind.NUMBER
    raise AssertionError(f"unhandled formula node {node!r}")  # pragma: no cover


def _require(node: Node, kind: Kind) -> None:
    found = _kind(node)
    if found is not kind:
        raise FormulaError(f"expected a {kind} here, found a {found}", node.column)


def _names(node: Node) -> frozenset[str]:
    match node:
        case Name(name=name):
            return frozenset({name})
        case Unary(operand=operand):
            return _names(operand)
        case Binary(left=left, right=right):
            return _names(left) | _names(right)
        case Call(arguments=arguments):
            return frozenset().union(*(_names(argument) for argument in arguments))
    return frozenset()


def parse_formula(text: str, known_names: Collection[str] | None = None) -> Formula:
    """Parse and type-check `text`; with `known_names`, every name must be one of them."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"longer than {MAX_LENGTH} characters", MAX_LENGTH + 1)
    if not text.strip():
        raise FormulaError("the formula is empty", 1)
    tree = _Parser(text).formula()
    if _kind(tree) is not Kind.NUMBER:
        raise FormulaError("a formula must give a number, not a comparison", 1)
    if known_names is not None:
        _check_known(tree, known_names)
    return Formula(text, tree, _names(tree))


def _check_known(node: Node, known: Collection[str]) -> None:
    match node:
        case Name(name=name, column=column) if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise FormulaError(f"unknown name {name!r} (known: {listed})", column)
        case Unary(operand=operand):
            _check_known(operand, known)
        case Binary(left=left, right=right):
            _check_known(left, known)
            _check_known(right, known)
        case Call(arguments=arguments):
            for argument in arguments:
                _check_known(argument, known)


def compile_formula(formula: Formula, columns: Mapping[str, pl.Expr]) -> pl.Expr:
    """The formula as one vectorised Polars expression over `columns` (name → expression).

    Non-finite results (overflow, 0 × ∞) become null, as does a division by zero.
    """
    result = _compiled(formula.tree, columns)
    return pl.when(result.is_finite()).then(result)


def _compiled(node: Node, columns: Mapping[str, pl.Expr]) -> pl.Expr:
    match node:
        case Number(value=value):
            return pl.lit(value, dtype=pl.Float64)
        case Name(name=name):
            return columns[name].cast(pl.Float64)
        case Unary(operator="not", operand=operand):
            return ~_compiled(operand, columns)
        case Unary(operator="-", operand=operand):
            return -_compiled(operand, columns)
        case Unary(operand=operand):
            return _compiled(operand, columns)
        case Binary(operator=operator, left=left, right=right):
            return _binary(operator, _compiled(left, columns), _compiled(right, columns))
        case Call(function=function, arguments=arguments):
            return _call(function, [_compiled(argument, columns) for argument in arguments])
    raise AssertionError(f"unhandled formula node {node!r}")  # pragma: no cover


def _binary(operator: str, left: pl.Expr, right: pl.Expr) -> pl.Expr:
    match operator:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case "/":
            return pl.when(right != 0).then(left / right)
        case "<":
            return left < right
        case "<=":
            return left <= right
        case ">":
            return left > right
        case ">=":
            return left >= right
        case "==":
            return left == right
        case "!=":
            return left != right
        case "and":
            return left & right
        case "or":
            return left | right
    raise AssertionError(f"unhandled operator {operator!r}")  # pragma: no cover


def _call(function: str, arguments: list[pl.Expr]) -> pl.Expr:
    match function:
        case "min":
            return reduce(_smaller, arguments)
        case "max":
            return reduce(_larger, arguments)
        case "abs":
            return arguments[0].abs()
        case "clamp":
            value, low, high = arguments
            return _larger(low, _smaller(value, high))
        case "coalesce":
            return pl.coalesce(arguments)
        case "if":
            condition, then, otherwise = arguments
            return pl.when(condition).then(then).otherwise(otherwise)
    raise AssertionError(f"unhandled function {function!r}")  # pragma: no cover


def _smaller(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    # Spelled out rather than min_horizontal, which skips nulls: a missing input stays missing.
    return pl.when(left <= right).then(left).when(left > right).then(right)


def _larger(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    return pl.when(left >= right).then(left).when(left < right).then(right)
