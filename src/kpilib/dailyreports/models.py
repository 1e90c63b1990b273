"""Daily reports (日报): per-position templates, working-day exceptions, reports, comments.

- `ReportTemplate`: for one position (or, with no position, everyone whose position has
  none of its own), the typed fields a report has (text, number, choice; 今日完成 /
  问题与发现 / 明日计划 by default), the CC list who read every report besides the
  managers, and the deadline rule: `deadline_time` on the `workdays_after`-th working day
  after the report's day (`engine.workdays`), and the rating deadline `rating_workdays`
  working days after that: a report still unrated then counts as normal (0).
- `WorkdayException`: a company's own working day or day off, over China's calendar.
- `DailyReport`: one person's report for one day: the answers by field key, the
  checklist of yesterday's 明日计划 items done (indices, never the text), draft or
  submitted, when it was submitted and whether that was on time, and the manager's rating
  (−1 敷衍 / 0 正常 / +1 建设性), which is also the `daily_report` fact;
  `rated_by_default` when nobody rated it by the rating deadline (a later rating replaces it).
- `ReportComment`: threaded comments on a report (a reply names its parent).
- `QuarantinedReport`: a row of a platform export (DingTalk / Feishu / WeCom) that could
  not become a report, with its values and problems (`kpilib import daily-reports`).
- `ReportReminder`: that a person was reminded of one day's report (at most once; the
  messages themselves are `notifications.Notification` rows).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FIELD_KINDS = ("text", "number", "choice")
PLATFORM_CHOICES = [("dingtalk", _("DingTalk 日志")), ("feishu", _("Feishu 汇报")), ("wecom", _("WeCom 汇报"))]
PLAN_FIELD = "plan"


def default_fields() -> list[dict[str, object]]:
    """今日完成 / 问题与发现 / 明日计划: the fields a new template starts with."""
    return [
        {"key": "done", "label": "今日完成", "label_en": "Done today", "kind": "text", "required": True},
        {"key": "findings", "label": "问题与发现", "label_en": "Problems and findings", "kind": "text", "required": False},
        {"key": PLAN_FIELD, "label": "明日计划", "label_en": "Plan for tomorrow", "kind": "text", "required": False},
    ]


def fields_problems(fields: object) -> list[str]:
    """What is wrong with a template's field list (empty when it is fine)."""
    if not isinstance(fields, list) or not fields:
        return [str(_("A template needs at least one field."))]
    problems: list[str] = []
    keys: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(str(_("Field %(n)d is not a field.") % {"n": position}))
            continue
        key = str(field.get("key", ""))
        if not key.isidentifier():
            problems.append(str(_("Field %(n)d needs a key of letters, digits and _.") % {"n": position}))
        if key in keys:
            problems.append(str(_("Two fields share the key %(key)s.") % {"key": key}))
        keys.add(key)
        if not str(field.get("label", "")).strip():
            problems.append(str(_("Field %(n)d needs a label.") % {"n": position}))
        if field.get("kind") not in FIELD_KINDS:
            problems.append(str(_("Field %(n)d: the kind is text, number or choice.") % {"n": position}))
        if field.get("kind") == "choice" and not field.get("choices"):
            problems.append(str(_("Field %(n)d: a choice field needs its choices.") % {"n": position}))
    return problems


class ReportTemplate(models.Model):
    """The fields of a position's daily report, its CC readers and its deadline rule."""

    position = models.OneToOneField(
        "org.Position",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_template",
        help_text=_("Empty: every position without a template of its own."),
    )
    name = models.CharField(_("name"), max_length=100)
    fields = models.JSONField(_("fields"), default=default_fields)
    cc = models.ManyToManyField(
        "org.Employee",
        verbose_name=_("CC"),
        blank=True,
        related_name="report_templates_cc",
        help_text=_("People who read every report of this template besides the managers."),
    )
    deadline_time = models.TimeField(_("deadline time"), default="10:00")
    workdays_after = models.PositiveSmallIntegerField(
        _("working days after"),
        default=1,
        help_text=_("1: the report is due by the deadline time on the next working day."),
    )
    rating_workdays = models.PositiveSmallIntegerField(
        _("working days to rate"),
        default=3,
        help_text=_(
            "Managers rate a report within this many working days after it is due; a report "
            "still unrated then counts as normal (0)."
        ),
    )
    is_active = models.BooleanField(_("reports required"), default=True)

    class Meta:
        verbose_name = _("daily report template")
        verbose_name_plural = _("daily report templates")
        ordering = ["position_id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = fields_problems(self.fields)
        if problems:
            raise ValidationError({"fields": problems})
        if self.position_id is None:
            others = ReportTemplate.objects.filter(position__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"position": _("There is already a template for every other position.")}
                )


