"""Feature typing by the §9 rules, encoding, and features as of a date from snapshots."""

from datetime import date

import numpy as np
import polars as pl

from kpilib.engine.forecast.features import (
    Exclusion,
    FeatureKind,
    FeatureSpec,
    encode,
    features_as_of,
    look_dates,
    type_features,
    with_levels,
)


def test_columns_are_typed_by_the_rules_of_section_9() -> None:
    # given one column of each kind, and columns §9 leaves out
    frame = pl.DataFrame(
        {
            "amount": ["1,200.5", "30", None],
            "poc": ["是", "No", "TRUE"],
            "industry": ["finance", "retail", "3"],
            "customer_id": ["C1", "C2", "C3"],
            "signed_on": ["2026-01-01", "2026/02/01", None],
            "notes": ["short", "x" * 201, None],
            "blank": [None, " ", None],
        }
    )
    # when typed
    typing = type_features(frame, frame.columns)
    # then numbers, flags and categories are told apart and the rest excluded with a reason
    assert [(spec.name, spec.kind) for spec in typing.features] == [
        ("amount", FeatureKind.NUMBER),
        ("poc", FeatureKind.FLAG),
        ("industry", FeatureKind.CATEGORY),
    ]
    assert typing.excluded == {
        "customer_id": Exclusion.IDENTIFIER,
        "signed_on": Exclusion.DATES,
        "notes": Exclusion.FREE_TEXT,
        "blank": Exclusion.EMPTY,
    }


def test_encoding_uses_levels_seen_in_training_only() -> None:
    # given a category learned from training rows
    training = pl.DataFrame(
        {"industry": ["finance", "finance", "retail"], "poc": ["yes", "no", "是"]}
    )
    specs = with_levels(
        [FeatureSpec("industry", FeatureKind.CATEGORY), FeatureSpec("poc", FeatureKind.FLAG)],
        training,
    )
    # when rows with an unseen level and a blank are encoded
    rows = pl.DataFrame({"industry": ["retail", "energy", None], "poc": ["否", "yes", None]})
    matrix = encode(rows, specs)
    # then known levels get their index (most frequent first), the rest are unknown
    assert specs[0].levels == ("finance", "retail")
    np.testing.assert_array_equal(matrix[:, 0], [1.0, np.nan, np.nan])
    np.testing.assert_array_equal(matrix[:, 1], [0.0, 1.0, np.nan])


def test_features_as_of_read_only_snapshots_recorded_before_the_date() -> None:
    # given a deal's stage history
    snapshots = pl.DataFrame(
        {
            "opportunity_id": ["O-1", "O-1", "O-1"],
            "recorded_on": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
            "stage": ["qualify", "proposal", "negotiate"],
        }
    )
    looks = pl.DataFrame(
        {
            "opportunity_id": ["O-1", "O-1", "O-1"],
            "look_on": [date(2026, 1, 1), date(2026, 2, 15), date(2026, 3, 1)],
        }
    )
    # when features are built as of each look
    built = features_as_of(snapshots, looks)
    # then a snapshot recorded on the look date itself is not yet known
    assert built.select("look_on", "stage", "snapshots_before", "days_since_change").rows() == [
        (date(2026, 1, 1), None, 0, None),
        (date(2026, 2, 15), "proposal", 2, 14),
        (date(2026, 3, 1), "proposal", 2, 28),
    ]


def test_a_closed_deal_is_looked_at_every_30_days_while_it_was_open() -> None:
    # given a deal open for 65 days
    closed = pl.DataFrame(
        {
            "opportunity_id": ["O-1"],
            "created_on": [date(2026, 1, 1)],
            "closed_on": [date(2026, 3, 7)],
        }
    )
    # when look dates are drawn
    looks = look_dates(closed)
    # then the day after creation and every 30 days while open, each weighing a third
    assert looks.get_column("look_on").to_list() == [
        date(2026, 1, 2),
        date(2026, 2, 1),
        date(2026, 3, 3),
    ]
    assert looks.get_column("weight").to_list() == [1 / 3, 1 / 3, 1 / 3]
