"""Daily report pages: write today's report (phone-friendly, drafts kept, yesterday's plan
as a checklist), read one report with its rating and threaded comments, and the manager's
review queue with the quality hints and one-key rating (HTMX).

Every report is read through `dailyreports.selectors.report_for` / `reports_visible`
(author, managers up the line, CC, HR); writes go through `dailyreports.services`.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.dailyreports import selectors, services
from kpilib.dailyreports.errors import DailyReportError
from kpilib.dailyreports.models import DailyReport, ReportComment, default_fields
from kpilib.engine.periods import PeriodError, parse_period
from kpilib.library.selectors import engine_language
from kpilib.permissions import Role, employee_of, roles_of, visible_employees
from kpilib.web.errors import message_error

RATINGS = [
    # (value, key a manager presses, label)
    (-1, "1", DailyReport.Rating.PERFUNCTORY),
    (0, "2", DailyReport.Rating.NORMAL),
    (1, "3", DailyReport.Rating.CONSTRUCTIVE),
]


def _ratings() -> list[tuple[int, str, str]]:
    """The rating buttons with their labels translated once per request (the queue shows
    them on every report: lazy labels would be translated again each time)."""
    return [(value, key, str(rating.label)) for value, key, rating in RATINGS]


def _shown_fields(fields: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field with its label in the reader's language and its answer."""
    english = engine_language() == "en"
    return [
        {
            **field,
            "shown_label": (field.get("label_en") if english and field.get("label_en") else field.get("label")),
            "answer": answers.get(str(field.get("key")), ""),
        }
        for field in fields
    ]


