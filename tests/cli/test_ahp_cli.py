"""`kpilib ahp` end to end: the §6 contract on Saaty's published examples, and bad input."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kpilib.cli.main import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ahp"
runner = CliRunner()


def run_ahp(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["ahp", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def ahp_json(path: Path, *options: str) -> dict[str, Any]:
    exit_code, stdout, stderr = run_ahp("--input", path, "--format", "json", *options)
    assert (exit_code, stderr) == (0, "")
    output: dict[str, Any] = json.loads(stdout)
    return output


def test_console_command_reproduces_saatys_inconsistent_house_example() -> None:
    # given Saaty's house criteria (EJOR 1990): published weights, λmax 9.669, CI 0.238,
    # CR 0.169
    house = FIXTURES / "saaty_house_criteria.json"
    # when the installed entry point runs it as a user would
    completed = subprocess.run(
        [sys.executable, "-m", "kpilib.cli.main", "ahp", "--input", str(house), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    # then the JSON holds the published values to three decimals and says inconsistent
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert list(output) == ["weights", "lambda_max", "ci", "cr", "consistent", "suggestions"]
    assert [round(weight, 3) for weight in output["weights"].values()] == [
        0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333,
    ]  # fmt: skip
    assert [round(output[key], 3) for key in ("lambda_max", "ci", "cr")] == [9.669, 0.238, 0.169]
    assert output["consistent"] is False
    assert output["suggestions"][0]["pair"] == "neighbourhood,general condition"


def test_matrix_form_reproduces_saatys_wealth_of_nations() -> None:
    # given the wealth-of-nations matrix (Saaty 1980), lower triangle typed to 3 decimals
    # when run / then the published weights, λmax 7.61 and CR 0.08 come back
    output = ahp_json(FIXTURES / "saaty_wealth_of_nations.json")
    weights = output["weights"]
    assert isinstance(weights, dict)
    assert {name: round(weight, 3) for name, weight in weights.items()} == {
        "US": 0.427, "USSR": 0.230, "China": 0.021, "France": 0.052, "UK": 0.052,
        "Japan": 0.123, "W. Germany": 0.094,
    }  # fmt: skip
    assert (round(output["lambda_max"], 2), round(output["cr"], 2)) == (7.61, 0.08)
    assert output["consistent"] is True
    assert "suggestions" not in output


def test_judgements_form_reproduces_saatys_drink_consumption() -> None:
    # given Saaty's (2008) drink-consumption judgements as "A,B" pairs
    # when run / then the published derived weights and CR 0.022 come back
    output = ahp_json(FIXTURES / "saaty_drinks_judgements.json")
    weights = output["weights"]
    assert isinstance(weights, dict)
    assert [round(weight, 3) for weight in weights.values()] == [
        0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327,
    ]  # fmt: skip
    assert round(output["cr"], 3) == 0.022


def test_geometric_method_option_changes_the_weights_not_the_consistency() -> None:
    # given the house criteria
    house = FIXTURES / "saaty_house_criteria.json"
    # when run with each method
    eigenvector = ahp_json(house)
    geometric = ahp_json(house, "--method", "geometric")
    # then the weights differ (e.g. neighbourhood .188 vs .149) while CR is the matrix's
    assert round(geometric["weights"]["neighbourhood"], 3) == 0.149
    assert round(eigenvector["weights"]["neighbourhood"], 3) == 0.188
    assert geometric["cr"] == eigenvector["cr"]


def test_group_of_judges_reports_each_judge_and_who_should_revise() -> None:
    # given three judges of the presales dimensions, the HR judge inconsistent
    # when run
    output = ahp_json(FIXTURES / "presales_group_judges.json")
    # then the group weights sum to 1, each judge has exactly weights and CR, and the
    # suggestions are addressed to HR
    weights = output["weights"]
    judges = output["judges"]
    suggestions = output["suggestions"]
    assert isinstance(weights, dict)
    assert isinstance(judges, dict)
    assert isinstance(suggestions, list)
    assert sum(weights.values()) == pytest.approx(1)
    assert list(judges) == ["销售总监", "售前经理", "HR"]
    assert all(list(entry) == ["weights", "cr"] for entry in judges.values())
    assert judges["HR"]["cr"] > 0.10
    assert {suggestion["judge"] for suggestion in suggestions} == {"HR"}


def test_aip_aggregation_is_read_from_the_file(tmp_path: Path) -> None:
    # given the same judges aggregated by AIP instead of AIJ
    document = json.loads((FIXTURES / "presales_group_judges.json").read_text("utf-8"))
    aip_file = tmp_path / "aip.json"
    aip_file.write_text(json.dumps({**document, "aggregation": "aip"}, ensure_ascii=False), "utf-8")
    # when both are run
    aij = ahp_json(FIXTURES / "presales_group_judges.json")
    aip = ahp_json(aip_file)
    # then the group weights differ while each judge's stay the same
    assert aip["weights"] != pytest.approx(aij["weights"])
    assert aip["judges"] == aij["judges"]


def test_table_shows_percentages_consistency_and_revisions() -> None:
    # given the inconsistent house criteria
    # when run with the default table format
    exit_code, stdout, _ = run_ahp("--input", FIXTURES / "saaty_house_criteria.json")
    # then weights read as percentages, the consistency line says no, and the worst
    # judgement is suggested for revision
    assert exit_code == 0
    assert "33.3%" in stdout
    assert "λmax 9.669" in stdout
    assert "CR 0.169" in stdout
    assert "consistent: no" in stdout
    assert "Suggested revisions" in stdout
    assert "neighbourhood over" in stdout


def test_chinese_criteria_and_gb18030_file_are_read(tmp_path: Path) -> None:
    # given the presales dimensions saved by a Chinese Windows editor in GB18030
    source = (FIXTURES / "presales_dimensions_judgements.json").read_text("utf-8")
    gbk_file = tmp_path / "维度.json"
    gbk_file.write_bytes(source.encode("gb18030"))
    # when run
    output = ahp_json(gbk_file)
    # then the weights are keyed by the Chinese names, customer value first
    weights = output["weights"]
    assert isinstance(weights, dict)
    assert list(weights) == ["客户价值", "过程效能", "能力发展", "协作行为"]
    assert max(weights, key=weights.__getitem__) == "客户价值"


def test_every_problem_is_one_line_on_stderr_with_exit_2(tmp_path: Path) -> None:
    # given judgements with a missing pair and an unknown criterion
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"criteria": ["A", "B", "C"], "judgements": {"A,B": 3, "A,D": 2}}), "utf-8"
    )
    # when run
    exit_code, stdout, stderr = run_ahp("--input", bad, "--format", "json")
    # then each problem is a line naming the file, the place and the reason
    assert exit_code == 2
    assert stdout == ""
    assert stderr.splitlines() == [
        f'{bad}: judgements["A,D"]: unknown criterion "D"',
        f'{bad}: judgements: missing pair "A,C"',
        f'{bad}: judgements: missing pair "B,C"',
    ]


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    # given a file with a trailing comma on line 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"criteria": ["A", "B"],\n "matrix": [[1, 2], [0.5, 1]],}\n', "utf-8")
    # when run
    exit_code, _, stderr = run_ahp("--input", broken)
    # then the position is named and there is no traceback
    assert exit_code == 2
    assert stderr.startswith(f"{broken}: line 2, column 31: invalid JSON:")
    assert "Traceback" not in stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    # given a path that does not exist
    missing = tmp_path / "nowhere.json"
    # when run / then one line says it cannot be read
    exit_code, _, stderr = run_ahp("--input", missing)
    assert exit_code == 2
    assert stderr.strip() == f"{missing}: cannot read: No such file or directory"


def test_command_module_starts_without_numpy_or_rich() -> None:
    # given the command module / when imported in a fresh interpreter
    code = (
        "import sys, kpilib.cli.ahp; "
        "print(sorted(m for m in ('numpy', 'rich') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # then neither heavy library was loaded
    assert completed.stdout.strip() == "[]"
