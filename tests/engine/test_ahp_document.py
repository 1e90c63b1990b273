"""The §6 AHP document: its three input forms, their errors, and the JSON output keys."""

from typing import Any

import pytest

from kpilib.engine.ahp import (
    Aggregation,
    AhpInputError,
    PriorityMethod,
    ahp_report,
    ahp_request_from_document,
    report_document,
)

CRITERIA = ["客户价值", "过程效能", "能力发展"]
JUDGEMENTS = {"客户价值,过程效能": 2, "客户价值,能力发展": 4, "过程效能,能力发展": 2}


def problems_of(document: Any) -> list[str]:
    with pytest.raises(AhpInputError) as error:
        ahp_request_from_document(document)
    return [str(problem) for problem in error.value.problems]


def test_matrix_and_judgement_forms_give_the_same_matrix() -> None:
    # given the same judgements as a full matrix with "1/2"-style strings and as pairs
    matrix_form = {
        "criteria": CRITERIA,
        "matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]],
    }
    judgement_form = {"criteria": CRITERIA, "judgements": JUDGEMENTS}
    # when both are read
    from_matrix = ahp_request_from_document(matrix_form).matrix
    from_judgements = ahp_request_from_document(judgement_form).matrix
    # then the matrices are equal
    assert from_matrix is not None
    assert from_judgements is not None
    assert from_matrix.values == pytest.approx(from_judgements.values)


def test_pair_keys_accept_full_width_commas_spaces_and_names_with_commas() -> None:
    # given criterion names, one containing a comma, and keys in several spellings
    criteria = ["客户价值", "过程效能", "能力, 发展"]
    document = {
        "criteria": criteria,
        "judgements": {
            "客户价值，过程效能": 2,
            "客户价值 , 能力, 发展": 4,
            "过程效能,能力, 发展": 2,
        },
    }
    # when read
    matrix = ahp_request_from_document(document).matrix
    # then every pair is understood
    assert matrix is not None
    assert matrix.judgement("客户价值", "能力, 发展") == 4


def test_group_document_accepts_each_judge_in_either_form() -> None:
    # given one judge as a matrix and one as pairs, aggregated by AIP
    document = {
        "criteria": CRITERIA,
        "judges": {"张三": [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]], "李四": JUDGEMENTS},
        "aggregation": "aip",
    }
    # when read
    request = ahp_request_from_document(document)
    # then both judges are there and AIP is chosen
    assert list(request.judges) == ["张三", "李四"]
    assert request.aggregation is Aggregation.AIP


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([1, 2], ['expected a JSON object with "criteria"']),
        (
            {"criteria": CRITERIA, "judgement": JUDGEMENTS},
            [
                "judgement: unknown key; expected one of criteria, matrix, judgements, judges, aggregation",
                'give exactly one of "matrix", "judgements" or "judges", got 0',
            ],
        ),
        (
            {"matrix": [[1]]},
            ["criteria: missing: list the names of the criteria compared"],
        ),
        (
            {"criteria": CRITERIA, "judgements": JUDGEMENTS, "aggregation": "aij"},
            ['aggregation: only applies to a group given as "judges"'],
        ),
        (
            {"criteria": CRITERIA, "judgements": {**JUDGEMENTS, "客户价值,过程效能": "two"}},
            [
                'judgements["客户价值,过程效能"]: expected a number such as 3, 0.5 or "1/3", got \'two\''
            ],
        ),
        (
            {"criteria": CRITERIA, "judgements": {"客户价值,过程效能": 2, "客户价值,能力发展": 4}},
            ['judgements: missing pair "过程效能,能力发展"'],
        ),
        (
            {"criteria": CRITERIA, "judgements": {**JUDGEMENTS, "客户价值,协作行为": 3}},
            ['judgements["客户价值,协作行为"]: unknown criterion "协作行为"'],
        ),
        (
            {"criteria": CRITERIA, "judgements": {**JUDGEMENTS, "客户价值": 3}},
            [
                'judgements["客户价值"]: pair "客户价值" expected two criterion names joined by a comma, such as "A,B"'
            ],
        ),
        (
            {"criteria": CRITERIA, "matrix": [[1, 2, 4], [0.5, 1, True], [0.25, 0.5, 1]]},
            ['matrix[1][2]: expected a number such as 3, 0.5 or "1/3", got True'],
        ),
        (
            {
                "criteria": CRITERIA,
                "judges": {"张三": JUDGEMENTS, "李四": 5},
                "aggregation": "mean",
            },
            [
                'aggregation: expected "aij" or "aip", got \'mean\'',
                'judges["李四"]: expected an object of pairs such as {"A,B": 3}',
            ],
        ),
    ],
)
def test_each_problem_in_a_document_is_located(document: Any, expected: list[str]) -> None:
    # given a document with a mistake / when read / then the mistake is named where it is
    assert problems_of(document) == expected


def test_problems_of_several_judges_are_reported_together() -> None:
    # given two judges with a problem each
    document = {
        "criteria": CRITERIA,
        "judges": {
            "张三": {"客户价值,过程效能": 2, "客户价值,能力发展": 4},
            "李四": [[1, 12, 4], ["1/12", 1, 2], ["1/4", "1/2", 1]],
        },
    }
    # when read / then both are named under their judge
    assert problems_of(document) == [
        'judges["张三"]: missing pair "过程效能,能力发展"',
        'judges["李四"][0][1]: judgement of 客户价值 over 过程效能 is 12, outside Saaty\'s scale 1/9 to 9',
        'judges["李四"][1][0]: judgement of 过程效能 over 客户价值 is 1/12, outside Saaty\'s scale 1/9 to 9',
    ]


def test_output_has_exactly_the_contract_keys_for_a_consistent_matrix() -> None:
    # given a consistent matrix
    request = ahp_request_from_document({"criteria": CRITERIA, "judgements": JUDGEMENTS})
    # when reported
    document = report_document(ahp_report(request))
    # then the keys are those of product.md §6 and weights are keyed by criterion
    assert list(document) == ["weights", "lambda_max", "ci", "cr", "consistent"]
    assert document["weights"] == pytest.approx(
        {"客户价值": 4 / 7, "过程效能": 2 / 7, "能力发展": 1 / 7}
    )
    assert document["consistent"] is True


def test_group_output_lists_each_judge_and_suggestions_for_inconsistent_judges() -> None:
    # given a consistent judge and an inconsistent one
    document = {
        "criteria": CRITERIA,
        "judges": {"张三": JUDGEMENTS, "李四": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]},
    }
    # when reported with the geometric method
    output = report_document(
        ahp_report(ahp_request_from_document(document), PriorityMethod.GEOMETRIC)
    )
    # then each judge has exactly weights and CR, and suggestions name the judge to ask
    judges = output["judges"]
    assert isinstance(judges, dict)
    assert {name: list(entry) for name, entry in judges.items()} == {
        "张三": ["weights", "cr"],
        "李四": ["weights", "cr"],
    }
    suggestions = output["suggestions"]
    assert isinstance(suggestions, list)
    assert suggestions
    assert {suggestion["judge"] for suggestion in suggestions} == {"李四"}
    assert list(suggestions[0]) == [
        "judge",
        "pair",
        "current",
        "consistent_value",
        "suggested",
        "cr_after",
    ]
