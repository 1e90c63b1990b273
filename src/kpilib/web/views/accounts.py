"""Sign-in lockouts (登录锁定): HR sees who is locked out after too many wrong passwords and
lifts a lockout early. Personal access tokens: everyone makes and revokes their own (the
new token is shown once, on the page that answers the POST; only its hash is kept).
Every write goes through `kpilib.accounts.services` (audited)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.accounts import selectors, services
from kpilib.accounts.errors import AccountError
from kpilib.accounts.models import PersonalAccessToken
from kpilib.audit.origin import Origin
from kpilib.permissions import Action, require
from kpilib.web.errors import message_error


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


@login_required
def personal_tokens(request: HttpRequest) -> HttpResponse:
    """The person's own tokens; POST makes one and shows it this once (not stored)."""
    new_token = ""
    if request.method == "POST":
        try:
            _, new_token = services.personal_token_create(
                actor=request.user, origin=Origin.WEB, name=request.POST.get("name", "")
            )
        except AccountError as error:
            message_error(request, error)
            return redirect("personal_tokens")
    response = render(
        request,
        "web/personal_tokens.html",
        {"tokens": selectors.personal_tokens(request.user), "new_token": new_token},
    )
    if new_token:
        response["Cache-Control"] = "no-store"  # the token is in this page only
    return response


@login_required
@require_POST
def personal_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    services.personal_token_revoke(actor=request.user, origin=Origin.WEB, token=token, now=clock.now())
    messages.success(request, _("Token “%(name)s” revoked: it is refused from now on.") % {"name": token.name})
    return redirect("personal_tokens")
