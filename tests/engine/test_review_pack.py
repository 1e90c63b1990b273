"""The pack's `counters` field and the presales pack's counter pairs."""

import pytest

from kpilib.engine.packs import PackError, builtin_pack, dump_pack, parse_pack
from kpilib.engine.review import counters_of
from kpilib.engine.smart import check_indicator
from tests.engine.scoring_support import indicator, pack_document


def test_error_proofing_coverage_counters_complaints_in_the_presales_pack() -> None:
    pack = builtin_pack("presales")
    counters = counters_of(pack)
    assert counters["complaint"] == ("error_proofing_coverage",)
    assert counters["unresolved_customer"][0] == "error_proofing_coverage"
    assert "opportunity_lost" in counters


def test_error_proofing_coverage_is_smart_clean() -> None:
    pack = builtin_pack("presales")
    report = check_indicator(
        pack.indicator("error_proofing_coverage"), objectives={o.code for o in pack.objectives}
    )
    # Achievable stays undecided without history; nothing fails
    assert not report.failed


def test_counters_survive_export_and_import() -> None:
    pack = builtin_pack("presales")
    again = parse_pack(dump_pack(pack), name="again.yaml")
    assert again.indicator("error_proofing_coverage").counters == [
        "complaint",
        "unresolved_customer",
    ]
    assert again == pack


def test_a_blank_counter_is_refused_with_its_place() -> None:
    document = pack_document(
        [
            indicator(
                "a",
                {"kind": "count", "metric": "a"},
                {"kind": "target", "target": 1},
                default_weight=100,
                counters=[""],
            )
        ],
        {"a": 100},
    )
    import yaml

    with pytest.raises(PackError, match=r"indicators\[0\]\.counters\[0\]: must not be empty"):
        parse_pack(yaml.safe_dump(document), name="p.yaml")
