"""The demo's training records: an exam a quarter with results imported from a learning
system's export, a certification catalogue and the certifications people earned.

The demo generator still draws the `training_exam` and `certification_earned` events (so
the numbers keep their shape); `demo_load` takes them out of the facts file and gives
them here, where they become kpilib's own records, and the facts come from those records
(source `training`), as they would in production.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.org.models import Employee
from kpilib.training import services
from kpilib.training.models import Certification, CertificationHeld

OWN_METRICS = ("training_exam", "certification_earned")
LMS_FILE = "lms-exam-results.csv"
CERTIFICATIONS = (
    # code, name, English name, issuer, months valid
    ("hcip-cloud", "华为 HCIP-Cloud Service", "Huawei HCIP-Cloud Service", "华为", 36),
    ("aliyun-acp", "阿里云 ACP 云计算专业认证", "Alibaba Cloud ACP", "阿里云", 24),
    ("pmp", "PMP 项目管理专业人士", "PMP", "PMI", 36),
    ("internal-sa", "内部解决方案架构师认证", "Internal solution architect", "云启科技", 12),
)


def _quarter(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def demo_training_load(*, folder: Path, events: pl.DataFrame, today: datetime.date, seed: int) -> None:
    """Create the exams and certifications of the demo from the generated events."""
    exam_rows = events.filter(pl.col("metric") == "training_exam")
    quarters = sorted(
        {_quarter(day) for day in exam_rows.get_column("occurred_on").cast(pl.Date).to_list()}
    )
    for year, quarter in quarters:
        services.exam_save(
            actor=SYSTEM, origin=Origin.DEMO, code=f"solution-{year}q{quarter}",
            name=f"{year} 年第 {quarter} 季度产品与方案能力考试",
            name_en=f"{year} Q{quarter} product and solution exam",
        )
    lines = ["工号,考试编码,成绩,考试日期,记录ID"]
    for number, row in enumerate(exam_rows.sort("occurred_on").iter_rows(named=True), start=1):
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        year, quarter = _quarter(day)
        lines.append(
            f"{row['employee_id']},solution-{year}q{quarter},{float(row['value']):g},"
            f"{day.isoformat()},LMS-{number:06d}"
        )
    export = folder / LMS_FILE
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    services.exam_attempts_import(
        actor=SYSTEM, origin=Origin.DEMO, data=export.read_bytes(), file_name=export.name, today=today
    )

    catalogue = [
        services.certification_save(
            actor=SYSTEM, origin=Origin.DEMO, code=code, name=name, name_en=name_en,
            issuer=issuer, validity_months=months,
        )
        for code, name, name_en, issuer, months in CERTIFICATIONS
    ]
    people = {e.employee_id: e for e in Employee.objects.all()}
    rng = random.Random(seed)
    held: set[tuple[int, int, datetime.date]] = set()
    for row in events.filter(pl.col("metric") == "certification_earned").sort("occurred_on").iter_rows(named=True):
        person = people.get(row["employee_id"])
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        certification: Certification = rng.choice(catalogue)
        if person is None or (person.pk, certification.pk, day) in held or day > today:
            continue
        held.add((person.pk, certification.pk, day))
        services.certification_record(
            actor=SYSTEM, origin=Origin.DEMO, certification=certification, employee=person,
            earned_on=day, today=today, certificate_number=f"{certification.code.upper()}-{len(held):05d}",
        )
    assert CertificationHeld.objects.count() == len(held)
