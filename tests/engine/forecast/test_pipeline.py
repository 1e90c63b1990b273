"""Predictions become facts per team member: expected wins and pipeline amounts."""

from datetime import date

import numpy as np
import polars as pl
import pytest

from kpilib.engine.forecast.pipeline import pipeline_facts


def test_each_presales_member_gets_the_probability_and_their_share_of_the_pipeline() -> None:
    # given two open deals, one with a presales pair at 60/40 and a sales owner
    deals = pl.DataFrame(
        {"opportunity_id": ["O-1", "O-2"], "customer_id": ["C-1", "C-2"], "amount": [100.0, None]}
    )
    team = pl.DataFrame(
        {
            "opportunity_id": ["O-1", "O-1", "O-1", "O-2"],
            "employee_id": ["P1", "S1", "R1", "P1"],
            "role": ["presales", "solution_architect", "sales", "presales"],
            "split": [60.0, 40.0, 100.0, 100.0],
        }
    )
    # when the predictions become facts
    facts = pipeline_facts(
        deals, np.array([0.7, 0.2]), team, as_of=date(2026, 7, 1), model_version="v3"
    )
    # then presales and solution members get them, the sales owner does not; a deal
    # without an amount gets only its probability
    rows = facts.select("employee_id", "metric", "value", "external_id").rows()
    assert rows == [
        (
            "P1",
            "expected_pipeline_amount",
            pytest.approx(42.0),
            "win:O-1:P1:expected_pipeline_amount",
        ),
        ("P1", "pipeline_amount", 60.0, "win:O-1:P1:pipeline_amount"),
        ("P1", "win_probability", 0.7, "win:O-1:P1:win_probability"),
        ("P1", "win_probability", 0.2, "win:O-2:P1:win_probability"),
        (
            "S1",
            "expected_pipeline_amount",
            pytest.approx(28.0),
            "win:O-1:S1:expected_pipeline_amount",
        ),
        ("S1", "pipeline_amount", 40.0, "win:O-1:S1:pipeline_amount"),
        ("S1", "win_probability", 0.7, "win:O-1:S1:win_probability"),
    ]
    assert set(facts.get_column("model_version")) == {"v3"}
    assert set(facts.get_column("occurred_on")) == {date(2026, 7, 1)}
