"""Properties of the review's redundancy statistic (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.review_support import review
from tests.engine.scoring_support import indicator, make_pack

# Points linear in a metric's mean value, never clipped for values within ±1000.
WIDE = {"kind": "linear", "zero_at": -1e6, "full_at": 1e6}
PACK = make_pack(
    [
        indicator(code, {"kind": "mean", "metric": f"{code}_metric"}, WIDE, default_weight=w)
        for code, w in (("a", 40), ("b", 30), ("c", 30))
    ],
    {"a": 40, "b": 30, "c": 30},
)


def rows(values: dict[str, list[int]], shift: dict[str, int]) -> list[dict[str, object]]:
    return [
        {
            "employee_id": f"E{person:02d}",
            "metric": f"{code}_metric",
            "occurred_on": "2026-11-10",
            "value": str(value + shift.get(code, 0)),
        }
        for code, series in values.items()
        for person, value in enumerate(series)
    ]


def redundant(values: dict[str, list[int]], shift: dict[str, int]) -> set[tuple[str, str]]:
    result = review(PACK, rows(values, shift), min_employees=3, low_spread=0.0)
    return {(pair.a, pair.b) for pair in result.redundant_pairs}


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(4, 12).flatmap(
        lambda n: st.fixed_dictionaries(
            {code: st.lists(st.integers(0, 100), min_size=n, max_size=n) for code in "abc"}
        )
    ),
    code=st.sampled_from("abc"),
    constant=st.integers(-500, 500),
)
def test_adding_a_constant_to_a_metric_never_creates_a_redundancy(
    data: dict[str, list[int]], code: str, constant: int
) -> None:
    # given three indicators linear in their metrics' values
    before = redundant(data, {})
    # when one metric's every value is shifted by a constant
    after = redundant(data, {code: constant})
    # then no pair becomes redundant (nor stops being)
    assert after == before


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.integers(0, 100), min_size=4, max_size=12),
    level=st.integers(-500, 500),
)
def test_a_metric_that_is_the_same_for_everyone_is_never_redundant(
    values: list[int], level: int
) -> None:
    # given b's metric is one value for everyone, at any level
    data = {"a": values, "b": [level] * len(values), "c": list(reversed(values))}
    pairs = redundant(data, {})
    # then b is in no redundant pair
    assert all("b" not in pair for pair in pairs)
