"""Changing the library: pack import, drafts, publishing versions, retiring, strategy.

Every write is atomic and audited. Definitions are validated by the engine; a draft is
published only when it is valid and passes the SMART check, so a vague goal cannot
become an indicator people are scored on.
"""

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.definitions import Indicator as IndicatorDefinition
from kpilib.engine.definitions import Pack
from kpilib.engine.errors import InputError, Problem
from kpilib.engine.packs import PackError, dump_pack, parse_pack
from kpilib.library.errors import LibraryError
from kpilib.library.fetch import library_pack, published_definitions, strategy_document
from kpilib.library.models import (
    Contribution,
    Dimension,
    Indicator,
    IndicatorVersion,
    Objective,
    PackSource,
    PlanTemplate,
    Theme,
)
from kpilib.library.selectors import WeightProposal, engine_language, smart_report
from kpilib.notes import system_note
from kpilib.tabular import Sheet, xlsx_bytes


@dataclass
class PackImportReport:
    """What a pack import changed, by kind of object."""

    created: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    drafts: list[str] = field(default_factory=list)  # not SMART: kept as drafts

    def summary(self) -> str:
        def total(tally: dict[str, int]) -> int:
            return sum(tally.values())

        text = gettext(
            "Library import: %(created)d new, %(changed)d changed, %(unchanged)d unchanged."
        ) % {
            "created": total(self.created),
            "changed": total(self.changed),
            "unchanged": total(self.unchanged),
        }
        if self.drafts:
            text += " " + gettext(
                "Kept as drafts because they fail the SMART check: %(codes)s."
            ) % {"codes": ", ".join(self.drafts)}
        return text

    def count(self, outcome: str, kind: str) -> None:
        tally = getattr(self, outcome)
        tally[kind] = tally.get(kind, 0) + 1


def definition_json(definition: IndicatorDefinition | Any) -> dict[str, Any]:
    """A definition as stored: JSON, aliases as in the YAML, nothing left implicit."""
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- pack import / export ----------------------------------------------------------


def pack_export() -> str:
    """The library as edited (drafts over published versions), strategy and plan templates.

    Importing the file back changes nothing: export then import is lossless.
    """
    return dump_pack(library_pack(include_drafts=True))


@transaction.atomic
def pack_import(*, actor: Any, origin: Origin, text: str, file_name: str) -> PackImportReport:
    """Load a YAML pack into the library; any problem means nothing changes.

    Indicators whose definition differs from their newest version get a new published
    version; plans become plan templates (a changed one gets a new revision).
    """
    pack = parse_pack(text, name=file_name)
    report = PackImportReport()
    _upsert_pack_source(pack)
    for order, theme in enumerate(pack.themes):
        _upsert(
            report,
            actor,
            Theme,
            theme.code,
            origin=origin, order=order,
            name_zh_hans=theme.name.zh_hans,
            name_en=theme.name.en,
            description_zh_hans=theme.description.zh_hans if theme.description else "",
            description_en=theme.description.en if theme.description else "",
        )
    themes = {theme.code: theme for theme in Theme.objects.all()}
    for order, objective in enumerate(pack.objectives):
        _upsert(
            report,
            actor,
            Objective,
            objective.code,
            origin=origin, order=order,
            name_zh_hans=objective.name.zh_hans,
            name_en=objective.name.en,
            theme=themes.get(objective.theme) if objective.theme else None,
            description_zh_hans=objective.description.zh_hans if objective.description else "",
            description_en=objective.description.en if objective.description else "",
        )
    for order, dimension in enumerate(pack.dimensions):
        _upsert(
            report,
            actor,
            Dimension,
            dimension.code,
            origin=origin, name_zh_hans=dimension.name.zh_hans,
            name_en=dimension.name.en,
            layer=dimension.layer.value,
            order=order,
            description_zh_hans=dimension.description.zh_hans if dimension.description else "",
            description_en=dimension.description.en if dimension.description else "",
        )
    for order, definition in enumerate(pack.indicators):
        _import_indicator(report, actor, origin, definition, pack.pack.code, order=order)
    for plan in pack.plans:
        _import_plan(report, actor, origin, plan, pack.pack.code)
    return report


