"""Appraisal plans and their revisions.

A plan says who is appraised (positions, optionally regions and org units) and by what:
pinned indicator versions, weights in points summing to 100, rule overrides, grade bands
and, for PBC/MBO/OKR modes, the share of personal goals. Each change is a new revision;
a published revision never changes. A regional variant names a parent plan and stores
only what it overrides; everything else is inherited from the parent's live revision.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpilib.library.models import LocalisedName


class Plan(LocalisedName):
    """An appraisal plan (考核方案) for one or more positions."""

    class PersonalMode(models.TextChoices):
        NONE = "none", _("KPI only")
        PBC = "pbc", _("PBC: personal business commitments")
        MBO = "mbo", _("MBO: objectives with targets")
        OKR = "okr", _("OKR: objectives and key results")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    positions = models.ManyToManyField(
        "org.Position", verbose_name=_("positions"), related_name="plans"
    )
    regions = models.JSONField(
        _("regions"), default=list, blank=True, help_text=_("Empty means every region.")
    )
    org_units = models.ManyToManyField(
        "org.OrgUnit",
        verbose_name=_("org units"),
        blank=True,
        related_name="plans",
        help_text=_("Empty means every org unit (with their sub-units)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    template = models.ForeignKey(
        "library.PlanTemplate",
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    administrators = models.ManyToManyField(
        "org.Employee",
        verbose_name=_("plan administrators"),
        blank=True,
        related_name="administered_plans",
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    ahp_profiles = models.JSONField(
        _("AHP role and stage profiles"),
        default=list,
        blank=True,
        help_text=_("The role/business-stage adjustments the plan's AHP weights are derived with."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal plan")
        verbose_name_plural = _("appraisal plans")
        ordering = ["code"]


class PlanRevision(models.Model):
    """One revision of a plan. Drafts are edited; a published revision is immutable.

    For a regional variant, empty (null) fields inherit from the parent and `weights` /
    `rule_overrides` hold only the indicators whose value differs. A draft inherits from
    the parent's live revision; publishing records that revision (`parent_revision`), so a
    published variant never changes when its parent is revised.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    pinned_versions = models.JSONField(_("pinned indicator versions"), default=dict, blank=True)
    rule_overrides = models.JSONField(_("rule overrides"), default=dict, blank=True)
    grade_bands = models.JSONField(_("grade bands"), null=True, blank=True)
    precision = models.PositiveSmallIntegerField(_("decimals"), null=True, blank=True)
    personal_mode = models.CharField(
        _("personal goals"),
        max_length=10,
        choices=Plan.PersonalMode.choices,
        null=True,
        blank=True,
    )
    personal_share = models.FloatField(
        _("points for personal goals"),
        null=True,
        blank=True,
        help_text=_("Out of 100; the indicators share the rest."),
    )
    missing_policies = models.JSONField(_("missing-data policies"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    parent_revision = models.ForeignKey(
        "self",
        verbose_name=_("inherits from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a regional variant: the parent's revision it was published against."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} r{self.number}"


class AhpJudgement(models.Model):
    """One judge's pairwise judgements for one level of a plan's hierarchy.

    `level` is "dimensions" (comparing the plan's dimensions) or a dimension code
    (comparing that dimension's indicators); `judgements` maps "A,B" to how much more
    important A is than B on Saaty's 1/9–9 scale.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ahp_judgements")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=64)
    judgements = models.JSONField(_("judgements"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("AHP judgement")
        verbose_name_plural = _("AHP judgements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "judge", "level"], name="ahp_judgement_unique")
        ]


class AhpApplication(models.Model):
    """One application of AHP weights to a plan's draft: the profiles it used, its worst
    consistency ratio and, when that ratio was above 0.10, the reason it was applied anyway."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ahp_applications")
    revision = models.ForeignKey(
        PlanRevision,
        verbose_name=_("plan revision"),
        on_delete=models.CASCADE,
        related_name="ahp_applications",
    )
    profiles = models.JSONField(_("AHP role and stage profiles"), default=list, blank=True)
    consistency_ratio = models.FloatField(_("consistency ratio"), null=True, blank=True)
    consistent = models.BooleanField(_("consistent"), default=True)
    reason = models.TextField(_("reason for applying inconsistent judgements"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("AHP application")
        verbose_name_plural = _("AHP applications")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consistent=True) | ~models.Q(reason=""),
                name="ahp_application_inconsistent_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} r{self.revision.number}"
