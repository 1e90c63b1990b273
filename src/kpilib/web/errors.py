"""How the web answers a domain error (`kpilib.errors.KpilibError`): on the form, or as a message.

Views that show a form catch the app's error and call `form_error(form, error)`: the
reasons go on the field the error names (when the form has it) or on the form. A
domain error a view does not catch is turned by `UserErrorMiddleware` into an error
message and a redirect back to the page the request came from (or a 400 page naming
the reason for a GET or a request from elsewhere), never a 500.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from kpilib.errors import KpilibError


def form_error(form: forms.BaseForm, error: KpilibError) -> None:
    """Show each reason of `error` on its field of `form`, or on the form itself."""
    field = error.field if error.field in form.fields else None
    for reason in error.messages:
        form.add_error(field, reason)


def message_error(request: HttpRequest, error: KpilibError) -> None:
    """Show each reason of `error` as an error message on the next page."""
    for reason in error.lines():
        messages.error(request, reason)


class UserErrorMiddleware:
    """A domain error that reaches the top of a POST becomes a message on the page it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KpilibError) or request.path.startswith("/api/"):
            return None
        back = request.headers.get("referer", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if request.method == "POST" and back and safe:
            message_error(request, exception)
            return HttpResponseRedirect(back)
        return HttpResponseBadRequest(
            "<br>".join(escape(line) for line in exception.lines()), content_type="text/html"
        )


class NulCharacterMiddleware:
    """A query string with a NUL character is refused (400) before any view runs.

    PostgreSQL text cannot hold NUL, so a search for `a\\x00b` was an HTTP 500 there and a
    silent no-match on SQLite (found by tests/fuzz). No person types NUL: it is refused,
    not stripped, so nobody gets results for a query they did not send."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values)
               for key, values in request.GET.lists()):
            reason = gettext("The address contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason}, status=400)
            return HttpResponseBadRequest(escape(reason), content_type="text/html")
        return self.get_response(request)
