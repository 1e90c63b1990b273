"""URL map of the web interface."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kpilib.web.views import ahp, cycles, goals, home, ingest, library, people, plans, system

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.people, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/import/", people.employees_import_view, name="employees_import"),
    path("org/", people.org, name="org_tree"),
    path("audit/", system.audit_log, name="audit_log"),
    path("plans/", plans.plans, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/indicators/add/", plans.plan_indicator_add, name="plan_indicator_add"),
    path(
        "plans/<int:pk>/indicators/remove/",
        plans.plan_indicator_remove,
        name="plan_indicator_remove",
    ),
    path("plans/<int:pk>/whatif/", plans.plan_whatif_view, name="plan_whatif"),
    path("plans/<int:pk>/publish/", plans.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/repin/", plans.plan_repin, name="plan_repin"),
    path("plans/<int:pk>/ahp/", ahp.ahp_page, name="plan_ahp"),
    path("plans/<int:pk>/ahp/judgements/", ahp.ahp_save, name="plan_ahp_save"),
    path("plans/<int:pk>/ahp/apply/", ahp.ahp_apply_view, name="plan_ahp_apply"),
    path("plans/<int:pk>/administrators/", plans.plan_administrators, name="plan_administrators"),
    path("plans/<int:pk>/variants/", plans.plan_variant_new, name="plan_variant_new"),
    path("plans/<int:plan_pk>/cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/", cycles.cycles, name="cycles"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/advance/", cycles.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/recompute/", cycles.cycle_recompute, name="cycle_recompute"),
    path("cycles/<int:pk>/export.<str:fmt>", cycles.cycle_export, name="cycle_export"),
    path("participants/<int:pk>/goals/", goals.participant_goals, name="participant_goals"),
    path("scorecards/<int:pk>/", cycles.scorecard_detail, name="scorecard_detail"),
    path("scorecards/<int:pk>/facts/<slug:code>/", cycles.scorecard_facts, name="scorecard_facts"),
    path("scorecards/<int:pk>/calibrate/", cycles.scorecard_calibrate, name="scorecard_calibrate"),
    path(
        "scorecards/<int:pk>/acknowledge/",
        cycles.scorecard_acknowledge,
        name="scorecard_acknowledge",
    ),
    path("scorecards/<int:pk>/appeal/", cycles.appeal_file, name="appeal_file"),
    path("scorecards/<int:pk>/export.<str:fmt>", cycles.scorecard_export, name="scorecard_export"),
    path("appeals/<int:pk>/answer/", cycles.appeal_answer, name="appeal_answer"),
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
    path("ingest/", ingest.data_home, name="ingest"),
    path("ingest/quarantine/", ingest.quarantine, name="ingest_quarantine"),
    path("ingest/sources/<slug:name>/", ingest.source_detail, name="ingest_source"),
    path("ingest/batches/<int:pk>/", ingest.batch_detail, name="ingest_batch"),
    path("ingest/batches/<int:pk>/mapping/", ingest.batch_mapping, name="ingest_mapping"),
    path("ingest/batches/<int:pk>/preview/", ingest.batch_preview, name="ingest_preview"),
    path("ingest/batches/<int:pk>/progress/", ingest.batch_progress, name="ingest_progress"),
    path("ingest/batches/<int:pk>/retry/", ingest.batch_retry, name="ingest_retry"),
    path("language/", system.set_language, name="set_language"),
    path("health", system.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        # Own templates: django.contrib.admin ships registration/password_change_*.html,
        # which would otherwise take the person into the admin site's look and links.
        auth_views.PasswordChangeView.as_view(
            template_name="registration/kpilib_password_change.html"
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/kpilib_password_changed.html"
        ),
        name="password_change_done",
    ),
]
