"""`kpilib predict` end to end (product.md §9): JSON shape, sorting, formats, exit codes."""

import json
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.demo.opportunities import generate_history

runner = CliRunner()


def predict(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["predict", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def export_file(tmp_path: Path, count: int = 300) -> Path:
    history = generate_history(
        count=count, start=date(2024, 1, 1), days=760, exported_on=date(2026, 4, 1), seed=5
    )
    # shuffled, so the output's order is the command's doing
    frame = history.export.sample(fraction=1.0, shuffle=True, seed=1)
    path = tmp_path / "deals.csv"
    frame.write_csv(path)
    return path


def test_json_follows_section_9(tmp_path: Path) -> None:
    # given an opportunity export
    path = export_file(tmp_path)
    # when predicted as JSON
    code, stdout, stderr = predict(
        "--opportunities", path, "--as-of", "2026-01-01", "--format", "json"
    )
    # then the §9 document: as_of, the model, and predictions sorted by id
    assert (code, stderr) == (0, "")
    document = json.loads(stdout)
    assert document["as_of"] == "2026-01-01"
    model = document["model"]
    assert model["kind"] in ("logistic_regression", "gradient_boosting")
    assert set(model["validation"]) == {"n", "auc", "brier"}
    assert model["validation"]["n"] == round(model["n_train"] * 0.2)
    assert {feature["name"] for feature in model["features"]} == {
        "industry",
        "region",
        "company_size",
        "product",
        "poc",
        "response_days",
        "competitors",
        "amount",
        "stage_probability",
    }
    assert model["excluded_columns"] == {"customer_id": "identifier"}
    assert model["baseline"]["n"] == model["validation"]["n"]
    ids = [prediction["opportunity_id"] for prediction in document["predictions"]]
    assert ids == sorted(ids)
    assert ids
    for prediction in document["predictions"]:
        assert 0 < prediction["probability"] < 1
        assert len(prediction["factors"]) <= 5
        assert all(
            set(factor) == {"feature", "value", "effect"} for factor in prediction["factors"]
        )


def test_predicts_every_deal_open_at_the_date_including_later_closed_ones(tmp_path: Path) -> None:
    # given an export where some deals closed after the prediction date
    path = export_file(tmp_path)
    frame = pl.read_csv(path, infer_schema=False)
    created = pl.col("created_on").str.to_date()
    closed = pl.col("closed_on").str.to_date()
    expected = frame.filter(
        (created < date(2026, 1, 1)) & (closed.is_null() | (closed >= date(2026, 1, 1)))
    ).get_column("opportunity_id")
    # when predicted as of the date
    _, stdout, _ = predict("--opportunities", path, "--as-of", "2026-01-01", "--format", "json")
    # then exactly those are predicted
    ids = [prediction["opportunity_id"] for prediction in json.loads(stdout)["predictions"]]
    assert ids == sorted(expected.to_list())


def test_the_same_file_as_xlsx_and_gbk_csv_gives_the_same_predictions(tmp_path: Path) -> None:
    # given the export as UTF-8 CSV, GBK CSV with Chinese values, and XLSX
    path = export_file(tmp_path, count=200)
    frame = pl.read_csv(path, infer_schema=False).with_columns(
        pl.col("industry").replace({"finance": "金融", "retail": "零售"})
    )
    utf8 = tmp_path / "utf8.csv"
    frame.write_csv(utf8)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8").encode("gbk"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    xlsx = tmp_path / "deals.xlsx"
    workbook.save(xlsx)
    # when each is predicted
    outputs = [
        predict("--opportunities", file, "--as-of", "2026-01-01", "--format", "json")[1]
        for file in (utf8, gbk, xlsx)
    ]
    # then all three agree
    assert outputs[0] == outputs[1] == outputs[2]
    assert "金融" in outputs[0] or "零售" in outputs[0]


def test_the_table_explains_factors_in_chinese(tmp_path: Path) -> None:
    # given an export
    path = export_file(tmp_path, count=200)
    # when predicted as a table in Chinese
    code, stdout, _ = predict(
        "--opportunities", path, "--as-of", "2026-01-01", "--language", "zh-Hans"
    )
    # then a header line with the model and one line per open deal with its factors
    assert code == 0
    assert stdout.startswith("as of 2026-01-01 · logistic_regression (sigmoid calibration)")
    assert "赢率" in stdout


def test_too_few_closed_deals_is_exit_2_with_one_line(tmp_path: Path) -> None:
    # given an export and a date before which few deals had closed
    path = export_file(tmp_path)
    # when predicted
    code, stdout, stderr = predict("--opportunities", path, "--as-of", "2024-04-01")
    # then exit 2 and one line saying why
    assert (code, stdout) == (2, "")
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: ")
    assert "a win model needs at least 50" in lines[0]


def test_bad_input_is_exit_2_with_a_line_per_problem(tmp_path: Path) -> None:
    # given a file with a bad row and a bad date option
    path = tmp_path / "bad.csv"
    path.write_text(
        "opportunity_id,created_on,status,closed_on\nO-1,2026-01-01,won,\nO-2,2026-01-01,maybe,\n",
        encoding="utf-8",
    )
    # when predicted with a bad date
    code, _, stderr = predict("--opportunities", path, "--as-of", "1.1.2026")
    # then the options first
    assert code == 2
    assert stderr == "--as-of: not a date YYYY-MM-DD: '1.1.2026'\n"
    # and with a good date, the rows' problems by line and column
    code, _, stderr = predict("--opportunities", path, "--as-of", "2026-06-01")
    assert code == 2
    assert stderr.splitlines() == [
        f"{path}:2: closed_on: required for a won or lost opportunity",
        f"{path}:3: status: must be won, lost or open, not 'maybe'",
    ]
