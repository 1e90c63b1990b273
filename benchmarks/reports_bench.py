"""Daily-report benchmark (issue 13): the quality hints of 10,000 reports, and the review
queue of a 12-person team over a month rendered by the web app.

- hints: `engine.reports.check_reports` over 10,000 generated reports (100 authors, 100
  days each, so every report is compared with its author's 10 previous ones): whole
  call, median of `--repeats`;
- review queue: a throw-away SQLite database (or DATABASE_URL) with one manager and 12
  engineers, each with a submitted, unrated report for every working day of a month
  (about 260 reports), then `GET /reports/review/` through Django's test client after a
  warm-up: median of `--repeats`.

    .venv/bin/python benchmarks/reports_bench.py
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

PHRASES = (
    "拜访招商银行，完成 POC 环境部署，发现连接池超时，建议扩容到 200。",
    "参加周会。",
    "整理华东证券投标文件，技术方案第 3 章完成 80%。",
    "与交付团队评审江南制造 MES 方案，发现接口字段不一致，建议统一数据字典。",
    "学习新产品文档。",
    "电话回访长江保险，客户对性能满意，提出报表导出需求。",
)


def reports(count: int, seed: int):  # type: ignore[no-untyped-def]
    from kpilib.engine.reports import Report

    rng = random.Random(seed)
    start = datetime.date(2026, 1, 1)
    authors = max(1, count // 100)
    return [
        Report(
            employee_id=f"E{author:04d}",
            report_date=start + datetime.timedelta(days=day),
            content=" ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 3))),
            activity={"customer_visit": rng.randint(0, 2)},
        )
        for author in range(authors)
        for day in range(count // authors)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--team", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kpilib-reports-bench-"))
    os.environ.setdefault("KPILIB_DATA_DIR", str(folder))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from kpilib.accounts.models import User
    from kpilib.dailyreports.models import DailyReport, default_fields
    from kpilib.engine.reports import check_reports
    from kpilib.engine.workdays import is_workday
    from kpilib.org.models import Employee, OrgUnit, Position

    generated = reports(options.reports, options.seed)
    check_reports(generated[:200])  # warm-up (jieba's dictionary, regexes)
    hints = median_seconds(lambda: check_reports(generated), options.repeats)
    print(f"hints for {len(generated):,} reports: {hints:.2f} s (median of {options.repeats})")

    call_command("migrate", verbosity=0)
    unit = OrgUnit.objects.create(name="华东售前一组", kind=OrgUnit.Kind.TEAM)
    position = Position.objects.filter(code="presales-engineer").first() or Position.objects.create(
        code="presales-engineer", name_zh_hans="售前工程师", name_en="Presales engineer"
    )
    manager_user = User.objects.create_user("bench-manager", password="x")
    manager = Employee.objects.create(
        employee_id="M0001", name="王经理", org_unit=unit, position=position, user=manager_user
    )
    unit.head = manager
    unit.save()
    rng = random.Random(options.seed)
    month = [datetime.date(2026, 9, day) for day in range(1, 31)]
    days = [day for day in month if is_workday(day)]
    rows = []
    for number in range(options.team):
        engineer = Employee.objects.create(
            employee_id=f"E{number:04d}", name=f"工程师{number}", org_unit=unit, position=position,
            manager=manager,
        )
        for day in days:
            submitted = datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC)
            rows.append(
                DailyReport(
                    author=engineer, report_date=day, fields=default_fields(),
                    answers={"done": rng.choice(PHRASES), "findings": rng.choice(PHRASES), "plan": "跟进客户"},
                    status=DailyReport.Status.SUBMITTED, submitted_at=submitted, deadline=submitted,
                    on_time=True,
                )
            )
    DailyReport.objects.bulk_create(rows)
    client = Client(headers={"Accept-Language": "zh-hans"}, SERVER_NAME="localhost")
    client.force_login(manager_user)
    response = client.get("/reports/review/")
    assert response.status_code == 200, response.status_code
    assert response.content.count(b"report-item") >= len(rows), "the queue does not list every report"
    queue = median_seconds(lambda: client.get("/reports/review/"), options.repeats)
    print(
        f"review queue, {options.team} people × {len(days)} working days = {len(rows)} reports: "
        f"{queue * 1000:.0f} ms (median of {options.repeats})"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
