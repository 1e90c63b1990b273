"""How hard the fuzz tests try: a short run in the suite, `make fuzz` for the long one.

KPILIB_FUZZ_EXAMPLES sets the examples per test (the suite: 60; `make fuzz`: 10,000).
Derandomised in the suite, so a run is reproducible;
`make fuzz` explores (random seeds) and prints the failing example it shrank to.
"""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("KPILIB_FUZZ_EXAMPLES", "60"))
LONG = EXAMPLES > 1000

# No deadline and no example database come from the suite's profile (tests/conftest.py).
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not LONG,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