def _upsert_pack_source(pack: Pack) -> None:
    PackSource.objects.update_or_create(
        code=pack.pack.code,
        defaults={
            "version": pack.pack.version,
            "definition": pack.pack.model_dump(mode="json", by_alias=True, exclude_none=True),
        },
    )


def _upsert(
    report: PackImportReport, actor: Any, model: Any, code: str, *, origin: Origin, **fields: Any
) -> Any:
    kind = model._meta.model_name
    instance = model.objects.filter(code=code).first()
    if instance is None:
        instance = model.objects.create(code=code, **fields)
        audit_record(actor=actor, origin=origin, instance=instance, before=None)
        report.count("created", kind)
        return instance
    before = audit_snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    if audit_snapshot(instance) == before:
        report.count("unchanged", kind)
        return instance
    instance.save()
    audit_record(actor=actor, origin=origin, instance=instance, before=before)
    report.count("changed", kind)
    return instance


def _import_indicator(
    report: PackImportReport,
    actor: Any,
    origin: Origin,
    definition: IndicatorDefinition,
    pack_code: str,
    *,
    order: int | None = None,
) -> None:
    """New or changed definitions are published when SMART; otherwise kept as drafts."""
    document = definition_json(definition)
    indicator = Indicator.objects.filter(code=definition.code).first()
    created = indicator is None
    if indicator is None:
        indicator = Indicator.objects.create(
            code=definition.code,
            source_pack=pack_code,
            order=_next_order() if order is None else order,
            **_browse_fields(definition),
        )
        audit_record(actor=actor, origin=origin, instance=indicator, before=None)
    else:
        if order is not None and indicator.order != order:
            indicator.order = order
            indicator.save(update_fields=["order"])
        latest = indicator.latest_version()
        newest = indicator.draft if indicator.draft is not None else (latest and latest.definition)
        if newest == document:
            report.count("unchanged", "indicator")
            return
    report.count("created" if created else "changed", "indicator")
    if smart_failures(document):
        before = audit_snapshot(indicator)
        indicator.draft = document
        indicator.save(update_fields=["draft"])
        audit_record(actor=actor, origin=origin, instance=indicator, before=before)
        report.drafts.append(definition.code)
        return
    _publish(
        actor=actor, origin=origin, indicator=indicator, document=document, note=system_note("imported")
    )


def _import_plan(
    report: PackImportReport, actor: Any, origin: Origin, plan: Any, pack_code: str
) -> None:
    document = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    template = PlanTemplate.objects.filter(code=plan.code).first()
    if template is None:
        template = PlanTemplate.objects.create(
            code=plan.code,
            name_zh_hans=plan.name.zh_hans,
            name_en=plan.name.en,
            position_code=plan.position,
            definition=document,
            source_pack=pack_code,
        )
        audit_record(actor=actor, origin=origin, instance=template, before=None)
        report.count("created", "plantemplate")
        return
    if template.definition == document:
        report.count("unchanged", "plantemplate")
        return
    plan_template_revise(actor=actor, origin=origin, template=template, definition=document)
    report.count("changed", "plantemplate")


def _next_order() -> int:
    last = Indicator.objects.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def _browse_fields(definition: IndicatorDefinition) -> dict[str, Any]:
    return {
        "name_zh_hans": definition.name.zh_hans,
        "name_en": definition.name.en,
        "dimension": Dimension.objects.get(code=definition.dimension),
        "tags": list(definition.tags),
    }