def _day(raw: str | None, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today
    return min(day, today)


@login_required
def report_write(request: HttpRequest) -> HttpResponse:
    author = employee_of(request.user)
    if author is None:
        raise PermissionDenied("write_daily_report")
    today = clock.today()
    day = _day(request.POST.get("report_date") or request.GET.get("date"), today)
    if request.method == "POST":
        template = selectors.template_for(author)
        fields = template.fields if template else default_fields()
        answers = {str(field["key"]): request.POST.get(f"field_{field['key']}", "") for field in fields}
        done = [int(value) for value in request.POST.getlist("carried") if value.isdigit()]
        try:
            report = services.report_save_draft(
                actor=request.user, origin=Origin.WEB, report_date=day, answers=answers,
                checklist_done=done, today=today,
            )
            if request.POST.get("action") == "submit":
                report = services.report_submit(
                    actor=request.user, origin=Origin.WEB, report=report, now=clock.now()
                )
                messages.success(request, _("Report submitted.") if report.on_time else _("Report submitted after its deadline."))
                return redirect("report_detail", pk=report.pk)
        except DailyReportError as error:
            message_error(request, error)
        else:
            messages.success(request, _("Draft saved."))
        return redirect(f"{reverse('report_write')}?date={day.isoformat()}")
    report = DailyReport.objects.filter(author=author, report_date=day).first()
    template = selectors.template_for(author)
    fields = report.fields if report else (template.fields if template else default_fields())
    checklist = selectors.checklist_for(author, day)
    done = set(report.checklist_done) if report else set()
    return render(
        request,
        "dailyreports/write.html",
        {
            "day": day,
            "today": today,
            "report": report,
            "submitted": report is not None and report.status == DailyReport.Status.SUBMITTED,
            "fields": _shown_fields(fields, report.answers if report else {}),
            "checklist": [
                {"index": index, "text": item, "done": index in done}
                for index, item in enumerate(checklist.items)
            ],
            "checklist_source": checklist.source,
            "done_count": len(done),
            "deadline": selectors.deadline_of(author, template, day),
            "recent": DailyReport.objects.filter(author=author).order_by("-report_date")[:10],
        },
    )


def _threads(report: DailyReport) -> list[dict[str, Any]]:
    comments = list(ReportComment.objects.filter(report=report).select_related("author__employee"))
    children: dict[int | None, list[ReportComment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)

    def thread(comment: ReportComment) -> dict[str, Any]:
        return {"comment": comment, "replies": [thread(reply) for reply in children.get(comment.pk, [])]}

    return [thread(comment) for comment in children.get(None, [])]


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    can_rate = selectors.may_rate(request.user, report)
    verdict = selectors.hints_for([report], language=engine_language())[0] if can_rate else None
    return render(
        request,
        "dailyreports/detail.html",
        {
            "report": report,
            "fields": _shown_fields(report.fields, report.answers),
            "threads": _threads(report),
            "can_rate": can_rate,
            "verdict": verdict,
            "language": engine_language(),
            "ratings": _ratings(),
            "is_author": report.author.user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    parent = None
    if request.POST.get("parent", "").isdigit():
        parent = ReportComment.objects.filter(report=report, pk=int(request.POST["parent"])).first()
    try:
        services.report_comment(
            actor=request.user, origin=Origin.WEB, report=report,
            text=request.POST.get("text", ""), parent=parent,
        )
    except DailyReportError as error:
        message_error(request, error)
    return redirect(f"{reverse('report_detail', args=[report.pk])}#comments")


def _require_manager(request: HttpRequest) -> None:
    if Role.MANAGER not in roles_of(request.user):
        raise PermissionDenied("review_daily_reports")


@login_required
def report_review(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    queue = [
        {
            "report": item.report,
            "verdict": item.verdict,
            "fields": _shown_fields(item.report.fields, item.report.answers),
        }
        for item in selectors.review_queue(request.user, language=engine_language())
    ]
    return render(
        request,
        "dailyreports/review.html",
        {"queue": queue, "ratings": _ratings(), "language": engine_language()},
    )


@login_required
@require_POST
def report_rate(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 99
    try:
        report = services.report_rate(
            actor=request.user, origin=Origin.WEB, report=report, rating=rating,
            comment=request.POST.get("comment", ""), now=clock.now(),
        )
    except DailyReportError as error:
        if request.headers.get("HX-Request"):
            return HttpResponse(error.message, status=400)
        message_error(request, error)
        if request.POST.get("back") == "detail":
            return redirect("report_detail", pk=pk)
        return redirect("report_review")
    if request.headers.get("HX-Request"):
        return render(request, "dailyreports/_rated.html", {"report": report})
    messages.success(request, _("Rated."))
    if request.POST.get("back") == "detail":
        return redirect("report_detail", pk=pk)
    return redirect("report_review")


@login_required
@require_POST
def report_review_rest_normal(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    ids = [int(value) for value in request.POST.getlist("report") if value.isdigit()]
    reports = list(selectors.reports_visible(request.user).filter(pk__in=ids))
    rated = services.reports_rate_rest_normal(
        actor=request.user, origin=Origin.WEB, reports=reports, now=clock.now()
    )
    messages.success(
        request,
        ngettext("%(count)d report rated normal.", "%(count)d reports rated normal.", rated)
        % {"count": rated},
    )
    return redirect("report_review")


@login_required
def report_team(request: HttpRequest) -> HttpResponse:
    """On time / late / missing per person of the user's team (everyone for HR), live."""
    roles = roles_of(request.user)
    if not roles & {Role.MANAGER, Role.HR_ADMIN}:
        raise PermissionDenied("view_daily_report_statistics")
    today, now = clock.today(), clock.now()
    try:
        period = parse_period(request.GET.get("period") or today.strftime("%Y-%m"))
    except PeriodError as error:
        messages.error(request, error.in_language(engine_language()))
        period = parse_period(today.strftime("%Y-%m"))
    me = employee_of(request.user)
    people = selectors.employees_required().filter(
        pk__in=visible_employees(request.user).values("pk")
    )
    if me is not None:
        people = people.exclude(pk=me.pk)
    until = min(period.end, today)
    rows = selectors.submission_rows(people, since=period.start, until=until, now=now) if period.start <= today else []
    totals = {
        "on_time": sum(row.on_time for row in rows),
        "late": sum(row.late for row in rows),
        "missing": sum(row.missing for row in rows),
    }
    return render(
        request,
        "dailyreports/team.html",
        {"period": period, "rows": rows, "totals": totals, "today": today},
    )
