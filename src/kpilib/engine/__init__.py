"""Framework-free domain core: measures, rules, formulas, scorecards, AHP, SMART check.

Nothing under `kpilib.engine` may import Django; `tests/engine/test_no_django.py` enforces it.
"""
