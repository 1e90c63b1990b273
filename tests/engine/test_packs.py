"""Library packs: the YAML format, validation errors with paths and lines, lossless round trip."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kpilib.engine.definitions import Pack
from kpilib.engine.packs import (
    PackError,
    builtin_pack,
    builtin_pack_names,
    dump_pack,
    load_pack,
    parse_pack,
)
from tests.engine.scoring_support import indicator, pack_document, text


def problems_of(document: dict[str, Any] | str) -> list[str]:
    content = (
        document
        if isinstance(document, str)
        else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    )
    with pytest.raises(PackError) as refused:
        parse_pack(content, name="my.yaml")
    return [str(problem) for problem in refused.value.problems]


def every_rule_kind() -> dict[str, Any]:
    """A pack using every measure and rule kind, a theme, an objective and a rule override."""
    indicators = [
        indicator(
            "wins",
            {
                "kind": "distinct_count",
                "metric": ["win", "renewal"],
                "of": "project_id",
                "window_months": 6,
            },
            {
                "kind": "tiers",
                "tiers": [
                    {"lt": 1, "points": 0},
                    {"gte": 1, "lte": 3, "points": 10},
                    {"gt": 3, "points": 20},
                ],
            },
            default_weight=20,
            objectives=["grow"],
            tags=["growth"],
        ),
        indicator(
            "hours",
            {"kind": "sum", "metric": "training", "where": {"value": [1, 2], "source": ["lms", 7]}},
            {"kind": "linear", "zero_at": 0, "full_at": 40},
            default_weight=10,
        ),
        indicator(
            "rating",
            {
                "kind": "latest",
                "metric": "manager_rating",
                "label": {"zh-Hans": "评级", "en": "rating", "en-one": "rating"},
            },
            {
                "kind": "rubric",
                "levels": [
                    {
                        "value": level,
                        "label": text(f"{level} 级", f"level {level}"),
                        "points": 5 * level,
                    }
                    for level in (1, 2, 3, 4)
                ],
            },
            default_weight=20,
            missing={
                "policy": "zero",
                "flag": {"code": "not_rated", "zh-Hans": "未评级", "en": "not rated"},
            },
        ),
        indicator(
            "attainment",
            {
                "kind": "formula",
                "expression": "if(due > 0, done / due * 100, 0)",
                "inputs": {
                    "done": {"kind": "count", "metric": "done"},
                    "due": {"kind": "count", "metric": "due"},
                },
            },
            {"kind": "target", "target": 90},
            default_weight=20,
        ),
        indicator(
            "quality",
            {
                "kind": "ratio",
                "numerator": {"kind": "min", "metric": "score"},
                "denominator": {"kind": "max", "metric": "score"},
                "cap": 1,
            },
            {
                "kind": "composite",
                "combine": "max",
                "cap": 15,
                "parts": [
                    {
                        "kind": "gate_bonus",
                        "gate": {"gt": 0.5, "points": 10},
                        "bonus": [{"input": "praise", "points": 1}],
                    },
                    {
                        "kind": "events",
                        "base": 10,
                        "events": [
                            {"input": "praise", "points": 2, "label": text("次表扬", "praises")}
                        ],
                        "floor": 0,
                        "cap": 15,
                    },
                ],
            },
            default_weight=15,
            inputs={"praise": {"kind": "count", "metric": "praise", "when_no_facts": "missing"}},
        ),
        indicator(
            "speed",
            {"kind": "mean", "metric": "days"},
            {"kind": "linear", "zero_at": 10, "full_at": 2},
            default_weight=15,
            direction="lower_better",
        ),
    ]
    weights = {"wins": 20, "hours": 10, "rating": 20, "attainment": 20, "quality": 15, "speed": 15}
    document = pack_document(
        indicators,
        weights,
        mode="okr",
        precision=1,
        grade_bands=[
            {"grade": "优", "gte": 85, "name": text("优秀", "excellent")},
            {"grade": "良"},
        ],
        rule_overrides={"hours": {"kind": "linear", "zero_at": 0, "full_at": 20}},
    )
    document["themes"] = [{"code": "expansion", "name": text("市场扩张", "Market expansion")}]
    document["objectives"] = [{"code": "grow", "name": text("增长", "Grow"), "theme": "expansion"}]
    return document


def test_every_kind_of_definition_survives_export_then_import() -> None:
    # given a pack with every measure and rule kind
    pack = Pack.model_validate(every_rule_kind())
    # when it is exported and imported again
    again = parse_pack(dump_pack(pack), name="exported.yaml")
    # then nothing is lost, and exporting again gives the same text
    assert again == pack
    assert dump_pack(again) == dump_pack(pack)


def test_the_builtin_presales_pack_survives_export_then_import(tmp_path: Path) -> None:
    # given the built-in pack exported to a file
    exported = tmp_path / "presales.yaml"
    exported.write_text(dump_pack(builtin_pack("presales")), encoding="utf-8")
    # when the file is loaded
    loaded = load_pack(exported)
    # then it equals the built-in pack
    assert loaded == builtin_pack("presales")


def test_builtin_presales_pack_holds_the_seed_library() -> None:
    # given the built-in packs
    # when presales is loaded
    pack = builtin_pack("presales")
    # then it opens with §4's six indicators, in four dimensions, with the three plans
    assert "presales" in builtin_pack_names()
    assert [dimension.code for dimension in pack.dimensions] == [
        "customer_value",
        "process_efficiency",
        "capability_development",
        "collaboration_behaviour",
    ]
    assert [dimension.name.zh_hans for dimension in pack.dimensions] == [
        "客户价值",
        "过程效能",
        "能力发展",
        "协作行为",
    ]
    assert [indicator.code for indicator in pack.indicators][:6] == [
        "tech_resolution",
        "customer_satisfaction",
        "revisit_completion",
        "complaints",
        "learning_growth",
        "daily_report",
    ]
    assert pack.indicator("tech_resolution").name.zh_hans == "项目技术解决率"
    assert {plan.code for plan in pack.plans} == {
        "presales-engineer",
        "solution-architect",
        "presales-manager",
        "delivery-engineer",
        "customer-success",
    }


def test_a_negative_tier_points_is_reported_with_its_path_and_line() -> None:
    # given a pack whose fourth indicator has a tier worth −5
    document = every_rule_kind()
    bad = copy.deepcopy(document["indicators"][0])
    bad["code"] = "extra"
    bad["rule"]["tiers"][1]["points"] = -5
    document["indicators"].insert(3, bad)
    content = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    line = next(
        number
        for number, text_line in enumerate(content.splitlines(), 1)
        if "points: -5" in text_line
    )
    # when it is loaded
    problems = problems_of(content)
    # then the problem names the path (without pydantic's union tags) and the line
    assert problems == [f"my.yaml:{line}: indicators[3].rule.tiers[1].points: must be ≥ 0"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["indicators"][1].pop("unit"), "indicators[1].unit: required"),
        (lambda d: d["indicators"][1].update(colour="red"), "indicators[1].colour: unknown field"),
        (
            lambda d: d["indicators"][1]["rule"].update(kind="spline"),
            "indicators[1].rule: kind 'spline' is not one of",
        ),
        (
            lambda d: d["indicators"][0].update(code="Wins"),
            "indicators[0].code: must be a code of lowercase letters",
        ),
        (lambda d: d["indicators"][1]["name"].pop("en"), "indicators[1].name.en: required"),
        (
            lambda d: d["indicators"][1].update(direction="up"),
            "indicators[1].direction: must be one of 'higher_better' or 'lower_better'",
        ),
        (
            lambda d: d["indicators"][1]["measure"].update(window_months=0),
            "indicators[1].measure.window_months: must be ≥ 1",
        ),
        (
            lambda d: d["indicators"][1]["measure"].update(where={"value": "high"}),
            "indicators[1].measure.where: where.value lists numbers",
        ),
        (
            lambda d: d["indicators"][3]["measure"].update(expression="done / dne"),
            "indicators[3].measure.expression: column 8: unknown name 'dne' (known: done, due)",
        ),
        (
            lambda d: d["plans"][0]["weights"].update(hours=11),
            "plans[0].weights: weights must add up to 100, not 101",
        ),
        (
            lambda d: d["plans"][0]["grade_bands"].reverse(),
            "plans[0].grade_bands: the last grade band must have no gte",
        ),
        (
            lambda d: d["indicators"][1].update(default_weight="ten"),
            "indicators[1].default_weight: must be a number",
        ),
    ],
)
def test_field_problems_name_their_path(change: Any, expected: str) -> None:
    # given a valid pack with one mistake
    document = every_rule_kind()
    change(document)
    # when it is loaded
    problems = problems_of(document)
    # then the mistake is reported at its path
    assert len(problems) == 1
    assert problems[0].split(": ", 1)[1].startswith(expected)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["indicators"][1].update(dimension="money"),
            "indicators[1].dimension: no dimension 'money' in this pack",
        ),
        (
            lambda d: d["indicators"][0].update(objectives=["shrink"]),
            "indicators[0].objectives[0]: no objective 'shrink' in this pack",
        ),
        (
            lambda d: d["objectives"][0].update(theme="war"),
            "objectives[0].theme: no theme 'war' in this pack",
        ),
        (
            lambda d: d["indicators"].append(d["indicators"][0]),
            "indicators[6].code: 'wins' is used twice",
        ),
        (
            lambda d: d["plans"][0]["weights"].update({"ghost": 5, "hours": 5}),
            "plans[0].weights.ghost: no indicator 'ghost' in this pack",
        ),
        (
            lambda d: d["indicators"][0]["rule"]["tiers"][2].update(points=25),
            "indicators[0].rule.tiers[2].points: must be ≤ 20, the indicator's default_weight",
        ),
        (
            lambda d: d["indicators"][4]["rule"]["parts"][1]["events"][0].update(input="prise"),
            "indicators[4].rule.parts[1].events[0].input: no input 'prise' in this indicator (known: value, praise)",
        ),
        (
            lambda d: d["indicators"][5]["rule"].update(zero_at=2, full_at=10),
            "indicators[5].rule.full_at: full_at and zero_at run against the indicator's direction lower_better",
        ),
        (
            lambda d: d["plans"][0]["rule_overrides"].update(
                hours={
                    "kind": "events",
                    "base": 5,
                    "events": [{"input": "value", "points": 1}],
                    "cap": 12,
                }
            ),
            "plans[0].rule_overrides.hours.cap: must be ≤ 10, the indicator's default_weight",
        ),
    ],
)
def test_problems_across_the_pack_name_their_path(change: Any, expected: str) -> None:
    # given a valid pack with one inconsistency
    document = every_rule_kind()
    change(document)
    # when it is loaded
    problems = problems_of(document)
    # then the inconsistency is reported at its path
    assert [problem.split(": ", 1)[1] for problem in problems] == [expected]


def test_yaml_syntax_errors_give_the_line() -> None:
    # given broken YAML on line 3
    content = "pack:\n  code: x\n  name: [unclosed\n"
    # when loaded
    problems = problems_of(content)
    # then the line is named
    assert problems[0].startswith("my.yaml:4: not valid YAML")


def test_a_missing_pack_file_is_an_input_problem(tmp_path: Path) -> None:
    # given no file
    # when it is loaded
    with pytest.raises(PackError) as refused:
        load_pack(tmp_path / "nope.yaml")
    # then one plain problem
    assert [str(problem) for problem in refused.value.problems] == [
        f"{tmp_path / 'nope.yaml'}: cannot read file: No such file or directory"
    ]


def test_an_unknown_builtin_pack_lists_the_known_ones() -> None:
    # given a name that is not built in
    # when it is asked for
    with pytest.raises(PackError) as refused:
        builtin_pack("sales")
    # then the known packs are named
    assert str(refused.value) == "--pack: no built-in pack 'sales' (built-in: presales)"
