"""Helpers for the scoring tests: fact tables and small packs written in code."""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import polars as pl

from kpilib.engine.definitions import Pack
from kpilib.engine.facts import typed_facts
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import Period, parse_period
from kpilib.engine.scorecard import EmployeeScorecard, IndicatorScore, Scorecards, score_plan
from kpilib.tabular import LINE

Q3 = parse_period("2026-Q3")
FACT_COLUMNS = ("employee_id", "metric", "occurred_on", "value", "customer_id")


def fact(
    employee: str,
    metric: str,
    on: str = "2026-08-01",
    value: float | str | None = None,
    customer: str | None = None,
    **attributes: str,
) -> dict[str, str | None]:
    """One row of a facts file, as text (value None is an empty cell, meaning 1)."""
    text_value = None if value is None else str(value)
    return {
        "employee_id": employee,
        "metric": metric,
        "occurred_on": on,
        "value": text_value,
        "customer_id": customer,
        **attributes,
    }


def facts_table(rows: Sequence[Mapping[str, str | None]]) -> pl.DataFrame:
    """A typed facts table from rows of text, numbered from line 2 as in a CSV."""
    columns = list(dict.fromkeys([*FACT_COLUMNS, *(key for row in rows for key in row)]))
    table = pl.DataFrame(
        {column: [row.get(column) for row in rows] for column in columns},
        schema=dict.fromkeys(columns, pl.String),
    ).with_row_index(LINE, offset=2)
    return typed_facts(table.with_columns(pl.col(LINE).cast(pl.Int64)), file="facts.csv")


@cache
def presales() -> Pack:
    return builtin_pack("presales")


def score_presales(
    rows: Sequence[Mapping[str, str | None]],
    period: Period = Q3,
    language: str = "en",
    **options: Any,
) -> Scorecards:
    pack = presales()
    return score_plan(
        facts_table(rows),
        pack.plan("presales-engineer"),
        pack,
        period,
        language=language,
        **options,
    )


def card(
    rows: Sequence[Mapping[str, str | None]], employee: str = "E1", **options: Any
) -> EmployeeScorecard:
    """One employee's presales-engineer scorecard for 2026-Q3."""
    by_employee = {
        record.employee_id: record for record in score_presales(rows, **options).records()
    }
    return by_employee[employee]


def line(
    rows: Sequence[Mapping[str, str | None]], code: str, employee: str = "E1", **options: Any
) -> IndicatorScore:
    """One indicator line of one employee's presales-engineer scorecard for 2026-Q3."""
    return next(score for score in card(rows, employee, **options).indicators if score.code == code)


def text(zh_hans: str, en: str) -> dict[str, str]:
    return {"zh-Hans": zh_hans, "en": en}


def indicator(
    code: str,
    measure: Mapping[str, Any],
    rule: Mapping[str, Any],
    default_weight: float = 50,
    **extra: Any,
) -> dict[str, Any]:
    """An indicator definition with plain metadata around the given measure and rule."""
    return {
        "code": code,
        "name": text(code, code),
        "definition": text(code, code),
        "dimension": "results",
        "unit": text("分", "points"),
        "direction": "higher_better",
        "data_source": "crm",
        "leading_or_lagging": "lagging",
        "default_weight": default_weight,
        "measure": measure,
        "rule": rule,
        **extra,
    }


def pack_document(
    indicators: Sequence[Mapping[str, Any]], weights: Mapping[str, float], **plan: Any
) -> dict[str, Any]:
    """A whole pack document with one dimension and one plan, `test-plan`."""
    return {
        "pack": {"code": "test", "version": "1", "name": text("测试", "Test")},
        "dimensions": [{"code": "results", "name": text("结果", "Results"), "layer": "result"}],
        "indicators": list(indicators),
        "plans": [
            {
                "code": "test-plan",
                "name": text("测试方案", "Test plan"),
                "position": "tester",
                "weights": dict(weights),
                **plan,
            }
        ],
    }


def make_pack(
    indicators: Sequence[Mapping[str, Any]], weights: Mapping[str, float], **plan: Any
) -> Pack:
    return Pack.model_validate(pack_document(indicators, weights, **plan))


def score_test_pack(
    pack: Pack, rows: Sequence[Mapping[str, str | None]], period: Period = Q3, **options: Any
) -> Scorecards:
    return score_plan(facts_table(rows), pack.plan("test-plan"), pack, period, **options)
