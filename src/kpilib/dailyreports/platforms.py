"""The daily-report exports of DingTalk (钉钉 日志), Feishu / Lark (飞书 汇报) and WeCom
(企业微信 汇报): which columns kpilib reads from each, and each row as a plain record.

Framework-free: `records(table, platform)` takes the all-text frame `kpilib.tabular`
read (CSV in UTF-8 or GBK/GB18030, XLSX) and returns one `PlatformRecord` per row, or
the row's problems (`engine.errors.Problem`, with its line and column). Finding the
employee and writing the report is the service's job (`services.reports_import`).

The columns (the first name present of each list is used; the export's other columns
are ignored). Every platform's export names the template's own fields as columns, so a
template with other field titles needs its columns renamed to these first:

| meaning              | DingTalk 日志          | Feishu 汇报               | WeCom 汇报              |
|----------------------|------------------------|---------------------------|-------------------------|
| record id (required) | 日志ID                 | 汇报ID                    | 汇报ID / 记录ID         |
| person (required)    | 工号, 邮箱, 创建人     | 工号, 邮箱, 汇报人        | 工号 / 账号, 邮箱, 汇报人 |
| submitted (required) | 创建时间 / 提交时间    | 提交时间                  | 提交时间 / 汇报时间     |
| report day           | 日期 / 日志日期        | 汇报日期 / 日期           | 汇报日期 / 日期         |
| 今日完成 (required)  | 今日完成工作 / 今日工作 | 今日工作 / 今日完成      | 今日工作 / 工作内容     |
| 问题与发现           | 未完成工作, 需协调工作 / 问题与发现 | 遇到的问题 / 问题与建议 | 遇到的问题 / 问题与建议 |
| 明日计划             | 明日计划 / 明日工作计划 | 明日计划                 | 明日计划 / 下一步计划   |

The report day is the 日期 column when there is one, else the day of the submission
time (a report sent the next morning then counts for that morning's day: export the
date column to avoid this). Times are read in the project's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import polars as pl

from kpilib.engine.errors import Problem
from kpilib.tabular import LINE

DINGTALK, FEISHU, WECOM = "dingtalk", "feishu", "wecom"
PLATFORMS = (DINGTALK, FEISHU, WECOM)

# meaning -> the column names of each platform, in order of preference
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    DINGTALK: {
        "record_id": ("日志ID", "日志id", "record_id"),
        "employee_id": ("工号", "employee_id"),
        "email": ("邮箱", "email"),
        "name": ("创建人", "姓名"),
        "submitted_at": ("创建时间", "提交时间"),
        "report_date": ("日期", "日志日期"),
        "done": ("今日完成工作", "今日工作", "今日完成"),
        "findings": ("未完成工作", "需协调工作", "问题与发现"),
        "plan": ("明日计划", "明日工作计划"),
    },
    FEISHU: {
        "record_id": ("汇报ID", "汇报id", "record_id"),
        "employee_id": ("工号", "employee_id"),
        "email": ("邮箱", "email"),
        "name": ("汇报人", "提交人"),
        "submitted_at": ("提交时间",),
        "report_date": ("汇报日期", "日期"),
        "done": ("今日工作", "今日完成"),
        "findings": ("遇到的问题", "问题与建议", "问题与发现"),
        "plan": ("明日计划",),
    },
    WECOM: {
        "record_id": ("汇报ID", "记录ID", "汇报id", "record_id"),
        "employee_id": ("工号", "账号", "employee_id"),
        "email": ("邮箱", "email"),
        "name": ("汇报人", "提交人"),
        "submitted_at": ("提交时间", "汇报时间"),
        "report_date": ("汇报日期", "日期"),
        "done": ("今日工作", "工作内容", "今日完成"),
        "findings": ("遇到的问题", "问题与建议", "问题与发现"),
        "plan": ("明日计划", "下一步计划"),
    },
}
# DingTalk's 日志 keeps 未完成工作 and 需协调工作 apart: both go to 问题与发现.
JOINED = {"findings"}
_MOMENT = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*$"
)


@dataclass(frozen=True)
class PlatformRecord:
    """One report as the platform exported it (person not yet found)."""

    line: int
    record_id: str
    employee_id: str
    email: str
    name: str
    submitted_at: datetime
    report_date: date
    answers: dict[str, str]
    values: dict[str, str]


def _moment(text: str, zone: ZoneInfo) -> datetime | None:
    match = _MOMENT.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        return datetime.combine(
            date(int(year), int(month), int(day)),
            time(int(hour or 0), int(minute or 0), int(second or 0)),
            tzinfo=zone,
        )
    except ValueError:
        return None


def present(table: pl.DataFrame, platform: str) -> dict[str, list[str]]:
    """For each meaning, the columns of `platform` the file has (in order of preference)."""
    return {
        meaning: [name for name in names if name in table.columns]
        for meaning, names in COLUMNS[platform].items()
    }


def header_problems(table: pl.DataFrame, platform: str, file: str) -> list[Problem]:
    """What the file lacks to be read as `platform`'s export (empty when it is readable)."""
    found = present(table, platform)
    spec = COLUMNS[platform]
    problems = []
    for meaning in ("record_id", "submitted_at", "done"):
        if not found[meaning]:
            problems.append(
                Problem(file, 1, spec[meaning][0], f"missing column: one of {', '.join(spec[meaning])}")
            )
    if not (found["employee_id"] or found["email"] or found["name"]):
        names = spec["employee_id"] + spec["email"] + spec["name"]
        problems.append(Problem(file, 1, names[0], f"missing column: one of {', '.join(names)}"))
    return problems


