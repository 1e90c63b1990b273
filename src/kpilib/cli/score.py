"""`kpilib score`: scorecards from a facts file, offline (product.md §6).

Thin over the engine: read the pack and the facts, score the plan for the period, write
the chosen format. Polars, pydantic and the engine are imported inside the command, so
the `kpilib` console command starts without them. Bad input (options, the pack, the
facts) exits 2 with one `file:line: column: reason` line per problem on stderr.

Who is scored: everyone with a fact anywhere in the facts file, so an engineer whose
facts all fall outside the period still gets a scorecard: `no_data` (product.md §4),
with total, grade and rank null and every line `missing` in the JSON, "no data" in the
table's grade column.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    import polars as pl

    from kpilib.engine.definitions import Pack, Plan
    from kpilib.engine.errors import Problem
    from kpilib.engine.periods import Period
    from kpilib.engine.scorecard import Scorecards

BAD_INPUT = 2
PERIOD_HELP = "2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30"
FORMATS = ("table", "json", "csv", "xlsx")
LONG_COLUMNS = (
    "employee_id",
    "total",
    "grade",
    "rank",
    "code",
    "value",
    "points",
    "max_points",
    "status",
    "explanation",
)
FORMAT_HELP = (
    "table: one row per employee with each indicator's points (for people); "
    "json: the §6 list of scorecards, points unrounded; "
    "csv and xlsx: one row per employee × indicator with columns "
    + ", ".join(LONG_COLUMNS)
    + ", numbers rounded to the plan's precision."
)


def score(
    facts: Annotated[
        str | None, typer.Option("--facts", help="Facts file: CSV, XLSX or JSON (§5).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help=PERIOD_HELP),
    ] = None,
    pack: Annotated[str, typer.Option("--pack", help="A built-in pack.")] = "presales",
    plan: Annotated[str, typer.Option("--plan", help="The plan to score.")] = "presales-engineer",
    library: Annotated[
        str | None, typer.Option("--library", help="A pack file (YAML) instead of --pack.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "table",
    output: Annotated[
        str | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="Explanations in en or zh-Hans.")
    ] = "en",
) -> None:
    """Score every employee in a facts file on a plan for a period (评分), offline."""
    from kpilib.engine.errors import InputError

    problems, appraisal_period = option_problems(facts, period, output_format, language, output)
    try:
        the_pack = chosen_pack(pack, library)
        the_plan = chosen_plan(the_pack, plan)
    except InputError as error:
        problems.extend(error.problems)
    if problems or facts is None or appraisal_period is None:
        fail(problems)
    try:
        scorecards = _scorecards(Path(facts), the_plan, the_pack, appraisal_period, language)
    except InputError as error:
        fail(error.problems)
    write_output(_rendered(scorecards, output_format), output)


def option_problems(
    facts: str | None,
    period: str | None,
    output_format: str,
    language: str,
    output: str | None,
    *,
    formats: tuple[str, ...] = FORMATS,
) -> tuple[list[Problem], Period | None]:
    """What is wrong with the options, and the period when it can be read."""
    from kpilib.engine.definitions import LANGUAGES
    from kpilib.engine.errors import Problem
    from kpilib.engine.periods import PeriodError, parse_period

    problems: list[Problem] = []
    appraisal_period = None
    if facts is None:
        problems.append(Problem("--facts", None, None, "required: the facts file to score"))
    elif not Path(facts).is_file():
        problems.append(Problem(facts, None, None, "cannot read file: no such file"))
    if output_format not in formats:
        reason = f"{output_format!r} is not one of {', '.join(formats)}"
        problems.append(Problem("--format", None, None, reason))
    if language not in LANGUAGES:
        reason = f"{language!r} is not one of {', '.join(LANGUAGES)}"
        problems.append(Problem("--language", None, None, reason))
    if period is None:
        problems.append(Problem("--period", None, None, f"required: {PERIOD_HELP}"))
    else:
        try:
            appraisal_period = parse_period(period)
        except PeriodError as error:
            problems.append(Problem("--period", None, None, str(error)))
    if output_format == "xlsx" and output is None and sys.stdout.isatty():
        problems.append(Problem("--output", None, None, "required for xlsx on a terminal"))
    return problems, appraisal_period


def chosen_pack(name: str, library: str | None) -> Pack:
    from kpilib.engine.packs import builtin_pack, load_pack

    return load_pack(library) if library is not None else builtin_pack(name)


def chosen_plan(pack: Pack, code: str) -> Plan:
    from kpilib.engine.errors import InputError, Problem, UnknownCode

    try:
        return pack.plan(code)
    except UnknownCode:
        plans = ", ".join(plan.code for plan in pack.plans) or "none"
        reason = f"no plan {code!r} in pack {pack.pack.code!r} (plans: {plans})"
        raise InputError([Problem("--plan", None, None, reason)]) from None


def _scorecards(facts: Path, plan: Plan, pack: Pack, period: Period, language: str) -> Scorecards:
    from kpilib.engine.scorecard import score_plan

    return score_plan(read_plan_facts(facts, plan, pack), plan, pack, period, language=language)


def read_plan_facts(facts: Path, plan: Plan, pack: Pack) -> pl.DataFrame:
    """The facts file, typed, with the attribute columns the plan's measures read."""
    from kpilib.engine.facts import read_facts
    from kpilib.engine.measures import measures_needed_columns

    indicators = [pack.indicator(code) for code in plan.weights]
    needed = measures_needed_columns(
        {
            f"{indicator.code}.{name}": measure
            for indicator in indicators
            for name, measure in indicator.measures().items()
        }
    )
    return read_facts(facts, attributes=needed)


