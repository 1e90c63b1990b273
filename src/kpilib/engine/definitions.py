"""Typed definitions of a library pack: dimensions, indicators, measures, rules and plans.

These are the data of product.md §7, validated on load (pydantic, frozen). A pack holds
strategic themes and objectives, dimensions, indicators and appraisal plans; an indicator
says what is measured (`measure`, plus named `inputs` its rule also reads), how the
measured value becomes points (`rule`) and what to do when there is no data (`missing`).
Rule points are written on the indicator's `default_weight` scale; a plan that weighs the
indicator differently scales them by weight / default_weight. A plan may replace an
indicator's rule (`rule_overrides`), so rules stay data.

Field-level checks live on the models; checks across the pack (references, points within
the indicator's maximum, weights summing to 100) are in `pack_problems`, which reports
each problem with its path in the file. Evaluation lives in measures.py and rules.py.
Excludes: YAML reading and writing (packs.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kpilib.engine.errors import UnknownCode
from kpilib.engine.formulas import parse_formula

LANGUAGES = ("zh-Hans", "en")
PLAN_TOTAL = 100.0
WEIGHT_TOLERANCE = 1e-6
PRIMARY_INPUT = "value"
# Divisors below this are float noise, not a scale (and some CPUs flush them to 0).
SMALLEST_STEP = 1e-9

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
PlanCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]


def _as_tuple(value: Any) -> Any:
    """Let a single value stand for a list of one (`metric: complaint`)."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)


Metrics = Annotated[
    tuple[Annotated[str, Field(min_length=1)], ...], BeforeValidator(_as_tuple), Field(min_length=1)
]
Values = Annotated[tuple[float | str, ...], BeforeValidator(_as_tuple), Field(min_length=1)]


class Definition(BaseModel):
    """Base of every definition: immutable, unknown fields refused, aliases as in the YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Definition):
    """A text in every supported language."""

    zh_hans: str = Field(
        validation_alias=AliasChoices("zh-Hans", "zh_hans"),
        serialization_alias="zh-Hans",
        min_length=1,
    )
    en: str = Field(min_length=1)

    def text(self, language: str) -> str:
        return self.zh_hans if language == "zh-Hans" else self.en


class Noun(LocalText):
    """What a measure counts or shows, for explanations (`次投诉` / `complaints`).

    `en-one` is the English singular, used when the count is 1.
    """

    en_one: str | None = Field(
        default=None,
        validation_alias=AliasChoices("en-one", "en_one"),
        serialization_alias="en-one",
    )


class Flag(LocalText):
    """A data-quality flag raised on a scorecard line, e.g. `no_survey_responses`."""

    code: Code


# --- measures -----------------------------------------------------------------------


class NoFacts(StrEnum):
    """What a measure's value is when no fact matches it in its period."""

    ZERO = "zero"
    MISSING = "missing"


class FactMeasure(Definition):
    """A measure read straight from the facts of one or more metrics.

    `where` keeps facts whose column equals one of the listed values (`value` compares as a
    number, every other column as text); `window_months` replaces the appraisal period with
    the trailing months ending with it.
    """

    metric: Metrics
    where: dict[str, Values] = Field(default_factory=dict)
    window_months: int | None = Field(default=None, ge=1, le=120)
    label: Noun | None = None

    @field_validator("where")
    @classmethod
    def _value_compares_numbers(
        cls, where: dict[str, tuple[float | str, ...]]
    ) -> dict[str, tuple[float | str, ...]]:
        if any(isinstance(item, str) for item in where.get("value", ())):
            raise ValueError("where.value lists numbers (value is numeric)")
        return where


class Count(FactMeasure):
    """Number of matching facts."""

    kind: Literal["count"]
    when_no_facts: NoFacts = NoFacts.ZERO


class DistinctCount(FactMeasure):
    """Number of different non-empty values of `of` (customer_id, project_id or an attribute)."""

    kind: Literal["distinct_count"]
    of: Annotated[str, Field(min_length=1)] = "customer_id"
    when_no_facts: NoFacts = NoFacts.ZERO