def records(
    table: pl.DataFrame, platform: str, *, file: str, zone: ZoneInfo
) -> tuple[list[PlatformRecord], list[tuple[int, dict[str, str], list[Problem]]]]:
    """The good rows as records, and each bad row with its values and problems."""
    found = present(table, platform)
    good: list[PlatformRecord] = []
    bad: list[tuple[int, dict[str, str], list[Problem]]] = []
    for row in table.iter_rows(named=True):
        line = int(row[LINE])
        values = {key: str(value) for key, value in row.items() if key != LINE and value is not None}

        def first(meaning: str, values: dict[str, str] = values) -> tuple[str, str]:
            """The column and text of the first non-empty column of `meaning`."""
            for column in found[meaning]:
                text = (values.get(column) or "").strip()
                if text:
                    return column, text
            return (found[meaning][0] if found[meaning] else COLUMNS[platform][meaning][0]), ""

        problems = []
        id_column, record_id = first("record_id")
        if not record_id:
            problems.append(Problem(file, line, id_column, "empty record id"))
        time_column, submitted_text = first("submitted_at")
        submitted = _moment(submitted_text, zone) if submitted_text else None
        if submitted is None:
            problems.append(Problem(file, line, time_column, f"not a date and time: {submitted_text!r}"))
        day_column, day_text = first("report_date")
        day = submitted.date() if submitted else None
        if day_text:
            moment = _moment(day_text, zone)
            if moment is None:
                problems.append(Problem(file, line, day_column, f"not a date: {day_text!r}"))
            day = moment.date() if moment else None
        employee_id, email, name = first("employee_id")[1], first("email")[1], first("name")[1]
        if not (employee_id or email or name):
            problems.append(Problem(file, line, first("employee_id")[0], "no person: 工号, 邮箱 or name"))
        answers = {}
        for meaning in ("done", "findings", "plan"):
            texts = [(values.get(column) or "").strip() for column in found[meaning]]
            texts = [text for text in texts if text]
            answers[meaning] = "\n".join(texts) if meaning in JOINED else (texts[0] if texts else "")
        if not answers["done"]:
            problems.append(Problem(file, line, first("done")[0], "empty: 今日完成 is required"))
        if problems or submitted is None or day is None:
            bad.append((line, values, problems))
            continue
        good.append(
            PlatformRecord(
                line=line, record_id=record_id, employee_id=employee_id, email=email, name=name,
                submitted_at=submitted, report_date=day, answers=answers, values=values,
            )
        )
    return good, bad
