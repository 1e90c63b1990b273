"""The API object: authentication, error shapes, and the routers it mounts (docs at /api/docs).

Error shapes: a domain error (`kpilib.errors.KpilibError`) answers 400 with its message,
`{"detail": ..., "field": ..., "line": ...}`; an input with located problems
(`InputError`) answers 422 and lists them; kinds that mean something else in HTTP say so
in `ERROR_STATUS` (an oversized request is 413, a conflicting retry 409, an unsigned
webhook 401). `PermissionDenied` is 403. Routers raise, they do not build error answers.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from kpilib import __version__
from kpilib.api import (
    ahp,
    appraisal,
    cases,
    dailyreports,
    facts,
    feedback,
    library,
    org,
    training,
    validation,
)
from kpilib.engine.errors import InputError
from kpilib.errors import KpilibError
from kpilib.ingest.errors import FactsRefused, RequestConflict, TooManyFacts, WebhookRefused

api = NinjaAPI(
    title="kpilib API",
    version=__version__,
    description="Presales performance KPI library and appraisal platform (售前绩效考核指标库).",
    docs_url="/docs",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


# The HTTP status of an error kind, when it is not 400 (most specific class first).
ERROR_STATUS: dict[type[KpilibError], int] = {
    FactsRefused: 422,
    InputError: 422,
    TooManyFacts: 413,
    RequestConflict: 409,
    WebhookRefused: 401,
}


def error_status(error: KpilibError) -> int:
    for kind, status in ERROR_STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


@api.exception_handler(KpilibError)
def domain_error(request: HttpRequest, exc: KpilibError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message, "field": exc.field, "line": exc.line}
    if isinstance(exc, InputError):
        body["problems"] = [
            {"file": p.file, "line": p.line, "field": p.column, "reason": p.reason}
            for p in exc.problems
        ]
    if isinstance(exc, FactsRefused):
        body = exc.body
    return api.create_response(request, body, status=error_status(exc))


api.add_router("/", org.router)
api.add_router("/", facts.router)
api.add_router("/", library.router)
api.add_router("/", appraisal.router)
api.add_router("/", ahp.router)
api.add_router("/", dailyreports.router)
api.add_router("/", training.router)
api.add_router("/", cases.router)
api.add_router("/", feedback.router)
api.add_router("/", validation.router)