def plan_template_revise(
    *, actor: Any, origin: Origin, template: PlanTemplate, definition: dict[str, Any]
) -> PlanTemplate:
    """Replace a template's definition (validated by the engine) as its next revision."""
    from kpilib.engine.definitions import Plan

    plan = Plan.model_validate(definition)
    before = audit_snapshot(template)
    template.definition = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    template.name_zh_hans, template.name_en = plan.name.zh_hans, plan.name.en
    template.position_code = plan.position
    template.revision += 1
    template.save()
    audit_record(actor=actor, origin=origin, instance=template, before=before)
    return template


# --- drafts, publishing, retiring -----------------------------------------------------


def draft_problems(document: dict[str, Any]) -> list[Problem]:
    """Everything wrong with a definition, checked by the engine against this library.

    Problems name the path inside the definition (`rule.tiers[1].points`).
    """
    pack = strategy_document()
    pack["indicators"] = [document]
    code = str(document.get("code") or "indicator")
    try:
        parse_pack(yaml.safe_dump(pack, allow_unicode=True), name=code)
    except PackError as error:
        prefix = "indicators[0]."
        return [
            Problem(code, None, (p.column or "").removeprefix(prefix) or None, p.reason)
            for p in error.problems
        ]
    return []


@transaction.atomic
def indicator_create(*, actor: Any, origin: Origin, document: dict[str, Any]) -> Indicator:
    """A new indicator whose first definition is a draft (not yet usable in plans)."""
    problems = draft_problems(document)
    if problems:
        raise InputError(problems)
    definition = IndicatorDefinition.model_validate(document)
    if Indicator.objects.filter(code=definition.code).exists():
        raise LibraryError(
            [gettext("an indicator with code %(code)s exists") % {"code": definition.code}]
        )
    indicator = Indicator.objects.create(
        code=definition.code,
        draft=definition_json(definition),
        order=_next_order(),
        **_browse_fields(definition),
    )
    audit_record(actor=actor, origin=origin, instance=indicator, before=None)
    return indicator


@transaction.atomic
def indicator_save_draft(
    *, actor: Any, origin: Origin, indicator: Indicator, document: dict[str, Any]
) -> Indicator:
    """Keep an edited definition as the indicator's draft; invalid drafts are refused."""
    if document.get("code") != indicator.code:
        raise LibraryError([gettext("the code of an indicator cannot change")])
    problems = draft_problems(document)
    if problems:
        raise InputError(problems)
    definition = IndicatorDefinition.model_validate(document)
    before = audit_snapshot(indicator)
    indicator.draft = definition_json(definition)
    for name, value in _browse_fields(definition).items():
        setattr(indicator, name, value)
    indicator.save()
    audit_record(actor=actor, origin=origin, instance=indicator, before=before)
    return indicator


@transaction.atomic
def indicator_set_details(
    *, actor: Any, origin: Origin, indicator: Indicator, owner: Any, purpose_zh_hans: str, purpose_en: str
) -> Indicator:
    """Set who owns the indicator and why it exists (kept beside its versions)."""
    before = audit_snapshot(indicator)
    indicator.owner = owner
    indicator.purpose_zh_hans = purpose_zh_hans.strip()
    indicator.purpose_en = purpose_en.strip()
    indicator.save(update_fields=["owner", "purpose_zh_hans", "purpose_en"])
    audit_record(actor=actor, origin=origin, instance=indicator, before=before)
    return indicator


def smart_failures(document: dict[str, Any]) -> list[str]:
    """The SMART check's failure messages for a definition, in the active language."""
    report = smart_report(document)
    language = engine_language()
    return [
        message.in_language(language)
        for message in report.messages
        if report.checks[message.check] == "fail"
    ]


