"""Success cases (成功经验分享): what an engineer learnt on a deal, written up for others.

An engineer writes a case (customer, industry, product, problem, solution, result,
attachments, the strategic objectives it serves, tags) and submits it; their manager or
HR approves it or returns it with a comment (a returned case is edited and submitted
again). Only an approved case is in the library, and only approval makes the author's
`case_shared` fact (+2 each on 技术学习交流与成长, capped by the rule). Readers record
that they reused a case, once each, so the library shows what is actually used.

`search_text` is the case's words cut by jieba at write time; the database's own full-text
search (SQLite FTS5, PostgreSQL `to_tsvector('simple', …)`) matches them
(`cases.selectors.cases_search`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for approval")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")

    author = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=200)
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    problem = models.TextField(_("the customer's problem"))
    solution = models.TextField(_("solution"))
    result = models.TextField(_("result"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    objectives = models.ManyToManyField(
        "library.Objective", verbose_name=_("objectives served"), blank=True, related_name="cases"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)
    search_text = models.TextField(_("search words"), editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CaseAttachment(models.Model):
    """A file that goes with a case (slides, a diagram, the customer's letter)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="cases/")
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file_name


class CaseReuse(models.Model):
    """Someone used an approved case in their own work (once per person and case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reuses")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="case_reuses")
    reused_on = models.DateField(_("reused on"))
    note = models.CharField(_("where it helped"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case reuse")
        verbose_name_plural = _("case reuses")
        constraints = [models.UniqueConstraint(fields=["case", "employee"], name="case_reused_once")]

    def __str__(self) -> str:
        return f"{self.case} · {self.employee}"
