"""The form builder of an indicator's measure and rule, read from the engine's definitions.

There is no second schema: the fields of each measure and rule kind are the pydantic
models' own (`kpilib.engine.definitions`), walked by their annotations — a float is a
number box, a list of models is a table of rows (tiers, events, rubric levels), a model
is a group of fields (a gate, a label), `metric` is a choice from the metric catalogue,
`where` is a table of column = values filters, a nested measure (ratio parts) is a
measure builder of its own. Field names in the form are dotted paths
(`rule.tiers.1.gte`); `parse_*` turns posted fields back into the definition's dict and
`*_node` turns a definition's dict into fields to show, so the builder and the YAML tab
round-trip the same definition. The engine validates what the builder produces.

Kinds the builder does not lay out (formula and attributed measures, composite rules)
are edited in the YAML tab. Excludes: labels' wording of a kind's own help (template).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Union, get_args, get_origin

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from kpilib import metrics
from kpilib.engine.definitions import Measure, Rule

Data = Any  # a QueryDict or a dict of lists / strings: what the browser posted


def _kinds(union: Any) -> dict[str, type[BaseModel]]:
    members = get_args(get_args(union.__value__)[0])
    return {get_args(cls.model_fields["kind"].annotation)[0]: cls for cls in members}


ALL_MEASURES = _kinds(Measure)
ALL_RULES = _kinds(Rule)
YAML_ONLY = frozenset({"formula", "attributed", "composite"})
MEASURE_KINDS = {kind: cls for kind, cls in ALL_MEASURES.items() if kind not in YAML_ONLY}
RULE_KINDS = {kind: cls for kind, cls in ALL_RULES.items() if kind not in YAML_ONLY}

KIND_NAMES: dict[str, Promise] = {
    "count": _("count of facts"),
    "distinct_count": _("distinct count (e.g. customers)"),
    "sum": _("sum of values"),
    "mean": _("mean of values"),
    "min": _("smallest value"),
    "max": _("largest value"),
    "latest": _("latest value"),
    "ratio": _("ratio (numerator / denominator)"),
    "tiers": _("tiers table"),
    "linear": _("linear band"),
    "events": _("per event"),
    "gate_bonus": _("pass line + bonus"),
    "target": _("attainment of a target"),
    "rubric": _("rubric (manager rating)"),
}
FIELD_LABELS: dict[str, Promise] = {
    "kind": _("Kind"),
    "metric": _("Metrics"),
    "where": _("Filters"),
    "window_months": _("Trailing window (months)"),
    "when_no_facts": _("When there are no facts"),
    "of": _("Count distinct"),
    "numerator": _("Numerator"),
    "denominator": _("Denominator"),
    "cap": _("Cap"),
    "label": _("Words in explanations"),
    "zh_hans": _("Chinese"),
    "en": _("English"),
    "en_one": _("English, one"),
    "input": _("Input"),
    "tiers": _("Tiers"),
    "gt": _("above (>)"),
    "gte": _("from (≥)"),
    "lt": _("below (<)"),
    "lte": _("up to (≤)"),
    "points": _("Points"),
    "zero_at": _("0 points at"),
    "full_at": _("Full marks at"),
    "base": _("Base points"),
    "events": _("Events"),
    "floor": _("Floor"),
    "gate": _("Pass line"),
    "bonus": _("Bonuses"),
    "target": _("Target"),
    "levels": _("Levels"),
    "value": _("Rated value"),
    "column": _("Column"),
    "values": _("Values (comma-separated)"),
}
# Fields holding text in a language (a label's words); every other text field holds a code.
TEXT_LANGUAGES = {"zh_hans": "zh-Hans", "en": "en", "en_one": "en"}
CHOICE_NAMES: dict[str, Promise] = {"zero": _("count as 0"), "missing": _("no value (missing)")}
# Fields shown last, whatever their place in the model.
_LAST = ("label",)


@dataclass
class Node:
    """One field of the builder as the template shows it."""

    name: str
    key: str
    widget: str  # number, integer, text, input, choice, metrics, where, rows, group, measure, rule
    label: str = ""
    value: Any = ""
    required: bool = False
    placeholder: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    rows: list[list[Node]] = field(default_factory=list)
    supported: bool = True
    language: str = ""  # the language of a text typed into it (a label's zh-Hans or en)

    @property
    def dom_id(self) -> str:
        return "b-" + self.name.replace(".", "-")


# --- reading the models -----------------------------------------------------------------


def _fields(cls: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    items = [(key, info) for key, info in cls.model_fields.items() if key != "kind"]
    return sorted(items, key=lambda item: item[0] in _LAST)


def _base(annotation: Any) -> Any:
    """The annotation without `| None`."""
    if get_origin(annotation) in (Union, type(int | None)):
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        return others[0] if len(others) == 1 else annotation
    return annotation


def _widget(key: str, annotation: Any) -> str:
    if annotation is Measure:
        return "measure"
    base = _base(annotation)
    origin = get_origin(base)
    if base is float:
        return "number"
    if base is int:
        return "integer"
    if base is str:
        return "input" if key == "input" else "text"
    if origin is Literal or (inspect.isclass(base) and issubclass(base, StrEnum)):
        return "choice"
    if origin is tuple and key == "metric":
        return "metrics"
    if origin is dict:
        return "where"
    if origin is list and issubclass(get_args(base)[0], BaseModel):
        return "rows"
    if inspect.isclass(base) and issubclass(base, BaseModel):
        return "group"
    raise TypeError(f"no builder widget for {key}: {annotation!r}")  # pragma: no cover


def _model_of(annotation: Any) -> type[BaseModel]:
    base = _base(annotation)
    if get_origin(base) is list:
        base = get_args(base)[0]
    return base  # type: ignore[no-any-return]


def _choices(annotation: Any) -> list[str]:
    base = _base(annotation)
    if get_origin(base) is Literal:
        return [str(arg) for arg in get_args(base)]
    return [member.value for member in base]


def _default(info: FieldInfo) -> str:
    default = info.default
    if default is PydanticUndefined or default is None:
        return ""
    return number_text(default) if isinstance(default, float | int) else str(default)


def number_text(value: Any) -> str:
    """95.0 → `95`, 0.5 → `0.5`; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, float | int):
        return "" if value is None else str(value)
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- definition → fields ----------------------------------------------------------------


