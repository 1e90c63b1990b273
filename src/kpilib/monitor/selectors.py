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


def _indicators(scorecards: list[Scorecard]) -> dict[tuple[str, int], Indicator]:
    """The pinned indicator versions of the scorecards' lines, by (code, version), in one
    query (cycles may pin different versions of one indicator)."""
    from kpilib.library.models import IndicatorVersion

    pins = {(line["code"], line["version"]) for card in scorecards for line in card.lines if line.get("version")}
    if not pins:
        return {}
    versions = IndicatorVersion.objects.filter(
        indicator__code__in={code for code, _ in pins}, number__in={number for _, number in pins}
    ).select_related("indicator")
    return {
        (v.indicator.code, v.number): Indicator.model_validate(v.definition)
        for v in versions
        if (v.indicator.code, v.number) in pins
    }


METER_SCHEMA = {
    "participant": pl.Int64, "employee": pl.Int64, "person": pl.String, "period": pl.String,
    "code": pl.String, "name": pl.String, "unit": pl.String, "actual": pl.Float64, "target": pl.Float64,
    "direction": pl.String, "accumulates": pl.Boolean,
}


def meter_frame(scorecards: list[Scorecard], *, today: datetime.date, language: str) -> pl.DataFrame:
    """One row per line with a target of the given scorecards (participants and cycles
    selected), in their order, with the meter's columns (`engine.monitor.target_meters`,
    one call per cycle period)."""
    indicators = _indicators(scorecards)
    suffix = "zh_hans" if language.lower().startswith("zh") else "en"
    rows = []
    for card in scorecards:
        participant = card.participant
        for line in card.lines:
            indicator = indicators.get((line["code"], line.get("version")))
            target = indicator_target(indicator) if indicator else None
            if indicator is None or target is None:
                continue
            rows.append({
                "participant": participant.pk, "employee": participant.employee_id,
                "person": participant.employee.name, "period": participant.cycle.period,
                "code": line["code"], "name": line[f"name_{suffix}"],
                "unit": indicator.unit.zh_hans if suffix == "zh_hans" else indicator.unit.en,
                "actual": line["value"] if line["status"] == "scored" else None,
                "target": target.target, "direction": target.direction.value, "accumulates": target.accumulates,
            })
    lines = pl.DataFrame(rows, schema=METER_SCHEMA).with_row_index("_order")
    parts = [
        target_meters(group, period=parse_period(str(period)), today=today)
        for (period,), group in lines.group_by("period")
    ]
    if not parts:
        return lines
    return pl.concat(parts).sort("_order").drop("_order")


def with_explanations(frame: pl.DataFrame, language: str) -> pl.DataFrame:
    """The meters' status in words, for the rows a page shows (a few dozen)."""
    return frame.with_columns(
        pl.struct("pace", "actual", "expected", "target", "elapsed")
        .map_elements(
            lambda m: pace_explanation(
                Pace(m["pace"]), m["actual"], m["expected"], m["target"], m["elapsed"], DEFAULT_TOLERANCE, language
            ),
            return_dtype=pl.String,
        )
        .alias("explanation")
    )


