"""Appraisal benchmark (issue 7): scoring a whole organisation through the web app's path.

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the demo organisation
at N engineers with M months of facts through the same import path as `make demo`, then
times, in this one process and after a warm-up:
- `plan_whatif`: every member's total, grade and rank under the live revision and a draft
  (two engine runs over the quarter's facts read from the database);
- `cycle_score`: recomputing every draft scorecard of a cycle (two languages, stored).
It reports the median of `--repeats` runs. Usage:

    .venv/bin/python benchmarks/appraisal_bench.py --engineers 60 --months 12
    .venv/bin/python benchmarks/appraisal_bench.py --engineers 5000 --months 3
"""

import argparse
import sys

from timing import load_demo, warm_median_seconds

from kpilib.audit.origin import SYSTEM, Origin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=60)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    load_seconds = load_demo("kpilib-appraisal-bench-", engineers=options.engineers, months=options.months, seed=options.seed)

    from kpilib.appraisal import services
    from kpilib.appraisal.models import Cycle, Scorecard
    from kpilib.appraisal.selectors import plan_whatif
    from kpilib.engine.periods import parse_period
    from kpilib.ingest.models import Fact
    from kpilib.plans import services as plan_services
    from kpilib.plans.models import Plan

    plan = Plan.objects.get(code="presales-engineer")
    cycle = Cycle.objects.filter(plan=plan, phase=Cycle.Phase.PUBLICATION).get()
    period = parse_period(cycle.period)
    draft = plan_services.revision_draft(actor=SYSTEM, origin=Origin.CLI, plan=plan)
    weights = dict(draft.weights)
    weights["tech_resolution"] -= 5
    weights["complaints"] += 5
    draft = plan_services.revision_update(actor=SYSTEM, origin=Origin.CLI, revision=draft, weights=weights)
    members = cycle.participants.count()

    whatif = warm_median_seconds(lambda: plan_whatif(draft, period), options.repeats)
    # Re-open the cycle's scorecards (a throw-away database) so that re-scoring writes them.
    Scorecard.objects.filter(participant__cycle=cycle).update(published_at=None)
    rescore = warm_median_seconds(lambda: services.cycle_score(actor=SYSTEM, origin=Origin.CLI, cycle=cycle), options.repeats)
    print(f"engineers {options.engineers}, months {options.months}, "
          f"facts {Fact.objects.count():,}, cycle {cycle.period} with {members} participants")
    print(f"demo load (migrate, people, facts import, plans, cycles): {load_seconds:.1f} s")
    print(f"what-if (live vs draft, {members} people): {whatif * 1000:.0f} ms (median of {options.repeats})")
    print(f"cycle re-score (2 languages, stored): {rescore * 1000:.0f} ms (median of {options.repeats})")


if __name__ == "__main__":
    sys.exit(main())
