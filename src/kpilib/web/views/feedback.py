"""360 feedback pages (360度反馈): the rater's to-do list and form (an external customer's
through their link, without an account), the subject's nominations, the manager's
approval, and HR's campaigns with response rates — counts only, never who said what.

Reads go through `feedback.selectors` (404 outside what one may see); writes through
`feedback.services`, whose rules decide who may and when. A refusal a view does not catch
becomes a message on the page it came from (`web.errors.UserErrorMiddleware`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback import selectors, services
from kpilib.feedback.errors import FeedbackError
from kpilib.feedback.models import Campaign, Nomination, Question, Relationship, Subject
from kpilib.feedback.report_pdf import anonymity_rules
from kpilib.permissions import is_hr_admin
from kpilib.web.downloads import file_response
from kpilib.web.errors import form_error, message_error
from kpilib.web.feedback_forms import (
    CampaignForm,
    CustomerForm,
    DeclineForm,
    NominationForm,
    SubjectsForm,
    answers_from,
)


def _or_404(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except (Campaign.DoesNotExist, Subject.DoesNotExist, Nomination.DoesNotExist):
        raise Http404("Not found") from None


def _home_context(request: HttpRequest, campaign_form: CampaignForm | None = None) -> dict[str, Any]:
    hr = is_hr_admin(request.user)
    return {
        "forms": selectors.forms_to_answer(request.user),
        "own": selectors.own_subjects(request.user),
        "results": selectors.own_results(request.user),
        "to_approve": selectors.subjects_to_approve(request.user),
        "hr": hr,
        "campaigns": selectors.campaigns_listed() if hr else [],
        "campaign_form": (campaign_form or CampaignForm()) if hr else None,
    }


@login_required
def feedback_home(request: HttpRequest) -> HttpResponse:
    """What the user owes and runs: forms to answer, their own raters, raters to approve,
    and (HR) the campaigns."""
    from kpilib.web.views import feedback_team

    context = _home_context(request)
    context.update(feedback_team.home_context(request))  # team views, own rater severity
    return render(request, "feedback/index.html", context)


@login_required
@require_POST
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not is_hr_admin(request.user):
        raise Http404("Not found")
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            questionnaire = services.questionnaire_install(actor=request.user, origin=Origin.WEB)
            campaign = services.campaign_create(
                actor=request.user, origin=Origin.WEB, questionnaire=questionnaire,
                today=clock.today(), **form.cleaned_data,
            )
        except FeedbackError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Campaign created. Add the people who receive feedback, then launch it."))
            return redirect("feedback_campaign", pk=campaign.pk)
    return render(request, "feedback/index.html", _home_context(request, form), status=400)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _or_404(selectors.campaign_for_hr, request.user, pk)
    context = {
        "campaign": campaign,
        "rows": selectors.subject_rows(campaign),
        "rate": selectors.response_rate(campaign),
        "subjects_form": SubjectsForm(),
    }
    from kpilib.web.views import feedback_team

    context.update(feedback_team.campaign_context(campaign))  # anonymous rater severity
    return render(request, "feedback/campaign.html", context)


@login_required
@require_POST
def campaign_subjects_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _or_404(selectors.campaign_for_hr, request.user, pk)
    form = SubjectsForm(request.POST)
    if form.is_valid():
        added = services.campaign_add_subjects(
            actor=request.user, origin=Origin.WEB, campaign=campaign, employees=form.people()
        )
        messages.success(request, _("%(count)d added.") % {"count": len(added)})
    return redirect("feedback_campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _or_404(selectors.campaign_for_hr, request.user, pk)
    services.campaign_launch(
        actor=request.user, origin=Origin.WEB, campaign=campaign, today=clock.today(), now=clock.now()
    )
    messages.success(request, _("Launched: the people receiving feedback can nominate their raters."))
    return redirect("feedback_campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _or_404(selectors.campaign_for_hr, request.user, pk)
    services.campaign_close(actor=request.user, origin=Origin.WEB, campaign=campaign, now=clock.now())
    messages.success(request, _("Closed: no more answers are taken."))
    return redirect("feedback_campaign", pk=campaign.pk)


@login_required
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    """HR's spreadsheet of a closed campaign: each person's report figures and comments,
    by the same rules as the reports (`feedback.exports`)."""
    from kpilib.feedback.exports import campaign_results_xlsx

    campaign = _or_404(selectors.campaign_for_hr, request.user, pk)
    try:
        content = campaign_results_xlsx(campaign)
    except FeedbackError as error:
        message_error(request, error)
        return redirect("feedback_campaign", pk=campaign.pk)
    return file_response(content, "xlsx", f"360-{campaign.local_name}")


@login_required
def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The raters of one subject, by group: the subject nominates, the manager approves."""
    subject = _or_404(selectors.subject_for, request.user, pk)
    own = selectors.is_subject(request.user, subject)
    manages = selectors.manages_subject(request.user, subject)
    open_campaign = subject.campaign.status == Campaign.Status.OPEN
    may_change = open_campaign and (manages or (own and subject.state == Subject.State.PROPOSING))
    context = {
        "subject": subject,
        "campaign": subject.campaign,
        "groups": selectors.group_rows(subject),
        "own": own,
        "may_change": may_change,
        "may_submit": open_campaign and own and subject.state == Subject.State.PROPOSING,
        "may_approve": open_campaign and manages and subject.state != Subject.State.APPROVED,
        "nomination_form": NominationForm(),
        "customer_form": CustomerForm(),
        "shortfalls": selectors.shortfall_messages(subject),
    }
    return render(request, "feedback/subject.html", context)


