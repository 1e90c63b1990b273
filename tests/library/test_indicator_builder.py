"""The indicator builder: measure and rule fields read from the engine's definitions,
round-tripping with the YAML tab, the live check on what is filled in, and the preview
of points (a GET that writes nothing)."""

import re
from typing import Any

import pytest
import yaml
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from kpilib.audit.models import AuditEvent
from kpilib.engine.definitions import Measure, Rule
from kpilib.library.models import Indicator
from kpilib.web import indicator_builder as builder
from kpilib.web.indicator_builder import Node
from tests.factories import Org
from tests.library.conftest import IMPORTED_ON, presales_pack_text

pytestmark = pytest.mark.today(IMPORTED_ON)
RULES: TypeAdapter[Any] = TypeAdapter(Rule)
MEASURES: TypeAdapter[Any] = TypeAdapter(Measure)


def posted(node: Node, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields a browser posts for a builder node, as the template names them."""
    fields = {} if fields is None else fields
    if node.widget in ("measure", "rule"):
        fields[f"{node.name}.kind"] = node.value
        for child in node.children:
            posted(child, fields)
    elif node.widget in ("rows", "where"):
        for row in node.rows:
            for cell in row:
                posted(cell, fields)
    elif node.widget == "group":
        for child in node.children:
            posted(child, fields)
    else:
        fields[node.name] = node.value
    return fields


def round_trip_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return builder.parse_rule(posted(builder.rule_node(rule)))


def signed_in(user: object) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


# --- form ↔ definition ------------------------------------------------------------------

numbers = st.integers(min_value=0, max_value=100).map(float) | st.sampled_from([0.5, 2.5, 99.9])
names = st.sampled_from(["value", "cases", "perfunctory"])
labels = st.none() | st.fixed_dictionaries(
    {"zh-Hans": st.just("次投诉"), "en": st.just("complaints")}
)


def _tiers(points: list[float]) -> dict[str, Any]:
    # consecutive bands [k·10, k·10 + 10), the last one open above
    tiers: list[dict[str, Any]] = [
        {"gte": index * 10.0, "lt": index * 10.0 + 10, "points": value}
        for index, value in enumerate(points)
    ]
    tiers[-1].pop("lt")
    return {"kind": "tiers", "tiers": tiers}


def _event(draw: st.DrawFn) -> dict[str, Any]:
    event: dict[str, Any] = {"input": draw(names), "points": draw(numbers)}
    label = draw(labels)
    if label:
        event["label"] = label
    return event


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(builder.RULE_KINDS)))
    if kind == "tiers":
        return _tiers(draw(st.lists(numbers, min_size=1, max_size=5)))
    if kind == "linear":
        zero = draw(numbers)
        return {
            "kind": "linear",
            "input": draw(names),
            "zero_at": zero,
            "full_at": zero + draw(st.integers(1, 50)),
        }
    if kind == "events":
        rule = {
            "kind": "events",
            "base": draw(numbers),
            "events": [_event(draw) for _ in range(draw(st.integers(1, 3)))],
        }
        if draw(st.booleans()):
            rule["cap"] = 100.0
        return rule
    if kind == "gate_bonus":
        bonus = [_event(draw) for _ in range(draw(st.integers(0, 2)))]
        gate = {"gte" if draw(st.booleans()) else "gt": draw(numbers), "points": draw(numbers)}
        return {"kind": "gate_bonus", "gate": gate, **({"bonus": bonus} if bonus else {})}
    if kind == "target":
        return {"kind": "target", "target": draw(numbers) + 1}
    levels = [
        {
            "value": float(value),
            "label": {"zh-Hans": f"第{value}级", "en": f"level {value}"},
            "points": draw(numbers),
        }
        for value in range(draw(st.integers(1, 4)))
    ]
    return {"kind": "rubric", "levels": levels}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rule=rules())
def test_every_rule_kind_round_trips_through_the_builder(rule: dict[str, Any]) -> None:
    # given a valid rule of any kind the builder lays out
    expected = RULES.validate_python(rule)
    # when it is shown as builder fields and the fields are posted back
    parsed = round_trip_rule(rule)
    # then it is the same rule
    assert RULES.validate_python(parsed) == expected


@pytest.mark.parametrize("kind", sorted(builder.RULE_KINDS))
def test_each_rule_kind_has_builder_fields(kind: str) -> None:
    # when the builder draws an empty rule of this kind
    node = builder.rule_node({"kind": kind})
    # then it lays out the model's fields (and posts back just the kind)
    assert node.supported
    assert node.children
    assert builder.parse_rule(posted(node)) == {"kind": kind}


def test_every_measure_of_the_presales_pack_round_trips() -> None:
    # given the built-in pack's measures and rules
    pack = yaml.safe_load(presales_pack_text())
    laid_out = [i for i in pack["indicators"] if builder.supported(i["measure"], i["rule"])]
    assert len(laid_out) > 20
    for indicator in laid_out:
        # when shown in the builder and posted back
        fields = posted(builder.measure_node(indicator["measure"])) | posted(
            builder.rule_node(indicator["rule"])
        )
        # then measure and rule are what they were
        assert MEASURES.validate_python(builder.parse_measure(fields)) == MEASURES.validate_python(
            indicator["measure"]
        )
        assert RULES.validate_python(builder.parse_rule(fields)) == RULES.validate_python(
            indicator["rule"]
        )


def test_a_ratio_with_filters_and_a_window_round_trips() -> None:
    # given a ratio of two counts, one filtered and over a trailing window
    measure = {
        "kind": "ratio",
        "numerator": {
            "kind": "count",
            "metric": "revisit_done",
            "where": {"source": ["crm", "app"]},
            "window_months": 3,
        },
        "denominator": {"kind": "count", "metric": ["revisit_due", "checkpoint_due"]},
        "cap": 1.0,
    }
    # when it goes through the builder
    parsed = builder.parse_measure(posted(builder.measure_node(measure)))
    # then nothing is lost
    assert MEASURES.validate_python(parsed) == MEASURES.validate_python(measure)


def test_metrics_are_offered_by_name_from_the_catalogue() -> None:
    # when the builder draws a count of complaints in Chinese
    node = builder.measure_node({"kind": "count", "metric": "complaint"}, language="zh-Hans")
    metric = next(child for child in node.children if child.key == "metric")
    # then the metric is chosen from named metrics, not typed as a code
    assert metric.widget == "metrics"
    assert ("complaint", "客户投诉") in metric.choices
    assert metric.value == ["complaint"]


def test_kinds_the_form_does_not_lay_out_open_in_the_yaml_tab() -> None:
    # given a composite rule and a formula measure
    composite = {"kind": "composite", "parts": [{"kind": "target", "target": 1}]}
    formula = {
        "kind": "formula",
        "inputs": {"a": {"kind": "count", "metric": "x"}},
        "expression": "a",
    }
    # then the builder says it cannot lay them out
    assert not builder.supported(None, composite)
    assert not builder.supported(formula, None)
    assert builder.supported({"kind": "count", "metric": "x"}, {"kind": "target", "target": 1})


def test_rows_are_added_and_removed() -> None:
    # given a tiers rule with two rows
    rule = _tiers([35.0, 30.0])
    # when a row is added, then the first removed
    builder.apply_action(rule, "add:rule.tiers")
    builder.apply_action(rule, "remove:rule.tiers.0")
    # then the second row and an empty one are left
    assert rule["tiers"] == [{"gte": 10.0, "points": 30.0}, {}]


# --- the pages ------------------------------------------------------------------------


def new_form_data(client: Client) -> dict[str, Any]:
    """What the empty new-indicator page posts, as a browser would (selects take their first option)."""
    page = client.get("/library/new/").content.decode()
    data: dict[str, Any] = {"editor": "builder", "rule.kind": "tiers", "measure.kind": "count"}
    for name in ("period", "direction", "leading_or_lagging"):
        data[name] = re.search(rf'<select name="{name}"[^>]*>\s*<option value="([^"]*)"', page)[1]  # type: ignore[index]
    return data


def test_the_empty_new_form_shows_no_errors_before_the_first_save(org: Org, presales: str) -> None:
    # given HR opening a new indicator
    client = signed_in(org.hr)
    page = client.get("/library/new/")
    # when the page runs its first live check on the empty form
    check = client.post("/library/check/", new_form_data(client)).content.decode()
    # then nothing is flagged: no field errors, no definition problems, no failed check
    assert page.status_code == 200
    assert "errorlist" not in page.content.decode()
    assert "Fix these fields" not in check
    assert "definition-problems" not in check
    assert "verdict-fail" not in check


def test_the_smart_check_judges_what_is_filled_in_so_far(org: Org, presales: str) -> None:
    # given only a vague name and definition typed into the new form
    client = signed_in(org.hr)
    data = new_form_data(client) | {
        "name_zh_hans": "提升满意度",
        "name_en": "Improve satisfaction",
        "definition_zh_hans": "提升客户满意度",
        "definition_en": "Improve customer satisfaction",
    }
    # when the live check runs
    check = client.post("/library/check/", data).content.decode()
    # then Specific fails, and checks reading unfilled fields are not judged
    assert re.search(r'class="verdict-fail"><strong>✗ Specific', check)
    assert "Measurable" not in check
    assert "Fix these fields" not in check


def test_the_preview_shows_the_engines_points_for_sample_values_and_writes_nothing(
    org: Org, presales: str
) -> None:
    # given HR with a tiers rule in the builder
    client = signed_in(org.hr)
    fields = posted(builder.rule_node(_tiers([5.0, 10.0, 15.0])))
    before = (AuditEvent.objects.count(), Indicator.objects.count())
    # when they ask for the points of 5, 15 and 25 out of 15
    response = client.get(
        "/library/preview/",
        fields | {"editor": "builder", "samples": "5, 15，25", "default_weight": "15"},
    )
    # then the engine's points and explanations are listed, and nothing was written
    page = response.content.decode()
    points = re.findall(r'<td class="points">([^<]*)</td>', page)
    assert (response.status_code, points) == (200, ["5", "10", "15"])
    assert "Points (of 15)" in page
    assert (AuditEvent.objects.count(), Indicator.objects.count()) == before
    assert client.post("/library/preview/", {}).status_code == 405


def test_the_preview_reads_the_yaml_tab_and_asks_for_a_complete_rule(
    org: Org, presales: str
) -> None:
    client = signed_in(org.hr)
    # when the rule is YAML, and then when it is not complete
    linear = client.get(
        "/library/preview/",
        {
            "rule": "kind: linear\nzero_at: 80\nfull_at: 95\n",
            "samples": "70 85 95",
            "default_weight": "15",
        },
    ).content.decode()
    incomplete = client.get(
        "/library/preview/", {"editor": "builder", "rule.kind": "linear", "samples": "1"}
    )
    # then the linear band's points are shown, and the unfinished rule asks to be filled in
    assert re.findall(r'<td class="points">([^<]*)</td>', linear) == ["0", "5", "15"]
    assert "Fill in the scoring rule" in incomplete.content.decode()


def test_switching_tabs_carries_the_definition_both_ways(org: Org, presales: str) -> None:
    client = signed_in(org.hr)
    fields = posted(builder.rule_node(_tiers([35.0, 30.0]))) | posted(
        builder.measure_node({"kind": "distinct_count", "metric": "unresolved_customer"})
    )
    # when HR edits in the form and opens the YAML tab
    to_yaml = client.post("/library/builder/", fields | {"editor": "builder", "tab": "yaml"})
    page = to_yaml.context["editor"]
    # then the YAML shows the form's definition
    assert page["mode"] == "yaml"
    assert yaml.safe_load(page["rule_yaml"]) == {
        "kind": "tiers",
        "tiers": [{"gte": 0.0, "lt": 10.0, "points": 35.0}, {"gte": 10.0, "points": 30.0}],
    }
    assert yaml.safe_load(page["measure_yaml"]) == {
        "kind": "distinct_count",
        "metric": "unresolved_customer",
    }
    # when HR changes the YAML and opens the form tab
    changed = page["rule_yaml"].replace("35.0", "33.0")
    to_form = client.post(
        "/library/builder/",
        {"editor": "yaml", "tab": "builder", "rule": changed, "measure": page["measure_yaml"]},
    )
    # then the form shows the changed definition
    editor = to_form.context["editor"]
    assert editor["mode"] == "builder"
    assert builder.parse_rule(posted(editor["rule"]))["tiers"][0]["points"] == 33.0
    assert 'name="rule.tiers.1.points"' in to_form.content.decode()


def test_adding_a_tier_row_draws_one_more_row(org: Org, presales: str) -> None:
    client = signed_in(org.hr)
    fields = posted(builder.rule_node(_tiers([35.0])))
    # when HR adds a row
    response = client.post(
        "/library/builder/", fields | {"editor": "builder", "action": "add:rule.tiers"}
    )
    # then a second, empty row is drawn
    page = response.content.decode()
    assert 'name="rule.tiers.1.points"' in page
    assert 'name="rule.tiers.2.points"' not in page


def test_hr_saves_a_new_indicator_built_in_the_form(org: Org, presales: str) -> None:
    # given a complete new indicator whose measure and rule come from the builder
    client = signed_in(org.hr)
    rule = _tiers([0.0, 10.0])
    data = (
        new_form_data(client)
        | posted(builder.measure_node({"kind": "count", "metric": "case_shared"}))
        | posted(builder.rule_node(rule))
        | {
            "code": "cases_shared",
            "name_zh_hans": "成功案例分享数",
            "name_en": "Success cases shared",
            "definition_zh_hans": "本季度分享的成功案例数，10 个及以上得满分。",
            "definition_en": "Success cases shared this quarter; 10 or more earns full marks.",
            "dimension": "capability_development",
            "objectives": ["share_knowledge"],
            "unit_zh_hans": "个",
            "unit_en": "cases",
            "period": "quarter",
            "direction": "higher_better",
            "data_source": "app",
            "leading_or_lagging": "leading",
            "default_weight": "10",
            "measure": "stale: yaml",
        }
    )
    # when they save the draft
    response = client.post("/library/new/", data)
    # then the draft holds the builder's measure and rule (the stale YAML tab is ignored)
    assert response.status_code == 302, re.findall(
        r"errorlist.*?</ul>|<li><code>.*?</li>", response.content.decode()
    )
    draft = Indicator.objects.get(code="cases_shared").draft
    assert MEASURES.validate_python(draft["measure"]) == MEASURES.validate_python(
        {"kind": "count", "metric": "case_shared"}
    )
    assert RULES.validate_python(draft["rule"]) == RULES.validate_python(rule)
