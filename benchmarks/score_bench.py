"""Scoring benchmark (issue 3): `kpilib score` against a DuckDB reference and a naive loop.

Run from the repository root:

    .venv/bin/python benchmarks/score_bench.py run

`run` generates the demo facts (5,000 engineers × 12 months of 2025, about six million
facts) into `benchmarks/data/` once, then scores the full year and one representative
month (December, the busiest) three ways, each as a whole process, start-up included:

- `kpilib score --format json` (the engine);
- `reference-duckdb`: one hand-written DuckDB query, the "as fast as the machine allows"
  yardstick;
- `naive-pandas`: a per-employee pandas loop. It scores only the first `--naive-employees`
  employees and the loop time is extrapolated linearly to everyone (the output says so).

Wall time comes from the parent's clock, peak memory from the child's own rusage
(`os.wait4`). All three outputs must agree (totals and points within 1e-6, statuses,
grades), or the run fails. Results go to `benchmarks/results/`; targets: engine ≤ 2× the
DuckDB reference, ≥ 20× faster than the naive loop, peak memory < 2 GB.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from scorecards import compare_scorecards, parse_period, write_scorecards

BENCHMARKS = Path(__file__).resolve().parent
MEGABYTE = 1024  # ru_maxrss is in kilobytes on Linux
ENGINE_TARGET_VS_REFERENCE = 2.0
NAIVE_TARGET_SPEEDUP = 20.0
PEAK_MEMORY_TARGET_MB = 2048.0


@dataclass(frozen=True)
class Measurement:
    """One implementation on one period: median wall time and worst peak memory."""

    implementation: str
    period: str
    wall_seconds: float
    peak_memory_mb: float
    runs: int
    output: str
    extrapolated_from: int | None = None
    measured_seconds: float | None = None


def main() -> None:
    arguments = _parser().parse_args()
    arguments.handler(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(required=True)

    run = modes.add_parser("run", help="generate data if needed, measure and compare")
    run.add_argument("--engineers", type=int, default=5000)
    run.add_argument("--months", type=int, default=12)
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--start", default="2025-01", help="first month of the data")
    run.add_argument("--year", default="2025", help="full-year period to score")
    run.add_argument("--month", default="2025-12", help="representative month to score")
    run.add_argument("--naive-employees", type=int, default=100)
    run.add_argument("--repeats", type=int, default=3, help="runs of engine and DuckDB")
    run.add_argument("--data-dir", type=Path, default=BENCHMARKS / "data")
    run.add_argument("--results-dir", type=Path, default=BENCHMARKS / "results")
    run.set_defaults(handler=_run)

    duckdb_mode = modes.add_parser("reference-duckdb", help="score with one DuckDB query")
    _add_scoring_arguments(duckdb_mode)
    duckdb_mode.set_defaults(handler=_reference_duckdb)

    pandas_mode = modes.add_parser("naive-pandas", help="score employee by employee")
    _add_scoring_arguments(pandas_mode)
    pandas_mode.add_argument("--employees", type=int, help="score only the first N")
    pandas_mode.add_argument("--timing", type=Path, help="write the loop timing here")
    pandas_mode.set_defaults(handler=_naive_pandas)
    return parser


def _add_scoring_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--facts", type=Path, required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--output", type=Path)


def _reference_duckdb(arguments: argparse.Namespace) -> None:
    from scoring_duckdb import score_with_duckdb

    first_day, last_day = parse_period(arguments.period)
    write_scorecards(score_with_duckdb(arguments.facts, first_day, last_day), arguments.output)


def _naive_pandas(arguments: argparse.Namespace) -> None:
    from scoring_pandas import score_with_pandas

    first_day, last_day = parse_period(arguments.period)
    scorecards, timing = score_with_pandas(
        arguments.facts, first_day, last_day, arguments.employees
    )
    write_scorecards(scorecards, arguments.output)
    if arguments.timing:
        arguments.timing.write_text(json.dumps(timing), encoding="utf-8")


# --- the whole benchmark ---------------------------------------------------------------


def _run(arguments: argparse.Namespace) -> None:
    facts = _demo_facts(arguments)
    results_dir: Path = arguments.results_dir
    results_dir.mkdir(parents=True, exist_ok=True)
    engine_available = _engine_available()
    _warm_page_cache(facts)

    measurements: list[Measurement] = []
    problems: list[str] = []
    for period in (arguments.year, arguments.month):
        print(f"== period {period}", flush=True)
        runs = _measure_period(arguments, facts, period, results_dir, engine_available)
        measurements += runs
        problems += _agreement_problems(runs, period)

    report = _report(arguments, facts, measurements, problems, engine_available)
    (results_dir / "score_bench.md").write_text(report, encoding="utf-8")
    (results_dir / "score_bench.json").write_text(
        json.dumps([asdict(m) for m in measurements], indent=2), encoding="utf-8"
    )
    print(report)
    if problems:
        sys.exit("the three implementations disagree:\n" + "\n".join(problems[:20]))
    if not _targets_met(measurements):
        sys.exit("targets missed (see the table above)")


def _demo_facts(arguments: argparse.Namespace) -> Path:
    """The facts file for these arguments, generated with `kpilib demo-data` when missing."""
    name = f"demo-{arguments.engineers}x{arguments.months}-seed{arguments.seed}-{arguments.start}"
    folder: Path = arguments.data_dir / name
    facts = folder / "facts.csv"
    if not facts.exists():
        command = [
            str(_kpilib()), "demo-data", "--engineers", str(arguments.engineers),
            "--months", str(arguments.months), "--seed", str(arguments.seed),
            "--start", arguments.start, "--output-dir", str(folder),
        ]
        folder.mkdir(parents=True, exist_ok=True)
        wall, peak = _measure_process(command, folder / "demo-data.log")
        print(f"generated {facts} in {wall:.1f} s, peak {peak:.0f} MB", flush=True)
    return facts


def _measure_period(
    arguments: argparse.Namespace,
    facts: Path,
    period: str,
    results_dir: Path,
    engine_available: bool,
) -> list[Measurement]:
    commands: dict[str, list[str]] = {}
    outputs = {
        name: results_dir / f"{name}-{period}.json" for name in ("engine", "duckdb", "naive")
    }
    if engine_available:
        commands["engine"] = [
            str(_kpilib()), "score", "--facts", str(facts), "--period", period,
            "--format", "json", "--output", str(outputs["engine"]),
        ]
    commands["duckdb"] = [
        sys.executable, str(Path(__file__).resolve()), "reference-duckdb",
        "--facts", str(facts), "--period", period, "--output", str(outputs["duckdb"]),
    ]
    # Engine and reference alternate so that neither profits from a warmer machine.
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(arguments.repeats):
        for name, command in commands.items():
            samples[name].append(_measure_process(command, results_dir / f"{name}-{period}.log"))
            print(f"   {name}: {samples[name][-1][0]:.2f} s", flush=True)
    measurements = [
        Measurement(
            implementation=name,
            period=period,
            wall_seconds=statistics.median(wall for wall, _ in runs),
            peak_memory_mb=max(peak for _, peak in runs),
            runs=len(runs),
            output=str(outputs[name]),
        )
        for name, runs in samples.items()
    ]
    measurements.append(_measure_naive(arguments, facts, period, results_dir, outputs["naive"]))
    return measurements


def _measure_naive(
    arguments: argparse.Namespace, facts: Path, period: str, results_dir: Path, output: Path
) -> Measurement:
    """The naive loop on a subset, its loop time scaled up linearly to every employee."""
    timing_file = results_dir / f"naive-{period}-timing.json"
    command = [
        sys.executable, str(Path(__file__).resolve()), "naive-pandas",
        "--facts", str(facts), "--period", period, "--output", str(output),
        "--employees", str(arguments.naive_employees), "--timing", str(timing_file),
    ]
    wall, peak = _measure_process(command, results_dir / f"naive-{period}.log")
    timing = json.loads(timing_file.read_text(encoding="utf-8"))
    scale = timing["employees_total"] / timing["employees_scored"]
    estimated = wall + timing["loop_seconds"] * (scale - 1)
    print(
        f"   naive: {wall:.1f} s for {timing['employees_scored']} of "
        f"{timing['employees_total']} employees → {estimated:.0f} s extrapolated",
        flush=True,
    )
    return Measurement(
        implementation="naive",
        period=period,
        wall_seconds=estimated,
        peak_memory_mb=peak,
        runs=1,
        output=str(output),
        extrapolated_from=timing["employees_scored"],
        measured_seconds=wall,
    )


def _measure_process(command: list[str], log: Path) -> tuple[float, float]:
    """Run `command` to completion; its wall seconds and its own peak resident memory (MB)."""
    with log.open("wb") as log_file:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}); see {log}")
    return wall, usage.ru_maxrss / MEGABYTE


def _agreement_problems(measurements: list[Measurement], period: str) -> list[str]:
    """Disagreements of the engine and the naive loop with the DuckDB reference."""
    outputs = {m.implementation: json.loads(Path(m.output).read_text()) for m in measurements}
    reference = outputs["duckdb"]
    problems = []
    if "engine" in outputs:
        engine_problems = compare_scorecards(reference, outputs["engine"])
        problems += [f"{period} engine vs duckdb: {line}" for line in engine_problems]
    subset = {card["employee_id"] for card in outputs["naive"]}
    naive_problems = compare_scorecards(
        [card for card in reference if card["employee_id"] in subset],
        outputs["naive"],
        compare_ranks=False,
    )
    problems += [f"{period} naive vs duckdb: {line}" for line in naive_problems]
    print(f"   agreement: {len(problems)} problems over {len(reference)} scorecards", flush=True)
    return problems


def _targets_met(measurements: list[Measurement]) -> bool:
    return all(check.endswith("met") for check in _target_checks(measurements))


def _target_checks(measurements: list[Measurement]) -> list[str]:
    checks = []
    by_key = {(m.implementation, m.period): m for m in measurements}
    for period in dict.fromkeys(m.period for m in measurements):
        engine = by_key.get(("engine", period))
        if engine is None:
            continue
        versus_reference = engine.wall_seconds / by_key[("duckdb", period)].wall_seconds
        speedup = by_key[("naive", period)].wall_seconds / engine.wall_seconds
        checks += [
            f"{period}: engine / DuckDB = {versus_reference:.2f}× (target ≤ "
            f"{ENGINE_TARGET_VS_REFERENCE:.0f}×): "
            + ("met" if versus_reference <= ENGINE_TARGET_VS_REFERENCE else "missed"),
            f"{period}: naive / engine = {speedup:.0f}× (target ≥ "
            f"{NAIVE_TARGET_SPEEDUP:.0f}×): "
            + ("met" if speedup >= NAIVE_TARGET_SPEEDUP else "missed"),
            f"{period}: engine peak {engine.peak_memory_mb:.0f} MB (target < "
            f"{PEAK_MEMORY_TARGET_MB:.0f} MB): "
            + ("met" if engine.peak_memory_mb < PEAK_MEMORY_TARGET_MB else "missed"),
        ]
    return checks


def _report(
    arguments: argparse.Namespace,
    facts: Path,
    measurements: list[Measurement],
    problems: list[str],
    engine_available: bool,
) -> str:
    fact_count = sum(1 for _ in facts.open("rb")) - 1
    lines = [
        f"facts: {facts} ({fact_count:,} facts, {facts.stat().st_size / 1e6:.0f} MB); "
        f"machine: {os.cpu_count()} cores",
        "",
        "| period | implementation | wall time (s) | peak memory (MB) | runs |",
        "|---|---|---:|---:|---|",
    ]
    for m in measurements:
        runs = (
            f"1 run, {m.measured_seconds:.1f} s for the first {m.extrapolated_from} "
            "employees; loop extrapolated to all"
            if m.extrapolated_from
            else f"median of {m.runs}"
        )
        lines.append(
            f"| {m.period} | {_LABELS[m.implementation]} | {m.wall_seconds:.2f} | "
            f"{m.peak_memory_mb:.0f} | {runs} |"
        )
    lines.append("")
    if not engine_available:
        lines.append("`kpilib score` is not available: engine not measured.")
    lines += [f"- {check}" for check in _target_checks(measurements)]
    lines.append(
        "- agreement: " + ("all implementations agree" if not problems else
                           f"{len(problems)} disagreements")
    )
    return "\n".join(lines) + "\n"


_LABELS = {
    "engine": "`kpilib score`",
    "duckdb": "DuckDB reference",
    "naive": "naive pandas loop",
}


def _kpilib() -> Path:
    return Path(sys.executable).parent / "kpilib"


def _engine_available() -> bool:
    if shutil.which(str(_kpilib())) is None:
        return False
    probe = subprocess.run([str(_kpilib()), "score", "--help"], capture_output=True, check=False)
    return probe.returncode == 0


def _warm_page_cache(path: Path) -> None:
    """Read the file once so that every measured process finds it in the page cache."""
    with path.open("rb") as facts_file:
        while facts_file.read(1 << 24):
            pass


if __name__ == "__main__":
    main()
