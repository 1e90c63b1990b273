"""The metric catalogue names every metric the product itself reads or writes."""

import re
from importlib import resources

import pytest

from kpilib import metrics
from kpilib.demo.activity import METRICS as DEMO_METRICS
from kpilib.ingest.connectors import CONNECTORS


def pack_metrics() -> set[str]:
    text = resources.files("kpilib.packs").joinpath("presales.yaml").read_text(encoding="utf-8")
    found: set[str] = set()
    for value in re.findall(r"^\s*metric:\s*(.+)$", text, re.M):
        found |= {part.strip(" []") for part in value.split(",") if part.strip(" []")}
    return found


def test_every_metric_of_the_pack_the_demo_and_the_connectors_has_names() -> None:
    # given every metric the built-in pack, the demo generator and the connectors use
    used = pack_metrics() | set(DEMO_METRICS)
    used |= {metric for connector in CONNECTORS.values() for metric in connector.metrics}
    # then each is in the catalogue with a Chinese and an English name
    assert sorted(used - set(metrics.codes())) == []
    for code in used:
        assert re.search(r"[\u4e00-\u9fff]", metrics.metric_name(code, "zh-Hans")), code
        assert metrics.metric_name(code, "en") != code, code


def test_an_unknown_metric_is_shown_by_its_code() -> None:
    assert metrics.metric_name("crm_custom_field", "zh-Hans") == "crm_custom_field"
    assert not metrics.is_known("crm_custom_field")


def test_registering_a_metric_names_it_and_a_clash_is_refused() -> None:
    # given a metric another app brings
    try:
        metrics.register("test_only_metric", zh_hans="测试事实", en="test fact")
        # then it is named like the built-in ones, and registering it again is harmless
        assert metrics.metric_name("test_only_metric", "zh-Hans") == "测试事实"
        metrics.register("test_only_metric", zh_hans="测试事实", en="test fact")
        # but another name for the same code is refused
        with pytest.raises(ValueError, match="already registered"):
            metrics.register("test_only_metric", zh_hans="别的", en="other")
    finally:
        metrics.CATALOGUE.pop("test_only_metric", None)
