"""Reads of the KPI monitor: an engineer's own target meters for the cycle under way.

A meter reads the newest scorecard of the cycle whose period contains `today` (drafts
included: they are recomputed from the facts while data is collected), and measures each
line's value against the value its indicator's rule gives full points at
(`engine.monitor.indicator_target`), on or off track by the linear pace of the period.
Points and grades are not shown: before publication the person sees their progress, not
their result. The drill-down lists the same facts the line was measured on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import QuerySet

from kpilib.appraisal.models import Participant, Scorecard
from kpilib.appraisal.services import SCORED_PHASES
from kpilib.engine.definitions import Direction, Indicator
from kpilib.engine.monitor import (
    DEFAULT_TOLERANCE,
    Band,
    Pace,
    elapsed_share,
    indicator_target,
    meter_bands,
    pace_explanation,
    target_meters,
)
from kpilib.engine.periods import parse_period
from kpilib.org.models import Employee
from kpilib.permissions import employee_of, visible_employees
from kpilib.plans.fetch import pinned_definitions


@dataclass(frozen=True)
class Meter:
    code: str
    name: str
    unit: str
    actual: float | None
    target: float
    expected: float | None
    minimum: float
    maximum: float
    bands: tuple[Band, ...]
    pace: Pace
    needed_per_week: float | None
    explanation: str
    lower_better: bool

    @property
    def gauge_id(self) -> str:
        return f"gauge-{self.code}-data"

    def chart(self) -> dict[str, Any]:
        """What the page's gauge draws (pages.js `meter`)."""
        span = (self.maximum - self.minimum) or 1.0
        return {
            "min": self.minimum, "max": self.maximum, "value": self.actual, "target": self.target,
            "expected": self.expected,
            "bands": [[(band.high - self.minimum) / span, band.colour.value] for band in self.bands],
        }


@dataclass(frozen=True)
class OwnMeters:
    participant: Participant
    scorecard: Scorecard
    meters: list[Meter]
    elapsed: float

    @property
    def on_track(self) -> int:
        return sum(1 for meter in self.meters if meter.pace is Pace.ON_TRACK)


def scored_participation(employee: Employee) -> tuple[Participant, Scorecard] | None:
    """The employee's newest participation in a cycle being scored (data collection to
    calibration: its drafts follow the facts) that has a scorecard, with that scorecard's
    newest revision; None otherwise. Chosen by phase, not by date, so pages ask for the
    day only when there is something to measure."""
    participant = (
        Participant.objects.filter(employee=employee, cycle__phase__in=SCORED_PHASES, scorecards__isnull=False)
        .select_related("cycle")
        .order_by("-cycle__start", "-pk")
        .first()
    )
    if participant is None:
        return None
    scorecard = Scorecard.objects.filter(participant=participant).order_by("-revision").first()
    return (participant, scorecard) if scorecard is not None and scorecard.lines else None


def _indicators(scorecard: Scorecard) -> dict[str, Indicator]:
    pins = {line["code"]: line["version"] for line in scorecard.lines if line.get("version")}
    return {code: Indicator.model_validate(definition) for code, definition in pinned_definitions(pins).items()}


def meters_of(scorecard: Scorecard, *, today: datetime.date, language: str) -> list[Meter]:
    """The meters of a scorecard's lines that have a target, in the plan's order."""
    period = parse_period(scorecard.participant.cycle.period)
    indicators = _indicators(scorecard)
    suffix = "zh_hans" if language.lower().startswith("zh") else "en"
    rows = []
    for line in scorecard.lines:
        indicator = indicators.get(line["code"])
        target = indicator_target(indicator) if indicator else None
        if indicator is None or target is None:
            continue
        rows.append({
            "code": line["code"], "name": line[f"name_{suffix}"],
            "unit": indicator.unit.zh_hans if suffix == "zh_hans" else indicator.unit.en,
            "actual": line["value"] if line["status"] == "scored" else None,
            "target": target.target, "direction": target.direction.value, "accumulates": target.accumulates,
        })
    if not rows:
        return []
    schema = {
        "code": pl.String, "name": pl.String, "unit": pl.String, "actual": pl.Float64, "target": pl.Float64,
        "direction": pl.String, "accumulates": pl.Boolean,
    }
    frame = target_meters(pl.DataFrame(rows, schema=schema), period=period, today=today)
    meters = []
    for row in frame.iter_rows(named=True):
        lower = row["direction"] == "lower_better"
        pace = Pace(row["pace"])
        meters.append(Meter(
            code=row["code"], name=row["name"], unit=row["unit"], actual=row["actual"], target=row["target"],
            expected=row["expected"], minimum=row["minimum"], maximum=row["maximum"],
            bands=meter_bands(
                row["target"], row["minimum"], row["maximum"], Direction.LOWER_BETTER if lower else Direction.HIGHER_BETTER
            ),
            pace=pace, needed_per_week=row["needed_per_week"], lower_better=lower,
            explanation=pace_explanation(
                pace, row["actual"], row["expected"], row["target"], row["elapsed"], DEFAULT_TOLERANCE, language
            ),
        ))
    return meters


def own_meters(employee: Employee, *, today: Callable[[], datetime.date], language: str) -> OwnMeters | None:
    """The employee's meters for the cycle being scored, or None when there is none.
    `today` is called only then (the home page passes `clock.today`)."""
    found = scored_participation(employee)
    if found is None:
        return None
    participant, scorecard = found
    day = today()
    return OwnMeters(
        participant=participant,
        scorecard=scorecard,
        meters=meters_of(scorecard, today=day, language=language),
        elapsed=elapsed_share(parse_period(participant.cycle.period), day),
    )


def meter_participant(user: Any, pk: int) -> Participant:
    """A participation whose meters the user may drill into: their own, or one of the
    people they may see; otherwise `Participant.DoesNotExist` (a 404)."""
    participant = Participant.objects.select_related("cycle", "employee").get(pk=pk)
    own = employee_of(user)
    if own is not None and own.pk == participant.employee_id:
        return participant
    people: QuerySet[Employee] = visible_employees(user)
    if people.filter(pk=participant.employee_id).exists():
        return participant
    raise Participant.DoesNotExist(pk)
