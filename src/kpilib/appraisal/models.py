"""Appraisal cycles, their participants, scorecards (results), personal goals and appeals.

A cycle pins one plan revision and one period and walks through its phases. Scorecards
are recomputed from facts until publication; a published scorecard never changes — a
correction is a new scorecard revision with its reason, which the employee sees.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpilib.org.models import local_name


class Cycle(models.Model):
    """One appraisal cycle (考核周期) of one plan revision over one period."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        ANNUAL = "annual", _("annual")

    class Phase(models.TextChoices):
        GOAL_SETTING = "goal_setting", _("goal setting")
        DATA_COLLECTION = "data_collection", _("data collection")
        SELF_ASSESSMENT = "self_assessment", _("self-assessment")
        MANAGER_REVIEW = "manager_review", _("manager review")
        CALIBRATION = "calibration", _("calibration")
        PUBLICATION = "publication", _("publication")
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement or appeal")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("cycle name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown to English readers; the name is shown when this is empty."),
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="cycles")
    revision = models.ForeignKey(
        "plans.PlanRevision",
        verbose_name=_("plan revision"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(
        _("period"), max_length=30, help_text=_("e.g. 2026-Q3, 2026-09 or 2026")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.GOAL_SETTING
    )
    phase_deadlines = models.JSONField(_("phase deadlines"), default=dict, blank=True)
    phase_change_reason = models.TextField(
        _("reason for moving on early"),
        blank=True,
        help_text=_("Why the last phase change went ahead before its phase was finished."),
    )
    phase_owners = models.JSONField(_("phase owners"), default=dict, blank=True)
    grade_targets = models.JSONField(
        _("grade distribution targets"),
        default=dict,
        blank=True,
        help_text=_('Largest share per grade, e.g. {"S": 0.1, "A": 0.3}.'),
    )
    forced_distribution = models.BooleanField(_("forced distribution"), default=False)

    class Rounding(models.TextChoices):
        """How a grade target becomes whole people (engine.distribution.Rounding)."""

        FLOOR = "floor", _("round down")
        NEAREST = "nearest", _("round to the nearest")
        AT_LEAST_ONE = "at_least_one", _("at least one")

    distribution_rounding = models.CharField(
        _("rounding of grade targets"),
        max_length=12,
        choices=Rounding.choices,
        default=Rounding.NEAREST,
        help_text=_("How a target share becomes whole people: 30% of 3 people is 0.9."),
    )
    distribution_reason = models.TextField(
        _("reason for overriding the distribution"),
        blank=True,
        help_text=_("Why calibration ended with grades above their targets."),
    )
    reminders_sent = models.JSONField(
        _("reminders sent"),
        default=dict,
        blank=True,
        help_text=_("Phase → the day its reminder went out."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language: the English name for English readers, if any."""
        return local_name(self.name, self.name_en)

    @cached_property
    def precision(self) -> int:
        """The decimals points and totals are shown with: the plan revision's precision."""
        from kpilib.plans.fetch import effective_plan  # a read across apps, not at model import

        return effective_plan(self.revision).precision


class Participant(models.Model):
    """An employee appraised in a cycle, with their reviewer and self-assessment."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="appraisals"
    )
    reviewer = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_lines = models.JSONField(
        _("self-assessment per indicator"),
        default=dict,
        blank=True,
        help_text=_("The employee's comment per scorecard line, by indicator code."),
    )
    self_submitted_at = models.DateTimeField(_("self-assessment submitted at"), null=True, blank=True)
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    manager_lines = models.JSONField(
        _("manager's comments per indicator"),
        default=dict,
        blank=True,
        help_text=_("The manager's comment per scorecard line, by indicator code."),
    )
    class Rating(models.IntegerChoices):
        """The manager's overall rating: the 1–5 rubric scale of PBC ratings, in words."""

        OUTSTANDING = 5, _("5 · outstanding")
        EXCEEDS = 4, _("4 · exceeds expectations")
        MEETS = 3, _("3 · meets expectations")
        PARTLY = 2, _("2 · partly meets expectations")
        BELOW = 1, _("1 · below expectations")

    manager_rating = models.PositiveSmallIntegerField(
        _("manager's overall rating"),
        choices=Rating.choices,
        null=True,
        blank=True,
        help_text=_("1 to 5, on the plan's rubric scale; it does not change the score."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_submitted_at = models.DateTimeField(_("review submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee}"


class Interview(models.Model):
    """The performance interview (绩效面谈) of one participant: when it took place, what was
    said, and both confirmations. The manager's recording is their confirmation that it
    happened; the employee confirms afterwards. Changing the record asks the employee again.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="interview"
    )
    held_on = models.DateField(_("interview date"))
    notes = models.TextField(_("interview notes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manager_confirmed_at = models.DateTimeField(_("confirmed by the manager at"))
    employee_confirmed_at = models.DateTimeField(
        _("confirmed by the employee at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("performance interview")
        verbose_name_plural = _("performance interviews")

    def __str__(self) -> str:
        return f"{self.participant} · {self.held_on.isoformat()}"


class Evidence(models.Model):
    """A file the employee attached to their self-assessment (stored under MEDIA_ROOT,
    `evidence/…`); only the employee, their managers and HR may download it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="evidence/")
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["participant", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.file_name


class PersonalGoal(models.Model):
    """A PBC commitment, MBO objective or OKR objective of one participant.

    PBC: self and manager ratings on the 1–5 rubric; MBO: target and actual (attainment);
    OKR: key results graded 0–1. `weight` is its share of the plan's personal points.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(
        _("kind"), max_length=3, choices=[("pbc", "PBC"), ("mbo", "MBO"), ("okr", "OKR")]
    )
    title = models.CharField(_("goal"), max_length=300)
    key_actions = models.TextField(_("key actions"), blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    target = models.FloatField(_("target"), null=True, blank=True)
    actual = models.FloatField(_("actual"), null=True, blank=True)
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    self_rating = models.PositiveSmallIntegerField(_("self rating"), null=True, blank=True)
    manager_rating = models.PositiveSmallIntegerField(_("manager rating"), null=True, blank=True)
    key_results = models.JSONField(_("key results"), default=list, blank=True)

    class Meta:
        verbose_name = _("personal goal")
        verbose_name_plural = _("personal goals")
        ordering = ["participant", "id"]

    def __str__(self) -> str:
        return self.title


class Scorecard(models.Model):
    """A participant's scorecard (计分卡): lines as computed, total, grade, rank.

    Drafts are recomputed while data is collected. Once published, a scorecard is never
    changed; a correction adds the next revision with its reason. A participant with no
    facts in the period is `no_data` (no total, grade or rank) until data arrives or HR
    scores them by hand with a reason (`manual`).
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="scorecards"
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    lines = models.JSONField(_("lines"), default=list)
    total = models.FloatField(_("total"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=16, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    class Status(models.TextChoices):
        SCORED = "scored", _("scored")
        NO_DATA = "no_data", _("no data")
        MANUAL = "manual", _("scored by HR")

    status = models.CharField(
        _("scoring status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SCORED,
        help_text=_(
            "No data: no facts in the period, so no total, grade or rank until data arrives "
            "or HR scores the person with a reason."
        ),
    )
    manual_reason = models.TextField(_("reason for scoring by hand"), blank=True)
    calibrated_grade = models.CharField(_("calibrated grade"), max_length=16, blank=True)
    calibration_reason = models.TextField(_("calibration reason"), blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for correction"), blank=True)
    appeal = models.ForeignKey(
        "Appeal",
        verbose_name=_("corrected on appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    corrected_grade = models.CharField(_("grade corrected on appeal"), max_length=16, blank=True)
    corrected_grade_reason = models.TextField(_("reason for the corrected grade"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["participant", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "revision"], name="scorecard_revision_unique"
            )
        ]

    @property
    def final_grade(self) -> str:
        """The grade that counts: corrected on appeal, else calibrated, else the total's."""
        return self.corrected_grade or self.calibrated_grade or self.grade

    @property
    def no_data(self) -> bool:
        """Not scored: no facts in the period and not scored by hand (无数据)."""
        return self.status == self.Status.NO_DATA

    @property
    def corrected_on_appeal(self) -> bool:
        """This revision is the correction of an upheld appeal (申诉更正)."""
        return self.appeal_id is not None

    def __str__(self) -> str:
        return f"{self.participant} r{self.revision}"


class Appeal(models.Model):
    """An employee's appeal (申诉) against a published scorecard, and its answer.

    About a line's data (`line_code`) or about the grade; an upheld appeal publishes the
    correction as the next scorecard revision, which points back here (`corrections`).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld: scorecard corrected")
        REJECTED = "rejected", _("rejected")

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("appeal"))
    line_code = models.CharField(
        _("disputed line"),
        max_length=80,
        blank=True,
        help_text=_(
            "The scorecard line whose data is disputed; empty when the appeal is about the grade."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    response = models.TextField(_("response"), blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.scorecard} · {gettext('appeal')}"

    @property
    def about_data(self) -> bool:
        """The appeal disputes a line's data: upholding it re-scores from the stored facts."""
        return bool(self.line_code)