def measure_node(
    measure: dict[str, Any] | None, name: str = "measure", language: str = "en"
) -> Node:
    return _union_node(measure, name, MEASURE_KINDS, "count", language)


def rule_node(rule: dict[str, Any] | None, name: str = "rule", language: str = "en") -> Node:
    return _union_node(rule, name, RULE_KINDS, "tiers", language)


def _union_node(
    document: dict[str, Any] | None,
    name: str,
    kinds: dict[str, type[BaseModel]],
    first: str,
    language: str,
) -> Node:
    document = document if isinstance(document, dict) else {}
    kind = str(document.get("kind") or first)
    widget = "measure" if kinds is MEASURE_KINDS else "rule"
    node = Node(
        name=name,
        key=name.rsplit(".", 1)[-1],
        widget=widget,
        value=kind,
        choices=[(code, str(KIND_NAMES.get(code, code))) for code in kinds],
    )
    if kind not in kinds:
        node.supported = False
        node.choices.append((kind, kind))
        return node
    node.children = _model_nodes(kinds[kind], document, name, language)
    return node


def _model_nodes(
    cls: type[BaseModel], document: dict[str, Any], prefix: str, language: str
) -> list[Node]:
    nodes = []
    for key, info in _fields(cls):
        alias = info.serialization_alias or key
        value = document.get(alias, document.get(key))
        nodes.append(_node(key, info, value, f"{prefix}.{key}", language))
    return nodes


