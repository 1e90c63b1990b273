"""`kpilib review`: the quarterly indicator review from a facts file, offline (product.md §8).

Thin over the engine (`kpilib.engine.review`) and the file reading and option checks of
`kpilib score`: read the pack and the facts, review the plan over the quarters that end
with --period, write JSON or a table. Every threshold of §8 is an option. Bad input exits
2 with one `file:line: column: reason` line per problem on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kpilib.engine.review import Review

QUARTER_HELP = "The review quarter, like 2026-Q4."
FORMATS = ("table", "json")
FORMAT_HELP = (
    "json: the §8 object (numbers unrounded, plus each statistic's sample size); "
    "table: the same for people."
)


def review(
    facts: Annotated[
        str | None, typer.Option("--facts", help="Facts file: CSV, XLSX or JSON (§5).")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help=QUARTER_HELP)] = None,
    quarters: Annotated[
        int,
        typer.Option("--quarters", min=1, max=40, help="Quarters reviewed, ending with --period."),
    ] = 4,
    pack: Annotated[str, typer.Option("--pack", help="A built-in pack.")] = "presales",
    plan: Annotated[str, typer.Option("--plan", help="The plan to review.")] = "presales-engineer",
    library: Annotated[
        str | None, typer.Option("--library", help="A pack file (YAML) instead of --pack.")
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="An outcome metric (repeatable); default opportunity_won when the facts have it.",
        ),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "table",
    output: Annotated[
        str | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    language: Annotated[str, typer.Option("--language", help="Reasons in en or zh-Hans.")] = "en",
    ceiling: Annotated[
        float, typer.Option("--ceiling", min=0, max=1, help="ceiling flag at this rate.")
    ] = 0.5,
    floor: Annotated[
        float, typer.Option("--floor", min=0, max=1, help="floor flag at this rate.")
    ] = 0.5,
    low_spread: Annotated[
        float, typer.Option("--low-spread", min=0, help="low_spread below this sd_share.")
    ] = 0.05,
    missing: Annotated[
        float, typer.Option("--missing", min=0, max=1, help="missing below this scored_rate.")
    ] = 0.7,
    redundant: Annotated[
        float, typer.Option("--redundant", min=0, max=1, help="redundant at this |r|.")
    ] = 0.8,
    no_outcome_link: Annotated[
        float,
        typer.Option("--no-outcome-link", min=0, max=1, help="no_outcome_link below this |r|."),
    ] = 0.1,
    min_employees: Annotated[
        int,
        typer.Option(
            "--min-employees", min=2, help="Fewer scored employees: not enough data to judge."
        ),
    ] = 20,
    anomaly_z: Annotated[
        float, typer.Option("--anomaly-z", min=0, help="Anomaly at this robust z.")
    ] = 3.5,
    anomaly_change: Annotated[
        float,
        typer.Option("--anomaly-change", min=0, help="…and at this relative change."),
    ] = 0.5,
    history_months: Annotated[
        int,
        typer.Option("--history-months", min=3, help="Months of history an anomaly needs."),
    ] = 12,
) -> None:
    """Review a plan's indicators for a quarter and find anomalies (季度指标评审), offline."""
    from kpilib.cli.score import (
        chosen_pack,
        chosen_plan,
        fail,
        option_problems,
        read_plan_facts,
        write_output,
    )
    from kpilib.engine.errors import InputError, Problem
    from kpilib.engine.periods import PeriodKind
    from kpilib.engine.review import AnomalySettings, ReviewSettings, review_plan

    problems, quarter = option_problems(
        facts, period, output_format, language, output, formats=FORMATS
    )
    if quarter is not None and quarter.kind is not PeriodKind.QUARTER:
        problems.append(
            Problem("--period", None, None, f"{quarter.label!r} is not a quarter (like 2026-Q4)")
        )
    try:
        the_pack = chosen_pack(pack, library)
        the_plan = chosen_plan(the_pack, plan)
    except InputError as error:
        problems.extend(error.problems)
    if problems or facts is None or quarter is None:
        fail(problems)
    try:
        typed = read_plan_facts(Path(facts), the_plan, the_pack)
    except InputError as error:
        fail(error.problems)
    known = set(typed.get_column("metric").unique().to_list())
    absent = [metric for metric in outcome or [] if metric not in known]
    if absent:
        fail(
            [
                Problem("--outcome", None, None, f"no {metric!r} facts in {facts}")
                for metric in absent
            ]
        )
    settings = ReviewSettings(
        quarters=quarters,
        ceiling=ceiling,
        floor=floor,
        low_spread=low_spread,
        missing=missing,
        redundant=redundant,
        no_outcome_link=no_outcome_link,
        min_employees=min_employees,
        anomalies=AnomalySettings(
            z=anomaly_z, change=anomaly_change, history_months=history_months
        ),
    )
    result = review_plan(
        typed, the_plan, the_pack, quarter, outcomes=outcome or None, settings=settings
    )
    if output_format == "json":
        rendered = json.dumps(result.as_dict(language), ensure_ascii=False, indent=2) + "\n"
    else:
        rendered = _table(result, language)
    write_output(rendered, output)


