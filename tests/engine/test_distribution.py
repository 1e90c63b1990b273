"""Forced distribution in whole people: rounding of targets and the check (issue 11, defect 4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.distribution import Rounding, allowances, allowed_people

shares = st.integers(min_value=0, max_value=100).map(lambda percent: percent / 100)
groups = st.integers(min_value=0, max_value=500)
roundings = st.sampled_from(list(Rounding))


def test_one_a_of_three_is_allowed_at_thirty_percent_by_default() -> None:
    # given A ≤ 30% in a team of 3 (0.9 people)
    # when the target is turned into people with the default rounding
    allowed = allowed_people(0.3, 3)
    # then one A is allowed, where a share check (33% > 30%) blocked the cycle
    assert allowed == 1


@pytest.mark.parametrize(
    ("target", "people", "floor", "nearest", "at_least_one"),
    [
        (0.3, 3, 0, 1, 1),
        (0.1, 3, 0, 0, 1),
        (0.1, 5, 0, 1, 1),  # 0.5 rounds up
        (0.3, 10, 3, 3, 3),
        (0.7, 10, 7, 7, 7),  # 7.000000000000001 in floats
        (0.15, 10, 1, 2, 2),
        (0.0, 10, 0, 0, 0),
        (1.0, 4, 4, 4, 4),
        (0.3, 0, 0, 0, 0),
    ],
)
def test_each_rounding_by_hand(
    target: float, people: int, floor: int, nearest: int, at_least_one: int
) -> None:
    # given a target and a group
    # when converted with each rounding
    got = [allowed_people(target, people, rounding) for rounding in Rounding]
    # then the stated numbers
    assert got == [floor, nearest, at_least_one]


def test_allowances_count_only_graded_people_and_flag_the_grade_over() -> None:
    # given 3 graded people, two of them A, with A ≤ 30% rounded to the nearest
    rows = allowances({"A": 2, "B": 1}, {"S": 0.1, "A": 0.3}, ["S", "A", "B", "C"])
    # when read
    by_grade = {row.grade: row for row in rows}
    # then A allows 1 of 3 and is over; B has no target; S allows 0 and is not over
    assert (by_grade["A"].allowed, by_grade["A"].people, by_grade["A"].over) == (1, 3, True)
    assert (by_grade["B"].allowed, by_grade["B"].over) == (None, False)
    assert (by_grade["S"].allowed, by_grade["S"].over) == (0, False)


def test_a_negative_target_is_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        allowed_people(-0.1, 3)


@given(shares, groups, roundings)
def test_never_more_than_the_group_nor_less_than_zero(
    target: float, people: int, rounding: Rounding
) -> None:
    assert 0 <= allowed_people(target, people, rounding) <= people


@given(shares, groups)
def test_floor_is_within_the_share_and_at_least_one_is_the_most_lenient(
    target: float, people: int
) -> None:
    floor, nearest, at_least_one = (allowed_people(target, people, r) for r in Rounding)
    # floor never exceeds the share; nearest is within half a person of it
    assert floor <= target * people + 1e-9
    assert abs(nearest - target * people) <= 0.5 + 1e-9 or nearest == people
    assert floor <= nearest <= at_least_one
    if target > 0 and people > 0:
        assert at_least_one >= 1
    if target == 0:
        assert at_least_one == 0


@given(shares, groups, roundings)
def test_a_larger_group_never_allows_fewer(target: float, people: int, rounding: Rounding) -> None:
    assert allowed_people(target, people + 1, rounding) >= allowed_people(target, people, rounding)


@given(shares, shares, groups, roundings)
def test_a_larger_target_never_allows_fewer(
    first: float, second: float, people: int, rounding: Rounding
) -> None:
    low, high = sorted((first, second))
    assert allowed_people(high, people, rounding) >= allowed_people(low, people, rounding)


@given(shares, st.integers(min_value=1, max_value=500), roundings)
def test_a_group_within_its_allowances_passes(
    target: float, people: int, rounding: Rounding
) -> None:
    # given exactly as many A's as allowed, the rest B
    allowed = allowed_people(target, people, rounding)
    rows = allowances({"A": allowed, "B": people - allowed}, {"A": target}, ["A", "B"], rounding)
    # then no grade is over; one more A would be (unless everyone already is)
    assert not any(row.over for row in rows)
    if allowed < people:
        more = allowances(
            {"A": allowed + 1, "B": people - allowed - 1}, {"A": target}, ["A", "B"], rounding
        )
        assert more[0].over


@given(shares, st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=500))
def test_floor_is_the_share_check_in_whole_people(target: float, people: int, count: int) -> None:
    # under floor, a count is allowed exactly when its share is within the target
    count = min(count, people)
    allowed = allowed_people(target, people, Rounding.FLOOR)
    assert (count <= allowed) == (count / people <= target + 1e-9)