def _node(key: str, info: FieldInfo, value: Any, name: str, language: str) -> Node:
    widget = _widget(key, info.annotation)
    node = Node(
        name=name,
        key=key,
        widget=widget,
        label=str(FIELD_LABELS.get(key, key)),
        required=info.is_required(),
        placeholder=_default(info),
    )
    match widget:
        case "number" | "integer" | "text" | "input":
            node.value = number_text(value)
            node.language = TEXT_LANGUAGES.get(key, "")
        case "choice":
            node.value = "" if value is None else str(value)
            node.choices = [
                (code, str(CHOICE_NAMES.get(code, code))) for code in _choices(info.annotation)
            ]
            if node.placeholder:
                node.placeholder = str(CHOICE_NAMES.get(node.placeholder, node.placeholder))
        case "metrics":
            chosen = [value] if isinstance(value, str) else list(value or [])
            node.value = chosen
            node.choices = metric_choices(chosen, language)
        case "where":
            rows = list(value.items()) if isinstance(value, dict) else []
            # One empty row at the end lets a filter be added without a button.
            node.rows = [
                _where_row(name, index, column, values)
                for index, (column, values) in enumerate([*rows, ("", [])])
            ]
        case "rows":
            model = _model_of(info.annotation)
            items = value if isinstance(value, list) else []
            node.rows = [
                _model_nodes(
                    model, item if isinstance(item, dict) else {}, f"{name}.{index}", language
                )
                for index, item in enumerate(items)
            ]
        case "group":
            node.children = _model_nodes(
                _model_of(info.annotation), value if isinstance(value, dict) else {}, name, language
            )
        case "measure":
            measure = measure_node(value, name, language)
            measure.label = node.label
            return measure
    return node


def _where_row(name: str, index: int, column: Any, values: Any) -> list[Node]:
    listed = values if isinstance(values, list | tuple) else [values]
    return [
        Node(f"{name}.{index}.column", "column", "text", str(FIELD_LABELS["column"]), str(column)),
        Node(
            f"{name}.{index}.values",
            "values",
            "text",
            str(FIELD_LABELS["values"]),
            ", ".join(number_text(item) for item in listed),
        ),
    ]


def metric_choices(chosen: list[str], language: str) -> list[tuple[str, str]]:
    """The catalogue's metrics by name, plus any chosen code it does not know (shown as code)."""
    known = [(code, metrics.metric_name(code, language)) for code in metrics.codes()]
    unknown = [(code, code) for code in chosen if not metrics.is_known(code)]
    return known + unknown


# --- posted fields → definition ---------------------------------------------------------


def parse_measure(
    data: Data, name: str = "measure", *, keep_empty_rows: bool = False
) -> dict[str, Any]:
    return _parse_union(data, name, MEASURE_KINDS, keep_empty_rows)


def parse_rule(data: Data, name: str = "rule", *, keep_empty_rows: bool = False) -> dict[str, Any]:
    return _parse_union(data, name, RULE_KINDS, keep_empty_rows)


def _parse_union(
    data: Data, name: str, kinds: dict[str, type[BaseModel]], keep_empty_rows: bool
) -> dict[str, Any]:
    kind = _one(data, f"{name}.kind")
    if kind not in kinds:
        return {"kind": kind} if kind else {}
    return {"kind": kind, **_parse_model(kinds[kind], data, name, keep_empty_rows)}


def _parse_model(
    cls: type[BaseModel], data: Data, prefix: str, keep_empty_rows: bool
) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for key, info in _fields(cls):
        name = f"{prefix}.{key}"
        alias = info.serialization_alias or key
        value = _parse_field(key, info, data, name, keep_empty_rows)
        if value not in (None, "", [], {}):
            parsed[alias] = value
    return parsed


