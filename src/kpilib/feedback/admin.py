"""Admin lists of 360 feedback, read-only: campaigns, questionnaires and nominations are
written by the services. Responses have no admin at all: HR sees response rates, never
who said what (`feedback.selectors.response_rate`)."""

from django.contrib import admin

from kpilib.accounts.admin_site import ReadOnlyHrAdmin
from kpilib.feedback.models import Campaign, Nomination, Questionnaire


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyHrAdmin):
    list_display = ("code", "name_zh_hans", "name_en")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyHrAdmin):
    list_display = ("name", "status", "deadline", "min_group", "split_comments", "launched_at")
    list_filter = ("status",)


@admin.register(Nomination)
class NominationAdmin(ReadOnlyHrAdmin):
    list_display = ("subject", "relationship", "rater", "external_name", "status")
    list_filter = ("relationship", "status")
    exclude = ("token_hash",)