@login_required
@require_POST
def nomination_add(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _or_404(selectors.subject_for, request.user, pk)
    customer = request.POST.get("relationship") == Relationship.CUSTOMER
    form = CustomerForm(request.POST) if customer else NominationForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        return redirect("feedback_subject", pk=subject.pk)
    values = dict(form.cleaned_data)
    relationship = Relationship.CUSTOMER if customer else values.pop("relationship")
    try:
        nomination = services.nomination_add(
            actor=request.user, origin=Origin.WEB, subject=subject, relationship=relationship,
            now=clock.now(), **values,
        )
    except FeedbackError as error:
        message_error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s nominated.") % {"name": nomination.rater.name if nomination.rater else nomination.external_name},
        )
    return redirect("feedback_subject", pk=subject.pk)


@login_required
@require_POST
def nomination_remove(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = Nomination.objects.filter(pk=pk).select_related("subject").first()
    if nomination is None:
        raise Http404("Not found")
    subject = _or_404(selectors.subject_for, request.user, nomination.subject_id)
    services.nomination_remove(actor=request.user, origin=Origin.WEB, nomination=nomination)
    messages.success(request, _("Removed."))
    return redirect("feedback_subject", pk=subject.pk)


@login_required
@require_POST
def nominations_submit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _or_404(selectors.subject_for, request.user, pk)
    services.nominations_submit(actor=request.user, origin=Origin.WEB, subject=subject, now=clock.now())
    messages.success(request, _("Sent to your manager for approval."))
    return redirect("feedback_subject", pk=subject.pk)


@login_required
@require_POST
def nominations_approve(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _or_404(selectors.subject_for, request.user, pk)
    links = services.nominations_approve(
        actor=request.user, origin=Origin.WEB, subject=subject, now=clock.now(),
        link_base=request.build_absolute_uri("/feedback/link/"),
    )
    messages.success(
        request,
        _("Approved: the raters' forms are open.")
        + (
            " " + ngettext("%(count)d customer link was e-mailed.", "%(count)d customer links were e-mailed.", len(links))
            % {"count": len(links)}
            if links
            else ""
        ),
    )
    return redirect("feedback_subject", pk=subject.pk)


def _report_context(request: HttpRequest, subject: Subject) -> dict[str, Any]:
    """What the report page and its PDF show, from one `report_for` (the §11 rules)."""
    visible = selectors.results_visible(subject)
    report = selectors.report_for(subject) if visible else None
    language = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
    context = {
        "subject": subject,
        "campaign": subject.campaign,
        "visible": visible,
        "report": report,
        "groups": [
            (str(Relationship(group.relationship).label), group.raters, group.mean)
            for group in (report.summary.groups if report and report.summary else ())
        ],
        "questions": [
            (services.question_text(report.questions[q.question]), q.overall, q.self)
            for q in (report.summary.questions if report and report.summary else ())
            if q.question in report.questions and report.questions[q.question].kind == Question.Kind.RATING
        ],
        "comments": [
            (str(Relationship(c.relationship).label), services.question_text(report.questions[c.question]), c.text)
            for c in (report.summary.comments if report and report.summary else ())
            if c.question in report.questions
        ],
        "gaps": [
            (report.competencies[g.competency].local_name if g.competency in report.competencies else g.competency,
             g.self, g.others, g.explanation(language))
            for g in (report.gaps if report else ())
        ],
    }
    context.update(_distribution_context(report))
    context.update(_trend_context(request, subject))
    if report is not None:
        from kpilib.web.views import feedback_team

        context.update(feedback_team.report_context(subject))  # the corrected overall
    context["rules"] = anonymity_rules(subject.campaign.min_group, split_comments=subject.campaign.split_comments)
    return context


@login_required
def subject_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One subject's results, once the campaign is closed: the person, their managers and
    HR see the same figures — the §11 rules decide what is shown, for everyone alike."""
    subject = _or_404(selectors.subject_for, request.user, pk)
    return render(request, "feedback/report.html", _report_context(request, subject))


# --- the report's distribution, trend and PDF (issue 14, item 6) ----------------------------


def _distribution_context(report: selectors.Report | None) -> dict[str, Any]:
    """Answers 1..5 per competency, counted from shown non-self groups only."""
    if report is None:
        return {"distribution": []}
    names = {code: competency.local_name for code, competency in report.competencies.items()}
    return {
        "distribution": [
            (names.get(row.competency, row.competency), list(row.counts), row.answers)
            for row in report.distribution
        ]
    }


def _figure(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def _trend_context(request: HttpRequest, subject: Subject) -> dict[str, Any]:
    """The person's closed campaigns up to this one, oldest first: overall and each
    competency as that campaign's report shows it; a withheld figure is a word, never a
    number (and a gap in the chart)."""
    trend = selectors.trend_for(request.user, subject)
    withheld, answered_none, absent = _("withheld"), _("no answers"), "—"
    rows = []
    for point in trend.points:
        if not point.answered:
            overall, cells = answered_none, [answered_none] * len(trend.competencies)
        else:
            overall = _figure(point.overall) or withheld
            cells = [
                (_figure(point.by_competency[code]) or withheld) if code in point.by_competency else absent
                for code, _name in trend.competencies
            ]
        rows.append((point.subject.campaign.local_name, point.subject.pk == subject.pk, overall, cells))

    def line(values: list[float | None]) -> list[float | None]:
        return [round(v, 2) if v is not None else None for v in values]

    chart = {
        "campaigns": [point.subject.campaign.local_name for point in trend.points],
        "series": [
            {"name": _("overall (others, of 5)"), "data": line([p.overall for p in trend.points])},
            *(
                {"name": name, "data": line([p.by_competency.get(code) for p in trend.points])}
                for code, name in trend.competencies
            ),
        ],
    }
    return {
        "trend": rows,
        "trend_competencies": [name for _code, name in trend.competencies],
        "trend_chart": chart if len(trend.points) > 1 else None,
    }


@login_required
def subject_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report page as a PDF (zh-Hans or en as the request): the same figures, from
    the same `report_for`, with the anonymity rules in words; 404 like the page."""
    from kpilib.appraisal.errors import ExportError
    from kpilib.feedback.report_pdf import report_pdf

    subject = _or_404(selectors.subject_for, request.user, pk)
    try:
        content = report_pdf(_report_context(request, subject), today=clock.today())
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("feedback_report", pk=subject.pk)
    return file_response(content, "pdf", f"360-{subject.employee.employee_id}-{subject.campaign.local_name}")


def _form_context(nomination: Nomination, response_answers: dict[str, Any]) -> dict[str, Any]:
    campaign = nomination.subject.campaign
    questions = list(campaign.questionnaire.questions.select_related("competency").order_by("order"))
    sections: list[dict[str, Any]] = []
    for question in questions:
        title = question.competency if question.kind == Question.Kind.RATING else None
        if not sections or sections[-1]["competency"] != title:
            sections.append({"competency": title, "questions": []})
        given = response_answers.get(question.code, {})
        score = given.get("score", "") if "score" in given else ""
        sections[-1]["questions"].append(
            {
                "question": question,
                "text": services.question_text(question),
                "score": "na" if "score" in given and given["score"] is None else str(score),
                "comment": given.get("comment", ""),
                "answer": given.get("text", ""),
            }
        )
    return {
        "nomination": nomination,
        "campaign": campaign,
        "sections": sections,
        "scale": ["1", "2", "3", "4", "5"],
        "decline_form": DeclineForm(),
    }


def _posted(
    request: HttpRequest, nomination: Nomination, save: Any, *, external: bool = False
) -> tuple[bool, HttpResponse | None]:
    """Save the posted answers with `save(answers, submit)`: (submitted, None), or the form
    again with the refusal and the answers as typed (status 400)."""
    questions = list(nomination.subject.campaign.questionnaire.questions.all())
    submit = request.POST.get("submit") == "1"
    try:
        save(answers_from(request.POST, questions), submit)
    except FeedbackError as error:
        message_error(request, error)
        context = _form_context(nomination, answers_from(request.POST, questions))
        context["external"] = external
        return submit, render(request, "feedback/form.html", context, status=400)
    return submit, None


@login_required
def rater_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The rater's form; the anonymity rules are shown before the first question."""
    nomination = _or_404(selectors.nomination_for_rater, request.user, pk)
    response = getattr(nomination, "response", None)
    if request.method == "POST":
        submitted, refused = _posted(
            request, nomination,
            lambda answers, submit: services.response_save(
                actor=request.user, origin=Origin.WEB, nomination=nomination, answers=answers,
                submit=submit, now=clock.now(),
            ),
        )
        if refused is not None:
            return refused
        messages.success(request, _("Thank you: your answers are in.") if submitted else _("Draft saved."))
        return redirect("feedback_home") if submitted else redirect("feedback_form", pk=nomination.pk)
    answers = response.answers if response is not None else {}
    context = _form_context(nomination, answers)
    context["submitted"] = response is not None and response.status == "submitted"
    context["closed"] = not context["submitted"] and not selectors.form_open(nomination)
    return render(request, "feedback/form.html", context)


@login_required
@require_POST
def rater_decline(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _or_404(selectors.nomination_for_rater, request.user, pk)
    # the service decides what a reason must be (and says so): the form only carries it
    services.nomination_decline(
        actor=request.user, origin=Origin.WEB, nomination=nomination,
        reason=request.POST.get("reason", ""), now=clock.now(),
    )
    messages.success(request, _("Declined: they were told, with your reason."))
    return redirect("feedback_home")


def external_form(request: HttpRequest, token: str) -> HttpResponse:
    """An external customer's form through their single-use link (no account)."""
    try:
        nomination = services.external_nomination(token, now=clock.now())
    except FeedbackError as error:
        return render(request, "feedback/link_invalid.html", {"reason": error.message}, status=404)
    response = getattr(nomination, "response", None)
    if request.method == "POST":
        submitted, refused = _posted(
            request, nomination,
            lambda answers, submit: services.external_response_save(
                actor=SYSTEM, origin=Origin.WEB, raw=token, answers=answers, submit=submit,
                now=clock.now(),
            ),
            external=True,
        )
        if refused is not None:
            return refused
        if submitted:
            return render(request, "feedback/link_thanks.html", {"campaign": nomination.subject.campaign})
        messages.success(request, _("Draft saved."))
        return redirect("feedback_link", token=token)
    context = _form_context(nomination, response.answers if response is not None else {})
    context["external"] = True
    return render(request, "feedback/form.html", context)