class WorkdayException(models.Model):
    """A company's own working day or day off, over China's public calendar."""

    company = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="workday_exceptions",
        limit_choices_to={"kind": "company"},
    )
    day = models.DateField(_("day"))
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working-day exception")
        verbose_name_plural = _("working-day exceptions")
        ordering = ["company_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["company", "day"], name="workday_exception_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {'+' if self.is_workday else '-'}"


class DailyReport(models.Model):
    """One person's daily report for one day, and the manager's rating of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    class Rating(models.IntegerChoices):
        PERFUNCTORY = -1, _("perfunctory (−1)")
        NORMAL = 0, _("normal (0)")
        CONSTRUCTIVE = 1, _("constructive (+1)")

    author = models.ForeignKey(
        "org.Employee", verbose_name=_("author"), on_delete=models.PROTECT, related_name="daily_reports"
    )
    report_date = models.DateField(_("report date"))
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="reports",
    )
    fields = models.JSONField(_("fields as written"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    checklist_total = models.PositiveSmallIntegerField(_("items carried over"), default=0)
    checklist_done = models.JSONField(_("carried-over items done"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    cc = models.ManyToManyField(
        "org.Employee", verbose_name=_("CC"), blank=True, related_name="daily_reports_cc"
    )
    deadline = models.DateTimeField(_("due by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    rating = models.SmallIntegerField(_("rating"), choices=Rating.choices, null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by_default = models.BooleanField(
        _("counted as normal"),
        default=False,
        help_text=_("Not rated by the rating deadline, so it counts as normal (0)."),
    )
    platform = models.CharField(
        _("imported from"), max_length=10, choices=PLATFORM_CHOICES, blank=True,
        help_text=_("Empty: written in kpilib."),
    )
    platform_record_id = models.CharField(_("platform record id"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-report_date", "author_id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "report_date"], name="daily_report_one_a_day"),
            models.UniqueConstraint(
                fields=["platform", "platform_record_id"],
                condition=~Q(platform_record_id=""),
                name="daily_report_platform_record_once",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=[-1, 0, 1]),
                name="daily_report_rating_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "rating"], name="daily_report_queue")]

    def __str__(self) -> str:
        return f"{self.author_id} {self.report_date}"

    @property
    def text(self) -> str:
        """Everything written, field by field (what the quality hints read)."""
        parts = []
        for field in self.fields:
            value = self.answers.get(str(field.get("key")), "")
            if value not in ("", None):
                parts.append(f"{field.get('label', '')}：{value}")
        return "\n".join(parts)


class ReportComment(models.Model):
    """A comment on a daily report; a reply names the comment it answers."""

    report = models.ForeignKey(
        DailyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("reply to"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily report comment")
        verbose_name_plural = _("daily report comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ReportReminder(models.Model):
    """A person was reminded to submit one day's report: at most one reminder per person and day."""

    author = models.ForeignKey(
        "org.Employee", verbose_name=_("author"), on_delete=models.CASCADE, related_name="report_reminders"
    )
    report_date = models.DateField(_("report date"))
    deadline = models.DateTimeField(_("due by"))
    sent_at = models.DateTimeField(_("reminded at"))

    class Meta:
        verbose_name = _("daily report reminder")
        verbose_name_plural = _("daily report reminders")
        ordering = ["-report_date", "author_id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "report_date"], name="report_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.report_date}"


class QuarantinedReport(models.Model):
    """A row of a platform's export that could not become a report: its values and problems,
    until a later import brings the same record id in (then it is resolved)."""

    platform = models.CharField(_("platform"), max_length=10, choices=PLATFORM_CHOICES)
    record_id = models.CharField(_("platform record id"), max_length=100, blank=True)
    is_resolved = models.BooleanField(_("imported since"), default=False)
    file_name = models.CharField(_("file"), max_length=255)
    line = models.PositiveIntegerField(_("line"))
    values = models.JSONField(_("values"), default=dict)
    problems = models.JSONField(_("problems"), default=list)
    digest = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarantined daily report")
        verbose_name_plural = _("quarantined daily reports")
        ordering = ["-created_at", "line"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "digest"], name="quarantined_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.line}"
