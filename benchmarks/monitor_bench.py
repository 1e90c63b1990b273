"""KPI monitor benchmark (issue 15, item 7): the director's home page and its meters.

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the demo organisation
at N engineers with M months of facts through `demo_setup` (its current quarter's cycle
is in data collection, so every engineer has meters), then times, in this one process
after a warm-up, the median of `--repeats` runs of:
- `team_off_track` for the director (everyone's newest scorecards read once, one frame);
- the director's home page, rendered server-side through the test client (GET /);
- the engineer's home page (their own meters);
- one meter's drill-down (the facts of a line).
Usage:

    .venv/bin/python benchmarks/monitor_bench.py --engineers 500 --months 3
    .venv/bin/python benchmarks/monitor_bench.py --engineers 5000 --months 3
"""

import argparse

from timing import load_demo, warm_median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=500)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    load_seconds = load_demo("kpilib-monitor-bench-", engineers=options.engineers, months=options.months, seed=options.seed)
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kpilib import clock
    from kpilib.accounts.models import User
    from kpilib.monitor.selectors import scored_participation, team_off_track

    setup_test_environment()
    director = User.objects.get(username="director")
    engineer = User.objects.get(username="engineer")
    found = team_off_track(director, today=clock.today, language="zh-Hans")
    assert found is not None, "the demo's current cycle should be in data collection"
    participant, _card = scored_participation(engineer.employee)  # type: ignore[misc]

    def page(user: object, address: str) -> object:
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        return lambda: client.get(address)

    code = next(line["code"] for line in _card.lines if line["status"] == "scored")

    figures = {
        "team_off_track (director)": warm_median_seconds(
            lambda: team_off_track(director, today=clock.today, language="zh-Hans"), options.repeats
        ),
        "director's home page": warm_median_seconds(page(director, "/"), options.repeats),
        "engineer's home page": warm_median_seconds(page(engineer, "/"), options.repeats),
        "meter drill-down": warm_median_seconds(page(engineer, f"/monitor/meters/{participant.pk}/{code}/"), options.repeats),
    }
    print(f"{options.engineers} engineers, {options.months} months; demo loaded in {load_seconds:.0f} s")
    print(f"off track: {found.count} meters of {found.people} people")
    for name, seconds in figures.items():
        print(f"| {name} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
