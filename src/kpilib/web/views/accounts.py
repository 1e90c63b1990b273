"""Sign-in lockouts (登录锁定): HR sees who is locked out after too many wrong passwords and
lifts a lockout early. Every write goes through `kpilib.accounts.services` (audited)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib.accounts import selectors, services
from kpilib.audit.origin import Origin
from kpilib.permissions import Action, require


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.UNLOCK_SIGN_IN)
    return render(request, "web/lockouts.html", {"lockouts": selectors.lockouts_active()})


@login_required
@require_POST
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.UNLOCK_SIGN_IN)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    services.lockout_clear(actor=request.user, origin=Origin.WEB, attempt=attempt)
    messages.success(
        request,
        _("Unlocked: %(username)s can sign in again from %(address)s.")
        % {"username": attempt.username or "—", "address": attempt.ip_address or "—"},
    )
    return redirect("lockouts")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a locked-out sign-in gets (django-axes' `AXES_LOCKOUT_CALLABLE`), HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
