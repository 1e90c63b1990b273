"""Library services: pack import/export, drafts, publishing gated by SMART, retiring."""

import copy

import pytest

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.errors import InputError
from kpilib.engine.packs import PackError, parse_pack
from kpilib.library import selectors, services
from kpilib.library.models import Indicator, IndicatorVersion, Objective, PlanTemplate
from tests.library.conftest import IMPORTED_ON

# (importing and publishing run the SMART check over the periods before today)
pytestmark = pytest.mark.today(IMPORTED_ON)


def newest(code: str) -> dict:
    indicator = Indicator.objects.get(code=code)
    return copy.deepcopy(indicator.draft or indicator.latest_version().definition)


def test_pack_import_then_export_is_lossless(presales: str) -> None:
    # given the built-in pack imported
    # when the library is exported
    exported = services.pack_export()
    # then the exported pack equals the original, and importing it changes nothing
    assert parse_pack(exported, name="out.yaml") == parse_pack(presales, name="in.yaml")
    report = services.pack_import(actor=SYSTEM, origin=Origin.WEB, text=exported, file_name="out.yaml")
    assert report.created == {}
    assert report.changed == {}


def test_bad_pack_lists_problems_and_changes_nothing(db: None) -> None:
    # given a pack whose tier awards more points than the indicator is worth
    from tests.library.conftest import presales_pack_text

    text = presales_pack_text().replace("points: 35", "points: 350", 1)
    # when it is imported
    with pytest.raises(PackError) as caught:
        services.pack_import(actor=SYSTEM, origin=Origin.WEB, text=text, file_name="bad.yaml")
    # then the problem names the path in the file, and the library stays empty
    assert any("tiers[0].points" in (p.column or "") for p in caught.value.problems)
    assert all(p.line for p in caught.value.problems)
    assert not Indicator.objects.exists()


def test_changed_definition_becomes_a_new_version_and_the_old_one_stays(presales: str) -> None:
    # given a published indicator
    document = newest("complaints")
    # when a pack changes its deduction per complaint
    text = presales.replace("points: -5", "points: -4")
    services.pack_import(actor=SYSTEM, origin=Origin.WEB, text=text, file_name="v2.yaml")
    # then version 2 holds the change and version 1 is unchanged
    versions = IndicatorVersion.objects.filter(indicator__code="complaints").order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].definition == document
    assert versions[1].definition["rule"]["events"][0]["points"] == -4


def test_vague_draft_cannot_be_published(presales: str) -> None:
    # given an indicator whose definition is edited into a vague goal
    indicator = Indicator.objects.get(code="customer_satisfaction")
    document = newest("customer_satisfaction")
    document["definition"] = {"zh-Hans": "提升客户满意度", "en": "Improve customer satisfaction"}
    services.indicator_save_draft(actor=SYSTEM, origin=Origin.WEB, indicator=indicator, document=document)
    # when HR tries to publish it
    with pytest.raises(services.LibraryError) as caught:
        services.indicator_publish(actor=SYSTEM, origin=Origin.WEB, indicator=indicator)
    # then it is refused with the SMART reason, and no version was added
    assert any("improve" in message.lower() for message in caught.value.messages)
    assert indicator.versions.count() == 1


def test_publishing_a_good_draft_makes_the_next_version(presales: str) -> None:
    # given a clear change to the satisfaction full-marks line
    indicator = Indicator.objects.get(code="customer_satisfaction")
    document = newest("customer_satisfaction")
    document["rule"]["full_at"] = 96
    document["definition"] = {
        "zh-Hans": document["definition"]["zh-Hans"].replace("95 分及以上", "96 分及以上"),
        "en": document["definition"]["en"].replace("95 or more", "96 or more"),
    }
    services.indicator_save_draft(actor=SYSTEM, origin=Origin.WEB, indicator=indicator, document=document)
    # when it is published
    version = services.indicator_publish(actor=SYSTEM, origin=Origin.WEB, indicator=indicator, change_note="stricter")
    # then it is version 2, the draft is gone, and both steps are audited
    indicator.refresh_from_db()
    assert version.number == 2
    assert indicator.draft is None
    assert AuditEvent.objects.filter(object_type="library.indicatorversion").count() >= 1


def test_invalid_draft_is_refused_with_its_path(presales: str) -> None:
    # given a definition whose rule reads an input that does not exist
    indicator = Indicator.objects.get(code="complaints")
    document = newest("complaints")
    document["rule"]["events"][0]["input"] = "nothing"
    # when it is saved as a draft
    with pytest.raises(InputError) as caught:
        services.indicator_save_draft(actor=SYSTEM, origin=Origin.WEB, indicator=indicator, document=document)
    # then the problem names the path inside the definition
    assert [p.column for p in caught.value.problems] == ["rule.events[0].input"]


def test_retiring_keeps_versions_and_records_the_successor(presales: str) -> None:
    # given two indicators
    old = Indicator.objects.get(code="complaints")
    successor = Indicator.objects.get(code="customer_satisfaction")
    # when one is retired in favour of the other
    services.indicator_retire(
        actor=SYSTEM, origin=Origin.WEB, indicator=old, reason="measured by NPS now", replaced_by=successor
    )
    # then it is retired with its lineage and its versions stay
    old.refresh_from_db()
    assert old.status == "retired"
    assert old.replaced_by == successor
    assert old.versions.count() == 1