def _rendered(scorecards: Scorecards, output_format: str) -> str | bytes:
    match output_format:
        case "json":
            return scorecards.to_json()
        case "csv":
            return _long_form(scorecards).write_csv()
        case "xlsx":
            return _xlsx(_long_form(scorecards))
    return _table(scorecards)


def _long_form(scorecards: Scorecards) -> pl.DataFrame:
    """One row per employee × indicator, numbers rounded for export."""
    import polars as pl

    from kpilib.engine.explain import display_round

    digits = scorecards.plan.precision
    lines = scorecards.lines.join(
        scorecards.totals.select("employee_id", "total", "grade", "rank"),
        on="employee_id",
        how="left",
        maintain_order="left",
    )
    rounded = [display_round(pl.col(column), digits) for column in ("total", "value", "points")]
    return lines.with_columns(rounded).select(LONG_COLUMNS)


def _table(scorecards: Scorecards) -> str:
    """A plain-text table: employee, total, grade, rank and each indicator's points."""
    import polars as pl

    from kpilib.engine.explain import fixed_text

    digits = scorecards.plan.precision
    codes = list(scorecards.plan.weights)
    points = scorecards.lines.group_by("employee_id", maintain_order=True).agg(
        fixed_text(pl.col("points").filter(pl.col("code") == code).first(), digits).alias(code)
        for code in codes
    )
    table = (
        scorecards.totals.select(
            "employee_id",
            fixed_text(pl.col("total"), digits).alias("total"),
            pl.when(pl.col("status") == "no_data")
            .then(pl.lit("no data"))
            .otherwise(pl.col("grade").fill_null("—"))
            .alias("grade"),
            pl.col("rank").cast(pl.String).fill_null("—"),
        )
        .join(points, on="employee_id", how="left", maintain_order="left")
        .sort("employee_id")
    )
    title = (
        f"{scorecards.plan.code} · {scorecards.period.label} · "
        f"{table.height} employees (points; — not scored)"
    )
    return title + "\n" + aligned(table)


def aligned(table: pl.DataFrame, left: frozenset[str] = frozenset({"employee_id", "grade"})) -> str:
    """The table as plain text: columns in `left` aligned left, the others right."""
    import polars as pl

    header = table.columns
    longest = table.select(pl.col(header).str.len_chars().max().fill_null(0))
    widths = [max(len(name), int(longest.item(0, name))) for name in header]
    left_aligned = left
    cells = [
        pl.col(name).str.pad_end(width)
        if name in left_aligned
        else pl.col(name).str.pad_start(width)
        for name, width in zip(header, widths, strict=True)
    ]
    body = table.select(pl.concat_str(cells, separator="  ").str.strip_chars_end().alias("line"))
    heading = "  ".join(
        name.ljust(width) if name in left_aligned else name.rjust(width)
        for name, width in zip(header, widths, strict=True)
    ).rstrip()
    rule = "  ".join("-" * width for width in widths)
    return "\n".join([heading, rule, *body.get_column("line").to_list()]) + "\n"


def _xlsx(long_form: pl.DataFrame) -> bytes:
    from kpilib.tabular import Sheet, xlsx_bytes

    return xlsx_bytes([Sheet("scorecards", long_form.columns, long_form.iter_rows())])


def write_output(rendered: str | bytes, output: str | None) -> None:
    from kpilib.engine.errors import Problem

    content = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is None:
        # Bytes, not text: the output is UTF-8 whatever the terminal's locale says.
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(content)
    except OSError as error:
        fail([Problem("--output", None, None, f"cannot write {output}: {error.strerror}")])


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(BAD_INPUT)