def _number(value: object, digits: int = 2) -> str:
    from kpilib.engine.explain import display_round_value

    if value is None:
        return "—"
    assert isinstance(value, float | int)
    rounded = display_round_value(float(value), digits)
    return f"{rounded:.{digits}f}"


def _table(result: Review, language: str) -> str:
    """Indicators with their figures and recommendation, then pairs and anomalies."""
    import polars as pl

    from kpilib.cli.score import aligned

    rows = []
    for indicator in result.indicators:
        figures = indicator.figures
        rows.append(
            {
                "code": indicator.code,
                "scored": str(figures.scored),
                "scored_rate": _number(figures.scored_rate),
                "mean_share": _number(figures.mean_share),
                "sd_share": _number(figures.sd_share),
                "ceiling": _number(figures.ceiling_rate),
                "floor": _number(figures.floor_rate),
                **{
                    metric: _number(statistic.value)
                    for metric, statistic in indicator.outcomes.items()
                },
                "flags": ", ".join(figures.flags) or "—",
                "recommendation": indicator.recommendation,
            }
        )
    title = (
        f"{result.plan} · {result.period} ({', '.join(result.quarters)}) · "
        f"{result.employees} employees"
    )
    parts = [
        title,
        aligned(pl.DataFrame(rows), frozenset({"code", "flags", "recommendation"}))
        if rows
        else "(no indicators)\n",
    ]
    for indicator in result.indicators:
        parts.append(f"{indicator.code} → {indicator.recommendation}")
        parts.extend(f"  - {reason.text(language)}" for reason in indicator.reasons)
        parts.extend(f"  · {note.text(language)}" for note in indicator.notes)
    parts.append("")
    if result.redundant_pairs:
        parts.append("redundant pairs:")
        parts.extend(
            f"  {pair.a} ~ {pair.b}: r = {_number(pair.statistic.value)} (n = {pair.statistic.n})"
            for pair in result.redundant_pairs
        )
    else:
        parts.append("redundant pairs: none")
    if result.anomalies:
        parts.append("anomalies:")
        for anomaly in result.anomalies:
            suggested = ", ".join(anomaly.suggested_indicators) or "—"
            parts.append(
                f"  {anomaly.month} {anomaly.metric}: {_number(anomaly.value)} per employee, "
                f"expected {_number(anomaly.expected)} ({anomaly.direction}); "
                f"suggested: {suggested}"
            )
    else:
        parts.append("anomalies: none")
    for item in result.not_checked:
        parts.append(
            f"  not checked: {item.metric} ({item.history_months} months of history, "
            f"at least {result.settings.anomalies.history_months} needed)"
        )
    return "\n".join(parts).rstrip("\n") + "\n"