class Sum(FactMeasure):
    """Sum of `value`."""

    kind: Literal["sum"]
    when_no_facts: NoFacts = NoFacts.ZERO


class Mean(FactMeasure):
    """Mean of `value`."""

    kind: Literal["mean"]
    when_no_facts: NoFacts = NoFacts.MISSING


class Minimum(FactMeasure):
    """Smallest `value`."""

    kind: Literal["min"]
    when_no_facts: NoFacts = NoFacts.MISSING


class Maximum(FactMeasure):
    """Largest `value`."""

    kind: Literal["max"]
    when_no_facts: NoFacts = NoFacts.MISSING


class Latest(FactMeasure):
    """`value` of the most recent fact (the last one in the file among the same day's)."""

    kind: Literal["latest"]
    when_no_facts: NoFacts = NoFacts.MISSING


class Attributed(FactMeasure):
    """Outcome facts of a customer (`metric`: upsell, repurchase, …) credited to the members
    of the won deal before them whose role is in `roles`, by split, when they fall within
    `after_months` after its close, optionally with linear decay (formulas in
    attribution.py). `aggregate`: `sum` of credited amounts, `count` of credited orders,
    or `customers` credited. The team comes from `credit_metric` facts."""

    kind: Literal["attributed"]
    credit_metric: Annotated[str, Field(min_length=1)] = "deal_credit"
    roles: Metrics = ("presales", "solution_architect")
    after_months: int = Field(default=12, ge=1, le=60)
    decay: Literal["none", "linear"] = "none"
    aggregate: Literal["sum", "count", "customers"] = "sum"
    when_no_facts: NoFacts = NoFacts.ZERO


class Ratio(Definition):
    """numerator / denominator, at most `cap`; missing when the denominator is 0 or missing."""

    kind: Literal["ratio"]
    numerator: Measure
    denominator: Measure
    cap: float | None = Field(default=None, gt=0)
    label: Noun | None = None


class Derived(Definition):
    """A safe formula over named measures, e.g. `done / due * 100` (see formulas.py)."""

    kind: Literal["formula"]
    inputs: dict[Code, Measure] = Field(min_length=1)
    expression: str
    label: Noun | None = None

    @field_validator("expression")
    @classmethod
    def _parses(cls, expression: str, info: ValidationInfo) -> str:
        # When the inputs themselves are invalid, their names cannot be checked yet.
        inputs = info.data.get("inputs")
        parse_formula(expression, known_names=None if inputs is None else inputs.keys())
        return expression


type Measure = Annotated[
    Count | DistinctCount | Sum | Mean | Minimum | Maximum | Latest | Attributed | Ratio | Derived,
    Field(discriminator="kind"),
]
type LeafMeasure = Count | DistinctCount | Sum | Mean | Minimum | Maximum | Latest | Attributed

# --- rules --------------------------------------------------------------------------


class Bounds(Definition):
    """An interval with explicit bounds: `gt`/`gte` below, `lt`/`lte` above, each optional."""

    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Bounds:
        if self.gt is not None and self.gte is not None:
            raise ValueError("give at most one of gt and gte")
        if self.lt is not None and self.lte is not None:
            raise ValueError("give at most one of lt and lte")
        low, high = self.lower, self.upper
        if low is not None and high is not None:
            exclusive = self.gt is not None or self.lt is not None
            if low > high or (exclusive and low == high):
                raise ValueError("the interval is empty: its lower bound is above its upper bound")
        return self

    @property
    def lower(self) -> float | None:
        return self.gt if self.gt is not None else self.gte

    @property
    def upper(self) -> float | None:
        return self.lt if self.lt is not None else self.lte

    def overlaps(self, other: Bounds) -> bool:
        """Whether some number lies in both intervals."""
        return self._below(other) and other._below(self)

    def _below(self, other: Bounds) -> bool:
        """Whether this interval reaches low enough to meet `other`'s lower bound."""
        if self.upper is None or other.lower is None:
            return True
        if self.upper != other.lower:
            return self.upper > other.lower
        return self.lte is not None and other.gte is not None


class Tier(Bounds):
    """A band of measured values and the points it earns."""

    points: float = Field(ge=0)


