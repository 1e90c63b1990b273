"""Root URL map: web pages, the REST API under /api/ (docs at /api/docs), the admin."""

from django.contrib import admin
from django.urls import include, path

from kpilib.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("kpilib.web.urls")),
]
