"""Checking an opportunity table and splitting it as of a date (product.md §9)."""

from datetime import date

import polars as pl
import pytest

from kpilib.engine.forecast.opportunities import split_as_of, typed_opportunities
from kpilib.tabular import InputError


def table(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    columns = ["opportunity_id", "created_on", "status", "closed_on", "poc"]
    return pl.DataFrame(
        {column: [row.get(column) for row in rows] for column in columns},
        schema=dict.fromkeys(columns, pl.String),
    )


def test_every_bad_cell_is_reported_with_its_line_and_column() -> None:
    # given rows with a blank id, a duplicate, a bad date, an unknown status and a
    # closed deal without a close date
    rows = [
        {"opportunity_id": "", "created_on": "2026-01-01", "status": "open"},
        {
            "opportunity_id": "O-1",
            "created_on": "2026-01-01",
            "status": "won",
            "closed_on": "2026-02-01",
        },
        {
            "opportunity_id": "O-1",
            "created_on": "01.02.2026",
            "status": "lost",
            "closed_on": "2026-03-01",
        },
        {"opportunity_id": "O-3", "created_on": "2026-01-01", "status": "maybe"},
        {"opportunity_id": "O-4", "created_on": "2026-01-01", "status": "Won"},
        {
            "opportunity_id": "O-5",
            "created_on": "2026-03-01",
            "status": "lost",
            "closed_on": "2026-02-01",
        },
    ]
    # when the table is checked
    with pytest.raises(InputError) as raised:
        typed_opportunities(table(rows), file="deals.csv")
    # then each problem names the file, line and column
    assert [str(problem) for problem in raised.value.problems] == [
        "deals.csv:2: opportunity_id: required value is empty",
        "deals.csv:3: opportunity_id: 'O-1' appears on more than one row",
        "deals.csv:4: opportunity_id: 'O-1' appears on more than one row",
        "deals.csv:4: created_on: not a date YYYY-MM-DD or YYYY/MM/DD: '01.02.2026'",
        "deals.csv:5: status: must be won, lost or open, not 'maybe'",
        "deals.csv:6: closed_on: required for a won or lost opportunity",
        "deals.csv:7: closed_on: is before created_on",
    ]


def test_a_missing_required_column_is_named() -> None:
    # given a table without closed_on
    frame = pl.DataFrame(
        {"opportunity_id": ["O-1"], "created_on": ["2026-01-01"], "status": ["open"]}
    )
    # when checked
    with pytest.raises(InputError) as raised:
        typed_opportunities(frame, file="deals.csv")
    # then the column is named on the header line
    assert str(raised.value) == "deals.csv:1: closed_on: required column is missing"


def test_split_as_of_learns_only_from_outcomes_before_the_date() -> None:
    # given deals won before, lost on, won after and created after the prediction date
    rows = [
        {
            "opportunity_id": "A",
            "created_on": "2026-01-01",
            "status": "won",
            "closed_on": "2026-03-31",
        },
        {
            "opportunity_id": "B",
            "created_on": "2026-01-01",
            "status": "lost",
            "closed_on": "2026-04-01",
        },
        {
            "opportunity_id": "C",
            "created_on": "2026-02-01",
            "status": "won",
            "closed_on": "2026-05-01",
        },
        {"opportunity_id": "D", "created_on": "2026-04-01", "status": "open"},
        {"opportunity_id": "E", "created_on": "2026/03/01", "status": "OPEN"},
    ]
    typed = typed_opportunities(table(rows), file="deals.csv")
    # when split as of 2026-04-01
    split = split_as_of(typed, date(2026, 4, 1))
    # then only A is learned from; B and C are open again with their outcome blanked;
    # D (created on the day) is in neither
    assert split.training.select("opportunity_id", "won").rows() == [("A", True)]
    assert split.open.select("opportunity_id", "status", "closed_on").rows() == [
        ("B", "open", None),
        ("C", "open", None),
        ("E", "open", None),
    ]
