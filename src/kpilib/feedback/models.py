"""360-degree feedback (360度反馈): questionnaires, campaigns, nominations and answers.

- `Questionnaire`, `Competency`, `Question`: what raters answer: rating questions (1–5, or
  "not able to rate") grouped in competencies, each with an optional comment, and open
  questions ("keep doing / do more of"). The presales pack ships one
  (`packs/questionnaires/presales-360.yaml`; not a pack of indicators).
- `Campaign`: one round of feedback, belonging to an appraisal cycle or standing alone,
  with its deadline and its anonymity settings (minimum group size, comments split and
  shuffled), which are fixed when it is launched and shown to every rater before answering;
  and the minimum and maximum number of raters per group (`group_limits`).
- `Subject`: a person receiving feedback in a campaign, with the state of their
  nominations: proposing (the subject nominates) → submitted (waiting for the manager) →
  approved (the raters' forms are open).
- `Nomination`: one rater of a subject in one group (`Relationship`). Internal raters are
  employees; an external customer is a name and e-mail who answers through a signed,
  expiring single-use link (`token_hash`: SHA-256 only), or, imported from another survey
  tool (`kpilib import feedback`), is only their id there (`external_id`: no link, no
  login). A rater may decline with a reason.
- `Response`: the rater's answers, a draft until submitted (or imported, `imported_from`). Answers are never copied into
  the audit trail (`feedback.services`), so no view HR can open shows who said what.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kpilib.org.models import local_name


class Relationship(models.TextChoices):
    """Rater groups (§11 of the product brief: the `relationship` column)."""

    SELF = "self", _("self")
    MANAGER = "manager", _("manager")
    PEER = "peer", _("presales peers")
    DIRECT_REPORT = "direct_report", _("direct reports")
    SALES = "sales", _("sales")
    DELIVERY = "delivery", _("delivery")
    PRODUCT = "product", _("product")
    CUSTOMER_SUCCESS = "customer_success", _("customer success")
    CUSTOMER = "customer", _("customer (external)")
    OTHER = "other", _("other")


#: Minimum and maximum raters per group unless a campaign says otherwise. Self and the
#: manager are added by kpilib; peers need three to be shown on their own (§11).
DEFAULT_GROUP_LIMITS: dict[str, tuple[int, int]] = {
    Relationship.SELF: (1, 1),
    Relationship.MANAGER: (1, 1),
    Relationship.PEER: (3, 6),
    Relationship.DIRECT_REPORT: (0, 6),
    Relationship.SALES: (1, 4),
    Relationship.DELIVERY: (0, 4),
    Relationship.PRODUCT: (0, 4),
    Relationship.CUSTOMER_SUCCESS: (0, 4),
    Relationship.CUSTOMER: (0, 3),
    Relationship.OTHER: (0, 3),
}


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("360 questionnaire")
        verbose_name_plural = _("360 questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh_hans

    @property
    def local_name(self) -> str:
        return local_name(self.name_zh_hans, self.name_en)


class Competency(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.SlugField(_("code"), max_length=64)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["questionnaire_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="competency_code_once")
        ]

    def __str__(self) -> str:
        return self.name_zh_hans

    @property
    def local_name(self) -> str:
        return local_name(self.name_zh_hans, self.name_en)


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("rating 1–5")
        OPEN = "open", _("open question")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_zh_hans = models.TextField(_("question (Chinese)"))
    text_en = models.TextField(_("question (English)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_once"),
            models.CheckConstraint(
                condition=Q(kind="open", competency__isnull=True)
                | Q(kind="rating", competency__isnull=False),
                name="question_rating_has_competency",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("campaign name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
        related_name="campaigns",
    )
    cycle = models.ForeignKey(
        "appraisal.Cycle", verbose_name=_("appraisal cycle"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="feedback_campaigns",
        help_text=_("Empty: a campaign of its own, outside any appraisal cycle."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    deadline = models.DateField(_("answers due by"))
    min_group = models.PositiveSmallIntegerField(
        _("minimum group size"), default=3,
        help_text=_("A group with fewer raters is pooled with other small groups, or withheld."),
    )
    split_comments = models.BooleanField(
        _("split and shuffle comments"), default=False,
        help_text=_("Comments are cut into sentences and shuffled, so writing style gives nobody away."),
    )
    group_limits = models.JSONField(_("raters per group (minimum, maximum)"), default=dict, blank=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("360 campaign")
        verbose_name_plural = _("360 campaigns")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_group__gte=3), name="campaign_min_group_at_least_3")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return local_name(self.name, self.name_en)

    def limits(self, relationship: str) -> tuple[int, int]:
        """(minimum, maximum) raters of a group in this campaign."""
        low, high = self.group_limits.get(relationship, DEFAULT_GROUP_LIMITS[relationship])
        return int(low), int(high)


class Subject(models.Model):
    class State(models.TextChoices):
        PROPOSING = "proposing", _("nominating raters")
        SUBMITTED = "submitted", _("waiting for the manager's approval")
        APPROVED = "approved", _("raters approved")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT,
        related_name="feedback_subjects",
    )
    state = models.CharField(_("nominations"), max_length=10, choices=State.choices, default=State.PROPOSING)
    submitted_at = models.DateTimeField(_("nominations submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("nominations approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("360 subject")
        verbose_name_plural = _("360 subjects")
        ordering = ["campaign_id", "employee__employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee"], name="subject_once_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.employee_id}"


class Nomination(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        REMOVED = "removed", _("removed")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="nominations")
    relationship = models.CharField(_("rater group"), max_length=20, choices=Relationship.choices)
    rater = models.ForeignKey(
        "org.Employee", verbose_name=_("rater"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="feedback_nominations",
    )
    external_name = models.CharField(_("external rater's name"), max_length=200, blank=True)
    external_email = models.EmailField(_("external rater's e-mail"), blank=True)
    external_id = models.CharField(
        _("external rater's id"), max_length=200, blank=True,
        help_text=_("An imported customer rater: their id in the survey tool (no link, no login)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("360 nomination")
        verbose_name_plural = _("360 nominations")
        ordering = ["subject_id", "relationship", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rater__isnull=False, external_email="", external_id="")
                | Q(rater__isnull=True, relationship="customer")
                & (~Q(external_email="") | ~Q(external_id="")),
                name="nomination_internal_or_external_customer",
            ),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="nomination_token_once"
            ),
            models.UniqueConstraint(
                fields=["subject", "external_id"], condition=~Q(external_id=""),
                name="nomination_external_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}:{self.relationship}:{self.rater_id or self.external_email}"

    @property
    def is_external(self) -> bool:
        return self.rater_id is None


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    saved_at = models.DateTimeField(_("saved at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    imported_from = models.CharField(
        _("imported from"), max_length=255, blank=True,
        help_text=_("The file an answer collected in another survey tool came from; empty: answered in kpilib."),
    )

    class Meta:
        verbose_name = _("360 response")
        verbose_name_plural = _("360 responses")
        ordering = ["nomination_id"]

    def __str__(self) -> str:
        return f"response {self.pk}"


class FeedbackReminder(models.Model):
    """A rater was reminded of their open forms of one campaign on one day: at most once."""

    rater = models.ForeignKey(
        "org.Employee", verbose_name=_("rater"), on_delete=models.CASCADE, related_name="feedback_reminders"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("reminded on"))
    forms = models.PositiveSmallIntegerField(_("open forms"))

    class Meta:
        verbose_name = _("360 reminder")
        verbose_name_plural = _("360 reminders")
        ordering = ["-day", "rater_id"]
        constraints = [
            models.UniqueConstraint(fields=["rater", "campaign", "day"], name="feedback_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} {self.campaign_id} {self.day}"
