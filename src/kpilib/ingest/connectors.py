"""Connectors: how each vendor's export becomes facts (product.md §5), declared as data.

A connector names the vendor columns it reads (its *slots*, spelled as the vendor's export
spells them), which slot identifies the owner, the external id, the customer and the
project, and its *outputs*: each output is one fact a row yields when the row's
conditions hold (`when`: slot → accepted values, compared trimmed and case-insensitively).
A row that meets no output is not a fact for this connector (an open deal, a ticket of
another type) and is counted as skipped, never dropped silently. Outputs that may hold
together for one row carry an `id_suffix` so each fact keeps its own external id.

Dates: a vendor timestamp is cut to its leading `YYYY-MM-DD` (or `YYYY/MM/DD`); a
connector with `date_formats` (Jira's `15/Mar/25 10:22 AM`) converts those first. What
is left is checked by the engine (`engine.facts.typed_facts`) like any facts file.

Which columns are documented by the vendor and which are kpilib's assumptions is stated
per connector in `documented` / `assumed` and in docs/user-guide.md ("Importing facts").
Pure data and Polars expressions: no Django import beyond lazy translation of labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kpilib.tabular import LINE

GENERIC = "facts"
FACT_COLUMNS = (
    "employee_id",
    "metric",
    "occurred_on",
    "value",
    "customer_id",
    "project_id",
    "source",
    "external_id",
)
OWNER_EMAIL = "owner_email"
DONE_STATUSES = ("done", "closed", "resolved", "完成", "已完成", "已解决", "已关闭")
TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")
LEADING_DATE = r"^\s*(\d{4}[-/]\d{1,2}[-/]\d{1,2})"


@dataclass(frozen=True)
class Output:
    """One fact a vendor row yields when every `when` condition holds."""

    metric: str
    occurred_on: str
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    value: str | None = None
    id_suffix: str = ""
    # A score whose polarity is "lower is better" (a churn risk of 0–100) is stored as
    # `invert_from − value`, so every health fact reads "higher is healthier".
    invert_from: float | None = None
    # A score column left empty means "no score" (not §5's "empty value means 1").
    skip_blank: bool = False


@dataclass(frozen=True)
class Connector:
    """A vendor export's declared mapping to facts."""

    kind: str
    label: Promise
    vendor: str
    owner: str
    outputs: tuple[Output, ...]
    external_id: str | None = None
    owner_email: str | None = None
    customer_id: str | None = None
    project_id: str | None = None
    attributes: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    documented: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    export_hint: str = ""

    @property
    def slots(self) -> tuple[str, ...]:
        """Every vendor column the connector reads, required ones first."""
        return tuple(dict.fromkeys([*self.required, *self.optional]))

    @property
    def required(self) -> tuple[str, ...]:
        columns = [self.owner]
        for output in self.outputs:
            columns += [output.occurred_on, *output.when]
            if output.value:
                columns.append(output.value)
        return tuple(dict.fromkeys(columns))

    @property
    def optional(self) -> tuple[str, ...]:
        columns = [self.external_id, self.owner_email, self.customer_id, self.project_id]
        return tuple(
            column
            for column in dict.fromkeys([*columns, *self.attributes])
            if column and column not in self.required
        )

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(output.metric for output in self.outputs))


def _lowered(values: tuple[str, ...]) -> list[str]:
    return [value.casefold() for value in values]


def _condition(output: Output) -> pl.Expr:
    condition = pl.lit(True)
    if output.skip_blank and output.value:
        condition = (pl.col(output.value).str.strip_chars() != "").fill_null(False)
    for column, values in output.when.items():
        text = pl.col(column).str.strip_chars().str.to_lowercase()
        condition = condition & text.is_in(_lowered(values)).fill_null(False)
    return condition


