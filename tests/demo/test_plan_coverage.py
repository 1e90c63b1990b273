"""The demo's facts cover every metric of every plan the demo appraises (issue 10), by
design: whatever the seed or the size, no random draw leaves a demo plan's line without
the facts it needs."""

from pathlib import Path

import polars as pl
import pytest

from kpilib.cli.score import read_plan_facts
from kpilib.demo.generator import generate_demo, write_demo
from kpilib.demo.organisation import ARCHITECT, DEMO_PLANS, ENGINEER, MANAGER
from kpilib.engine.measures import metrics_read, pooled_metrics
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan

PACK = builtin_pack("presales")
# Left to chance on purpose: a month without survey answers shows "no survey responses".
MISSING_BY_DESIGN = {"customer_satisfaction"}


def plan_metrics(code: str) -> tuple[set[str], set[str]]:
    """The metrics a pack plan reads from its own people's facts, and those it pools
    from everyone's (the orders attributed measures credit)."""
    plan = PACK.plan(code)
    indicators = [PACK.indicator(indicator) for indicator in plan.weights]
    pooled = pooled_metrics(indicators)
    own = set().union(*(metrics_read(indicator.measures()) for indicator in indicators))
    return own - pooled, pooled


def holders(employees: pl.DataFrame, position: str) -> list[str]:
    return employees.filter(pl.col("position") == position)["employee_id"].to_list()


def test_the_demo_appraises_engineers_architects_and_managers() -> None:
    assert set(DEMO_PLANS) == {ENGINEER, ARCHITECT, MANAGER}
    assert all(PACK.plan(code) for code in DEMO_PLANS.values())


# The default demo, the browser tests' small one, and tiny ones where luck would show.
@pytest.mark.parametrize(
    ("engineers", "months", "seed"), [(60, 12, 42), (8, 6, 7), (2, 3, 1), (3, 1, 5), (9, 4, 0)]
)
def test_every_metric_of_every_demo_plan_has_facts_for_the_people_it_scores(
    engineers: int, months: int, seed: int
) -> None:
    # given a demo data set
    dataset = generate_demo(engineers=engineers, months=months, seed=seed, start="2026-02")
    facts = dataset.facts.collect()
    for position, code in DEMO_PLANS.items():
        people = holders(dataset.employees, position)
        own, pooled = plan_metrics(code)
        # then the plan has people, and each metric it reads has facts among them
        assert people, code
        theirs = set(facts.filter(pl.col("employee_id").cast(pl.String).is_in(people))["metric"])
        assert sorted(own - theirs) == [], code
        assert sorted(pooled - set(facts["metric"])) == [], code


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_line_of_a_demo_plan_is_missing_by_chance(tmp_path: Path, seed: int) -> None:
    # given a small demo over parts of three quarters (it starts in a quarter's middle)
    dataset = generate_demo(engineers=10, months=7, seed=seed, start="2026-02")
    files = write_demo(dataset, tmp_path)
    for position, code in DEMO_PLANS.items():
        plan = PACK.plan(code)
        facts = read_plan_facts(files["facts"], plan, PACK)
        for quarter in ("2026-Q1", "2026-Q2", "2026-Q3"):
            # when every holder of the position is scored on the plan for the quarter
            lines = score_plan(
                facts, plan, PACK, parse_period(quarter),
                employees=holders(dataset.employees, position),
            ).lines
            # then every weighted line is scored (or excluded), none is missing
            missing = lines.filter(
                (pl.col("status") == "missing") & ~pl.col("code").is_in(MISSING_BY_DESIGN)
            )
            assert missing.select("employee_id", "code").rows() == [], (code, quarter)
