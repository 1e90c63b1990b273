"""The demo presales organisation: company, regions, teams and the people in them.

Shape: one company (云启科技) with one presales director; regions (华东, 华北, ...) that
grow in number with the head count; teams of about eight under each region, each led by
a presales manager; the staff are presales engineers and solution architects. Employee
ids follow hiring order, so a manager promoted from outside after some of the team
joined comes later in the file than those reports, as in a real HR export.
"""

from dataclasses import dataclass
from math import ceil

import numpy as np

from kpilib.demo.names import draw_person_names, email_addresses

COMPANY = "云启科技"
EMAIL_DOMAIN = "cloudstart.example"
REGIONS: tuple[str, ...] = ("华东", "华北", "华南", "西南", "华中", "西北", "东北")

ENGINEER = "售前工程师"
ARCHITECT = "解决方案架构师"
MANAGER = "售前经理"
DIRECTOR = "售前总监"

# The pack plan (kpilib/packs/presales.yaml) the demo appraises each position on; the
# director has none. The demo's facts cover every metric these plans read.
DEMO_PLANS: dict[str, str] = {
    ENGINEER: "presales-engineer",
    ARCHITECT: "solution-architect",
    MANAGER: "presales-manager",
}

TEAM_SIZE = 8
# Small organisations spread their teams two to a region over the first four regions;
# large ones open further regions once a region would hold more than this many teams.
TEAMS_PER_REGION_AT_SCALE = 30
ARCHITECT_SHARE = 0.2
ARCHITECT_SKILL_BONUS = 0.4
# Share of staff who join during the demo window and so have no facts before joining.
NEW_HIRE_SHARE = 0.06

DAYS_PER_YEAR = 365.25
CHINESE_DIGITS = "零一二三四五六七八九"
CHINESE_PLACES = ("", "十", "百", "千")


@dataclass(frozen=True)
class OrgUnit:
    """One node of the organisation tree: the company, a region or a team."""

    name: str
    parent: str
    kind: str


@dataclass(frozen=True)
class Employee:
    """One row of `employees.csv`, in the columns of `kpilib import employees`."""

    employee_id: str
    name: str
    email: str
    org_unit: str
    position: str
    manager_id: str
    region: str
    hire_date: str


@dataclass(frozen=True)
class Workforce:
    """The staff who produce activity facts (engineers and architects), in employee order.

    Arrays are aligned: entry i of each describes `employee_ids[i]`. `skill` is the latent
    ability (standard normal, architects a little higher) behind every activity rate.
    """

    employee_ids: list[str]
    region_index: np.ndarray
    team_index: np.ndarray
    member_rank: np.ndarray
    team_sizes: np.ndarray
    hire_dates: np.ndarray
    skill: np.ndarray
    is_architect: np.ndarray


@dataclass(frozen=True)
class Leaders:
    """The presales managers, one per team, in team order: entry t leads team t."""

    employee_ids: list[str]
    region_index: np.ndarray
    hire_dates: np.ndarray


@dataclass(frozen=True)
class Organisation:
    """The whole demo organisation: its tree, every employee and the fact-producing staff."""

    regions: list[str]
    org_units: list[OrgUnit]
    employees: list[Employee]
    workforce: Workforce
    leaders: Leaders


COMPANY_EN = "Yunqi Technology"
REGIONS_EN: dict[str, str] = {
    "华东": "East China",
    "华北": "North China",
    "华南": "South China",
    "西南": "Southwest China",
    "华中": "Central China",
    "西北": "Northwest China",
    "东北": "Northeast China",
}


def english_unit_name(name: str) -> str:
    """The English name of a demo unit: 华东售前二组 → East China presales team 2."""
    if name == COMPANY:
        return COMPANY_EN
    if name in REGIONS_EN:
        return REGIONS_EN[name]
    for region, english in REGIONS_EN.items():
        if name.startswith(f"{region}售前") and name.endswith("组"):
            numeral = name[len(region) + 2 : -1]
            numbers = {chinese_numeral(n): n for n in range(1, 100)}
            if numeral in numbers:
                return f"{english} presales team {numbers[numeral]}"
    return ""


def chinese_numeral(number: int) -> str:
    """Write 1–9999 in Chinese numerals (1 → 一, 12 → 十二, 105 → 一百零五)."""
    if not 1 <= number <= 9999:
        raise ValueError(f"chinese_numeral handles 1 to 9999, not {number}")
    digits = str(number)
    words: list[str] = []
    pending_zero = False
    for position, digit in enumerate(digits):
        place = len(digits) - 1 - position
        if digit == "0":
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(CHINESE_DIGITS[int(digit)] + CHINESE_PLACES[place])
    text = "".join(words)
    # 10–19 read 十, 十一, ... rather than 一十, 一十一.
    return text[1:] if 10 <= number <= 19 else text


def region_count_for(team_count: int) -> int:
    """How many regions an organisation with `team_count` teams is spread over."""
    small = min(4, ceil(team_count / 2))
    return min(len(REGIONS), max(1, small, ceil(team_count / TEAMS_PER_REGION_AT_SCALE)))


