"""The demo's case library: every case the generator draws becomes a written, submitted
and approved case (approved on the day the generator put it), so the +2 of 技术学习交流与成长
comes from kpilib's own records; a few are reused by colleagues and one waits for the
demo manager's decision."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.cases import services
from kpilib.clock import time_zone_name
from kpilib.org.models import Employee

OWN_METRICS = ("case_shared",)
CUSTOMERS = (
    ("招商银行", "金融"), ("华东证券", "证券"), ("江南制造", "制造"), ("申城医院", "医疗"),
    ("华北电网", "能源"), ("西部物流", "物流"), ("南方航空服务", "交通"), ("长江保险", "保险"),
)
STORIES = (
    ("核心系统容器化迁移", "云原生平台", "核心交易系统扩容慢，高峰期接口响应超过 3 秒",
     "用 Kubernetes 分三批迁移，灰度发布并保留回退通道", "高峰响应时间降到 0.8 秒，扩容从 2 天缩短到 10 分钟", ["容器", "迁移"]),
    ("数据库国产化替换", "分布式数据库", "旧数据库停保，客户要求年内完成国产化",
     "双写校验两周后切换，存储过程逐个改写并做回归测试", "切换零故障，许可成本每年节省 120 万", ["国产化", "数据库"]),
    ("产线防错设计检查点", "MES 系统", "装配线漏装导致客户投诉率两个月内翻倍",
     "在 12 个关键工位加防错检查点，扫码校验物料", "三个月内质量问题下降 50%", ["防错", "质量"]),
    ("POC 一周交付模板", "数据中台", "POC 周期长，客户失去耐心",
     "把常见场景做成可复用的部署脚本与演示数据", "POC 平均周期从 4 周缩短到 1 周，技术赢单率提高", ["POC", "交付"]),
    ("多云成本治理方案", "云管平台", "客户三家云账单不透明，月度超支",
     "统一标签与预算告警，闲置资源自动回收", "月度云成本下降 23%", ["成本", "多云"]),
)


def demo_cases_load(*, events: pl.DataFrame, today: datetime.date, seed: int) -> None:
    rng = random.Random(seed)
    zone = ZoneInfo(time_zone_name())
    people = {e.employee_id: e for e in Employee.objects.all()}
    approved = []
    rows = list(events.filter(pl.col("metric") == "case_shared").sort("occurred_on").iter_rows(named=True))
    for row in rows:
        author = people.get(row["employee_id"])
        if author is None:
            continue
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        customer, industry = rng.choice(CUSTOMERS)
        title, product, problem, solution, result, tags = rng.choice(STORIES)
        case = services.case_save(
            actor=SYSTEM, origin=Origin.DEMO, author=author, title=f"{customer}{title}",
            customer=customer, industry=industry, product=product, problem=problem,
            solution=solution, result=result, tags=tags,
        )
        moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)
        services.case_submit(actor=SYSTEM, origin=Origin.DEMO, case=case, now=moment)
        services.case_decide(actor=SYSTEM, origin=Origin.DEMO, case=case, approve=True, now=moment)
        approved.append((case, day))
    # colleagues reuse some of them
    everyone = [e for e in people.values() if e.left_on is None]
    for case, day in approved[::3]:
        reader = rng.choice(everyone)
        if reader.pk != case.author_id:
            services.case_reuse(
                actor=SYSTEM, origin=Origin.DEMO, case=case, reader=reader,
                today=min(today, day + datetime.timedelta(days=rng.randrange(3, 40))),
            )
    # one case of the demo manager's team waits for their decision
    engineer = Employee.objects.filter(manager__user__username="manager").order_by("employee_id").first()
    if engineer is not None:
        case = services.case_save(
            actor=SYSTEM, origin=Origin.DEMO, author=engineer, title="长江保险理赔系统微服务拆分",
            customer="长江保险", industry="保险", product="微服务治理平台",
            problem="理赔系统单体发布一次要停机 4 小时", solution="按理赔环节拆成 6 个服务，接口契约测试先行",
            tags=["微服务"],
        )
        services.case_submit(
            actor=SYSTEM, origin=Origin.DEMO, case=case,
            now=datetime.datetime.combine(today, datetime.time(9), tzinfo=zone),
        )
