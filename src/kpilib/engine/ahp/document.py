"""The AHP document of product.md §6: reading its input and writing its JSON output.

Input, one of:
  {"criteria": [names], "matrix": [[...], ...]}           a full reciprocal matrix
  {"criteria": [names], "judgements": {"A,B": 3, ...}}     one judgement per pair
  {"criteria": [names], "judges": {"judge": matrix or judgements, ...},
   "aggregation": "aij" | "aip"}                           a group (default aij)
Judgements are numbers, or strings such as "1/3" since JSON has no fractions. A pair key
is two criterion names joined by a comma ("," or the full-width "，"); names may
themselves contain commas as long as the split is unambiguous.
Output: {"weights": {name: w}, "lambda_max", "ci", "cr", "consistent"}, plus
"judges": {name: {"weights", "cr"}} for a group and "suggestions" when a matrix a person
can revise is inconsistent (the single matrix, or each inconsistent judge's).
Excluded: anything else in the document is an error, so a misspelt key is not ignored.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted
from kpilib.engine.ahp.group import Aggregation, group_priorities
from kpilib.engine.ahp.matrix import (
    PairwiseMatrix,
    pairwise_matrix,
    pairwise_matrix_from_judgements,
)
from kpilib.engine.ahp.priorities import AhpResult, PriorityMethod, ahp_priorities
from kpilib.engine.ahp.revision import JudgementRevision, revision_suggestions

INPUT_FORMS = ("matrix", "judgements", "judges")
DOCUMENT_KEYS = ("criteria", *INPUT_FORMS, "aggregation")
PAIR_SEPARATORS = (",", "，")


@dataclass(frozen=True, slots=True)
class AhpRequest:
    """A validated AHP document: one matrix, or one matrix per judge."""

    criteria: tuple[str, ...]
    matrix: PairwiseMatrix | None = None
    judges: Mapping[str, PairwiseMatrix] = field(default_factory=dict)
    aggregation: Aggregation = Aggregation.AIJ


@dataclass(frozen=True, slots=True)
class AhpReport:
    """Everything `kpilib ahp` shows: the result, each judge's, and suggested revisions."""

    result: AhpResult
    judges: Mapping[str, AhpResult] = field(default_factory=dict)
    revisions: tuple[JudgementRevision, ...] = ()
    judge_revisions: Mapping[str, tuple[JudgementRevision, ...]] = field(default_factory=dict)


def ahp_request_from_document(document: object) -> AhpRequest:
    """Validate a parsed JSON document; raises AhpInputError with every problem found."""
    if not isinstance(document, Mapping):
        raise AhpInputError([AhpProblem("", 'expected a JSON object with "criteria"')])
    problems = _key_problems(document)
    criteria = _criteria(document.get("criteria"), problems)
    if problems or criteria is None:
        raise AhpInputError(problems)
    if "judges" in document:
        return _group_request(criteria, document["judges"], document.get("aggregation", "aij"))
    form = "matrix" if "matrix" in document else "judgements"
    return AhpRequest(criteria, matrix=_matrix(criteria, document[form], form=form, path=form))


def ahp_report(
    request: AhpRequest, method: PriorityMethod = PriorityMethod.EIGENVECTOR
) -> AhpReport:
    """Weights and consistency for a request, with revisions for inconsistent matrices."""
    if request.matrix is not None:
        result = ahp_priorities(request.matrix, method)
        return AhpReport(result, revisions=revision_suggestions(request.matrix, result))
    group = group_priorities(request.judges, request.aggregation, method)
    judge_revisions = {
        name: revision_suggestions(request.judges[name], result)
        for name, result in group.judges.items()
        if not result.consistent
    }
    return AhpReport(group.group, group.judges, judge_revisions=judge_revisions)


def report_document(report: AhpReport) -> dict[str, object]:
    """The §6 JSON output of a report, as plain dicts and floats (unrounded)."""
    document: dict[str, object] = {
        "weights": report.result.weights_by_criterion(),
        "lambda_max": report.result.lambda_max,
        "ci": report.result.ci,
        "cr": report.result.cr,
        "consistent": report.result.consistent,
    }
    if report.judges:
        document["judges"] = {
            name: {"weights": result.weights_by_criterion(), "cr": result.cr}
            for name, result in report.judges.items()
        }
    suggestions = [_suggestion(None, revision) for revision in report.revisions] + [
        _suggestion(judge, revision)
        for judge, revisions in report.judge_revisions.items()
        for revision in revisions
    ]
    if suggestions:
        document["suggestions"] = suggestions
    return document


def _suggestion(judge: str | None, revision: JudgementRevision) -> dict[str, object]:
    judge_field: dict[str, object] = {} if judge is None else {"judge": judge}
    return judge_field | {
        "pair": f"{revision.row},{revision.column}",
        "current": revision.current,
        "consistent_value": revision.consistent_value,
        "suggested": revision.suggested,
        "cr_after": revision.cr_after,
    }


