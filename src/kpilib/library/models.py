"""The indicator library: dimensions, strategy (themes → objectives), indicators, versions.

An indicator's definition is the engine's `Indicator` (product.md §7) kept as JSON: the
engine validates it, scores with it and writes it back to YAML unchanged. Published
versions are immutable; the editable working copy is the indicator's `draft`.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LocalisedName(models.Model):
    """Names in both shipped languages, shown in the reader's language."""

    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.name_zh_hans if language.startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.name


class Dimension(LocalisedName):
    """A group of indicators (客户价值 customer value, …) on one layer of the model."""

    class Layer(models.TextChoices):
        RESULT = "result", _("result")
        CAPABILITY = "capability", _("capability")
        BEHAVIOUR = "behaviour", _("behaviour")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    layer = models.CharField(_("layer"), max_length=20, choices=Layer.choices)
    description_zh_hans = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["order", "code"]


class Theme(LocalisedName):
    """A strategic theme (战略主题), e.g. market-share expansion; one may be active."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    description_zh_hans = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(_("active strategy"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    adjustment_profile = models.CharField(
        _("weighting preset"),
        max_length=64,
        blank=True,
        help_text=_(
            "The stage profile whose factors re-weight plans when this theme becomes active "
            "(expansion_stage, high_value_stage, quality_stage)."
        ),
    )

    class Meta:
        verbose_name = _("strategic theme")
        verbose_name_plural = _("strategic themes")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_theme",
            )
        ]


class Objective(LocalisedName):
    """A strategic objective (目标) with a target and a deadline, under a theme."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    description_zh_hans = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["order", "code"]


class Indicator(LocalisedName):
    """An indicator's identity and life cycle; what it is lives in its versions and draft.

    Name, dimension and tags are copied from the newest definition (draft or published)
    so that the library can be browsed and filtered in the database.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("indicator status", "draft")
        ACTIVE = "active", pgettext_lazy("indicator status", "active")
        RETIRED = "retired", pgettext_lazy("indicator status", "retired")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="indicators"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    draft = models.JSONField(
        _("draft definition"),
        null=True,
        blank=True,
        help_text=_("The working copy; publishing it makes a new immutable version."),
    )
    owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
    )
    purpose_zh_hans = models.TextField(_("purpose (Chinese)"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    retirement_reason = models.TextField(_("reason for retiring"), blank=True)
    source_pack = models.CharField(_("pack"), max_length=64, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    def latest_version(self) -> "IndicatorVersion | None":
        return self.versions.order_by("-number").first()


class IndicatorVersion(models.Model):
    """One published, immutable definition of an indicator. Plans pin versions."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    change_note = models.TextField(_("change note"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["indicator", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicator_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} v{self.number}"


class Contribution(models.Model):
    """How an indicator serves an objective, in words (the link itself is in the definition)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="contributions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="contributions")
    note = models.TextField(_("contribution"), blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "objective"], name="contribution_unique")
        ]


class PlanTemplate(LocalisedName):
    """A plan from a pack (position, weights, grade bands): what appraisal plans start from.

    `definition` is the engine's `Plan` as JSON; each change is a new revision number.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    position_code = models.SlugField(_("position"), max_length=64)
    definition = models.JSONField(_("definition"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    source_pack = models.CharField(_("pack"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["code"]


class PackSource(models.Model):
    """The pack metadata as last imported, so that an export says which pack it is."""

    code = models.SlugField(max_length=64, unique=True)
    version = models.CharField(max_length=50)
    definition = models.JSONField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pack")
        verbose_name_plural = _("packs")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
