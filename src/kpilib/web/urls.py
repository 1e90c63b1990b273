"""URL map of the web interface."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kpilib.web.views import home, people, system

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.people, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/import/", people.employees_import_view, name="employees_import"),
    path("org/", people.org, name="org_tree"),
    path("audit/", system.audit_log, name="audit_log"),
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
