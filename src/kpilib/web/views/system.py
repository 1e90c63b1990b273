"""Health check, language switch and the audit trail page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kpilib import __version__
from kpilib.accounts.services import user_set_language
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from kpilib.audit.selectors import audit_events
from kpilib.permissions import Action, require
from kpilib.web.forms import LanguageForm


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as error:
        database = f"error: {error.__class__.__name__}"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "unavailable",
            "database": database,
            "version": __version__,
        },
        status=status,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Saves the choice on the user (signed in) or in a cookie (signed out)."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(
                actor=request.user, origin=Origin.WEB, user=request.user, language=language
            )
        translation.activate(language)
        response.set_cookie("django_language", language, samesite="Lax")
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT)
    object_type = request.GET.get("type", "")
    events = audit_events(object_type=object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = (
        AuditEvent.objects.values_list("object_type", flat=True).distinct().order_by("object_type")
    )
    return render(
        request, "web/audit_log.html", {"page": page, "object_type": object_type, "types": types}
    )
