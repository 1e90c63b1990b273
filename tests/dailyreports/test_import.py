"""`kpilib import daily-reports FILE --platform dingtalk|feishu|wecom`: each platform's
export (GBK CSV, XLSX) becomes submitted reports, on time or late by the template's
deadline; idempotent by the platform's record id; bad rows refused or quarantined."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.cli.main import app
from kpilib.dailyreports.models import DailyReport, QuarantinedReport
from kpilib.dailyreports.services import reports_import
from kpilib.engine.errors import InputError
from kpilib.ingest.models import Fact
from kpilib.tabular import Sheet, xlsx_bytes
from tests.factories import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
DINGTALK_HEADER = "日志ID,创建人,工号,部门,创建时间,日期,今日完成工作,未完成工作,需协调工作,明日计划\n"


def _dingtalk(org: Org, *rows: str) -> bytes:
    return (DINGTALK_HEADER + "".join(rows)).encode("gbk")


def _row(org: Org, record: str = "DT-1", when: str = "2026-10-09 18:30", day: str = "2026-10-09",
         done: str = "拜访招商银行客户，完成 POC 部署") -> str:
    employee = org.engineer
    return f"{record},{employee.name},{employee.employee_id},华东售前一组,{when},{day},{done},接口文档缺失,需要测试环境,整理 POC 报告\n"


def _import(data: bytes, name: str = "钉钉日志.csv", platform: str = "dingtalk", partial: bool = False):
    return reports_import(
        actor=SYSTEM, origin=Origin.CLI, data=data, file_name=name, platform=platform, partial=partial
    )


def test_a_dingtalk_gbk_export_becomes_submitted_reports_and_facts(org: Org) -> None:
    # given a DingTalk 日志 export in GBK: one on time, one sent after 10:00 the next working day
    data = _dingtalk(
        org,
        _row(org),
        _row(org, "DT-2", when="2026-10-12 11:00", day="2026-10-10"),
    )
    # when it is imported
    result = _import(data)
    # then both are the engineer's submitted reports, with 未完成 and 需协调 as 问题与发现
    assert (result.imported, result.quarantined) == (2, 0)
    first = DailyReport.objects.get(platform="dingtalk", platform_record_id="DT-1")
    assert (first.author, first.report_date, first.status) == (org.engineer, datetime.date(2026, 10, 9), "submitted")
    assert first.answers == {"done": "拜访招商银行客户，完成 POC 部署", "findings": "接口文档缺失\n需要测试环境", "plan": "整理 POC 报告"}
    assert first.submitted_at == datetime.datetime(2026, 10, 9, 18, 30, tzinfo=SHANGHAI)
    assert first.on_time is True
    late = DailyReport.objects.get(platform_record_id="DT-2")
    assert late.on_time is False  # 10-10 (调休 Saturday) was due at 10:00 on Monday 10-12
    # and the submissions are the same facts a report written in kpilib gives
    metrics = dict(Fact.objects.filter(employee=org.engineer).values_list("occurred_on", "metric"))
    assert metrics == {
        datetime.date(2026, 10, 9): "daily_report_on_time",
        datetime.date(2026, 10, 10): "daily_report_late",
    }


def test_importing_again_is_idempotent_by_record_id_and_picks_up_edits(org: Org) -> None:
    _import(_dingtalk(org, _row(org)))
    again = _import(_dingtalk(org, _row(org)))
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)
    edited = _import(_dingtalk(org, _row(org, done="拜访招商银行客户，完成 POC 部署并演示")))
    assert (edited.imported, edited.updated) == (0, 1)
    assert DailyReport.objects.get().answers["done"] == "拜访招商银行客户，完成 POC 部署并演示"


def test_feishu_xlsx_finds_people_by_email_and_wecom_by_account(org: Org) -> None:
    # given the peer's e-mail, a Feishu 汇报 workbook and a WeCom 汇报 CSV
    org.peer.email = "li@example.com"
    org.peer.save()
    feishu = xlsx_bytes([Sheet("汇报", ["汇报ID", "汇报人", "邮箱", "提交时间", "今日工作", "遇到的问题", "明日计划"], [
        ["FS-9", "李四", "li@example.com", datetime.datetime(2026, 10, 9, 19, 5), "准备投标文件", "", "评审方案"],
    ])])
    wecom = (
        "汇报ID,汇报人,账号,提交时间,汇报日期,工作内容,明日计划\n"
        f"WC-1,张三,{org.engineer.employee_id},2026/10/09 20:00,2026/10/09,回访华东医院,跟进合同\n"
    ).encode("utf-8-sig")
    # when each is imported
    assert _import(feishu, "飞书汇报.xlsx", "feishu").imported == 1
    assert _import(wecom, "企业微信汇报.csv", "wecom").imported == 1
    # then each report belongs to its person
    assert DailyReport.objects.get(platform="feishu").author == org.peer
    assert DailyReport.objects.get(platform="wecom").author == org.engineer


def test_bad_rows_refuse_the_whole_file_unless_partial_then_they_are_quarantined(org: Org) -> None:
    # given a good row, an unknown person, a bad time and an empty 今日完成
    data = _dingtalk(
        org,
        _row(org),
        "DT-2,王五,E9999,华东,2026-10-09 18:00,2026-10-09,写方案,,,\n",
        _row(org, "DT-3", when="昨天"),
        _row(org, "DT-4", done=""),
    )
    # when it is imported without --partial
    with pytest.raises(InputError) as refused:
        _import(data)
    # then nothing is written and every problem is named with its line and column
    assert [str(problem) for problem in refused.value.problems] == [
        "钉钉日志.csv:3: employee: no employee E9999",
        "钉钉日志.csv:4: 创建时间: not a date and time: '昨天'",
        "钉钉日志.csv:5: 今日完成工作: empty: 今日完成 is required",
    ]
    assert not DailyReport.objects.exists()
    # when it is imported with --partial, twice
    result = _import(data, partial=True)
    _import(data, partial=True)
    # then the good row is a report and the bad rows are quarantined once each
    assert (result.imported, result.quarantined) == (1, 3)
    assert QuarantinedReport.objects.count() == 3
    assert QuarantinedReport.objects.get(line=3).problems == ["钉钉日志.csv:3: employee: no employee E9999"]
    # when the export is fixed (DT-4 now has its 今日完成) and imported again
    _import(_dingtalk(org, _row(org, "DT-4", when="2026-10-08 18:00", day="2026-10-08")), partial=True)
    # then DT-4's quarantined row is resolved, the others still wait
    assert dict(QuarantinedReport.objects.values_list("record_id", "is_resolved")) == {
        "DT-2": False, "DT-3": False, "DT-4": True,
    }


def test_a_report_already_submitted_in_kpilib_is_not_overwritten(org: Org) -> None:
    from kpilib.dailyreports import services

    day = datetime.date(2026, 10, 9)
    draft = services.report_save_draft(
        actor=org.engineer.user, origin=Origin.WEB, report_date=day, answers={"done": "在 kpilib 写的"}, today=day
    )
    services.report_submit(actor=org.engineer.user, origin=Origin.WEB, report=draft,
                           now=datetime.datetime(2026, 10, 9, 18, tzinfo=SHANGHAI))
    with pytest.raises(InputError) as refused:
        _import(_dingtalk(org, _row(org)))
    assert [problem.reason for problem in refused.value.problems] == ["张三 already has a report for 2026-10-09"]


def test_a_file_without_the_platforms_columns_names_what_is_missing(org: Org) -> None:
    with pytest.raises(InputError) as refused:
        _import("编号,内容\n1,x\n".encode(), platform="feishu")
    assert [problem.reason for problem in refused.value.problems] == [
        "missing column: one of 汇报ID, 汇报id, record_id",
        "missing column: one of 提交时间",
        "missing column: one of 今日工作, 今日完成",
        "missing column: one of 工号, employee_id, 邮箱, email, 汇报人, 提交人",
    ]


def test_the_command_prints_the_summary_and_exits_2_on_bad_input(org: Org, tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "日志.csv"
    good.write_bytes(_dingtalk(org, _row(org)))
    result = runner.invoke(app, ["import", "daily-reports", str(good), "--platform", "dingtalk"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, quarantined 0"
    wrong = runner.invoke(app, ["import", "daily-reports", str(good), "--platform", "slack"])
    assert wrong.exit_code == 2
    assert "Unknown platform slack" in wrong.stderr
