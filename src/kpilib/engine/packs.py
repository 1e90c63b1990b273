"""Reading and writing library packs (YAML, product.md §7), and the built-in packs.

`load_pack` / `parse_pack` validate a pack completely and raise `PackError`, an
`InputError` whose problems name the file, the line and the path inside the pack, e.g.
`my.yaml:42: indicators[3].rule.tiers[1].points: must be ≥ 0`. `dump_pack` writes a pack
back as YAML; loading what it wrote gives an equal pack (export then import is lossless).
Built-in packs are the YAML files shipped in `kpilib/packs/`.
Excludes: the meaning of the definitions (definitions.py).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpilib.engine.definitions import Pack, pack_problems
from kpilib.engine.errors import InputError, Problem

type PathPart = str | int


class PackError(InputError):
    """A library pack that cannot be used; each problem names its place in the file."""


def builtin_pack_names() -> list[str]:
    """Names of the packs shipped with kpilib (`presales`, …)."""
    folder = resources.files("kpilib") / "packs"
    return sorted(
        item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml")
    )


def builtin_pack(name: str) -> Pack:
    """Load a built-in pack by name; PackError when there is none of that name."""
    if name not in builtin_pack_names():
        known = ", ".join(builtin_pack_names())
        raise PackError(
            [Problem("--pack", None, None, f"no built-in pack {name!r} (built-in: {known})")]
        )
    resource = resources.files("kpilib") / "packs" / f"{name}.yaml"
    return parse_pack(resource.read_text(encoding="utf-8"), name=f"{name}.yaml")


def load_pack(path: str | os.PathLike[str]) -> Pack:
    """Load and validate a pack file (UTF-8 YAML)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise PackError(
            [Problem(name, None, None, f"cannot read file: {error.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise PackError([Problem(name, None, None, "a pack must be UTF-8 text")]) from None
    return parse_pack(text, name=name)


def parse_pack(text: str, *, name: str) -> Pack:
    """Validate pack YAML; `name` is the file name used in problems."""
    try:
        document = yaml.load(
            text, Loader=yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
        )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "cannot be read"
        raise PackError([Problem(name, line, None, f"not valid YAML: {reason}")]) from None
    if not isinstance(document, dict):
        raise PackError(
            [
                Problem(
                    name,
                    1,
                    None,
                    "a pack must be a YAML mapping with pack, dimensions, indicators, plans",
                )
            ]
        )
    try:
        pack = Pack.model_validate(document)
    except ValidationError as error:
        located = [_located(document, error_detail) for error_detail in error.errors()]
        raise PackError(_problems(text, name, located)) from None
    problems = pack_problems(pack)
    if problems:
        raise PackError(_problems(text, name, problems))
    return pack


def dump_pack(pack: Pack) -> str:
    """The pack as YAML, every setting written out, in the order of the definitions."""
    document = pack.model_dump(mode="json", by_alias=True, exclude_none=True)
    return str(
        yaml.dump(
            document,
            Dumper=yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
    )


# --- problems with paths and lines --------------------------------------------------


def _located(document: Any, detail: Any) -> tuple[tuple[PathPart, ...], str]:
    """The error's path in the file (without pydantic's union tags) and a plain reason."""
    path: list[PathPart] = []
    node = document
    arrived = True
    for part in detail["loc"]:
        # Entering a rule or measure, pydantic first names its kind (the union's tag).
        if arrived and isinstance(node, dict) and node.get("kind") == part:
            arrived = False
            continue
        path.append(part)
        node = node.get(part) if isinstance(node, dict) else _item(node, part)
        arrived = True
    return tuple(path), _reason(detail)


def _item(node: Any, part: PathPart) -> Any:
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _reason(detail: Any) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    match kind:
        case "missing":
            return "required"
        case "extra_forbidden":
            return "unknown field"
        case "greater_than_equal":
            return f"must be ≥ {context['ge']:g}"
        case "greater_than":
            return f"must be > {context['gt']:g}"
        case "less_than_equal":
            return f"must be ≤ {context['le']:g}"
        case "less_than":
            return f"must be < {context['lt']:g}"
        case "string_too_short":
            return "must not be empty"
        case "too_short":
            return f"needs at least {context.get('min_length', 1)} item(s)"
        case "string_too_long":
            return f"must be at most {context['max_length']} characters"
        case "string_pattern_mismatch":
            return "must be a code of lowercase letters, digits and _ (like tech_resolution)"
        case "literal_error" | "enum":
            return f"must be one of {context['expected']}"
        case "union_tag_invalid":
            return f"kind {context['tag']!r} is not one of {context['expected_tags']}"
        case "union_tag_not_found":
            return "kind is required"
        case "float_type" | "float_parsing" | "finite_number":
            return "must be a number"
        case "int_type" | "int_parsing" | "int_from_float":
            return "must be a whole number"
        case "string_type":
            return "must be text"
        case "dict_type" | "model_type" | "model_attributes_type":
            return "must be a mapping of field: value"
        case "list_type" | "tuple_type":
            return "must be a list"
        case "value_error" | "assertion_error":
            return str(context.get("error", detail["msg"]))
    return str(detail["msg"])


def _problems(
    text: str, name: str, located: list[tuple[tuple[PathPart, ...], str]]
) -> list[Problem]:
    lines = _LineFinder(text)
    return [Problem(name, lines.line(path), _path_text(path), reason) for path, reason in located]


def _path_text(path: tuple[PathPart, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _LineFinder:
    """Lines of nodes in the YAML text, found by walking the composed node tree."""

    def __init__(self, text: str) -> None:
        try:
            self.root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            self.root = None

    def line(self, path: tuple[PathPart, ...]) -> int | None:
        node = self.root
        if node is None:
            return None
        for part in path:
            child = self._child(node, part)
            if child is None:
                break
            node = child
        return int(node.start_mark.line) + 1

    @staticmethod
    def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    return value
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            return node.value[part]
        return None
