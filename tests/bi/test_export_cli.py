"""`kpilib export facts|scorecards --format parquet|csv`: the views' rows in files that
Polars (and so Metabase, Superset or Excel) reads back the same."""

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from kpilib.bi import views
from kpilib.bi.exports import facts_frame, scorecards_frame
from kpilib.cli.main import app
from tests.appraisal_fixtures import TODAY
from tests.bi.conftest import BiWorld, rows

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_frames_equal_the_views(bi_world: BiWorld) -> None:
    facts = facts_frame()
    assert facts.columns == list(views.COLUMNS[views.FACTS])
    assert facts.height == len(rows(views.FACTS)) > 0
    assert facts.schema["occurred_on"] == pl.Date
    lines = scorecards_frame()
    assert lines.columns == list(views.COLUMNS[views.SCORECARD_LINES])
    assert lines.height == len(rows(views.SCORECARD_LINES)) > 0
    assert lines.schema["published"] == pl.Boolean


@pytest.mark.parametrize("kind", ["facts", "scorecards"])
def test_parquet_and_csv_hold_the_same_rows(
    bi_world: BiWorld, runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    expected = facts_frame() if kind == "facts" else scorecards_frame()
    parquet, csv = tmp_path / f"{kind}.parquet", tmp_path / f"{kind}.csv"
    invoke(runner, kind, "--format", "parquet", "--output", str(parquet))
    invoke(runner, kind, "--format", "csv", "--output", str(csv))
    from_parquet = pl.read_parquet(parquet)
    assert_frame_equal(from_parquet, expected)
    from_csv = pl.read_csv(csv, schema=expected.schema)
    assert_frame_equal(from_csv, expected)
    if kind == "scorecards":
        # long form: one row per person × indicator
        assert from_parquet.select("employee_id", "indicator_code").is_duplicated().sum() == 0


def test_filters_and_the_bom_for_excel(bi_world: BiWorld, runner: CliRunner, tmp_path: Path) -> None:
    # a period without facts exports the header only
    out = invoke(runner, "facts", "--period", "2025-Q1")
    assert out.strip() == ",".join(views.COLUMNS[views.FACTS])
    # the cycle's quarter has every fact of the world
    path = tmp_path / "q3.csv"
    invoke(runner, "facts", "--cycle", str(bi_world.cycle.pk), "--output", str(path), "--bom")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert pl.read_csv(data[3:]).height == facts_frame().height
    # scorecards of another period: none; of the cycle's: all
    assert invoke(runner, "scorecards", "--period", "2025-Q1").count("\n") == 1
    assert invoke(runner, "scorecards", "--period", "2026-Q3").count("\n") == scorecards_frame().height + 1


def test_bad_requests_exit_2(bi_world: BiWorld, runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "facts", "--format", "parquet"])
    assert result.exit_code == 2
    assert "parquet needs --output FILE" in result.stderr
    result = runner.invoke(app, ["export", "scorecards", "--cycle", "999999"])
    assert result.exit_code == 2
    assert "no such cycle" in result.stderr
    result = runner.invoke(app, ["export", "facts", "--period", "2026-Q5"])
    assert result.exit_code == 2
