"""Review benchmark (issue 16): the quarterly review of 5,000 engineers × 8 quarters.

Run from the repository root:

    .venv/bin/python benchmarks/review_bench.py

Generates the demo facts once (`kpilib demo-data --engineers 5000 --months 24 --seed 42
--start 2025-01`: two years, about 12 million facts) into `benchmarks/data/`, reads them
once, then measures `kpilib.engine.review.review_plan` of the `presales-engineer` plan for
2026-Q4 over 8 quarters (2025-Q1 … 2026-Q4): scoring every quarter, every statistic, and
the anomaly search over every metric's 24 months. Reported: the median wall time and CPU
time of `--repeats` runs (default 5) in this process, the facts already in memory (the
target: under 5 s), and, once, the whole `kpilib review --format json` process with its
CSV reading, start-up included. Results: `benchmarks/results/review_bench.md` and `.json`.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=5000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2025-01")
    parser.add_argument("--period", default="2026-Q4")
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=BENCHMARKS / "data")
    parser.add_argument("--results-dir", type=Path, default=BENCHMARKS / "results")
    parser.add_argument("--skip-process", action="store_true", help="engine only")
    arguments = parser.parse_args()

    from kpilib.engine.facts import read_facts
    from kpilib.engine.packs import builtin_pack
    from kpilib.engine.periods import parse_period
    from kpilib.engine.review import ReviewSettings, review_plan

    facts_file = _demo_facts(arguments)
    started = time.perf_counter()
    facts = read_facts(facts_file, attributes={"customer_id"})
    print(f"read {facts.height:,} facts in {time.perf_counter() - started:.1f} s", flush=True)
    pack = builtin_pack("presales")
    plan = pack.plan("presales-engineer")
    quarter = parse_period(arguments.period)
    settings = ReviewSettings(quarters=arguments.quarters)

    review_plan(facts, plan, pack, quarter, settings=settings)  # warm-up (imports, STL)
    walls: list[float] = []
    cpus: list[float] = []
    for run in range(arguments.repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = review_plan(facts, plan, pack, quarter, settings=settings)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(f"   run {run + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU", flush=True)

    process = None if arguments.skip_process else _whole_process(arguments, facts_file)
    summary = {
        "engineers": arguments.engineers,
        "facts": facts.height,
        "period": arguments.period,
        "quarters": list(result.quarters),
        "employees": result.employees,
        "anomalies": len(result.anomalies),
        "wall_seconds_median": statistics.median(walls),
        "cpu_seconds_median": statistics.median(cpus),
        "wall_seconds": walls,
        "cpu_seconds": cpus,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "process_wall_seconds": process,
        "load_average": os.getloadavg(),
        "target_seconds": TARGET_SECONDS,
    }
    arguments.results_dir.mkdir(parents=True, exist_ok=True)
    (arguments.results_dir / "review_bench.json").write_text(json.dumps(summary, indent=2))
    report = _report(summary)
    (arguments.results_dir / "review_bench.md").write_text(report, encoding="utf-8")
    print(report)
    if summary["wall_seconds_median"] >= TARGET_SECONDS:
        sys.exit(f"target missed: {summary['wall_seconds_median']:.2f} s ≥ {TARGET_SECONDS} s")


def _demo_facts(arguments: argparse.Namespace) -> Path:
    name = f"demo-{arguments.engineers}x{arguments.months}-seed{arguments.seed}-{arguments.start}"
    folder: Path = arguments.data_dir / name
    facts = folder / "facts.csv"
    if not facts.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(Path(sys.executable).with_name("kpilib")), "demo-data",
                "--engineers", str(arguments.engineers), "--months", str(arguments.months),
                "--seed", str(arguments.seed), "--start", arguments.start,
                "--output-dir", str(folder),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return facts


def _whole_process(arguments: argparse.Namespace, facts: Path) -> float:
    output = arguments.results_dir / "review.json"
    arguments.results_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("kpilib")), "review", "--facts", str(facts),
            "--period", arguments.period, "--quarters", str(arguments.quarters),
            "--format", "json", "--output", str(output),
        ],
        check=True,
    )
    return time.perf_counter() - started


def _report(summary: dict[str, object]) -> str:
    process = summary["process_wall_seconds"]
    lines = [
        f"# Review benchmark: {summary['engineers']} engineers, {summary['facts']:,} facts",
        "",
        "| measured | median | runs |",
        "|---|---:|---:|",
        f"| `review_plan`, wall | {summary['wall_seconds_median']:.2f} s | "
        f"{len(summary['wall_seconds'])} |",  # type: ignore[arg-type]
        f"| `review_plan`, CPU | {summary['cpu_seconds_median']:.2f} s | "
        f"{len(summary['cpu_seconds'])} |",  # type: ignore[arg-type]
    ]
    if process is not None:
        lines.append(f"| whole `kpilib review` process | {process:.2f} s | 1 |")
    lines += [
        "",
        f"Peak memory {summary['peak_memory_mb']:.0f} MB; load average {summary['load_average']}.",
        f"Target: under {summary['target_seconds']} s for `review_plan`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