class Tiers(Definition):
    """Points by band; bands must not overlap, and a value in no band earns 0."""

    kind: Literal["tiers"]
    input: Code = PRIMARY_INPUT
    tiers: list[Tier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _disjoint(cls, tiers: list[Tier]) -> list[Tier]:
        for later, tier in enumerate(tiers):
            for earlier in range(later):
                if tier.overlaps(tiers[earlier]):
                    raise ValueError(f"tiers[{earlier}] and tiers[{later}] overlap")
        return tiers


class Linear(Definition):
    """0 points at `zero_at`, full points at `full_at`, straight line between, clipped.

    Lower-better when full_at < zero_at.
    """

    kind: Literal["linear"]
    input: Code = PRIMARY_INPUT
    zero_at: float
    full_at: float

    @model_validator(mode="after")
    def _distinct_ends(self) -> Linear:
        if abs(self.full_at - self.zero_at) < SMALLEST_STEP:
            raise ValueError(f"zero_at and full_at must differ (by {SMALLEST_STEP:g} at least)")
        return self


class EventPoints(Definition):
    """Points per event counted by the input measure (negative for a deduction)."""

    input: Code
    points: float
    label: Noun | None = None


class Events(Definition):
    """base + Σ events × points each, kept within [floor, cap] (cap defaults to the maximum)."""

    kind: Literal["events"]
    base: float = Field(ge=0)
    events: list[EventPoints] = Field(min_length=1)
    floor: float = Field(default=0, ge=0)
    cap: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _floor_below_cap(self) -> Events:
        if self.cap is not None and self.floor > self.cap:
            raise ValueError("floor must not be above cap")
        return self


class Gate(Definition):
    """A pass line: `points` when the input is at least (`gte`) or above (`gt`) the line."""

    input: Code = PRIMARY_INPUT
    gt: float | None = None
    gte: float | None = None
    points: float = Field(ge=0)

    @model_validator(mode="after")
    def _one_line(self) -> Gate:
        if (self.gt is None) == (self.gte is None):
            raise ValueError("give exactly one of gt and gte")
        return self


class GateBonus(Definition):
    """Gate points (or 0) plus per-event bonuses, at most `cap` (defaults to the maximum)."""

    kind: Literal["gate_bonus"]
    gate: Gate
    bonus: list[EventPoints] = Field(default_factory=list)
    cap: float | None = Field(default=None, ge=0)

    @field_validator("bonus")
    @classmethod
    def _bonuses_add(cls, bonus: list[EventPoints]) -> list[EventPoints]:
        if any(event.points < 0 for event in bonus):
            raise ValueError("bonus points must be ≥ 0 (use an events rule for deductions)")
        return bonus


class Target(Definition):
    """Attainment of a target: actual / target (target / actual when lower is better), at most 1."""

    kind: Literal["target"]
    input: Code = PRIMARY_INPUT
    target: float = Field(ge=SMALLEST_STEP)


class RubricLevel(Definition):
    """One level of a manager's rubric: the rated value, its name and its points."""

    value: float
    label: LocalText
    points: float = Field(ge=0)


class Rubric(Definition):
    """Points by the rubric level rated (a value matching no level earns 0)."""

    kind: Literal["rubric"]
    input: Code = PRIMARY_INPUT
    levels: list[RubricLevel] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, levels: list[RubricLevel]) -> list[RubricLevel]:
        values = [level.value for level in levels]
        if len(set(values)) != len(values):
            raise ValueError("two levels have the same value")
        return levels


class Combine(StrEnum):
    """How a composite rule joins its parts' points."""

    SUM = "sum"
    MIN = "min"
    MAX = "max"


class Composite(Definition):
    """Parts' points combined (sum, min or max), kept within [0, cap]."""

    kind: Literal["composite"]
    parts: list[Rule] = Field(min_length=1)
    combine: Combine = Combine.SUM
    cap: float | None = Field(default=None, ge=0)


type Rule = Annotated[
    Tiers | Linear | Events | GateBonus | Target | Rubric | Composite, Field(discriminator="kind")
]