def test_retiring_needs_a_reason(presales: str) -> None:
    # when an indicator is retired without a reason
    with pytest.raises(services.LibraryError):
        services.indicator_retire(
            actor=SYSTEM, origin=Origin.WEB, indicator=Indicator.objects.get(code="complaints"), reason=" "
        )


def test_compare_marks_changed_paths() -> None:
    # given two definitions differing in one rule value
    left = {"rule": {"kind": "linear", "full_at": 95}, "tags": ["a"]}
    right = {"rule": {"kind": "linear", "full_at": 96}, "tags": ["a", "b"]}
    # when compared
    changes = {c.path: c.kind for c in selectors.compare_definitions(left, right)}
    # then the changed and added paths are marked
    assert changes == {
        "rule.kind": "same",
        "rule.full_at": "changed",
        "tags[0]": "same",
        "tags[1]": "added",
    }


def test_coverage_finds_uncovered_objectives_and_orphan_indicators(presales: str) -> None:
    # given an objective nobody serves
    Objective.objects.create(
        code="new_industries", name_zh_hans="新行业突破", name_en="New industries"
    )
    # when coverage is computed
    coverage = selectors.strategy_coverage()
    # then the objective is uncovered and indicators without objectives are orphans
    assert "new_industries" in [o.code for o in coverage.uncovered_objectives]
    published = services.published_definitions()
    expected_orphans = {code for code, d in published.items() if not d.get("objectives")}
    assert {i.code for i in coverage.orphan_indicators} == expected_orphans


def test_theme_shares_add_up_to_each_plans_total(presales: str) -> None:
    # when theme shares are computed for the plan templates
    shares = selectors.theme_weight_shares()
    # then each plan's shares sum to its 100 points
    assert shares
    for per_theme in shares.values():
        assert sum(per_theme.values()) == pytest.approx(100)


def test_xlsx_round_trip_changes_nothing(presales: str) -> None:
    # given the library exported to Excel
    data = services.indicators_xlsx_export()
    # when the same sheet is imported
    report = services.library_file_import(actor=SYSTEM, origin=Origin.WEB, data=data, file_name="indicators.xlsx")
    # then nothing changes
    assert report.created == {}
    assert report.changed == {}


def test_xlsx_bad_cell_names_row_and_column(presales: str) -> None:
    # given an exported sheet with a bad default weight in row 3
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(services.indicators_xlsx_export()))
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index("default_weight") + 1
    sheet.cell(row=3, column=column, value="many")
    output = io.BytesIO()
    workbook.save(output)
    # when it is imported
    with pytest.raises(InputError) as caught:
        services.library_file_import(
            actor=SYSTEM, origin=Origin.WEB, data=output.getvalue(), file_name="indicators.xlsx"
        )
    # then the problem names the row and the column
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, "default_weight")]


def test_strategy_preset_proposes_and_applies_new_weights(presales: str) -> None:
    # given a quality theme with the quality-stage preset
    from kpilib.library.models import Theme

    theme = Theme.objects.first()
    theme.adjustment_profile = "quality_stage"
    theme.save()
    template = PlanTemplate.objects.get(code="presales-engineer")
    before = dict(template.definition["weights"])
    # when the proposal is reviewed and applied
    proposals = selectors.strategy_proposal(theme)
    services.strategy_apply(actor=SYSTEM, origin=Origin.WEB, theme=theme, proposals=proposals)
    # then the theme is active and the template's weights changed, still adding up to 100
    template.refresh_from_db()
    theme.refresh_from_db()
    assert theme.is_active
    assert template.definition["weights"] != before
    assert sum(template.definition["weights"].values()) == pytest.approx(100)
    assert template.revision == 2


def test_an_indicator_kept_as_draft_is_named_and_a_plan_weighting_it_is_refused(db: None) -> None:
    # given a pack whose satisfaction indicator states a vague goal (fails SMART)
    from kpilib.plans import services as plan_services
    from kpilib.plans.models import Plan
    from tests.library.conftest import presales_pack_text

    text = presales_pack_text().replace(
        "本季度客户满意度调查（0–100 分）的平均分：95 分及以上得满分 15 分，低于 80 分得 0 分，其间按 15 × (平均分 − 80) / 15 线性计分。无调查反馈时不计分。",
        "提升客户满意度",
    )
    # when it is imported
    report = services.pack_import(actor=SYSTEM, origin=Origin.WEB, text=text, file_name="vague.yaml")
    # then the report names the indicator kept as a draft
    assert report.drafts == ["customer_satisfaction"]
    assert "customer_satisfaction" in report.summary()
    # and creating a plan from a template that weights it is refused with the reason,
    # instead of a plan that can never be published
    template = PlanTemplate.objects.get(code="presales-engineer")
    assert "customer_satisfaction" in template.definition["weights"]
    with pytest.raises(plan_services.PlanError) as caught:
        plan_services.plan_create_from_template(
            actor=SYSTEM, origin=Origin.WEB, template=template, code="pe",
            name_zh_hans="方案", name_en="Plan", positions=[],
        )
    assert len(caught.value.messages) == 1
    assert "customer_satisfaction" in caught.value.messages[0]
    assert "SMART" in caught.value.messages[0]
    assert not Plan.objects.exists()