def _key_problems(document: Mapping[object, object]) -> list[AhpProblem]:
    problems = [
        AhpProblem(str(key), f"unknown key; expected one of {', '.join(DOCUMENT_KEYS)}")
        for key in document
        if key not in DOCUMENT_KEYS
    ]
    forms = [form for form in INPUT_FORMS if form in document]
    if len(forms) != 1:
        problems.append(
            AhpProblem(
                "", f'give exactly one of "matrix", "judgements" or "judges", got {len(forms)}'
            )
        )
    if "aggregation" in document and "judges" not in document:
        problems.append(AhpProblem("aggregation", 'only applies to a group given as "judges"'))
    return problems


def _criteria(raw: object, problems: list[AhpProblem]) -> tuple[str, ...] | None:
    if raw is None:
        problems.append(AhpProblem("criteria", "missing: list the names of the criteria compared"))
        return None
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        problems.append(AhpProblem("criteria", "expected a list of criterion names (strings)"))
        return None
    return tuple(raw)


def _group_request(
    criteria: tuple[str, ...], raw_judges: object, raw_aggregation: object
) -> AhpRequest:
    problems: list[AhpProblem] = []
    if raw_aggregation not in tuple(Aggregation):
        problems.append(
            AhpProblem("aggregation", f'expected "aij" or "aip", got {raw_aggregation!r}')
        )
    if not isinstance(raw_judges, Mapping) or not raw_judges:
        raise AhpInputError(
            [
                *problems,
                AhpProblem("judges", "expected an object: judge name → matrix or judgements"),
            ]
        )
    judges: dict[str, PairwiseMatrix] = {}
    for name, raw in raw_judges.items():
        form = "matrix" if isinstance(raw, list) else "judgements"
        try:
            judges[name] = _matrix(criteria, raw, form=form, path=f"judges[{quoted(name)}]")
        except AhpInputError as error:
            problems += error.problems
    if problems:
        raise AhpInputError(problems)
    return AhpRequest(criteria, judges=judges, aggregation=Aggregation(str(raw_aggregation)))


def _matrix(criteria: tuple[str, ...], raw: object, *, form: str, path: str) -> PairwiseMatrix:
    """A matrix from a raw `matrix` (list of rows) or `judgements` (object of pairs)."""
    if form == "matrix":
        return _full_matrix(criteria, raw, path)
    return _judged_matrix(criteria, raw, path)


def _full_matrix(criteria: tuple[str, ...], raw: object, path: str) -> PairwiseMatrix:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise AhpInputError([AhpProblem(path, "expected a list of rows, each a list of numbers")])
    problems: list[AhpProblem] = []
    rows = [
        [
            _judgement_value(value, f"{path}[{row}][{column}]", problems)
            for column, value in enumerate(values)
        ]
        for row, values in enumerate(raw)
    ]
    if problems:
        raise AhpInputError(problems)
    return pairwise_matrix(criteria, rows, path=path)


def _judged_matrix(criteria: tuple[str, ...], raw: object, path: str) -> PairwiseMatrix:
    if not isinstance(raw, Mapping):
        raise AhpInputError([AhpProblem(path, 'expected an object of pairs such as {"A,B": 3}')])
    problems: list[AhpProblem] = []
    judgements: dict[tuple[str, str], float] = {}
    for key, value in raw.items():
        key_path = f"{path}[{quoted(key)}]"
        pair = _pair(key, criteria, key_path, problems)
        number = _judgement_value(value, key_path, problems)
        if pair is not None:
            judgements[pair] = number
    if problems:
        raise AhpInputError(problems)
    return pairwise_matrix_from_judgements(criteria, judgements, path=path)


def _pair(
    key: str, criteria: Sequence[str], path: str, problems: list[AhpProblem]
) -> tuple[str, str] | None:
    splits = [
        (key[:index].strip(), key[index + 1 :].strip())
        for index, character in enumerate(key)
        if character in PAIR_SEPARATORS
    ]
    known = [split for split in splits if split[0] in criteria and split[1] in criteria]
    if len(known) == 1:
        return known[0]
    if len(splits) == 1:
        # Let the matrix builder name the unknown criterion.
        return splits[0]
    reason = (
        "is ambiguous: it splits into known criteria in more than one way"
        if known
        else 'expected two criterion names joined by a comma, such as "A,B"'
    )
    problems.append(AhpProblem(path, f"pair {quoted(key)} {reason}"))
    return None


def _judgement_value(raw: object, path: str, problems: list[AhpProblem]) -> float:
    """A judgement as a float; a problem is recorded (and NaN returned) when it is not one."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, str):
        numerator, _, denominator = raw.partition("/")
        try:
            value = float(numerator) / float(denominator or "1")
        except (ValueError, ZeroDivisionError):
            pass
        else:
            if math.isfinite(value):
                return value
    problems.append(AhpProblem(path, f'expected a number such as 3, 0.5 or "1/3", got {raw!r}'))
    return math.nan
