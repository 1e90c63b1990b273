"""System notes: stored as codes, rendered in the reader's language when read.

A note a person types (a change note, a reason) is their own words and is kept as typed.
A note the system writes ("imported", "created from template presales-engineer") must
read well in every language, so it is stored as a code with its parameters —
`@imported`, `@created_from_template template=presales-engineer` — and turned into text
by `note_text` at read time (the template's name, not its code, in the reader's
language). Pages show notes through the `note_text` filter in `kpilib_tags`.

Adding a system note: add its code and message to `MESSAGES` and store
`system_note(code, **parameters)`.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy

PREFIX = "@"

MESSAGES = {
    "imported": gettext_lazy("imported"),
    "created_from_template": gettext_lazy("created from template %(template)s"),
    "cloned_from_plan": gettext_lazy("cloned from %(plan)s"),
    "ahp_applied": gettext_lazy("weights from AHP judgements"),
    "demo_history": gettext_lazy("demo history: the cycle was run through at once"),
}


def system_note(code: str, **parameters: str) -> str:
    """The stored form of a system note (codes and parameters, no language)."""
    if code not in MESSAGES:
        raise ValueError(f"unknown system note {code!r}")
    if any(" " in value or "=" in value for value in parameters.values()):
        raise ValueError("system note parameters are codes (no spaces or '=')")
    return " ".join([PREFIX + code, *(f"{key}={value}" for key, value in parameters.items())])


def _template_name(code: str) -> str:
    from kpilib.library.models import PlanTemplate

    template = PlanTemplate.objects.filter(code=code).first()
    return template.name if template else code


def _plan_name(code: str) -> str:
    from kpilib.plans.models import Plan

    plan = Plan.objects.filter(code=code).first()
    return plan.name if plan else code


# How a parameter's code becomes a name when the note is read.
NAMERS: dict[str, Callable[[str], str]] = {"template": _template_name, "plan": _plan_name}


def note_text(stored: str) -> str:
    """A note as the reader reads it: a system note in their language, any other as typed."""
    if not stored.startswith(PREFIX):
        return stored
    code, *pairs = stored[len(PREFIX) :].split(" ")
    message = MESSAGES.get(code)
    if message is None:
        return stored
    parameters = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    named = {key: NAMERS.get(key, str)(value) for key, value in parameters.items()}
    return str(message) % named if named else str(message)
