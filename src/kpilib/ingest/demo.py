"""The demo's data: its year of facts through the ordinary import, and a Zoho CRM export to try.

`demo_facts_load` imports the generated `facts.csv` with `services.facts_import` (the same
path as any upload or `kpilib import facts`), registers a Zoho CRM cases source, and
writes `zoho-cases-gbk.csv` next to the demo files: a GBK-encoded cases export of the
demo manager's team for the last demo month, with a few broken rows (an impossible date,
an owner nobody knows, a missing date) to walk through preview, quarantine and re-submit.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.importing import ImportReport
from kpilib.ingest.models import Source
from kpilib.ingest.services import facts_import, source_create
from kpilib.org.models import Employee

ZOHO_SOURCE = "zoho-crm-cases"
ZOHO_FILE = "zoho-cases-gbk.csv"
ZOHO_HEADER = (
    "Record Id,Case Number,Case Owner,Owner Email,Subject,Status,Priority,Type,"
    "Case Origin,Account Name,Created Time"
)
SUBJECTS = (
    "数据同步失败",
    "接口响应超时",
    "权限配置异常",
    "报表导出错误",
    "版本升级后告警",
    "实施进度投诉",
)
ACCOUNTS = ("华东银行", "申城证券", "江南制造", "杭州物流", "苏州医院", "宁波港口", "合肥能源")
STATUSES = ("New", "Escalated", "On Hold", "Closed", "Closed")


def demo_facts_load(*, folder: Path, facts: Path, last_month: str, seed: int) -> ImportReport:
    """Import the demo facts once and prepare the Zoho CRM walk-through file."""
    report = facts_import(actor=SYSTEM, origin=Origin.DEMO, data=facts.read_bytes(), file_name=facts.name, source="demo")
    if not Source.objects.filter(name=ZOHO_SOURCE).exists():
        source_create(actor=SYSTEM, origin=Origin.DEMO, name=ZOHO_SOURCE, kind="zoho_cases")
    (folder / ZOHO_FILE).write_bytes(zoho_cases_export(last_month=last_month, seed=seed))
    return report


def zoho_cases_export(*, last_month: str, seed: int) -> bytes:
    """A Zoho CRM cases export (GBK, CRLF) for the demo manager's engineers in `last_month`."""
    rng = random.Random(seed)
    first = datetime.date.fromisoformat(f"{last_month}-01")
    engineers = list(
        Employee.objects.filter(
            manager__user__username="manager", position__name_zh_hans="售前工程师"
        ).order_by("employee_id")[:6]
    ) or list(Employee.objects.order_by("employee_id")[:6])
    lines = [ZOHO_HEADER]
    for number in range(1, 19):
        engineer = engineers[number % len(engineers)]
        subject = rng.choice(SUBJECTS)
        kind = "Complaint" if subject.endswith("投诉") else "Problem"
        created = first + datetime.timedelta(days=rng.randrange(0, 27))
        lines.append(
            f"zcrm_{seed:04d}0000{number:06d},CS-{number:05d},{engineer.name},{engineer.email},"
            f"{subject},{rng.choice(STATUSES)},{rng.choice(('High', 'Medium', 'Low'))},{kind},"
            f"Email,{rng.choice(ACCOUNTS)},{created:%Y-%m-%d} {rng.randrange(9, 18):02d}:00:00"
        )
    broken = engineers[0]
    lines += [
        f"zcrm_{seed:04d}0000900001,CS-90001,{broken.name},{broken.email},接口响应超时,New,"
        f"High,Problem,Phone,华东银行,{first:%Y}-13-05 10:00:00",
        f"zcrm_{seed:04d}0000900002,CS-90002,张三,zhangsan@cloudstart.example,实施进度投诉,"
        f"Escalated,High,Complaint,Web,申城证券,{first:%Y-%m}-12 15:30:00",
        f"zcrm_{seed:04d}0000900003,CS-90003,{broken.name},{broken.email},报表导出错误,On Hold,"
        "Medium,Problem,Email,江南制造,",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")  # GBK for every GBK character
