"""`kpilib import …`: load files into the configured database (product.md §6)."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.cli.manage import django_setup

import_app = typer.Typer(help="Import files into the database.", no_args_is_help=True)

ENCODING_HELP = (
    "The file's text encoding (gb18030, utf-8, utf-16, cp1252, latin-1), for a file whose "
    "encoding cannot be told for certain; detected when omitted."
)
Encoding = Annotated[str | None, typer.Option("--encoding", help=ENCODING_HELP)]


def fail_input(error: Exception) -> NoReturn:
    """`fail` for an InputError; an uncertain encoding also says how to choose one."""
    from kpilib.tabular import ENCODINGS, EncodingUncertain

    problems: list[object] = list(getattr(error, "problems", []))
    if isinstance(error, EncodingUncertain):
        problems.append(f"choose with --encoding {'|'.join(ENCODINGS)}")
    fail(problems)


def fail(problems: list[object]) -> NoReturn:
    """Print one line per problem on stderr and exit 2 (the CLI contract for bad input)."""
    for problem in problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(2)


@import_app.command("employees")
def import_employees(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV, XLSX or JSON with employee_id, name, email, org_unit, position, "
            "manager_id, region, hire_date."
        ),
    ],
    encoding: Encoding = None,
) -> None:
    """Create or update employees keyed by employee_id; nothing is written if any row is bad."""
    django_setup()
    from kpilib.engine.errors import InputError
    from kpilib.org.services import employees_import

    if not file.is_file():
        fail([f"{file}: no such file"])
    try:
        report = employees_import(
            actor=SYSTEM,
            origin=Origin.CLI,
            data=file.read_bytes(),
            file_name=file.name,
            encoding=encoding,
        )
    except InputError as error:
        fail_input(error)
    for note in report.notes:
        typer.echo(note)
    typer.echo(report.summary_line())


@import_app.command("facts")
def import_facts(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON facts (product.md §5).")],
    source: Annotated[
        str, typer.Option("--source", help="The system the facts come from (a data source).")
    ],
    partial: Annotated[
        bool, typer.Option("--partial", help="Write the good rows and quarantine the bad ones.")
    ] = False,
    encoding: Encoding = None,
) -> None:
    """Import facts, idempotent by (source, external_id); all or nothing unless --partial."""
    django_setup()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from kpilib.engine.errors import InputError
    from kpilib.ingest.selectors import quarantined_problems
    from kpilib.ingest.services import facts_import

    if not file.is_file():
        fail([f"{file}: no such file"])
    data = file.read_bytes()
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    console = Console(stderr=True)  # the bar shows on a terminal only: piped stderr stays clean
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("facts", total=None)
        try:
            report = facts_import(
                actor=SYSTEM, origin=Origin.CLI,
                data=data,
                file_name=file.name,
                source=source,
                partial=partial,
                encoding=encoding,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except InputError as error:
            bar.stop()
            fail_input(error)
    for problem in quarantined_problems(source=source, data=data, file_name=file.name):
        typer.echo(f"{problem} (quarantined)", err=True)
    for note in report.notes:
        typer.echo(note)
    typer.echo(report.summary_line())


@import_app.command("daily-reports")
def import_daily_reports(
    file: Annotated[
        Path,
        typer.Argument(
            help="A DingTalk 日志, Feishu 汇报 or WeCom 汇报 export (CSV in UTF-8 or GBK, XLSX); "
            "columns in the user guide."
        ),
    ],
    platform: Annotated[
        str, typer.Option("--platform", help="Which platform exported it: dingtalk, feishu or wecom.")
    ],
    partial: Annotated[
        bool, typer.Option("--partial", help="Write the good rows and quarantine the bad ones.")
    ] = False,
    encoding: Encoding = None,
) -> None:
    """Import submitted daily reports, idempotent by the platform's record id; all or
    nothing unless --partial."""
    django_setup()
    from kpilib.dailyreports.errors import DailyReportError
    from kpilib.dailyreports.services import reports_import
    from kpilib.engine.errors import InputError

    if not file.is_file():
        fail([f"{file}: no such file"])
    try:
        report = reports_import(
            actor=SYSTEM, origin=Origin.CLI, data=file.read_bytes(), file_name=file.name,
            platform=platform, partial=partial, encoding=encoding,
        )
    except InputError as error:
        fail_input(error)
    except DailyReportError as error:
        fail(list(error.lines()))
    typer.echo(report.summary_line())


@import_app.command("exams")
def import_exams(
    file: Annotated[
        Path,
        typer.Argument(
            help="A learning system's export of exam results (CSV in UTF-8 or GBK, XLSX): "
            "工号 / employee_id, 考试编码 / exam, 成绩 / score, 考试日期 / taken_on, 记录ID / record_id."
        ),
    ],
    encoding: Encoding = None,
) -> None:
    """Import exam attempts, idempotent by the record id; all or nothing. Each person's
    counted result of each exam becomes their `training_exam` fact."""
    django_setup()
    from kpilib import clock
    from kpilib.engine.errors import InputError
    from kpilib.training.errors import TrainingError
    from kpilib.training.services import exam_attempts_import

    if not file.is_file():
        fail([f"{file}: no such file"])
    try:
        report = exam_attempts_import(
            actor=SYSTEM, origin=Origin.CLI, data=file.read_bytes(), file_name=file.name,
            today=clock.today(), encoding=encoding,
        )
    except InputError as error:
        fail_input(error)
    except TrainingError as error:
        fail(list(error.lines()))
    typer.echo(report.summary_line())


@import_app.command("feedback")
def import_feedback(
    file: Annotated[
        Path,
        typer.Argument(
            help="360 answers from another survey tool (CSV in UTF-8 or GBK, XLSX, JSON) with the "
            "columns of `kpilib feedback summarize`: subject_id, rater_id, relationship, "
            "question (code or text), score (1-5, empty = not able to rate), comment."
        ),
    ],
    campaign: Annotated[
        str, typer.Option("--campaign", help="The draft or open 360 campaign: its id or its name.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and count, write nothing.")
    ] = False,
    encoding: Encoding = None,
) -> None:
    """Import 360 answers into a campaign, all or nothing. Subjects and raters missing from
    the campaign are added (customer raters as external ids, without a login); importing
    again replaces a rater's imported answers and never duplicates them. A closed campaign
    is refused: import first, then close it to turn the results into facts (product.md §11)."""
    django_setup()
    from kpilib import clock
    from kpilib.engine.errors import InputError
    from kpilib.feedback.errors import FeedbackError
    from kpilib.feedback.models import Campaign
    from kpilib.feedback.services import responses_import

    if not file.is_file():
        fail([f"{file}: no such file"])
    found = Campaign.objects.filter(name=campaign.strip()) | Campaign.objects.filter(
        name_en=campaign.strip()
    )
    if campaign.strip().isdigit():
        found = Campaign.objects.filter(pk=int(campaign))
    chosen = list(found.distinct()[:10])
    if not chosen:
        fail([f"--campaign: no 360 campaign {campaign!r}"])
    if len(chosen) > 1:
        ids = ", ".join(str(c.pk) for c in chosen)
        fail([f"--campaign: several campaigns are named {campaign!r}; give the id ({ids})"])
    try:
        report = responses_import(
            actor=SYSTEM, origin=Origin.CLI, campaign=chosen[0], data=file.read_bytes(),
            file_name=file.name, now=clock.now(), encoding=encoding, dry_run=dry_run,
        )
    except InputError as error:
        fail_input(error)
    except FeedbackError as error:
        fail(list(error.lines()))
    for note in report.notes:
        typer.echo(note)
    typer.echo(report.summary_line())
