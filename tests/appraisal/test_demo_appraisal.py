"""The demo's appraisal set-up: quarters chosen from the data, plans and cycles created."""

import pytest

from kpilib.appraisal.demo import quarters_to_show


@pytest.mark.parametrize(
    ("last_month", "expected"),
    [
        ("2026-09", ("2026-Q3", None)),
        ("2026-10", ("2026-Q3", "2026-Q4")),
        ("2026-02", ("2025-Q4", "2026-Q1")),
    ],
)
def test_the_last_full_quarter_is_published_and_the_open_one_collects(
    last_month: str, expected: tuple[str, str | None]
) -> None:
    # when the demo's data ends in `last_month`
    # then the quarters shown are the last complete one and the one still open
    assert quarters_to_show(last_month) == expected
