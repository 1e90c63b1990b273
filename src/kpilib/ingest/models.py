"""The fact store (product.md §5) and where every fact came from.

A `Fact` is one thing that happened to one employee on one day. It keeps its provenance:
the `source` system, the `ImportBatch` that last wrote it (file name and hash, or API
request id), and its `line` in that file (or position in that request). Facts are
idempotent by (source, external_id): the import writes a row once, updates it when the
same id comes back changed (audited) and leaves it alone when it comes back unchanged.

A `Source` is a system facts come from (a CRM, a ticket system, a survey tool, a plain
facts file); its connector kind decides how vendor columns become facts, it remembers the
column mapping last used, holds the webhook secret, and owns the owner-name mapping table
(`OwnerAlias`). Rows that cannot be imported wait in the quarantine (`QuarantinedRow`)
until someone fixes and re-submits them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kpilib.ingest.connectors import CONNECTOR_CHOICES, GENERIC


class Source(models.Model):
    """A system facts come from: its connector, saved column mapping and webhook secret."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    kind = models.CharField(
        _("connector"), max_length=32, choices=CONNECTOR_CHOICES, default=GENERIC
    )
    column_mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_("The column of the file that fills each field, as last used."),
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        blank=True,
        help_text=_(
            "Shared secret that signs webhook deliveries (HMAC-SHA256). Empty: no webhook."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OwnerAlias(models.Model):
    """How a source names an employee (a CRM owner name or user id) → that employee."""

    source = models.ForeignKey(
        Source, verbose_name=_("data source"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("name or id in the source"), max_length=200)
    employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="source_aliases",
    )

    class Meta:
        verbose_name = _("owner mapping")
        verbose_name_plural = _("owner mappings")
        ordering = ["source", "alias"]
        constraints = [
            models.UniqueConstraint(fields=["source", "alias"], name="owner_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.alias} → {self.employee}"


class ApiToken(models.Model):
    """A bearer token for `POST /api/facts`; only its SHA-256 is stored."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("data source"), on_delete=models.CASCADE, related_name="tokens"
    )
    prefix = models.CharField(_("token starts with"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ImportBatch(models.Model):
    """One intake of facts: a file, an API request or a webhook delivery, and its outcome."""

    class Channel(models.TextChoices):
        FILE = "file", _("file")
        API = "api", _("API")
        WEBHOOK = "webhook", _("webhook")
        QUARANTINE = "quarantine", _("quarantine re-submission")

    class Status(models.TextChoices):
        DRAFT = "draft", _("awaiting mapping and preview")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(
        Source, verbose_name=_("data source"), on_delete=models.PROTECT, related_name="batches"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file = models.FileField(_("original file"), upload_to="ingest/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_hash = models.CharField(_("file SHA-256"), max_length=64, blank=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=200, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    response = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    encoding = models.CharField(
        _("encoding"),
        max_length=20,
        blank=True,
        help_text=_("How the file's text is read; empty for a workbook or when detected."),
    )
    encoding_certain = models.BooleanField(
        _("encoding detected for certain"),
        default=True,
        help_text=_("False when the file could be read more than one way: the person chooses."),
    )
    partial = models.BooleanField(
        _("keep bad rows in quarantine"),
        default=False,
        help_text=_("Import the good rows and quarantine the bad ones instead of all or nothing."),
    )
    task_id = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    quarantined = models.PositiveIntegerField(_("quarantined"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "channel", "request_id"],
                condition=~Q(request_id=""),
                name="import_batch_request_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} {self.file_name or self.request_id or self.channel}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.COMMITTED, self.Status.FAILED}


class Fact(models.Model):
    """One thing that happened (product.md §5), linked to its employee, with provenance."""

    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="facts"
    )
    metric = models.CharField(_("metric"), max_length=64)
    occurred_on = models.DateField(_("occurred on"))
    value = models.FloatField(_("value"), default=1.0)
    customer_id = models.CharField(_("customer"), max_length=200, blank=True)
    project_id = models.CharField(_("project"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=64)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    attributes = models.JSONField(_("other columns"), default=dict, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facts",
    )
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="fact_source_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "occurred_on"], name="fact_employee_day"),
            models.Index(fields=["metric", "occurred_on"], name="fact_metric_day"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.metric} {self.value:g} ({self.source})"


class QuarantinedRow(models.Model):
    """A row that could not become a fact, with its problems, until fixed or discarded."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting to be fixed")
        RESOLVED = "resolved", _("fixed and imported")
        DISCARDED = "discarded", _("discarded")

    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        on_delete=models.CASCADE,
        related_name="quarantined_rows",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("data source"), on_delete=models.CASCADE, related_name="quarantine"
    )
    line = models.PositiveIntegerField(_("line"))
    values = models.JSONField(_("values"), default=dict)
    problems = models.JSONField(_("problems"), default=list)
    digest = models.CharField(max_length=32, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolved_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_rows",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quarantined row")
        verbose_name_plural = _("quarantined rows")
        ordering = ["batch_id", "line"]
        indexes = [models.Index(fields=["source", "status"], name="quarantine_source_status")]

    def __str__(self) -> str:
        return f"{self.source} #{self.batch_id}:{self.line} ({self.status})"


class WebhookDelivery(models.Model):
    """A signed webhook delivery already accepted, kept for the replay window to refuse repeats."""

    source = models.ForeignKey(
        Source, verbose_name=_("data source"), on_delete=models.CASCADE, related_name="deliveries"
    )
    signature = models.CharField(_("signature"), max_length=64)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["source", "signature"], name="webhook_delivery_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.received_at:%Y-%m-%d %H:%M:%S}"