def meters_of(scorecard: Scorecard, *, today: datetime.date, language: str) -> list[Meter]:
    """The meters of a scorecard's lines that have a target, in the plan's order."""
    meters = []
    frame = meter_frame([scorecard], today=today, language=language)
    if frame.is_empty():
        return []
    for row in with_explanations(frame, language).iter_rows(named=True):
        lower = row["direction"] == "lower_better"
        meters.append(Meter(
            code=row["code"], name=row["name"], unit=row["unit"], actual=row["actual"], target=row["target"],
            expected=row["expected"], minimum=row["minimum"], maximum=row["maximum"],
            bands=meter_bands(
                row["target"], row["minimum"], row["maximum"], Direction.LOWER_BETTER if lower else Direction.HIGHER_BETTER
            ),
            pace=Pace(row["pace"]), needed_per_week=row["needed_per_week"], lower_better=lower,
            explanation=row["explanation"],
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


#: How many off-track meters a home page lists (the count says how many there are).
OFF_TRACK_ROWS = 50


@dataclass(frozen=True)
class OffTrack:
    rows: list[dict[str, Any]]  # person, participant, code, name, actual, expected, target, explanation
    count: int
    people: int
    #: every off-track meter, not only the rows shown: (participant, code, employee)
    keys: tuple[tuple[int, str, int], ...] = ()


def team_off_track(user: Any, *, today: Callable[[], datetime.date], language: str) -> OffTrack | None:
    """The meters off track of the people the user may see (themselves excluded), in
    cycles being scored: one read of the newest scorecards, one frame; None when nobody
    they see is in such a cycle. `today` is called only then."""
    from kpilib.appraisal.selectors import latest_scorecards

    own = employee_of(user)
    people = visible_employees(user)
    if own is not None:
        people = people.exclude(pk=own.pk)
    participants = list(
        Participant.objects.filter(employee__in=people, cycle__phase__in=SCORED_PHASES).select_related(
            "employee", "cycle"
        )
    )
    if not participants:
        return None
    cards = [card for card in latest_scorecards(participants).values() if card.lines]
    if not cards:
        return None
    frame = meter_frame(cards, today=today(), language=language)
    if frame.is_empty():
        return OffTrack(rows=[], count=0, people=0)
    off = frame.filter(pl.col("pace") == Pace.OFF_TRACK.value).sort("person", "participant")
    return OffTrack(
        rows=with_explanations(off.head(OFF_TRACK_ROWS), language).to_dicts() if off.height else [],
        count=off.height,
        people=off["employee"].n_unique(),
        keys=tuple(off.select("participant", "code", "employee").iter_rows()),
    )


@dataclass(frozen=True)
class Growth:
    improved: list[dict[str, Any]]  # name, employee, value, previous, change, rank: most improved first
    declined: list[dict[str, Any]]  # the bottom of the same ranking, the largest fall last
    compared: int  # people with a total in two cycles


def team_growth(user: Any, n: int = 5) -> Growth | None:
    """The growth index of the people the user may see (themselves excluded): each
    person's total in their newest scored cycle against the cycle before it (newest
    revisions; drafts included, as managers see them), ranked by `engine.monitor.
    growth_index`; the top and bottom `n`. One query, one frame; None when nobody has two."""
    from kpilib.engine.monitor import growth_index

    own = employee_of(user)
    people = visible_employees(user).filter(left_on__isnull=True)
    if own is not None:
        people = people.exclude(pk=own.pk)
    cards = list(
        Scorecard.objects.filter(participant__employee__in=people, total__isnull=False).values_list(
            "participant_id", "participant__employee_id", "participant__employee__name",
            "participant__cycle__end", "revision", "total",
        )
    )
    if not cards:
        return None
    frame = pl.DataFrame(
        cards,
        schema={
            "participant": pl.Int64, "employee": pl.Int64, "name": pl.String, "end": pl.Date,
            "revision": pl.Int64, "total": pl.Float64,
        },
        orient="row",
    )
    newest = frame.sort("revision", descending=True).unique("participant", keep="first")
    ordered = newest.sort(["employee", "end"], descending=[False, True]).with_columns(
        pl.col("end").rank("ordinal", descending=True).over("employee").alias("_nth")
    )
    current = ordered.filter(pl.col("_nth") == 1).select("employee", "name", value="total")
    before = ordered.filter(pl.col("_nth") == 2).select("employee", previous="total")
    paired = current.join(before, on="employee", how="inner").with_columns(
        entity=pl.col("name") + pl.lit(" ") + pl.col("employee").cast(pl.String)
    )
    if paired.is_empty():
        return None
    ranked = growth_index(paired)
    shown = min(n, ranked.height)
    return Growth(
        improved=ranked.head(shown).to_dicts(),
        declined=ranked.tail(min(shown, max(ranked.height - shown, 0))).to_dicts(),
        compared=ranked.height,
    )
