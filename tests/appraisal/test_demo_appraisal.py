"""The demo's appraisal set-up: quarters chosen from the data, plans and cycles created."""

import pytest

from kpilib.appraisal.demo import demo_quarters


@pytest.mark.parametrize(
    ("first_month", "last_month", "expected"),
    [
        ("2025-10", "2026-09", (["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], None)),
        ("2025-11", "2026-10", (["2026-Q1", "2026-Q2", "2026-Q3"], "2026-Q4")),
        ("2025-03", "2026-02", (["2025-Q2", "2025-Q3", "2025-Q4"], "2026-Q1")),
    ],
)
def test_complete_quarters_are_appraised_and_the_open_one_collects(
    first_month: str, last_month: str, expected: tuple[list[str], str | None]
) -> None:
    # when the demo's data runs from `first_month` to `last_month`
    # then every quarter wholly inside it is appraised, and the one cut short stays open
    assert demo_quarters(first_month, last_month) == expected
