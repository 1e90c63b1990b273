"""The engine stays framework-free: importing all of it must not pull in Django."""

import pkgutil
import subprocess
import sys

import kpilib.engine


def test_engine_modules_import_without_django() -> None:
    # given every module of the engine package
    modules = [m.name for m in pkgutil.walk_packages(kpilib.engine.__path__, "kpilib.engine.")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    # when they are imported in a fresh interpreter
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # then no Django module was loaded
    assert result.stdout.strip() == ""


def test_offline_cli_starts_without_django() -> None:
    # given the console command's entry module
    code = "import sys, kpilib.cli.main; print(any(m.startswith('django') for m in sys.modules))"
    # when it is imported as `kpilib score` would import it
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # then Django stays unloaded
    assert result.stdout.strip() == "False"
