"""The demo's daily reports: every report the generator draws becomes a submitted report
in kpilib with Chinese text that fits its rating — constructive ones name a customer, a
number, a finding and a suggestion; perfunctory ones are a line long or copied forward
from the day before — rated by the author's manager, so the 日报总结 line is fed by
kpilib's own records and its explanation links to them. The last working days before
"today" stay unrated: they wait in the managers' review queues.

Written in bulk (the demo has some 14,000 reports), each report audited, their facts
through the fact store's own intake like a rating made on the page.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record
from kpilib.clock import time_zone_name
from kpilib.dailyreports.models import DailyReport, default_fields
from kpilib.dailyreports.selectors import DEFAULT_DEADLINE
from kpilib.dailyreports.services import LATE, METRIC, ON_TIME, SOURCE, submission_external_id
from kpilib.engine.workdays import report_deadline
from kpilib.org.models import Employee

OWN_METRICS = ("daily_report",)
UNRATED_DAYS = 5
CUSTOMERS = ("招商银行", "华东证券", "江南制造", "申城医院", "华北电网", "长江保险", "西部物流")
PRODUCTS = ("云原生平台", "分布式数据库", "数据中台", "MES 系统", "云管平台")
CONSTRUCTIVE = (
    ("拜访{c}，完成 {p} POC 第 {n} 轮压测", "峰值 {n}00 TPS 时连接池打满，响应超过 2 秒",
     "建议把连接池从 100 调到 300，并给销售同步扩容报价"),
    ("为{c}讲解 {p} 方案，客户 CIO 参会", "客户担心迁移期间双写一致性",
     "建议在方案里加一页回退演练，并请交付给出 {n} 天的迁移计划"),
    ("梳理{c}招标技术条款 {n} 项", "第 {n} 项要求国产化适配证书，我们缺一项",
     "建议本周申请适配认证，投标前补齐"),
)
NORMAL = (
    ("与{c}沟通 {p} 部署细节", "", "整理会议纪要"),
    ("准备{c}演示环境", "", "明天上午演示"),
    ("参加 {p} 产品培训，完成 {n} 个练习", "", "继续学习"),
)
PERFUNCTORY = (("开会。", "", ""), ("整理资料。", "", ""), ("处理邮件。", "", "继续"))


def _answers(rng: random.Random, value: float, previous: dict[str, str] | None) -> dict[str, str]:
    if value < 0 and previous is not None and rng.random() < 0.4:
        return dict(previous)  # copied forward from the day before
    pool = CONSTRUCTIVE if value > 0 else PERFUNCTORY if value < 0 else NORMAL
    done, findings, plan = rng.choice(pool)
    values = {"c": rng.choice(CUSTOMERS), "p": rng.choice(PRODUCTS), "n": rng.randint(2, 9)}
    return {
        key: text.format(**values)
        for key, text in (("done", done), ("findings", findings), ("plan", plan))
        if text
    }


def demo_reports_load(*, events: pl.DataFrame, today: datetime.date, seed: int) -> int:
    """Create the demo's reports from the generated `daily_report` events; returns how many."""
    from kpilib.ingest.services import own_facts_write

    rng = random.Random(seed)
    zone = ZoneInfo(time_zone_name())
    people = {e.employee_id: e for e in Employee.objects.select_related("manager__user")}
    rows = events.filter(pl.col("metric") == METRIC).sort("employee_id", "occurred_on")
    days = sorted(set(rows.get_column("occurred_on").cast(pl.Date).to_list()))
    unrated_from = days[-UNRATED_DAYS] if len(days) >= UNRATED_DAYS else today
    fields = default_fields()
    reports: list[DailyReport] = []
    previous: dict[int, dict[str, str]] = {}
    for row in rows.iter_rows(named=True):
        author = people.get(row["employee_id"])
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        if author is None or day > today:
            continue
        value = float(row["value"])
        answers = _answers(rng, value, previous.get(author.pk))
        previous[author.pk] = answers
        deadline = report_deadline(
            day, deadline_time=DEFAULT_DEADLINE, workdays_after=1, zone=zone
        )
        evening = datetime.datetime.combine(day, datetime.time(18), tzinfo=zone)
        late = rng.random() < 0.06
        submitted = deadline + datetime.timedelta(hours=rng.randint(1, 20)) if late else evening
        rated = day < unrated_from and author.manager is not None
        reports.append(
            DailyReport(
                author=author, report_date=day, fields=fields, answers=answers,
                status=DailyReport.Status.SUBMITTED, deadline=deadline, submitted_at=submitted,
                on_time=not late, rating=int(value) if rated else None,
                rated_by=author.manager.user if rated and author.manager.user_id else None,
                rated_at=submitted + datetime.timedelta(hours=16) if rated else None,
            )
        )
    DailyReport.objects.bulk_create(reports, batch_size=2000)
    created = DailyReport.objects.filter(author__in=people.values()).select_related("author")
    facts: list[dict[str, str]] = []
    for report in created:
        audit_record(actor=SYSTEM, origin=Origin.DEMO, instance=report, before=None)
        facts.append(
            {
                "employee_id": report.author.employee_id,
                "metric": ON_TIME if report.on_time else LATE,
                "occurred_on": report.report_date.isoformat(),
                "value": "1",
                "external_id": submission_external_id(report.author, report.report_date),
            }
        )
        if report.rating is not None:
            facts.append(
                {
                    "employee_id": report.author.employee_id,
                    "metric": METRIC,
                    "occurred_on": report.report_date.isoformat(),
                    "value": str(report.rating),
                    "external_id": str(report.pk),
                }
            )
    for start in range(0, len(facts), 10_000):
        reasons = own_facts_write(
            actor=SYSTEM, origin=Origin.DEMO, source=SOURCE, records=facts[start : start + 10_000]
        )
        if reasons:
            raise RuntimeError(f"demo reports' facts refused: {reasons[:3]}")
    return len(reports)
