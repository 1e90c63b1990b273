"""How hard the fuzz tests try: a short run in the suite, `make fuzz` for the long one.

KPILIB_FUZZ_EXAMPLES sets the examples per test (the suite: 60; `make fuzz`: 10,000).
Hypothesis's database is off and derandomised in the suite, so a run is reproducible;
`make fuzz` explores (random seeds) and prints the failing example it shrank to.
"""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("KPILIB_FUZZ_EXAMPLES", "60"))
LONG = EXAMPLES > 1000

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
