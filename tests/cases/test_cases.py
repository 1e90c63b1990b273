"""The case library (issue 13, item 10): submit, approve or return, the +2 only on
approval, Chinese full-text search in the database, reuse counted once per reader."""

import datetime

import pytest
from django.core.files.base import ContentFile

from kpilib.audit.origin import Origin
from kpilib.cases import selectors, services
from kpilib.cases.errors import CaseError
from kpilib.cases.models import Case
from kpilib.ingest.models import Fact
from tests.factories import Org, make_org

TODAY = datetime.date(2026, 10, 8)
NOW = datetime.datetime(2026, 10, 8, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def write(org: Org, title: str = "招商银行核心系统容器化迁移", **extra: str) -> Case:
    return services.case_save(
        actor=org.engineer.user, origin=Origin.WEB, title=title,
        problem=extra.get("problem", "核心交易系统扩容慢，高峰期响应超时"),
        solution=extra.get("solution", "采用 Kubernetes 分批迁移，灰度发布"),
        customer="招商银行", industry=extra.get("industry", "金融"), product="云原生平台",
        result="响应时间降低 60%", tags=["容器", "poc"],
    )


def approve(org: Org, case: Case) -> Case:
    services.case_submit(actor=org.engineer.user, origin=Origin.WEB, case=case, now=NOW)
    return services.case_decide(actor=org.manager.user, origin=Origin.WEB, case=case, approve=True, now=NOW)


def test_only_an_approved_case_makes_the_case_shared_fact(org: Org) -> None:
    case = write(org)
    services.case_submit(actor=org.engineer.user, origin=Origin.WEB, case=case, now=NOW)
    assert not Fact.objects.filter(metric="case_shared").exists()
    services.case_decide(
        actor=org.manager.user, origin=Origin.WEB, case=case, approve=False, comment="补充客户收益数据", now=NOW
    )
    assert case.status == Case.Status.RETURNED
    assert not Fact.objects.filter(metric="case_shared").exists()
    # edited and sent again, then approved
    services.case_save(
        actor=org.engineer.user, origin=Origin.WEB, case=case, title=case.title,
        problem=case.problem, solution=case.solution, result="响应时间降低 60%，年节省 200 万",
    )
    approve(org, case)
    [fact] = Fact.objects.filter(metric="case_shared")
    assert (fact.employee, fact.value, fact.source, fact.external_id) == (
        org.engineer, 1.0, "cases", f"case-{case.pk}"
    )


def test_who_may_decide_and_change(org: Org) -> None:
    case = write(org)
    services.case_submit(actor=org.engineer.user, origin=Origin.WEB, case=case, now=NOW)
    with pytest.raises(CaseError, match="managers or HR"):
        services.case_decide(actor=org.engineer.user, origin=Origin.WEB, case=case, approve=True, now=NOW)
    with pytest.raises(CaseError, match="managers or HR"):
        services.case_decide(actor=org.peer.user, origin=Origin.WEB, case=case, approve=True, now=NOW)
    with pytest.raises(CaseError, match="no longer changed"):
        services.case_save(actor=org.engineer.user, origin=Origin.WEB, case=case, title="x", problem="y", solution="z")
    with pytest.raises(CaseError, match="what to change"):
        services.case_decide(actor=org.hr, origin=Origin.WEB, case=case, approve=False, now=NOW)
    assert selectors.cases_waiting_for(org.manager.user) == [case]
    assert selectors.cases_waiting_for(org.peer.user) == []


def test_chinese_full_text_search_finds_approved_cases_only(org: Org) -> None:
    bank = approve(org, write(org))
    factory = approve(
        org, write(org, title="汽车制造 MES 防错设计", problem="装配线漏装", solution="防错检查点覆盖", industry="制造")
    )
    draft = write(org, title="容器化草稿")
    found = [case.pk for case in selectors.cases_search(query="容器化")]
    assert found == [bank.pk]
    assert draft.pk not in found
    assert [c.pk for c in selectors.cases_search(query="防错")] == [factory.pk]
    assert [c.pk for c in selectors.cases_search(query="银行 迁移")] == [bank.pk]
    assert selectors.cases_search(query="保险") == []
    assert {c.pk for c in selectors.cases_search()} == {bank.pk, factory.pk}
    assert [c.pk for c in selectors.cases_search(industry="制造")] == [factory.pk]
    assert {c.pk for c in selectors.cases_search(tag="poc")} == {bank.pk, factory.pk}
    assert selectors.cases_search(tag="nope") == []


def test_an_edit_updates_the_index(org: Org) -> None:
    case = write(org)
    services.case_save(
        actor=org.engineer.user, origin=Origin.WEB, case=case, title="证券行情系统国产化",
        problem="旧系统停保", solution="迁移到国产数据库",
    )
    approve(org, case)
    assert selectors.cases_search(query="容器化") == []
    assert [c.pk for c in selectors.cases_search(query="国产化")] == [case.pk]


def test_reuse_is_counted_once_per_reader_and_not_by_the_author(org: Org) -> None:
    case = approve(org, write(org))
    services.case_reuse(actor=org.peer.user, origin=Origin.WEB, case=case, today=TODAY, note="华东证券 POC")
    with pytest.raises(CaseError, match="already"):
        services.case_reuse(actor=org.peer.user, origin=Origin.WEB, case=case, today=TODAY)
    with pytest.raises(CaseError, match="author"):
        services.case_reuse(actor=org.engineer.user, origin=Origin.WEB, case=case, today=TODAY)
    [found] = selectors.cases_search(query="容器化")
    assert found.reuse_count == 1


def test_attachments_are_the_authors_and_size_limited(org: Org, settings: object) -> None:
    case = write(org)
    attachment = services.case_attach(
        actor=org.engineer.user, origin=Origin.WEB, case=case, upload=ContentFile(b"slides", name="方案.pptx")
    )
    assert attachment.file_name == "方案.pptx"
    with pytest.raises(CaseError, match="empty"):
        services.case_attach(actor=org.engineer.user, origin=Origin.WEB, case=case, upload=ContentFile(b"", name="x"))
    with pytest.raises(CaseError, match="author"):
        services.case_attach(actor=org.peer.user, origin=Origin.WEB, case=case, upload=ContentFile(b"x", name="x"))


def test_unapproved_cases_are_private(org: Org) -> None:
    case = write(org)
    assert selectors.may_read(org.manager.user, case)
    assert not selectors.may_read(org.peer.user, case)
    approve(org, case)
    assert selectors.may_read(org.peer.user, case)
    assert selectors.may_read(org.other_team_engineer.user, case)