def build_organisation(
    rng: np.random.Generator, staff_count: int, window_start: np.datetime64, window_end: np.datetime64
) -> Organisation:
    """Build an organisation with `staff_count` engineers and architects.

    `window_start` and `window_end` (datetime64[D]) bound the demo period; a few staff
    are hired inside it.
    """
    if staff_count < 1:
        raise ValueError("the demo organisation needs at least one engineer")
    team_count = max(1, round(staff_count / TEAM_SIZE))
    regions = list(REGIONS[: region_count_for(team_count)])
    team_region = np.arange(team_count) % len(regions)
    team_names = [
        f"{regions[region]}售前{chinese_numeral(team // len(regions) + 1)}组"
        for team, region in enumerate(team_region)
    ]
    org_units = [OrgUnit(name=COMPANY, parent="", kind="company")]
    org_units += [OrgUnit(name=region, parent=COMPANY, kind="region") for region in regions]
    org_units += [
        OrgUnit(name=name, parent=regions[region], kind="team")
        for name, region in zip(team_names, team_region, strict=True)
    ]

    staff_team = rng.permutation(np.arange(staff_count) % team_count)
    is_architect = rng.random(staff_count) < ARCHITECT_SHARE
    if staff_count > 1 and is_architect.all() == is_architect.any():
        # Both the engineers' and the architects' plans need someone to score, whatever
        # the draw: a staff of one kind only has its first member changed to the other.
        is_architect[0] = not is_architect[0]
    skill = rng.normal(0.0, 1.0, staff_count) + ARCHITECT_SKILL_BONUS * is_architect
    staff_hired = _staff_hire_dates(rng, is_architect, window_start, window_end)
    manager_hired = _hire_dates_before(rng, window_start, rng.uniform(2.0, 10.0, team_count))
    director_hired = _hire_dates_before(rng, window_start, np.array([11.0]))

    # Everyone in one list, director first, then managers, then staff; ids follow hiring.
    hire_dates = np.concatenate([director_hired, manager_hired, staff_hired])
    hiring_order = np.argsort(hire_dates, kind="stable")
    id_width = max(4, len(str(len(hire_dates))))
    employee_ids = np.empty(len(hire_dates), dtype=object)
    employee_ids[hiring_order] = [f"E{n:0{id_width}d}" for n in range(1, len(hire_dates) + 1)]

    director_id = employee_ids[0]
    manager_ids = employee_ids[1 : 1 + team_count]
    staff_ids = employee_ids[1 + team_count :]
    rows: list[tuple[str, str, str, str, str]] = [(director_id, COMPANY, DIRECTOR, "", regions[0])]
    rows += [
        (manager_ids[team], team_names[team], MANAGER, director_id, regions[team_region[team]])
        for team in range(team_count)
    ]
    rows += [
        (
            staff_ids[person],
            team_names[staff_team[person]],
            ARCHITECT if is_architect[person] else ENGINEER,
            manager_ids[staff_team[person]],
            regions[team_region[staff_team[person]]],
        )
        for person in range(staff_count)
    ]

    names = draw_person_names(rng, len(rows))
    emails = email_addresses(names, EMAIL_DOMAIN)
    employees = [
        Employee(
            employee_id=rows[row][0],
            name=names[order].name,
            email=emails[order],
            org_unit=rows[row][1],
            position=rows[row][2],
            manager_id=rows[row][3],
            region=rows[row][4],
            hire_date=str(hire_dates[row]),
        )
        for order, row in enumerate(hiring_order)
    ]

    staff_order = np.argsort(staff_ids.astype(str), kind="stable")
    workforce = Workforce(
        employee_ids=[str(staff_ids[person]) for person in staff_order],
        region_index=team_region[staff_team][staff_order],
        team_index=staff_team[staff_order],
        member_rank=_member_ranks(staff_team)[staff_order],
        team_sizes=np.bincount(staff_team, minlength=team_count),
        hire_dates=staff_hired[staff_order],
        skill=skill[staff_order],
        is_architect=is_architect[staff_order],
    )
    leaders = Leaders(
        employee_ids=[str(manager) for manager in manager_ids],
        region_index=team_region,
        hire_dates=manager_hired,
    )
    return Organisation(
        regions=regions,
        org_units=org_units,
        employees=employees,
        workforce=workforce,
        leaders=leaders,
    )


def _hire_dates_before(
    rng: np.random.Generator, window_start: np.datetime64, years_before: np.ndarray
) -> np.ndarray:
    """Working-day hire dates `years_before` the window, with a little day-level jitter."""
    days_before = (years_before * DAYS_PER_YEAR + rng.uniform(0, 30, len(years_before))).astype(
        np.int64
    )
    return np.busday_offset(window_start - days_before.astype("timedelta64[D]"), 0, roll="forward")


def _staff_hire_dates(
    rng: np.random.Generator,
    is_architect: np.ndarray,
    window_start: np.datetime64,
    window_end: np.datetime64,
) -> np.ndarray:
    """Architects joined 3–10 years ago, engineers up to 8; a few join during the window."""
    years_before = np.where(
        is_architect,
        rng.uniform(3.0, 10.0, len(is_architect)),
        rng.uniform(0.1, 8.0, len(is_architect)),
    )
    hired = _hire_dates_before(rng, window_start, years_before)
    window_days = int((window_end - window_start).astype(int))
    joins_in_window = (rng.random(len(is_architect)) < NEW_HIRE_SHARE) & ~is_architect
    if window_days > 60:
        # Keep new joiners away from the window's edges so they have some facts.
        offsets = rng.integers(30, window_days - 30, len(is_architect))
        in_window = np.busday_offset(
            window_start + offsets.astype("timedelta64[D]"), 0, roll="forward"
        )
        hired = np.where(joins_in_window, in_window, hired)
    return hired


def _member_ranks(team_of_person: np.ndarray) -> np.ndarray:
    """Each person's 0-based position within their team, in list order."""
    order = np.argsort(team_of_person, kind="stable")
    sorted_teams = team_of_person[order]
    team_first_position = np.searchsorted(sorted_teams, sorted_teams, side="left")
    ranks = np.empty(len(team_of_person), dtype=np.int64)
    ranks[order] = np.arange(len(team_of_person)) - team_first_position
    return ranks
