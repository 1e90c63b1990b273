"""KPI monitor pages (KPI 监视器): the drill-down of a target meter — the facts its line
was measured on, with the meter's status in words (points stay on the scorecard, which
the person sees once published)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from kpilib import clock
from kpilib.appraisal.models import Participant, Scorecard
from kpilib.appraisal.selectors import line_facts
from kpilib.monitor import selectors


@login_required
def meter_facts(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    try:
        participant = selectors.meter_participant(request.user, pk)
    except Participant.DoesNotExist:
        raise Http404("Not found") from None
    scorecard = Scorecard.objects.filter(participant=participant).order_by("-revision").first()
    line = next((line for line in (scorecard.lines if scorecard else []) if line["code"] == code), None)
    if scorecard is None or line is None:
        raise Http404("No such line")
    language = translation.get_language() or "en"
    meter = next(
        (m for m in selectors.meters_of(scorecard, today=clock.today(), language=language) if m.code == code), None
    )
    suffix = "zh_hans" if language.lower().startswith("zh") else "en"
    context = {
        "scorecard": scorecard,
        "line": line,
        "line_name": line[f"name_{suffix}"],
        "line_explanation": meter.explanation if meter else "",
        "back_url": "/",
        "back_label": _("Home"),
        **line_facts(scorecard, line),
    }
    return render(request, "cycles/facts.html", context)
