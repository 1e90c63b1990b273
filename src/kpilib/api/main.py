"""The API object: authentication, error shapes, and the routers it mounts (docs at /api/docs)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from kpilib import __version__
from kpilib.api import ahp, appraisal, facts, library, org

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


api.add_router("/", org.router)
api.add_router("/", facts.router)
api.add_router("/", library.router)
api.add_router("/", appraisal.router)
api.add_router("/", ahp.router)
