"""Cross-department solution validation (解决方案跨部门验证).

A presales engineer submits a solution (linked to its customer and project) for validation
by reviewers they name from product (产品) and delivery (交付). Each submission is a
`ValidationRound`; each named reviewer has one `ReviewerVerdict` row in it, pending until
they pass the solution or fail it with reasons from the `Checklist`. When every reviewer
has decided, the round is passed (all passed) or failed (any failed). A failed solution is
resubmitted as the next round; every round and verdict is kept.

The checklist is one row HR edits in the admin (`Checklist`); with none saved the default
(`DEFAULT_ITEMS`, both functions required) applies.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The default checklist: (code, zh-Hans, en)
DEFAULT_ITEMS: list[dict[str, str]] = [
    {"code": "requirements", "zh-Hans": "需求覆盖", "en": "Requirements coverage"},
    {"code": "feasibility", "zh-Hans": "技术可行性", "en": "Technical feasibility"},
    {"code": "deliverability", "zh-Hans": "交付可实施性", "en": "Deliverability"},
    {"code": "roadmap", "zh-Hans": "产品路线一致", "en": "Fits the product roadmap"},
    {"code": "cost", "zh-Hans": "成本与报价", "en": "Cost and pricing"},
    {"code": "risks", "zh-Hans": "风险与依赖", "en": "Risks and dependencies"},
]


def default_items() -> list[dict[str, str]]:
    return [dict(item) for item in DEFAULT_ITEMS]


class Checklist(models.Model):
    """What reviewers check, and which functions a submission must name (HR, in the admin;
    the first row is the one in force)."""

    items = models.JSONField(
        _("checklist items"), default=default_items,
        help_text=_('A list of {"code": ..., "zh-Hans": ..., "en": ...}.'),
    )
    require_product = models.BooleanField(_("a product reviewer is required"), default=True)
    require_delivery = models.BooleanField(_("a delivery reviewer is required"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("validation checklist")
        verbose_name_plural = _("validation checklists")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(_("validation checklist"))

    def codes(self) -> list[str]:
        return [str(item.get("code", "")) for item in self.items or []]

    def name_of(self, code: str, language: str) -> str:
        key = "zh-Hans" if language.lower().startswith("zh") else "en"
        for item in self.items or []:
            if item.get("code") == code:
                return str(item.get(key) or item.get("en") or code)
        return code


class Solution(models.Model):
    """A solution a presales engineer wrote for a customer's project, sent for validation."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    customer_id = models.CharField(_("customer id"), max_length=100, blank=True)
    customer_name = models.CharField(_("customer"), max_length=200, blank=True)
    project_id = models.CharField(_("project id"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    author = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="solutions")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class ValidationRound(models.Model):
    """One submission of a solution to its reviewers (1, 2, … ; every round is kept)."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for verdicts")
        PASSED = "passed", pgettext_lazy("validation", "passed")
        FAILED = "failed", pgettext_lazy("validation", "failed")

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    submitted_at = models.DateTimeField(_("submitted at"))
    notes = models.TextField(_("notes for the reviewers"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="validation/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    workdays_to_verdict = models.PositiveIntegerField(_("working days to verdict"), null=True, blank=True)
    hours_to_verdict = models.FloatField(_("hours to verdict"), null=True, blank=True)

    class Meta:
        verbose_name = _("validation round")
        verbose_name_plural = _("validation rounds")
        ordering = ["solution", "number"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "number"], name="validation_round_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.solution} #{self.number}"


class ReviewerVerdict(models.Model):
    """A named reviewer of a round and, once given, their verdict (pending until then)."""

    class Function(models.TextChoices):
        PRODUCT = "product", _("product")
        DELIVERY = "delivery", _("delivery")

    class Verdict(models.TextChoices):
        PENDING = "", _("pending")
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")

    round = models.ForeignKey(ValidationRound, on_delete=models.CASCADE, related_name="verdicts")
    reviewer = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="validation_verdicts")
    function = models.CharField(_("function"), max_length=10, choices=Function.choices)
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices, default="", blank=True)
    reasons = models.JSONField(_("failing checklist items"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer verdict")
        verbose_name_plural = _("reviewer verdicts")
        ordering = ["round", "function", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="validation_reviewer_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.reviewer} · {self.verdict or 'pending'}"