@transaction.atomic
def indicator_publish(
    *, actor: Any, origin: Origin, indicator: Indicator, change_note: str = ""
) -> IndicatorVersion:
    """Publish the draft as the next immutable version; refused when invalid or not SMART."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.draft is None:
        raise LibraryError([gettext("there is no draft to publish")])
    problems = draft_problems(indicator.draft)
    if problems:
        raise InputError(problems)
    failures = smart_failures(indicator.draft)
    if failures:
        raise LibraryError(failures)
    return _publish(actor=actor, origin=origin, indicator=indicator, document=indicator.draft, note=change_note)


def _publish(
    *, actor: Any, origin: Origin, indicator: Indicator, document: dict[str, Any], note: str
) -> IndicatorVersion:
    before = audit_snapshot(indicator)
    latest = indicator.latest_version()
    version = IndicatorVersion.objects.create(
        indicator=indicator,
        number=(latest.number + 1) if latest else 1,
        definition=document,
        change_note=note,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    definition = IndicatorDefinition.model_validate(document)
    for name, value in _browse_fields(definition).items():
        setattr(indicator, name, value)
    indicator.draft = None
    if indicator.status == Indicator.Status.DRAFT:
        indicator.status = Indicator.Status.ACTIVE
    indicator.save()
    audit_record(actor=actor, origin=origin, instance=version, before=None)
    audit_record(actor=actor, origin=origin, instance=indicator, before=before)
    return version


@transaction.atomic
def indicator_retire(
    *, actor: Any, origin: Origin, indicator: Indicator, reason: str, replaced_by: Indicator | None = None
) -> Indicator:
    """Retire an indicator (with the reason, and its successor if any).

    Published versions stay: plans and appraisals that pinned them keep working.
    """
    if not reason.strip():
        raise LibraryError([gettext("say why the indicator is retired")])
    if replaced_by is not None and replaced_by.pk == indicator.pk:
        raise LibraryError([gettext("an indicator cannot replace itself")])
    before = audit_snapshot(indicator)
    indicator.status = Indicator.Status.RETIRED
    indicator.retirement_reason = reason.strip()
    indicator.replaced_by = replaced_by
    indicator.save()
    audit_record(actor=actor, origin=origin, instance=indicator, before=before)
    return indicator


@transaction.atomic
def contribution_set(
    *, actor: Any, origin: Origin, indicator: Indicator, objective: Objective, note: str
) -> Contribution:
    contribution, created = Contribution.objects.get_or_create(
        indicator=indicator, objective=objective
    )
    before = None if created else audit_snapshot(contribution)
    contribution.note = note
    contribution.save()
    audit_record(actor=actor, origin=origin, instance=contribution, before=before)
    return contribution


@transaction.atomic
def theme_activate(*, actor: Any, origin: Origin, theme: Theme | None) -> None:
    """Make `theme` the active strategy (None: no active theme)."""
    for current in Theme.objects.filter(is_active=True):
        before = audit_snapshot(current)
        current.is_active = False
        current.save(update_fields=["is_active"])
        audit_record(actor=actor, origin=origin, instance=current, before=before)
    if theme is not None:
        before = audit_snapshot(theme)
        theme.is_active = True
        theme.save(update_fields=["is_active"])
        audit_record(actor=actor, origin=origin, instance=theme, before=before)


@transaction.atomic
def strategy_apply(*, actor: Any, origin: Origin, theme: Theme, proposals: list[WeightProposal]) -> None:
    """Make the theme active and give each plan template the weights proposed for it."""
    theme_activate(actor=actor, origin=origin, theme=theme)
    for proposal in proposals:
        if not proposal.changes:
            continue
        definition = dict(proposal.plan.definition)
        definition["weights"] = proposal.proposed_weights()
        plan_template_revise(
            actor=actor, origin=origin, template=proposal.plan, definition=definition
        )


# --- files: YAML packs and XLSX sheets -------------------------------------------------

XLSX_TEXT_COLUMNS = {
    "name_zh_hans": ("name", "zh-Hans"),
    "name_en": ("name", "en"),
    "definition_zh_hans": ("definition", "zh-Hans"),
    "definition_en": ("definition", "en"),
    "unit_zh_hans": ("unit", "zh-Hans"),
    "unit_en": ("unit", "en"),
}
XLSX_PLAIN_COLUMNS = ("dimension", "period", "direction", "data_source", "leading_or_lagging")
XLSX_JSON_COLUMNS = ("measure", "inputs", "rule", "missing", "shared")
XLSX_COLUMNS = (
    "code",
    *XLSX_TEXT_COLUMNS,
    *XLSX_PLAIN_COLUMNS,
    "default_weight",
    "tags",
    "objectives",
    "counters",
    *XLSX_JSON_COLUMNS,
)


def indicators_xlsx_export() -> bytes:
    """Published indicators as one sheet, one row each; measure and rule as JSON cells."""
    import json

    rows: list[list[Any]] = []
    for document in published_definitions().values():
        row: list[Any] = [document["code"]]
        row += [document[key][language] for key, language in XLSX_TEXT_COLUMNS.values()]
        row += [document[key] for key in XLSX_PLAIN_COLUMNS]
        row += [document["default_weight"], ", ".join(document.get("tags", []))]
        row += [", ".join(document.get("objectives", []))]
        row += [", ".join(document.get("counters", []))]
        row += [
            json.dumps(document[key], ensure_ascii=False) if key in document else ""
            for key in XLSX_JSON_COLUMNS
        ]
        rows.append(row)
    return xlsx_bytes([Sheet("indicators", list(XLSX_COLUMNS), rows)])


def _xlsx_documents(data: bytes, file_name: str) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row, definition) per row; InputError naming row and column for bad cells."""
    import json

    from kpilib.tabular import LINE, read_table_bytes

    table = read_table_bytes(data, name=file_name)
    missing = [column for column in ("code", "rule", "measure") if column not in table.columns]
    if missing:
        raise InputError(
            [Problem(file_name, 1, c, gettext("required column is missing")) for c in missing]
        )
    documents: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for record in table.iter_rows(named=True):
        line = int(record[LINE])
        document: dict[str, Any] = {"code": record.get("code") or ""}
        for column, (key, language) in XLSX_TEXT_COLUMNS.items():
            document.setdefault(key, {})[language] = record.get(column) or ""
        for column in XLSX_PLAIN_COLUMNS:
            document[column] = record.get(column) or ""
        document["default_weight"] = record.get("default_weight") or ""
        for column in ("tags", "objectives", "counters"):
            document[column] = [
                v.strip() for v in (record.get(column) or "").split(",") if v.strip()
            ]
        for column in XLSX_JSON_COLUMNS:
            if record.get(column):
                try:
                    document[column] = json.loads(record[column])
                except json.JSONDecodeError as error:
                    reason = gettext("not valid JSON: %(reason)s") % {"reason": error.msg}
                    problems.append(Problem(file_name, line, column, reason))
        documents.append((line, document))
    if problems:
        raise InputError(problems)
    return documents


@transaction.atomic
def library_file_import(*, actor: Any, origin: Origin, data: bytes, file_name: str) -> PackImportReport:
    """Import a YAML pack or an XLSX sheet of indicators; any problem changes nothing."""
    if not file_name.lower().endswith((".xlsx", ".xlsm")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                [Problem(file_name, None, None, gettext("a pack must be UTF-8 text"))]
            ) from None
        return pack_import(actor=actor, origin=origin, text=text, file_name=file_name)
    documents = _xlsx_documents(data, file_name)
    problems: list[Problem] = []
    for line, document in documents:
        for problem in draft_problems(document):
            column = (problem.column or "").split(".")[0].split("[")[0] or None
            detail = (
                f"{problem.column}: {problem.reason}"
                if problem.column != column
                else problem.reason
            )
            problems.append(Problem(file_name, line, column, detail))
    if problems:
        raise InputError(problems)
    report = PackImportReport()
    for _line, document in documents:
        _import_indicator(report, actor, origin, IndicatorDefinition.model_validate(document), "")
    return report
