"""`kpilib predict`: win probability of open opportunities, offline (product.md §9).

Thin over the engine: read the file with `kpilib.tabular`, check and type it
(`engine.forecast`), split it as of `--as-of` (only opportunities closed before it are
learned from; every outcome from that day on is blanked first), train, validate and
calibrate the model, then predict every opportunity open at `--as-of`. A column named
`stage_probability` (the reps' own probability, 0–1 or 0–100) is also compared with
the model on the held-out rows. Bad input and an ineligible file exit 2 with one line
per problem on stderr. scikit-learn and Polars are imported inside the command.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    import polars as pl

    from kpilib.engine.forecast.winmodel import Factor, WinModel
    from kpilib.tabular import Problem

BAD_INPUT = 2
FORMATS = ("table", "json")
REP_PROBABILITY = "stage_probability"


def predict(
    opportunities: Annotated[
        str | None,
        typer.Option(
            "--opportunities", help="Opportunities: CSV, XLSX or JSON, one row each (§9)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Prediction date YYYY-MM-DD.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table (for people) or json (§9).")
    ] = "table",
    output: Annotated[
        str | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="Factors in the table in en or zh-Hans.")
    ] = "en",
) -> None:
    """Win probability of every opportunity open at a date (赢单概率), offline."""
    from kpilib.engine.forecast.winmodel import EligibilityError
    from kpilib.tabular import InputError, Problem

    problems, day = _option_problems(opportunities, as_of, output_format, language)
    if problems or opportunities is None or day is None:
        _fail(problems)
    try:
        model, open_rows = _model(Path(opportunities), day)
    except InputError as error:
        _fail(error.problems)
    except EligibilityError as error:
        _fail([Problem(opportunities, None, None, str(error))])
    probability, factors = model.predict(open_rows)
    ids = open_rows.get_column("opportunity_id").to_list()
    rows = list(zip(ids, probability.tolist(), factors, strict=True))
    if output_format == "json":
        rendered = _json(day, model, rows)
    else:
        rendered = _table(day, model, rows, language)
    _write(rendered, output)


def _option_problems(
    opportunities: str | None, as_of: str | None, output_format: str, language: str
) -> tuple[list[Problem], date | None]:
    from kpilib.tabular import Problem

    problems: list[Problem] = []
    day = None
    if opportunities is None:
        problems.append(Problem("--opportunities", None, None, "required: the opportunities file"))
    elif not Path(opportunities).is_file():
        problems.append(Problem(opportunities, None, None, "cannot read file: no such file"))
    if as_of is None:
        problems.append(Problem("--as-of", None, None, "required: the prediction date YYYY-MM-DD"))
    else:
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError:
            problems.append(Problem("--as-of", None, None, f"not a date YYYY-MM-DD: {as_of!r}"))
    if output_format not in FORMATS:
        reason = f"{output_format!r} is not one of {', '.join(FORMATS)}"
        problems.append(Problem("--format", None, None, reason))
    if language not in ("en", "zh-Hans"):
        problems.append(
            Problem("--language", None, None, f"{language!r} is not one of en, zh-Hans")
        )
    return problems, day


def _model(path: Path, day: date) -> tuple[WinModel, pl.DataFrame]:
    import polars as pl

    from kpilib.engine.forecast.features import type_features
    from kpilib.engine.forecast.opportunities import REQUIRED, split_as_of, typed_opportunities
    from kpilib.engine.forecast.winmodel import BASELINE, train_win_model
    from kpilib.tabular import LINE, read_table

    typed = typed_opportunities(read_table(path), file=str(path))
    columns = [column for column in typed.columns if column not in (*REQUIRED, LINE)]
    typing = type_features(typed, columns)
    split = split_as_of(typed, day)
    training = split.training
    if REP_PROBABILITY in training.columns:
        training = training.with_columns(pl.col(REP_PROBABILITY).alias(BASELINE))
    model = train_win_model(
        training,
        typing.features,
        as_of=day,
        excluded={name: reason.value for name, reason in typing.excluded.items()},
    )
    return model, split.open


def _json(day: date, model: WinModel, rows: list[tuple[str, float, list[Factor]]]) -> str:
    document: dict[str, Any] = {
        "as_of": day.isoformat(),
        "model": model.card.summary(),
        "predictions": [
            {
                "opportunity_id": identifier,
                "probability": probability,
                "factors": [
                    {"feature": factor.feature, "value": factor.value, "effect": factor.effect}
                    for factor in factors
                ],
            }
            for identifier, probability, factors in sorted(rows, key=lambda row: row[0])
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _table(
    day: date, model: WinModel, rows: list[tuple[str, float, list[Factor]]], language: str
) -> str:
    from kpilib.engine.forecast.winmodel import factor_text

    card = model.card
    auc = "—" if card.validation.auc is None else f"{card.validation.auc:.3f}"
    lines = [
        f"as of {day.isoformat()} · {card.kind.value} ({card.calibration.value} calibration) · "
        f"trained on {card.n_train} ({card.n_won} won, {card.n_lost} lost) · "
        f"held out {card.validation.n}: AUC {auc}, Brier {card.validation.brier:.3f}",
    ]
    width = max([len("opportunity_id"), *(len(row[0]) for row in rows)])
    lines.append(f"{'opportunity_id'.ljust(width)}  win %  factors")
    lines.append(f"{'-' * width}  -----  -------")
    for identifier, probability, factors in sorted(rows, key=lambda row: row[0]):
        said = "; ".join(factor_text(factor, language) for factor in factors) or "—"
        lines.append(f"{identifier.ljust(width)}  {probability * 100:5.1f}  {said}")
    return "\n".join(lines) + "\n"


def _write(rendered: str, output: str | None) -> None:
    from kpilib.tabular import Problem

    content = rendered.encode("utf-8")
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(content)
    except OSError as error:
        _fail([Problem("--output", None, None, f"cannot write {output}: {error.strerror}")])


def _fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(BAD_INPUT)
