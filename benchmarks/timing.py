"""Timing shared by the benchmark scripts (run as `python benchmarks/<name>.py`, so this
folder is on the import path)."""

import statistics
import time
from collections.abc import Callable


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` calls of `run`, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def warm_median_seconds(run: Callable[[], object], repeats: int) -> float:
    """`median_seconds` after one untimed call (caches, connections, imports warmed)."""
    run()
    return median_seconds(run, repeats)


def load_demo(prefix: str, *, engineers: int, months: int, seed: int) -> float:
    """Set Django up on a throw-away data folder (or DATABASE_URL) and load the demo
    organisation through `demo_setup`, as `make demo` does; returns the load's seconds."""
    import os
    import tempfile

    os.environ.setdefault("KPILIB_DATA_DIR", tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("demo_setup", engineers=engineers, months=months, seed=seed, stdout=quiet)
    return time.perf_counter() - started
