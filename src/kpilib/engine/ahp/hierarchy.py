"""Hierarchy synthesis: global weights down goal → dimensions → indicators, and plan points.

Formulas (Saaty 1980, ch. 2, distributive synthesis):
- the global weight of a node is the product of the local weights along its path from the
  goal, summed over paths when a node sits under several parents (alternatives rated on
  every criterion); in a plan each indicator has one dimension, hence one path;
- a plan's points are the global weights scaled to the plan total (100) and rounded to the
  plan's precision by the largest-remainder (Hamilton) method, so they sum exactly to the
  total and each is within one unit of its exact share.
Excluded: cycles and nodes not under the goal (rejected with the path that names them).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted

LOCAL_WEIGHT_TOLERANCE = 1e-6
# Quotas are rounded to this many places before flooring, so 0.35 × 100 = 34.999999999999996
# counts as 35 whole points rather than 34 plus a remainder.
QUOTA_PLACES = 9


@dataclass(frozen=True, slots=True)
class PathShare:
    """One path from the goal to a node: the nodes passed and their local weights."""

    nodes: tuple[str, ...]
    local_weights: tuple[float, ...]

    @property
    def weight(self) -> float:
        return math.prod(self.local_weights)

    @property
    def explanation(self) -> str:
        steps = " × ".join(
            f"{node} {weight:.3f}"
            for node, weight in zip(self.nodes, self.local_weights, strict=True)
        )
        return f"{steps} = {self.weight:.3f}"


@dataclass(frozen=True, slots=True)
class GlobalWeight:
    """A leaf's share of the goal, with the paths it comes through."""

    node: str
    weight: float
    paths: tuple[PathShare, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(path.explanation for path in self.paths)


def global_weights(
    goal: str, local_weights: Mapping[str, Mapping[str, float]]
) -> tuple[GlobalWeight, ...]:
    """Global weights of the leaves under `goal`, in tree order, summing to 1.

    `local_weights` maps each parent to its children's local weights (each summing to 1),
    e.g. `{"goal": {"customer_value": 0.6, ...}, "customer_value": {"tech_resolution": 0.7,
    ...}}`; nodes that are no one's parent are leaves.
    """
    problems = _local_weight_problems(goal, local_weights)
    if problems:
        raise AhpInputError(problems)
    paths: dict[str, list[PathShare]] = {}
    for path in _paths_to_leaves(goal, local_weights, PathShare((), ())):
        paths.setdefault(path.nodes[-1], []).append(path)
    return tuple(
        GlobalWeight(leaf, math.fsum(path.weight for path in shares), tuple(shares))
        for leaf, shares in paths.items()
    )


def weights_to_points(
    weights: Mapping[str, float], *, total: int = 100, decimals: int = 0
) -> dict[str, Decimal]:
    """Points per item summing exactly to `total`, to `decimals` places (largest remainder).

    Weights are taken as shares of their sum. Ties in remainder go to the larger weight,
    then to the earlier item, so the result is deterministic.
    """
    problems = _points_problems(weights, total, decimals)
    if problems:
        raise AhpInputError(problems)
    units_total = total * 10**decimals
    weight_sum = math.fsum(weights.values())
    quotas = {
        name: round(weight / weight_sum * units_total, QUOTA_PLACES)
        for name, weight in weights.items()
    }
    units = {name: math.floor(quota) for name, quota in quotas.items()}
    position = {name: index for index, name in enumerate(weights)}
    order = sorted(
        weights,
        key=lambda name: (-(quotas[name] - units[name]), -weights[name], position[name]),
    )
    for name in order[: units_total - sum(units.values())]:
        units[name] += 1
    return {name: Decimal(units[name]).scaleb(-decimals) for name in weights}


def _paths_to_leaves(
    node: str,
    local_weights: Mapping[str, Mapping[str, float]],
    path: PathShare,
) -> list[PathShare]:
    children = local_weights.get(node)
    if not children:
        return [path]
    return [
        share
        for child, weight in children.items()
        for share in _paths_to_leaves(
            child,
            local_weights,
            PathShare((*path.nodes, child), (*path.local_weights, weight)),
        )
    ]


def _local_weight_problems(
    goal: str, local_weights: Mapping[str, Mapping[str, float]]
) -> list[AhpProblem]:
    if goal not in local_weights:
        return [AhpProblem(f"hierarchy[{quoted(goal)}]", "the goal has no local weights")]
    problems: list[AhpProblem] = []
    for parent, children in local_weights.items():
        path = f"hierarchy[{quoted(parent)}]"
        if any(not math.isfinite(weight) or weight < 0 for weight in children.values()):
            problems.append(AhpProblem(path, "local weights must be finite and not negative"))
        elif not math.isclose(math.fsum(children.values()), 1.0, abs_tol=LOCAL_WEIGHT_TOLERANCE):
            problems.append(
                AhpProblem(path, f"local weights sum to {math.fsum(children.values()):.6g}, not 1")
            )
    problems += _structure_problems(goal, local_weights)
    return problems


def _structure_problems(
    goal: str, local_weights: Mapping[str, Mapping[str, float]]
) -> list[AhpProblem]:
    """Cycles and parents that cannot be reached from the goal."""
    problems: list[AhpProblem] = []
    reached: set[str] = set()

    def visit(lineage: tuple[str, ...]) -> None:
        node = lineage[-1]
        reached.add(node)
        for child in local_weights.get(node, {}):
            if child in lineage:
                cycle = " → ".join([*lineage[lineage.index(child) :], child])
                problems.append(AhpProblem(f"hierarchy[{quoted(node)}]", f"cycle {cycle}"))
            else:
                visit((*lineage, child))

    visit((goal,))
    problems += [
        AhpProblem(f"hierarchy[{quoted(parent)}]", f"not under the goal {quoted(goal)}")
        for parent in local_weights
        if parent not in reached
    ]
    return problems


def _points_problems(weights: Mapping[str, float], total: int, decimals: int) -> list[AhpProblem]:
    problems = [
        AhpProblem(f"weights[{quoted(name)}]", f"must be finite and not negative, got {weight}")
        for name, weight in weights.items()
        if not math.isfinite(weight) or weight < 0
    ]
    if not problems and math.fsum(weights.values()) <= 0:
        problems.append(AhpProblem("weights", "at least one weight must be positive"))
    if total <= 0:
        problems.append(AhpProblem("total", f"must be positive, got {total}"))
    if not 0 <= decimals <= 6:
        problems.append(AhpProblem("decimals", f"must be between 0 and 6, got {decimals}"))
    return problems
