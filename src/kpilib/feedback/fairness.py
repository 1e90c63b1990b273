"""360 fairness aids (issue 14, item 5), read once a campaign is closed and shown beside the
raw figures, never instead of them:

- `corrected_for`: a subject's overall after within-rater standardisation
  (`engine.feedback.corrected_overall`), beside the raw overall;
- `severity_distribution`: every rater's mean against the campaign's mean
  (`engine.feedback.rater_severity`) as anonymous rows sorted by the difference — no name,
  no id, no count of subjects that could point to one — for HR's campaign page;
- `own_severity`: the reader's own line, for their 360 home page (nobody else's).

The engine uses only the answers that count in shown groups, so no withheld answer enters
any figure here. Raters are matched across subjects by person (an employee; an external
customer by e-mail), a key that is made here, passed to the engine and never returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpilib.feedback.models import Campaign, Nomination, Relationship, Response, Subject
from kpilib.feedback.selectors import answer_rows
from kpilib.permissions import employee_of


def _person(rater_id: int | None, email: str, nomination: int) -> str:
    if rater_id is not None:
        return f"e{rater_id}"
    if email:
        return "x" + email.strip().lower()
    return f"n{nomination}"


def person_rows(campaign: Campaign) -> list[dict[str, object]]:
    """The campaign's §11 rows (`selectors.answer_rows`) with the rater as a person, so that
    one rater's answers to several subjects are theirs in the engine's severity and
    correction. The summary's figures do not change: they group by subject and rater."""
    rows = answer_rows(campaign)
    people: dict[int, str] = {}
    taken: set[tuple[int, str]] = set()
    nominations = Nomination.objects.filter(subject__campaign=campaign).order_by("pk")
    for pk, subject, rater, email in nominations.values_list("pk", "subject_id", "rater_id", "external_email"):
        person = _person(rater, email, pk)
        # one person answering one subject twice (a second nomination) stays two raters:
        # the engine takes one rater's answers to a subject once
        if (subject, person) in taken:
            person = f"n{pk}"
        taken.add((subject, person))
        people[pk] = person
    return [{**row, "rater_id": people[int(str(row["rater_id"]))]} for row in rows]


def _closed(campaign: Campaign) -> bool:
    return bool(campaign.status == Campaign.Status.CLOSED)


def corrected_for(subject: Subject) -> Any:
    """The subject's `CorrectedScore` (raw and corrected overall, with the campaign's mean
    and spread), or None: campaign not closed, or no overall shown."""
    from kpilib.engine.feedback import corrected_overall

    campaign = subject.campaign
    if not _closed(campaign):
        return None
    rows = person_rows(campaign)
    if not rows:
        return None
    for score in corrected_overall(rows, min_group=campaign.min_group):
        if score.subject_id == str(subject.pk):
            return score
    return None


@dataclass(frozen=True)
class SeverityRow:
    """One rater's severity without who they are: mean, difference and label only."""

    mean: float
    difference: float
    label: str


@dataclass(frozen=True)
class SeverityDistribution:
    campaign_mean: float | None
    rows: list[SeverityRow]  # sorted by difference (then mean): never by name or id
    hidden: int  # raters with too few subjects for a mean
    threshold: float
    minimum_subjects: int

    def count(self, label: str) -> int:
        return sum(1 for row in self.rows if row.label == label)


def _severities(campaign: Campaign) -> list[Any]:
    from kpilib.engine.feedback import rater_severity

    rows = person_rows(campaign)
    if not rows:
        return []
    return rater_severity(rows, min_group=campaign.min_group, min_subjects=campaign.min_group)


def severity_distribution(campaign: Campaign) -> SeverityDistribution | None:
    """The campaign's rater severity as anonymous rows (None until closed); no rows at all
    when fewer raters than the minimum group size have a mean."""
    from kpilib.engine.feedback import DEFAULT_THRESHOLD

    if not _closed(campaign):
        return None
    found = _severities(campaign)
    shown = sorted(
        (
            SeverityRow(round(s.mean, 2), round(s.difference, 2), s.label)
            for s in found
            if s.mean is not None and s.difference is not None and s.label is not None
        ),
        key=lambda row: (row.difference, row.mean),
    )
    hidden = sum(1 for s in found if s.mean is None)
    if len(shown) < campaign.min_group:
        # fewer rows than the minimum group: a row could be told apart by who rated most,
        # so none is shown (the raters still see their own line)
        hidden, shown = hidden + len(shown), []
    return SeverityDistribution(
        campaign_mean=found[0].campaign_mean if found else None,
        rows=shown,
        hidden=hidden,
        threshold=found[0].threshold if found else DEFAULT_THRESHOLD,
        minimum_subjects=campaign.min_group,
    )


def own_severity(user: Any, limit: int = 3) -> list[tuple[Campaign, Any]]:
    """The reader's own `RaterSeverity` in the latest closed campaigns they rated others in
    (at most `limit`): their mean against the campaign's mean, or why it is not shown."""
    employee = employee_of(user)
    if employee is None:
        return []
    rated = (
        Nomination.objects.filter(
            rater=employee,
            subject__campaign__status=Campaign.Status.CLOSED,
            response__status=Response.Status.SUBMITTED,
        )
        .exclude(relationship=Relationship.SELF)
        .values("subject__campaign_id")
    )
    campaigns = Campaign.objects.filter(pk__in=rated).order_by("-deadline", "-pk")[:limit]
    key = f"e{employee.pk}"
    found: list[tuple[Campaign, Any]] = []
    for campaign in campaigns:
        mine = [s for s in _severities(campaign) if s.rater_id == key]
        if mine:
            found.append((campaign, mine[0]))
    return found
