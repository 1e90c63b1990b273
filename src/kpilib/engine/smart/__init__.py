"""SMART check of library indicators (product.md §2.2), framework-free.

Each indicator gets a verdict per check — specific, measurable, achievable, relevant,
time_bound — of pass, fail or unknown, and messages in zh-Hans and en saying why and how
to fix it. The rules of each check are stated in checks.py, the wording rules in
wording.py, the full-marks line per rule kind in full_marks.py, and the history file
(columns indicator, value) in history.py.

Typical use:
    reports = check_pack(pack, history={"customer_satisfaction": [88.0, 91.5, ...]})
    for report in reports:
        report.checks[Check.SPECIFIC]                 # Verdict.PASS / FAIL / UNKNOWN
        [message.in_language("zh-Hans") for message in report.messages]
"""

from kpilib.engine.smart.checks import (
    MANUAL_SOURCE,
    MIN_HISTORY,
    check_indicator,
    check_pack,
    smart_rewrite,
)
from kpilib.engine.smart.full_marks import FullMarksLine, full_marks_line
from kpilib.engine.smart.history import read_history
from kpilib.engine.smart.report import (
    CHECK_LABELS,
    Check,
    Severity,
    SmartMessage,
    SmartReport,
    Verdict,
)

__all__ = [
    "CHECK_LABELS",
    "MANUAL_SOURCE",
    "MIN_HISTORY",
    "Check",
    "FullMarksLine",
    "Severity",
    "SmartMessage",
    "SmartReport",
    "Verdict",
    "check_indicator",
    "check_pack",
    "full_marks_line",
    "read_history",
    "smart_rewrite",
]