# --- indicators, dimensions, objectives, plans ----------------------------------------


class MissingPolicy(StrEnum):
    """What an indicator scores when its measured value is missing."""

    NOT_SCORED = "not_scored"  # status missing; the total is renormalised without it
    FULL_MARKS = "full_marks"
    ZERO = "zero"
    RULE = "rule"  # the rule runs; the part reading the missing value earns 0


class MissingData(Definition):
    """An indicator's missing-data policy and the flag it raises."""

    policy: MissingPolicy
    flag: Flag


DEFAULT_MISSING = MissingData(
    policy=MissingPolicy.NOT_SCORED,
    flag=Flag(code="no_data", zh_hans="本期无数据", en="no data in the period"),
)


class Layer(StrEnum):
    """The result–capability–behaviour model of §2.3."""

    RESULT = "result"
    CAPABILITY = "capability"
    BEHAVIOUR = "behaviour"


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class Timing(StrEnum):
    """Whether an indicator predicts results (leading) or records them (lagging)."""

    LEADING = "leading"
    LAGGING = "lagging"


class Cycle(StrEnum):
    """The natural appraisal cycle of an indicator (its time-bound, the T of SMART)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Theme(Definition):
    """A strategic theme, e.g. market-share expansion (战略主题)."""

    code: Code
    name: LocalText
    description: LocalText | None = None


class Objective(Definition):
    """A strategic objective indicators serve; optionally under a theme."""

    code: Code
    name: LocalText
    theme: Code | None = None
    description: LocalText | None = None


class Dimension(Definition):
    """A group of indicators (客户价值, 过程效能, …) on one layer of the model."""

    code: Code
    name: LocalText
    layer: Layer
    description: LocalText | None = None


class Sharing(Definition):
    """An indicator shared across positions (presales, delivery, customer success).

    Its value is computed once, over the facts of every employee (not per person), and
    the same value reaches the scorecard of everyone whose plan weighs it, at that plan's
    weight. `owner` answers for it, `co_owners` share it, `updater` keeps its data
    current; each is a position code.
    """

    owner: Code
    co_owners: list[Code] = Field(default_factory=list)
    updater: Code

    def positions(self) -> list[str]:
        """Owner first, then co-owners and the updater, each once."""
        return list(dict.fromkeys([self.owner, *self.co_owners, self.updater]))


class Indicator(Definition):
    """One indicator: what it measures, how it scores, and its SMART metadata.

    `counters` names the metrics (product.md §5) whose rise this indicator is meant to
    counter: the quarterly review suggests it when such a metric rises abnormally
    (`error_proofing_coverage` counters `complaint`).
    """

    code: Code
    name: LocalText
    definition: LocalText
    dimension: Code
    unit: LocalText
    period: Cycle = Cycle.QUARTER
    direction: Direction
    data_source: Code
    leading_or_lagging: Timing
    tags: list[str] = Field(default_factory=list)
    objectives: list[Code] = Field(default_factory=list)
    counters: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    default_weight: float = Field(gt=0, le=PLAN_TOTAL)
    measure: Measure
    inputs: dict[Code, Measure] = Field(default_factory=dict)
    rule: Rule
    missing: MissingData = DEFAULT_MISSING
    shared: Sharing | None = None

    @field_validator("inputs")
    @classmethod
    def _value_is_reserved(cls, inputs: dict[str, Measure]) -> dict[str, Measure]:
        if PRIMARY_INPUT in inputs:
            raise ValueError(
                f"{PRIMARY_INPUT!r} names the indicator's measure; choose another name"
            )
        return inputs

    def measures(self) -> dict[str, Measure]:
        """Every measure the rule may read, by input name (`value` is the measure itself)."""
        return {PRIMARY_INPUT: self.measure, **self.inputs}


class GradeBand(Definition):
    """A grade and the lowest total that earns it; the last band has no threshold."""

    grade: Annotated[str, Field(min_length=1, max_length=16)]
    gte: float | None = None
    name: LocalText | None = None


DEFAULT_GRADE_BANDS = (
    GradeBand(grade="S", gte=90),
    GradeBand(grade="A", gte=80),
    GradeBand(grade="B", gte=70),
    GradeBand(grade="C", gte=60),
    GradeBand(grade="D"),
)


class Plan(Definition):
    """An appraisal plan for a position: indicators with weights (points, total 100)."""

    code: PlanCode
    name: LocalText
    position: Code
    mode: Literal["kpi", "pbc", "mbo", "okr"] = "kpi"
    description: LocalText | None = None
    weights: dict[Code, float] = Field(min_length=1)
    grade_bands: list[GradeBand] = Field(
        default_factory=lambda: list(DEFAULT_GRADE_BANDS), min_length=1
    )
    precision: int = Field(default=2, ge=0, le=6)
    rule_overrides: dict[Code, Rule] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _weights_total(cls, weights: dict[str, float]) -> dict[str, float]:
        if any(weight < 0 for weight in weights.values()):
            raise ValueError("every weight must be ≥ 0 (leave an indicator out instead)")
        total = sum(weights.values())
        if abs(total - PLAN_TOTAL) > WEIGHT_TOLERANCE:
            raise ValueError(f"weights must add up to {PLAN_TOTAL:g}, not {total:g}")
        return weights

    @field_validator("grade_bands")
    @classmethod
    def _bands_descend(cls, bands: list[GradeBand]) -> list[GradeBand]:
        *upper, lowest = bands
        if lowest.gte is not None:
            raise ValueError("the last grade band must have no gte: it takes every lower total")
        thresholds = [band.gte for band in upper]
        if any(threshold is None for threshold in thresholds):
            raise ValueError("only the last grade band may leave out gte")
        if any(a <= b for a, b in pairwise(thresholds)):  # type: ignore[operator]
            raise ValueError("grade bands must be listed from the highest gte down")
        return bands

    def advisory(self, code: str) -> bool:
        """Whether the indicator is shown but not counted (weight 0; leading only)."""
        return self.weights[code] == 0

    def rule_for(self, indicator: Indicator) -> Rule:
        return self.rule_overrides.get(indicator.code, indicator.rule)


class PackInfo(Definition):
    """Who a pack is and which version."""

    code: Code
    version: Annotated[str, Field(min_length=1)]
    name: LocalText
    description: LocalText | None = None


class Pack(Definition):
    """A library pack: themes, objectives, dimensions, indicators and plans (§7)."""

    pack: PackInfo
    themes: list[Theme] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    plans: list[Plan] = Field(default_factory=list)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise UnknownCode("indicator", code)

    def plan(self, code: str) -> Plan:
        for plan in self.plans:
            if plan.code == code:
                return plan
        raise UnknownCode("plan", code)


# --- checks across the pack -----------------------------------------------------------

type Path = tuple[str | int, ...]


def pack_problems(pack: Pack) -> list[tuple[Path, str]]:
    """Problems no single field can see: references, uniqueness, points within the maximum."""
    return [*_duplicates(pack), *_references(pack), *_rule_limits(pack), *_advisory(pack)]


def _advisory(pack: Pack) -> Iterator[tuple[Path, str]]:
    """Weight 0 (shown, not counted) is for leading indicators, such as predictions."""
    timing = {indicator.code: indicator.leading_or_lagging for indicator in pack.indicators}
    for index, plan in enumerate(pack.plans):
        for code, weight in plan.weights.items():
            if weight == 0 and timing.get(code) is Timing.LAGGING:
                yield (
                    ("plans", index, "weights", code),
                    "weight 0 (advisory) is only for leading indicators; "
                    "give it points or leave it out",
                )


def _duplicates(pack: Pack) -> Iterator[tuple[Path, str]]:
    sections: dict[str, list[Any]] = {
        "themes": pack.themes,
        "objectives": pack.objectives,
        "dimensions": pack.dimensions,
        "indicators": pack.indicators,
        "plans": pack.plans,
    }
    for section, items in sections.items():
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.code in seen:
                yield (section, index, "code"), f"{item.code!r} is used twice"
            seen.add(item.code)


def _references(pack: Pack) -> Iterator[tuple[Path, str]]:
    themes = {theme.code for theme in pack.themes}
    objectives = {objective.code for objective in pack.objectives}
    dimensions = {dimension.code for dimension in pack.dimensions}
    indicators = {indicator.code for indicator in pack.indicators}
    for index, objective in enumerate(pack.objectives):
        if objective.theme is not None and objective.theme not in themes:
            yield ("objectives", index, "theme"), f"no theme {objective.theme!r} in this pack"
    for index, indicator in enumerate(pack.indicators):
        if indicator.dimension not in dimensions:
            yield (
                ("indicators", index, "dimension"),
                f"no dimension {indicator.dimension!r} in this pack",
            )
        for position, code in enumerate(indicator.objectives):
            if code not in objectives:
                yield (
                    ("indicators", index, "objectives", position),
                    f"no objective {code!r} in this pack",
                )
    for index, plan in enumerate(pack.plans):
        for code in [*plan.weights, *plan.rule_overrides]:
            if code not in indicators:
                section = "weights" if code in plan.weights else "rule_overrides"
                yield ("plans", index, section, code), f"no indicator {code!r} in this pack"


def _rule_limits(pack: Pack) -> Iterator[tuple[Path, str]]:
    by_code = {indicator.code: indicator for indicator in pack.indicators}
    for index, indicator in enumerate(pack.indicators):
        yield from _rule_problems(indicator.rule, indicator, ("indicators", index, "rule"))
    for index, plan in enumerate(pack.plans):
        for code, rule in plan.rule_overrides.items():
            if code in by_code:
                yield from _rule_problems(
                    rule, by_code[code], ("plans", index, "rule_overrides", code)
                )


def _rule_problems(rule: Rule, indicator: Indicator, path: Path) -> Iterator[tuple[Path, str]]:
    """Inputs that do not exist, points above the indicator's maximum, a wrong direction."""
    maximum = indicator.default_weight
    inputs = indicator.measures()

    def input_missing(name: str, at: Path) -> Iterator[tuple[Path, str]]:
        if name not in inputs:
            known = ", ".join(inputs)
            yield at, f"no input {name!r} in this indicator (known: {known})"

    def above_maximum(points: float | None, at: Path) -> Iterator[tuple[Path, str]]:
        if points is not None and points > maximum:
            yield at, f"must be ≤ {maximum:g}, the indicator's default_weight"

    match rule:
        case Tiers():
            yield from input_missing(rule.input, (*path, "input"))
            for position, tier in enumerate(rule.tiers):
                yield from above_maximum(tier.points, (*path, "tiers", position, "points"))
        case Linear():
            yield from input_missing(rule.input, (*path, "input"))
            lower_better = rule.full_at < rule.zero_at
            if lower_better != (indicator.direction is Direction.LOWER_BETTER):
                reason = f"full_at and zero_at run against the indicator's direction {indicator.direction}"
                yield (*path, "full_at"), reason
        case Events():
            for position, event in enumerate(rule.events):
                yield from input_missing(event.input, (*path, "events", position, "input"))
            yield from above_maximum(rule.cap, (*path, "cap"))
            yield from above_maximum(rule.floor, (*path, "floor"))
        case GateBonus():
            yield from input_missing(rule.gate.input, (*path, "gate", "input"))
            yield from above_maximum(rule.gate.points, (*path, "gate", "points"))
            for position, event in enumerate(rule.bonus):
                yield from input_missing(event.input, (*path, "bonus", position, "input"))
            yield from above_maximum(rule.cap, (*path, "cap"))
        case Target() | Rubric():
            yield from input_missing(rule.input, (*path, "input"))
            if isinstance(rule, Rubric):
                for position, level in enumerate(rule.levels):
                    yield from above_maximum(level.points, (*path, "levels", position, "points"))
        case Composite():
            yield from above_maximum(rule.cap, (*path, "cap"))
            for position, part in enumerate(rule.parts):
                yield from _rule_problems(part, indicator, (*path, "parts", position))


Ratio.model_rebuild()
Derived.model_rebuild()
Composite.model_rebuild()
Indicator.model_rebuild()
Plan.model_rebuild()
Pack.model_rebuild()
