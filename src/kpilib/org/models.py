"""Org units (a tree kept with materialised paths), positions and employees."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def local_name(name: str, name_en: str) -> str:
    """Master data named once (in Chinese) with an optional English name."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return name_en if name_en and not language.startswith("zh") else name


class OrgUnit(models.Model):
    """A node of the organisation: company → region → department/team.

    `path` is the chain of ids from the root ("/1/4/9/") so that a subtree is one
    `path__startswith` query; services keep it current when a unit moves.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        REGION = "region", _("region")
        DEPARTMENT = "department", _("department")
        TEAM = "team", _("team")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown to English readers; the name is shown when this is empty."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
        help_text=_("The manager who leads this unit and sees everyone in it."),
    )
    path = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="org_unit_name_unique"),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language: the English name for English readers, if any."""
        return local_name(self.name, self.name_en)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Position(models.Model):
    """A job position such as 售前工程师 (presales engineer); appraisal plans target positions."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.name_zh_hans if language.startswith("zh") else self.name_en


class Employee(models.Model):
    """A person appraised or appraising. Leavers get `left_on` and keep all their history."""

    employee_id = models.CharField(_("employee number"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="employees"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="employee_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"

    @property
    def is_active(self) -> bool:
        return self.left_on is None