def _date_text(column: str, formats: tuple[str, ...]) -> pl.Expr:
    """The vendor's date as `YYYY-MM-DD` where recognisable, else the text as written."""
    text = pl.col(column).str.strip_chars()
    converted = [
        text.str.to_datetime(date_format, strict=False).dt.strftime("%Y-%m-%d")
        for date_format in formats
    ]
    return pl.coalesce([*converted, text.str.extract(LEADING_DATE, 1), text])


def _text(column: str | None) -> pl.Expr:
    return pl.col(column) if column else pl.lit(None, dtype=pl.String)


def _value(output: Output) -> pl.Expr:
    """The output's value as text; an inverted score becomes `invert_from − value` (text
    that is not a number stays as written, so the fact check names it)."""
    value = _text(output.value)
    if output.invert_from is None:
        return value
    number = value.str.strip_chars().cast(pl.Float64, strict=False)
    inverted = (pl.lit(output.invert_from) - number).cast(pl.String)
    return pl.when(number.is_not_null()).then(inverted).otherwise(value)


def vendor_facts(connector: Connector, table: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Facts (all text, product.md §5 columns) from a table whose columns are the slots.

    Returns the facts, in file order, and how many rows met no output (skipped).
    """
    missing = [slot for slot in connector.optional if slot not in table.columns]
    table = table.with_columns(pl.lit(None, dtype=pl.String).alias(slot) for slot in missing)
    kept = [slot for slot in connector.attributes if slot in table.columns]
    parts = []
    for order, output in enumerate(connector.outputs):
        external_id = _text(connector.external_id)
        if output.id_suffix:
            external_id = external_id + pl.lit(output.id_suffix)
        parts.append(
            table.filter(_condition(output)).select(
                _text(connector.owner).alias("employee_id"),
                _text(connector.owner_email).alias(OWNER_EMAIL),
                pl.lit(output.metric).alias("metric"),
                _date_text(output.occurred_on, connector.date_formats).alias("occurred_on"),
                _value(output).alias("value"),
                _text(connector.customer_id).alias("customer_id"),
                _text(connector.project_id).alias("project_id"),
                external_id.alias("external_id"),
                *[pl.col(slot) for slot in kept],
                pl.col(LINE),
                pl.lit(order).alias("__output__"),
            )
        )
    facts = pl.concat(parts).sort(LINE, "__output__").drop("__output__")
    met = pl.any_horizontal(_condition(output) for output in connector.outputs)
    skipped = int(table.select((~met).sum()).item())
    return facts, skipped


_CLOSED_WON = ("Closed Won", "赢单", "成交")
_CLOSED_LOST = ("Closed Lost", "Closed-Lost to Competition", "输单", "丢单")
_REVISIT = ("Revisit", "回访")

CONNECTORS: dict[str, Connector] = {
    connector.kind: connector
    for connector in (
        Connector(
            kind="zoho_deals",
            label=_("Zoho CRM · Deals"),
            vendor="Zoho CRM",
            owner="Deal Owner",
            owner_email="Owner Email",
            external_id="Record Id",
            customer_id="Account Name",
            project_id="Deal Name",
            attributes=("Stage", "Amount"),
            outputs=(
                Output("opportunity_won", "Closing Date", {"Stage": _CLOSED_WON}),
                Output("opportunity_lost", "Closing Date", {"Stage": _CLOSED_LOST}),
            ),
            documented=(
                "Record Id",
                "Deal Name",
                "Deal Owner",
                "Account Name",
                "Stage",
                "Closing Date",
                "Amount",
            ),
            assumed=("Owner Email",),
            export_hint="Setup → Data Administration → Export → Deals (CSV)",
        ),
        Connector(
            kind="zoho_cases",
            label=_("Zoho CRM · Cases"),
            vendor="Zoho CRM",
            owner="Case Owner",
            owner_email="Owner Email",
            external_id="Record Id",
            customer_id="Account Name",
            attributes=("Case Number", "Priority", "Subject"),
            outputs=(
                Output(
                    "complaint",
                    "Created Time",
                    {"Type": ("Complaint", "投诉")},
                    id_suffix=":complaint",
                ),
                Output(
                    "unresolved_customer",
                    "Created Time",
                    {"Status": ("New", "On Hold", "Escalated", "新建", "暂停", "已升级")},
                ),
                Output("ticket_resolved", "Created Time", {"Status": ("Closed", "已关闭")}),
            ),
            documented=(
                "Record Id",
                "Case Number",
                "Case Owner",
                "Status",
                "Priority",
                "Type",
                "Created Time",
                "Account Name",
                "Subject",
            ),
            assumed=("Owner Email", "Type value Complaint"),
            export_hint="Setup → Data Administration → Export → Cases (CSV)",
        ),
        Connector(
            kind="zoho_surveys",
            label=_("Zoho Survey · responses"),
            vendor="Zoho Survey",
            owner="Engineer Email",
            external_id="Response ID",
            customer_id="Account Name",
            attributes=("Respondent Email",),
            outputs=(Output("satisfaction_score", "Submitted Time", value="Score"),),
            documented=("Response ID",),
            assumed=(
                "Submitted Time",
                "Engineer Email",
                "Account Name",
                "Score",
                "Respondent Email",
            ),
            export_hint="Survey → Reports → Export responses (CSV), with the engineer's email "
            "passed as a custom variable",
        ),
        Connector(
            kind="salesforce_opportunity",
            label=_("Salesforce · Opportunity"),
            vendor="Salesforce",
            owner="OwnerId",
            owner_email="Owner.Email",
            external_id="Id",
            customer_id="AccountId",
            project_id="Name",
            attributes=("StageName", "Amount"),
            outputs=(
                Output("opportunity_won", "CloseDate", {"IsWon": TRUE}),
                Output("opportunity_lost", "CloseDate", {"IsClosed": TRUE, "IsWon": FALSE}),
            ),
            documented=(
                "Id",
                "OwnerId",
                "Owner.Email",
                "Name",
                "StageName",
                "CloseDate",
                "Amount",
                "AccountId",
                "IsWon",
                "IsClosed",
            ),
            export_hint="Data Loader → Export → Opportunity (API field names)",
        ),
        Connector(
            kind="salesforce_case",
            label=_("Salesforce · Case"),
            vendor="Salesforce",
            owner="OwnerId",
            owner_email="Owner.Email",
            external_id="Id",
            customer_id="AccountId",
            attributes=("CaseNumber", "Priority", "Status"),
            outputs=(
                Output(
                    "complaint", "CreatedDate", {"Type": ("Complaint",)}, id_suffix=":complaint"
                ),
                Output("unresolved_customer", "CreatedDate", {"IsClosed": FALSE}),
                Output("ticket_resolved", "CreatedDate", {"IsClosed": TRUE}),
            ),
            documented=(
                "Id",
                "CaseNumber",
                "OwnerId",
                "Owner.Email",
                "Status",
                "IsClosed",
                "Type",
                "Priority",
                "CreatedDate",
                "AccountId",
            ),
            assumed=("Type value Complaint",),
            export_hint="Data Loader → Export → Case (API field names)",
        ),
        Connector(
            kind="tickets",
            label=_("Ticket system (Zendesk-style export)"),
            vendor="Zendesk",
            owner="Assignee",
            owner_email="Assignee email",
            external_id="Id",
            customer_id="Organization",
            attributes=("Priority", "Ticket type", "Subject"),
            outputs=(
                Output(
                    "unresolved_customer",
                    "Created at",
                    {"Status": ("New", "Open", "Pending", "On-hold", "Hold")},
                ),
                Output("ticket_resolved", "Created at", {"Status": ("Solved", "Closed")}),
            ),
            documented=(
                "Id",
                "Assignee",
                "Organization",
                "Status",
                "Priority",
                "Ticket type",
                "Created at",
                "Subject",
            ),
            assumed=("Assignee email",),
            export_hint="Admin Center → Account → Reports → Export → CSV",
        ),
        Connector(
            kind="jira",
            label=_("Jira · issues (revisit tasks)"),
            vendor="Jira",
            owner="Assignee",
            external_id="Issue key",
            customer_id="Custom field (Customer)",
            project_id="Project key",
            attributes=("Summary", "Status"),
            date_formats=("%d/%b/%y %I:%M %p", "%d/%b/%y"),
            outputs=(
                Output("revisit_due", "Due date", {"Issue Type": _REVISIT}, id_suffix=":due"),
                Output(
                    "revisit_done",
                    "Resolved",
                    {"Issue Type": _REVISIT, "Status": DONE_STATUSES},
                    id_suffix=":done",
                ),
            ),
            documented=(
                "Issue key",
                "Summary",
                "Issue Type",
                "Status",
                "Project key",
                "Assignee",
                "Resolved",
                "Due date",
            ),
            assumed=("Custom field (Customer)", "Issue Type value Revisit/回访"),
            export_hint="Filters → Export → Export Excel CSV (all fields)",
        ),
        Connector(
            kind="gainsight_health",
            label=_("Gainsight · customer health scores"),
            vendor="Gainsight",
            owner="CSM",
            owner_email="CSM Email",
            external_id="Scorecard History Id",
            customer_id="Company Name",
            attributes=("Score Label",),
            outputs=(
                Output("customer_health", "Snapshot Date", value="Overall Score", skip_blank=True),
            ),
            assumed=(
                "Scorecard History Id",
                "Company Name",
                "CSM",
                "CSM Email",
                "Overall Score",
                "Snapshot Date",
                "Score Label",
            ),
            export_hint="Scorecards → Scorecard history report → Export (CSV)",
        ),
        Connector(
            kind="churnzero_health",
            label=_("ChurnZero · ChurnScore and risk"),
            vendor="ChurnZero",
            owner="Account Owner",
            owner_email="Account Owner Email",
            external_id="Record Id",
            customer_id="Account Name",
            outputs=(
                Output(
                    "customer_health",
                    "Score Date",
                    value="ChurnScore",
                    id_suffix=":score",
                    skip_blank=True,
                ),
                Output(
                    "customer_health",
                    "Score Date",
                    {"Risk Scale": ("0-100",)},
                    value="Churn Risk",
                    id_suffix=":risk",
                    invert_from=100.0,
                    skip_blank=True,
                ),
            ),
            assumed=(
                "Record Id",
                "Account Name",
                "Account Owner",
                "Account Owner Email",
                "ChurnScore",
                "Churn Risk",
                "Risk Scale",
                "Score Date",
            ),
            export_hint="Accounts → ChurnScore history → Export (CSV)",
        ),
        Connector(
            kind="survey",
            label=_("Survey tool · satisfaction responses"),
            vendor="survey tool",
            owner="Engineer Email",
            external_id="Response ID",
            customer_id="Account",
            attributes=("Respondent Email",),
            outputs=(Output("satisfaction_score", "Submitted At", value="Score"),),
            documented=("Response ID", "Submitted At"),
            assumed=("Respondent Email", "Account", "Score", "Engineer Email"),
            export_hint="Responses → Download → CSV, with the engineer's email as a hidden field",
        ),
    )
}

CONNECTOR_CHOICES: list[tuple[str, Promise]] = [
    (GENERIC, _("Facts file (product columns)")),
    *((kind, connector.label) for kind, connector in CONNECTORS.items()),
]


def slots_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) columns a source of this kind reads."""
    if kind == GENERIC:
        return ("employee_id", "metric", "occurred_on"), (*FACT_COLUMNS[3:], OWNER_EMAIL)
    connector = CONNECTORS[kind]
    return connector.required, connector.optional
