"""Safe formulas: what they compute, where their errors point, and that no text runs code."""

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.engine.formulas import (
    FUNCTIONS,
    Call,
    Formula,
    FormulaError,
    Name,
    Node,
    compile_formula,
    parse_formula,
)

NAMES = ("done", "due", "x")


def evaluate(text: str, **columns: list[float | None]) -> list[float | None]:
    formula = parse_formula(text, known_names=NAMES)
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Float64))
    compiled = compile_formula(formula, {name: pl.col(name) for name in columns})
    return frame.select(compiled.alias("result")).to_series().to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done / due * 100", [80.0, None, None]),
        ("min(done, due)", [8.0, 0.0, None]),
        ("max(done, due, 9)", [10.0, 9.0, None]),
        ("if(done > 5, done, 0)", [8.0, 0.0, 0.0]),
        ("clamp(done - 9, 0, 1)", [0.0, 0.0, None]),
        ("coalesce(due, 0) + abs(-2)", [12.0, 2.0, 7.0]),
        ("-done + +due", [2.0, 0.0, None]),
        ("if(done >= 8 and not (due == 0), 1, 2)", [1.0, 2.0, 2.0]),
        ("if(done < 1 or due != 10, 1.5e1, .5)", [0.5, 15.0, 15.0]),
    ],
)
def test_formulas_compute_per_row_with_missing_inputs_staying_missing(
    text: str, expected: list[float | None]
) -> None:
    # given done and due for three employees (the third has no done)
    columns = {"done": [8.0, 0.0, None], "due": [10.0, 0.0, 5.0]}
    # when the formula is evaluated
    result = evaluate(text, **columns)
    # then each row gets the arithmetic written; division by zero and missing inputs give null
    assert result == expected


def test_overflow_is_missing_not_infinite() -> None:
    # given a product too large for a float
    # when evaluated
    result = evaluate("x * x * x", x=[1e200])
    # then null, not inf
    assert result == [None]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("done / dne * 100", "column 8: unknown name 'dne' (known: done, due, x)"),
        ("done +", "column 7: expected a number, a name or '(' but found the end of the formula"),
        ("(done", "column 6: expected ')' but found the end of the formula"),
        ("done ) ", "column 6: unexpected ')'"),
        ("done; due", "column 5: unexpected character ';'"),
        ("done ** 2", "column 7: expected a number, a name or '(' but found '*'"),
        (
            "sqrt(done)",
            "column 1: unknown function 'sqrt' (allowed: min, max, abs, clamp, coalesce, if)",
        ),
        ("min(done)", "column 1: min() takes at least 2 arguments, not 1"),
        ("if(done, 1, 0)", "column 4: expected a comparison here, found a number"),
        ("done + (due > 1)", "column 13: expected a number here, found a comparison"),
        ("done > due", "column 1: a formula must give a number, not a comparison"),
        ("0 < done < 1", "column 10: comparisons cannot be chained; join them with `and`"),
        ("done.real", "column 5: unexpected character '.'"),
        ("1e999", "column 1: the number 1e999 is too large"),
        ("min", "column 1: min is a function: write min(…)"),
        ("   ", "column 1: the formula is empty"),
    ],
)
def test_mistakes_are_reported_at_their_column(text: str, message: str) -> None:
    # given a formula with a mistake
    # when it is parsed
    with pytest.raises(FormulaError) as refused:
        parse_formula(text, known_names=NAMES)
    # then the message names the column and the reason
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "done.__class__.__mro__",
        "[x for x in ().__class__.__base__.__subclasses__()]",
        "eval('1')",
        "exec('import os')",
        "lambda: 1",
        "open('/etc/passwd')",
        "done if due else x",
        "'text'",
        "done[0]",
        "x = 1",
    ],
)
def test_python_is_not_a_formula(text: str) -> None:
    # given Python code instead of a formula
    # when it is parsed
    # then it is refused as a formula error, never run
    with pytest.raises(FormulaError):
        parse_formula(text, known_names=NAMES)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    # given thousands of nested parentheses and signs
    for text in ("(" * 5000 + "1" + ")" * 5000, "-" * 5000 + "1", "not " * 3000 + "1 > 0"):
        # when parsed
        with pytest.raises(FormulaError) as refused:
            parse_formula(text)
        # then a clear error, not a RecursionError
        assert "nested more than" in refused.value.reason or "longer than" in refused.value.reason


def _nodes(node: Node) -> list[Node]:
    children: list[Node] = []
    for attribute in ("operand", "left", "right"):
        if hasattr(node, attribute):
            children.append(getattr(node, attribute))
    if isinstance(node, Call):
        children.extend(node.arguments)
    return [node, *(descendant for child in children for descendant in _nodes(child))]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80), st.text(alphabet="donemaxif_ue()<>=!,.+-*/ 0123456789e", max_size=60)
    )
)
def test_any_text_parses_or_fails_with_a_formula_error(text: str) -> None:
    # given any text at all
    # when it is parsed (any exception but FormulaError fails the test)
    outcome = _parsed_or_refused(text)
    # then either it is refused with a position inside the text (or just past it) …
    if isinstance(outcome, FormulaError):
        assert 1 <= outcome.column <= len(text) + 1
        return
    # … or every name it reads is a known input and every call an allowed function
    for node in _nodes(outcome.tree):
        if isinstance(node, Name):
            assert node.name in NAMES
        if isinstance(node, Call):
            assert node.function in FUNCTIONS


def _parsed_or_refused(text: str) -> Formula | FormulaError:
    try:
        return parse_formula(text, known_names=NAMES)
    except FormulaError as error:
        return error


numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(
    lambda number: f"{number!r}".replace("inf", "1")
)


def formulas() -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(NAMES), numbers.map(lambda number: f"({number})"))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        comparison = st.tuples(
            inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner
        ).map(" ".join)
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda parts: f"({' '.join(parts)})"
            ),
            inner.map(lambda operand: f"-{operand}"),
            st.tuples(
                st.sampled_from(["min", "max", "coalesce"]), st.lists(inner, min_size=2, max_size=3)
            ).map(lambda call: f"{call[0]}({', '.join(call[1])})"),
            inner.map(lambda operand: f"abs({operand})"),
            st.tuples(comparison, inner, inner).map(
                lambda parts: f"if({parts[0]}, {parts[1]}, {parts[2]})"
            ),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(
    formulas(),
    st.lists(
        st.tuples(*(st.one_of(st.none(), st.floats(-1e9, 1e9)) for _ in NAMES)),
        min_size=1,
        max_size=5,
    ),
)
def test_well_formed_formulas_evaluate_to_finite_numbers_or_null(
    text: str, rows: list[tuple[float | None, ...]]
) -> None:
    # given a well-formed formula and inputs with gaps
    columns = {name: [row[index] for row in rows] for index, name in enumerate(NAMES)}
    # when it is compiled and evaluated
    result = evaluate(text, **columns)
    # then every row is a finite number or null
    assert all(value is None or math.isfinite(value) for value in result)
