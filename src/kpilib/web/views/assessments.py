"""Self-assessment, manager review and the performance interview of one participant
(issue 11, item 8): one page with the forms the viewer may use in the cycle's phase, the
same block the scorecard page shows, and the download of attached evidence."""

import datetime
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kpilib import clock
from kpilib.appraisal import selectors, services
from kpilib.appraisal.models import Evidence, Participant
from kpilib.audit.origin import Origin
from kpilib.permissions import may_read_evidence, participant_for
from kpilib.web.errors import message_error


def _line_comments(request: HttpRequest, prefix: str, participant: Participant) -> dict[str, str]:
    return {
        code: request.POST.get(f"{prefix}{code}", "")
        for code, _name in selectors.assessment_lines(participant)
    }


def _back(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Back to the page the form was on (the scorecard or the assessment page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("participant_assessment", pk=participant.pk)


def _rating(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _held_on(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise services.CycleError([_("Give the interview date as YYYY-MM-DD.")], field="held_on") from None


def _act(request: HttpRequest, participant: Participant) -> str:
    """Run the posted action through its service; the success message."""
    action = request.POST.get("action", "")
    web = {"actor": request.user, "origin": Origin.WEB}
    if action in {"self_save", "self_submit"}:
        services.participant_self_assess(
            **web,
            participant=participant,
            text=request.POST.get("self_assessment", ""),
            lines=_line_comments(request, "self_", participant),
            submit=action == "self_submit",
        )
        return _("Self-assessment submitted.") if action == "self_submit" else _("Draft saved.")
    if action == "evidence_add":
        upload = request.FILES.get("file")
        if upload is None:
            raise services.CycleError([_("Choose a file to attach.")], field="file")
        services.evidence_attach(**web, participant=participant, upload=upload)
        return _("File attached.")
    if action == "evidence_remove":
        evidence = get_object_or_404(Evidence, participant=participant, pk=request.POST.get("evidence"))
        services.evidence_remove(**web, evidence=evidence)
        return _("File removed.")
    if action in {"review_save", "review_submit"}:
        services.participant_review(
            **web,
            participant=participant,
            text=request.POST.get("manager_comment", ""),
            rating=_rating(request.POST.get("rating", "")),
            lines=_line_comments(request, "review_", participant),
            submit=action == "review_submit",
        )
        return _("Review submitted.") if action == "review_submit" else _("Draft saved.")
    if action == "interview_record":
        if request.POST.get("confirm") != "on":
            raise services.CycleError(
                [_("Confirm that the interview took place.")], field="confirm"
            )
        services.interview_record(
            **web,
            participant=participant,
            held_on=_held_on(request.POST.get("held_on", "")),
            notes=request.POST.get("notes", ""),
            today=clock.today(),
        )
        return _("Interview recorded.")
    if action == "interview_confirm":
        services.interview_confirm(**web, participant=participant)
        return _("Thank you: you confirmed the interview.")
    raise Http404("No such action")


def assessment_context(request: HttpRequest, participant: Participant) -> dict[str, object]:
    """What `cycles/_assessment.html` needs (the assessment page and the scorecard page)."""
    assessment = selectors.assessment_for(request.user, participant)
    return {
        "assessment": assessment,
        # the interview form's default and latest date; read only when the form is shown
        "today": clock.today() if assessment.may_review else None,
        "ratings": Participant.Rating.choices,
        "max_evidence_mb": settings.KPILIB_MAX_EVIDENCE_BYTES // (1024 * 1024),
    }


@login_required
def participant_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    participant, _role = participant_for(request.user, pk)
    if request.method == "POST":
        try:
            done = _act(request, participant)
        except services.CycleError as error:
            message_error(request, error)
        else:
            messages.success(request, done)
        return _back(request, participant)
    context = {
        "participant": participant,
        "cycle": participant.cycle,
        **assessment_context(request, participant),
    }
    return render(request, "cycles/assessment.html", context)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attached file, for the employee, their managers and HR only (404 for anyone else)."""
    evidence = Evidence.objects.select_related("participant").filter(pk=pk).first()
    if evidence is None or not may_read_evidence(request.user, evidence.participant):
        raise Http404("No such file")
    content_type = mimetypes.guess_type(evidence.file_name)[0] or "application/octet-stream"
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name,
        content_type=content_type,
    )
