"""Fuzzing the formula grammar: any text either parses to a formula that evaluates over
any numbers without an exception (null where the arithmetic is undefined), or is refused
with a FormulaError that points into the text. Nothing else may escape."""

import math

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.formulas import MAX_LENGTH, FormulaError, compile_formula, parse_formula
from tests.fuzz.budget import FUZZ

NAMES = ["done", "due", "x"]
TOKENS = [
    *NAMES, "unknown", "1", "0", "2.5", "1e308", "-", "+", "*", "/", "(", ")", ",", "<", "<=",
    ">", ">=", "==", "!=", "and", "or", "not", "min", "max", "abs", "clamp", "coalesce",
    "if", " ", "__import__", "'a'", "[", "]", ".", "=", "9" * 30,
]  # fmt: skip

token_text = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)
any_text = st.text(max_size=200)
values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6))


@FUZZ
@given(text=st.one_of(token_text, any_text), rows=st.lists(st.tuples(values, values, values), min_size=1, max_size=5))
def test_a_formula_parses_and_evaluates_or_is_refused_with_its_position(
    text: str, rows: list[tuple[object, object, object]]
) -> None:
    # given any text and any numbers for its names
    frame = pl.DataFrame(
        {name: [float(row[i]) if row[i] is not None else None for row in rows] for i, name in enumerate(NAMES)},
        schema=dict.fromkeys(NAMES, pl.Float64),
    )
    # when it is parsed with the known names and evaluated
    try:
        formula = parse_formula(text, NAMES)
    except FormulaError as error:
        # then a refusal says where, inside (or just past) the text
        assert 1 <= error.column <= max(len(text), MAX_LENGTH) + 1  # noqa: PT017 (one of two outcomes)
        return
    expression = compile_formula(formula, {name: pl.col(name) for name in NAMES})
    result = frame.with_columns(expression.cast(pl.Float64).alias("r"))
    # then the result is one finite number or null per row
    assert result.height == frame.height
    assert all(value is None or math.isfinite(value) for value in result.get_column("r").to_list())