def _parse_field(key: str, info: FieldInfo, data: Data, name: str, keep_empty_rows: bool) -> Any:
    widget = _widget(key, info.annotation)
    match widget:
        case "number":
            return _number(_one(data, name))
        case "integer":
            raw = _one(data, name)
            return int(raw) if re.fullmatch(r"[+-]?\d+", raw) else (raw or None)
        case "text" | "input" | "choice":
            return _one(data, name) or None
        case "metrics":
            chosen = [code.strip() for code in _many(data, name) if code.strip()]
            return chosen[0] if len(chosen) == 1 else (chosen or None)
        case "where":
            filters: dict[str, Any] = {}
            for index in _indices(data, name):
                column = _one(data, f"{name}.{index}.column")
                values = [
                    item.strip()
                    for item in re.split(r"[,，、]", _one(data, f"{name}.{index}.values"))
                ]
                listed = [item for item in values if item]
                if column and listed:
                    numeric = column == "value"
                    filters[column] = [_number(item) if numeric else item for item in listed]
            return filters or None
        case "rows":
            model = _model_of(info.annotation)
            rows = [
                _parse_model(model, data, f"{name}.{index}", keep_empty_rows)
                for index in _indices(data, name)
            ]
            return [row for row in rows if row or keep_empty_rows] or None
        case "group":
            return _parse_model(_model_of(info.annotation), data, name, keep_empty_rows) or None
        case "measure":
            return parse_measure(data, name, keep_empty_rows=keep_empty_rows) or None
    return None  # pragma: no cover


def _number(raw: str) -> float | str | None:
    """A typed number as a float; text that is not one stays text, for the engine to refuse."""
    if not raw:
        return None
    try:
        return float(raw.replace("，", ".").replace(",", "."))
    except ValueError:
        return raw


def _one(data: Data, name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _many(data: Data, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(item) for item in data.getlist(name)]
    value = data.get(name, [])
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def _indices(data: Data, name: str) -> list[int]:
    """Row numbers posted under `name` (`rule.tiers.3.points` → 3), in order."""
    pattern = re.compile(rf"^{re.escape(name)}\.(\d+)\.")
    return sorted({int(match[1]) for key in data for match in [pattern.match(key)] if match})


# --- rows added and removed -------------------------------------------------------------


def apply_action(document: dict[str, Any], action: str) -> None:
    """`add:rule.tiers` appends an empty row, `remove:rule.tiers.2` removes one, in place."""
    verb, _sep, path = action.partition(":")
    parts = path.split(".")[1:]  # without the leading measure / rule
    if verb == "remove" and parts and parts[-1].isdigit():
        parts, index = parts[:-1], int(parts[-1])
    elif verb == "add":
        index = -1
    else:
        return
    holder: Any = document
    for part in parts[:-1]:
        holder = holder[int(part)] if isinstance(holder, list) else holder.setdefault(part, {})
    if not isinstance(holder, dict) or not parts:
        return
    rows = holder.setdefault(parts[-1], [])
    if isinstance(rows, dict):  # filters: a mapping, always shown with one empty row
        if verb == "remove" and 0 <= index < len(rows):
            del rows[list(rows)[index]]
    elif verb == "add":
        rows.append({})
    elif 0 <= index < len(rows):
        del rows[index]


def supported(measure: Any, rule: Any) -> bool:
    """Whether the builder can lay out this measure and rule (else the YAML tab edits them)."""
    return _kinds_known(measure, MEASURE_KINDS) and _kinds_known(rule, RULE_KINDS)


def _kinds_known(document: Any, kinds: dict[str, type[BaseModel]]) -> bool:
    if document in (None, {}):
        return True
    if not isinstance(document, dict) or document.get("kind") not in kinds:
        return False
    if document["kind"] == "ratio":
        return all(
            _kinds_known(document.get(part), MEASURE_KINDS) for part in ("numerator", "denominator")
        )
    return True


__all__ = [
    "MEASURE_KINDS",
    "RULE_KINDS",
    "Node",
    "apply_action",
    "measure_node",
    "parse_measure",
    "parse_rule",
    "rule_node",
    "supported",
]
