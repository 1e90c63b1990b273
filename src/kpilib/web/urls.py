"""URL map of the web interface."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kpilib.web.views import home, library, people, system

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.people, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/import/", people.employees_import_view, name="employees_import"),
    path("org/", people.org, name="org_tree"),
    path("audit/", system.audit_log, name="audit_log"),
    path("library/", library.library, name="library"),
    path("library/new/", library.indicator_edit, name="indicator_new"),
    path("library/check/", library.indicator_check, name="indicator_check"),
    path("library/import/", library.pack_transfer, name="library_transfer"),
    path("library/export.<str:fmt>", library.pack_export, name="library_export"),
    path("library/strategy/", library.strategy, name="strategy"),
    path("library/strategy/<slug:code>/", library.strategy_proposal, name="strategy_proposal"),
    path("library/i/<slug:code>/", library.indicator_detail, name="indicator_detail"),
    path("library/i/<slug:code>/edit/", library.indicator_edit, name="indicator_edit"),
    path("library/i/<slug:code>/publish/", library.indicator_publish, name="indicator_publish"),
    path("library/i/<slug:code>/retire/", library.indicator_retire, name="indicator_retire"),
    path("library/i/<slug:code>/compare/", library.indicator_compare, name="indicator_compare"),
    path("language/", system.set_language, name="set_language"),
    path("health", system.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
