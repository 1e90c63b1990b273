"""The route matrix, generated from the URL map: every route of the application, each of
its sample addresses, and the status every role gets on GET.

A route added to the URL map without a row here fails `test_every_route_has_a_row`, so
nobody can ship a page whose access nobody decided. Objects outside a user's scope answer
404 (as if missing), actions outside a role 403, signed-out visitors are sent to sign in
(web) or get 401 (API); POST-only actions answer 405 to GET once signed in. The world is
the GET-walk world (a published cycle with an appeal, a cycle in goal setting, a source
and a committed batch); `{names}` are filled by `tests.accounts.route_places`.
"""

import pytest
from django.urls import get_resolver

from tests.accounts.route_places import places
from tests.accounts.test_role_matrix import ROLES, client_for
from tests.appraisal_fixtures import TODAY, World
from tests.browser.crawl import _walk
from tests.web.test_get_never_writes import NOT_APP, world  # noqa: F401 (the fixture)

assert ROLES == ["anonymous", "outsider", "engineer", "manager", "other_team", "hr"]

# URL pattern -> [(sample address, status per role in the order of ROLES)]
ROUTES: dict[str, list[tuple[str, list[int]]]] = {
    "api/openapi.json": [
        ("api/openapi.json", [200, 200, 200, 200, 200, 200]),
    ],
    "api/docs": [
        ("api/docs", [200, 200, 200, 200, 200, 200]),
    ],
    "api/employees": [
        ("api/employees", [401, 403, 403, 200, 403, 200]),
    ],
    "api/employees/<pk>": [
        ("api/employees/{engineer}", [401, 404, 200, 200, 404, 200]),
        ("api/employees/{peer}", [401, 404, 404, 200, 404, 200]),
        ("api/employees/{other_team}", [401, 404, 404, 404, 200, 200]),
        ("api/employees/{manager}", [401, 404, 404, 200, 404, 200]),
        ("api/employees/{missing}", [401, 404, 404, 404, 404, 404]),
    ],
    "api/org-units": [
        ("api/org-units", [401, 403, 403, 403, 403, 200]),
    ],
    "api/facts": [
        ("api/facts", [405, 405, 405, 405, 405, 405]),
    ],
    "api/daily-reports": [
        ("api/daily-reports", [405, 405, 405, 405, 405, 405]),
    ],
    "api/webhooks/<source>": [
        ("api/webhooks/{source}", [405, 405, 405, 405, 405, 405]),
    ],
    "api/indicators": [
        ("api/indicators", [401, 403, 200, 200, 200, 200]),
    ],
    "api/indicators/<code>": [
        ("api/indicators/{indicator}", [401, 403, 200, 200, 200, 200]),
        ("api/indicators/{missing}", [401, 403, 404, 404, 404, 404]),
    ],
    "api/cycles": [
        ("api/cycles", [401, 200, 200, 200, 200, 200]),
    ],
    "api/cycles/<pk>/scorecards": [
        ("api/cycles/{cycle}/scorecards", [401, 404, 200, 200, 200, 200]),
        ("api/cycles/{missing}/scorecards", [401, 404, 404, 404, 404, 404]),
    ],
    "api/scorecards/<pk>": [
        ("api/scorecards/{engineer_card}", [401, 404, 200, 200, 404, 200]),
        ("api/scorecards/{peer_card}", [401, 404, 404, 200, 404, 200]),
        ("api/scorecards/{other_team_card}", [401, 404, 404, 404, 200, 200]),
        ("api/scorecards/{missing}", [401, 404, 404, 404, 404, 404]),
    ],
    "api/ahp": [
        ("api/ahp", [405, 405, 405, 405, 405, 405]),
    ],
    "api/participants/<pk>/assessment": [
        ("api/participants/{engineer_goals}/assessment", [401, 404, 200, 200, 404, 200]),
        ("api/participants/{peer_goals}/assessment", [401, 404, 404, 200, 404, 200]),
        ("api/participants/{other_team_goals}/assessment", [401, 404, 404, 404, 200, 200]),
        ("api/participants/{missing}/assessment", [401, 404, 404, 404, 404, 404]),
    ],
    "api/participants/<pk>/self-assessment": [
        ("api/participants/{engineer_goals}/self-assessment", [405, 405, 405, 405, 405, 405]),
    ],
    "api/participants/<pk>/evidence": [
        ("api/participants/{engineer_goals}/evidence", [405, 405, 405, 405, 405, 405]),
    ],
    "api/participants/<pk>/review": [
        ("api/participants/{engineer_goals}/review", [405, 405, 405, 405, 405, 405]),
    ],
    "api/participants/<pk>/interview": [
        ("api/participants/{engineer_goals}/interview", [405, 405, 405, 405, 405, 405]),
    ],
    "api/participants/<pk>/interview/confirm": [
        ("api/participants/{engineer_goals}/interview/confirm", [405, 405, 405, 405, 405, 405]),
    ],
    "api/scorecards/<pk>/manual-score": [
        ("api/scorecards/{engineer_card}/manual-score", [405, 405, 405, 405, 405, 405]),
    ],
    "api/exams": [
        ("api/exams", [401, 403, 200, 200, 200, 200]),
    ],
    "api/exams/<code>/results": [
        ("api/exams/missing-exam/results", [401, 403, 404, 404, 404, 404]),
    ],
    "api/exams/<code>/attempts": [
        ("api/exams/missing-exam/attempts", [405, 405, 405, 405, 405, 405]),
    ],
    "api/certifications/coverage": [
        ("api/certifications/coverage", [401, 403, 200, 200, 200, 200]),
    ],
    "api/cases": [
        # the library for everyone with an employee record, and HR (as /cases/)
        ("api/cases", [401, 403, 200, 200, 200, 200]),
    ],
    "api/cases/<pk>": [
        ("api/cases/{approved_case}", [401, 404, 200, 200, 200, 200]),
        ("api/cases/{peer_draft_case}", [401, 404, 404, 200, 404, 200]),
        ("api/cases/{missing}", [401, 404, 404, 404, 404, 404]),
    ],
    "api/cases/<pk>/submit": [
        ("api/cases/{approved_case}/submit", [405, 405, 405, 405, 405, 405]),
    ],
    "api/cases/<pk>/decision": [
        ("api/cases/{approved_case}/decision", [405, 405, 405, 405, 405, 405]),
    ],
    "api/cases/<pk>/reuse": [
        ("api/cases/{approved_case}/reuse", [405, 405, 405, 405, 405, 405]),
    ],
    "api/cases/<pk>/attachments": [
        ("api/cases/{approved_case}/attachments", [405, 405, 405, 405, 405, 405]),
    ],
    "api/feedback/forms": [
        ("api/feedback/forms", [401, 200, 200, 200, 200, 200]),
    ],
    "api/feedback/forms/<pk>": [
        # a form is its rater's alone (as /feedback/forms/)
        ("api/feedback/forms/{engineer_self_form}", [401, 404, 200, 404, 404, 404]),
        ("api/feedback/forms/{peer_form}", [401, 404, 404, 404, 404, 404]),
        ("api/feedback/forms/{missing}", [401, 404, 404, 404, 404, 404]),
    ],
    "api/feedback/forms/<pk>/decline": [
        ("api/feedback/forms/{peer_form}/decline", [405, 405, 405, 405, 405, 405]),
    ],
    "api/feedback/subjects/<pk>": [
        ("api/feedback/subjects/{feedback_subject}", [401, 404, 200, 200, 404, 200]),
        ("api/feedback/subjects/{missing}", [401, 404, 404, 404, 404, 404]),
    ],
    "api/feedback/subjects/<pk>/nominations": [
        ("api/feedback/subjects/{feedback_subject}/nominations", [405, 405, 405, 405, 405, 405]),
    ],
    "api/feedback/subjects/<pk>/submit": [
        ("api/feedback/subjects/{feedback_subject}/submit", [405, 405, 405, 405, 405, 405]),
    ],
    "api/feedback/subjects/<pk>/approve": [
        ("api/feedback/subjects/{feedback_subject}/approve", [405, 405, 405, 405, 405, 405]),
    ],
    "api/feedback/subjects/<pk>/report": [
        # the world's campaign is open: results wait for the close (409) for those who may read them
        ("api/feedback/subjects/{feedback_subject}/report", [401, 404, 409, 409, 404, 409]),
        ("api/feedback/subjects/{missing}/report", [401, 404, 404, 404, 404, 404]),
    ],
    "api/feedback/campaigns/<pk>/results": [
        ("api/feedback/campaigns/{feedback_campaign}/results", [401, 404, 404, 404, 404, 409]),
        ("api/feedback/campaigns/{missing}/results", [401, 404, 404, 404, 404, 404]),
    ],
    "api/feedback/campaigns": [
        ("api/feedback/campaigns", [401, 403, 403, 403, 403, 200]),
    ],
    "api/feedback/campaigns/<pk>/team": [
        # the manager's team view (as /feedback/campaigns/<pk>/team/)
        ("api/feedback/campaigns/{feedback_campaign}/team", [401, 404, 404, 200, 404, 200]),
        ("api/feedback/campaigns/{missing}/team", [401, 404, 404, 404, 404, 404]),
    ],
    "api/solutions": [
        ("api/solutions", [401, 403, 200, 200, 200, 200]),
    ],
    "api/solutions/<pk>": [
        ("api/solutions/{solution}", [401, 403, 200, 200, 200, 200]),
        ("api/solutions/{peer_solution}", [401, 403, 200, 200, 404, 200]),
        ("api/solutions/{other_team_solution}", [401, 403, 404, 200, 200, 200]),
        ("api/solutions/{missing}", [401, 403, 404, 404, 404, 404]),
    ],
    "api/solutions/<pk>/rounds": [
        ("api/solutions/{solution}/rounds", [405, 405, 405, 405, 405, 405]),
    ],
    "api/validation-rounds/<pk>/verdict": [
        ("api/validation-rounds/{open_round}/verdict", [405, 405, 405, 405, 405, 405]),
    ],
    "api/": [
        ("api/", [404, 404, 404, 404, 404, 404]),
    ],
    "": [
        ("", [302, 200, 200, 200, 200, 200]),
    ],
    "people/": [
        ("people/", [302, 403, 403, 200, 403, 200]),
    ],
    "people/<int:pk>/": [
        ("people/{engineer}/", [302, 404, 200, 200, 404, 200]),
        ("people/{peer}/", [302, 404, 404, 200, 404, 200]),
        ("people/{other_team}/", [302, 404, 404, 404, 200, 200]),
        ("people/{manager}/", [302, 404, 404, 200, 404, 200]),
        ("people/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "people/import/": [
        ("people/import/", [302, 403, 403, 403, 403, 200]),
    ],
    "org/": [
        ("org/", [302, 403, 403, 403, 403, 200]),
    ],
    "audit/": [
        ("audit/", [302, 403, 403, 403, 403, 200]),
    ],
    "plans/": [
        # Managers read the plans their people are measured by (read-only).
        ("plans/", [302, 403, 403, 200, 403, 200]),
    ],
    "plans/new/": [
        ("plans/new/", [302, 403, 403, 403, 403, 200]),
    ],
    "plans/<int:pk>/": [
        ("plans/{plan}/", [302, 404, 404, 200, 404, 200]),
        ("plans/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "plans/<int:pk>/edit/": [
        ("plans/{plan}/edit/", [302, 404, 404, 404, 404, 200]),
        ("plans/{missing}/edit/", [302, 404, 404, 404, 404, 404]),
    ],
    "plans/<int:pk>/indicators/add/": [
        ("plans/{plan}/indicators/add/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/indicators/add/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/indicators/remove/": [
        ("plans/{plan}/indicators/remove/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/indicators/remove/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/whatif/": [
        ("plans/{plan}/whatif/", [302, 404, 404, 404, 404, 200]),
        ("plans/{missing}/whatif/", [302, 404, 404, 404, 404, 404]),
    ],
    "plans/<int:pk>/publish/": [
        ("plans/{plan}/publish/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/publish/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/repin/": [
        ("plans/{plan}/repin/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/repin/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/ahp/": [
        ("plans/{plan}/ahp/", [302, 404, 404, 404, 404, 200]),
        ("plans/{missing}/ahp/", [302, 404, 404, 404, 404, 404]),
    ],
    "plans/<int:pk>/ahp/judgements/": [
        ("plans/{plan}/ahp/judgements/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/ahp/judgements/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/ahp/apply/": [
        ("plans/{plan}/ahp/apply/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/ahp/apply/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/administrators/": [
        ("plans/{plan}/administrators/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/administrators/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:pk>/variants/": [
        ("plans/{plan}/variants/", [302, 405, 405, 405, 405, 405]),
        ("plans/{missing}/variants/", [302, 405, 405, 405, 405, 405]),
    ],
    "plans/<int:plan_pk>/cycles/new/": [
        ("plans/{plan}/cycles/new/", [302, 404, 404, 404, 404, 200]),
        ("plans/{missing}/cycles/new/", [302, 404, 404, 404, 404, 404]),
    ],
    "cycles/": [
        ("cycles/", [302, 200, 200, 200, 200, 200]),
    ],
    "cycles/<int:pk>/": [
        ("cycles/{cycle}/", [302, 404, 200, 200, 200, 200]),
        ("cycles/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "cycles/<int:pk>/advance/": [
        ("cycles/{cycle}/advance/", [302, 404, 404, 404, 404, 200]),
        ("cycles/{missing}/advance/", [302, 404, 404, 404, 404, 404]),
    ],
    "cycles/<int:pk>/recompute/": [
        ("cycles/{cycle}/recompute/", [302, 405, 405, 405, 405, 405]),
        ("cycles/{missing}/recompute/", [302, 405, 405, 405, 405, 405]),
    ],
    "cycles/<int:pk>/export.<str:fmt>": [
        ("cycles/{cycle}/export.xlsx", [302, 404, 200, 200, 200, 200]),
        ("cycles/{missing}/export.xlsx", [302, 404, 404, 404, 404, 404]),
    ],
    "participants/<int:pk>/goals/": [
        ("participants/{engineer_goals}/goals/", [302, 404, 200, 200, 404, 200]),
        ("participants/{peer_goals}/goals/", [302, 404, 404, 200, 404, 200]),
        ("participants/{other_team_goals}/goals/", [302, 404, 404, 404, 200, 200]),
        ("participants/{missing}/goals/", [302, 404, 404, 404, 404, 404]),
    ],
    "scorecards/<int:pk>/": [
        ("scorecards/{engineer_card}/", [302, 404, 200, 200, 404, 200]),
        ("scorecards/{peer_card}/", [302, 404, 404, 200, 404, 200]),
        ("scorecards/{other_team_card}/", [302, 404, 404, 404, 200, 200]),
        ("scorecards/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "monitor/meters/<int:pk>/<slug:code>/": [
        # a target meter's facts: the person's own, their managers' and HR's
        ("monitor/meters/{engineer_q3}/{scored_indicator}/", [302, 404, 200, 200, 404, 200]),
        ("monitor/meters/{peer_q3}/{scored_indicator}/", [302, 404, 404, 200, 404, 200]),
        ("monitor/meters/{missing}/{scored_indicator}/", [302, 404, 404, 404, 404, 404]),
    ],
    "scorecards/<int:pk>/facts/<slug:code>/": [
        ("scorecards/{engineer_card}/facts/{scored_indicator}/", [302, 404, 200, 200, 404, 200]),
        ("scorecards/{peer_card}/facts/{scored_indicator}/", [302, 404, 404, 200, 404, 200]),
        ("scorecards/{other_team_card}/facts/{scored_indicator}/", [302, 404, 404, 404, 200, 200]),
        ("scorecards/{missing}/facts/{scored_indicator}/", [302, 404, 404, 404, 404, 404]),
    ],
    "scorecards/<int:pk>/score-by-hand/": [
        ("scorecards/{engineer_card}/score-by-hand/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{missing}/score-by-hand/", [302, 405, 405, 405, 405, 405]),
    ],
    "scorecards/<int:pk>/calibrate/": [
        ("scorecards/{engineer_card}/calibrate/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{peer_card}/calibrate/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{other_team_card}/calibrate/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{missing}/calibrate/", [302, 405, 405, 405, 405, 405]),
    ],
    "scorecards/<int:pk>/acknowledge/": [
        ("scorecards/{engineer_card}/acknowledge/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{peer_card}/acknowledge/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{other_team_card}/acknowledge/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{missing}/acknowledge/", [302, 405, 405, 405, 405, 405]),
    ],
    "scorecards/<int:pk>/appeal/": [
        ("scorecards/{engineer_card}/appeal/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{peer_card}/appeal/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{other_team_card}/appeal/", [302, 405, 405, 405, 405, 405]),
        ("scorecards/{missing}/appeal/", [302, 405, 405, 405, 405, 405]),
    ],
    "scorecards/<int:pk>/export.<str:fmt>": [
        ("scorecards/{engineer_card}/export.xlsx", [302, 404, 200, 200, 404, 200]),
        ("scorecards/{peer_card}/export.xlsx", [302, 404, 404, 200, 404, 200]),
        ("scorecards/{other_team_card}/export.xlsx", [302, 404, 404, 404, 200, 200]),
        ("scorecards/{missing}/export.xlsx", [302, 404, 404, 404, 404, 404]),
    ],
    "participants/<int:pk>/assessment/": [
        ("participants/{engineer_goals}/assessment/", [302, 404, 200, 200, 404, 200]),
        ("participants/{peer_goals}/assessment/", [302, 404, 404, 200, 404, 200]),
        ("participants/{other_team_goals}/assessment/", [302, 404, 404, 404, 200, 200]),
        ("participants/{missing}/assessment/", [302, 404, 404, 404, 404, 404]),
    ],
    "evidence/<int:pk>/": [
        ("evidence/{peer_evidence}/", [302, 404, 404, 200, 404, 200]),
        ("evidence/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "appeals/<int:pk>/answer/": [
        ("appeals/{appeal}/answer/", [302, 405, 405, 405, 405, 405]),
        ("appeals/{missing}/answer/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/": [
        ("feedback/", [302, 200, 200, 200, 200, 200]),
    ],
    "feedback/campaigns/new/": [
        ("feedback/campaigns/new/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/campaigns/<int:pk>/": [
        ("feedback/campaigns/{feedback_campaign}/", [302, 404, 404, 404, 404, 200]),
        ("feedback/campaigns/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/campaigns/<int:pk>/team/": [
        # the manager's team view: their people in the campaign (HR: everyone)
        ("feedback/campaigns/{feedback_campaign}/team/", [302, 404, 404, 200, 404, 200]),
        ("feedback/campaigns/{missing}/team/", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/campaigns/<int:pk>/subjects/": [
        ("feedback/campaigns/{feedback_campaign}/subjects/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/campaigns/<int:pk>/launch/": [
        ("feedback/campaigns/{feedback_campaign}/launch/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/campaigns/<int:pk>/close/": [
        ("feedback/campaigns/{feedback_campaign}/close/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/campaigns/<int:pk>/results.xlsx": [
        # HR's export of an open campaign goes back to the campaign page with the reason
        ("feedback/campaigns/{feedback_campaign}/results.xlsx", [302, 404, 404, 404, 404, 302]),
        ("feedback/campaigns/{missing}/results.xlsx", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/subjects/<int:pk>/": [
        ("feedback/subjects/{feedback_subject}/", [302, 404, 200, 200, 404, 200]),
        ("feedback/subjects/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/subjects/<int:pk>/report/": [
        ("feedback/subjects/{feedback_subject}/report/", [302, 404, 200, 200, 404, 200]),
        ("feedback/subjects/{missing}/report/", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/subjects/<int:pk>/report.pdf": [
        # the report page's PDF: the same people (an open campaign's says results come later)
        ("feedback/subjects/{feedback_subject}/report.pdf", [302, 404, 200, 200, 404, 200]),
        ("feedback/subjects/{missing}/report.pdf", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/subjects/<int:pk>/nominate/": [
        ("feedback/subjects/{feedback_subject}/nominate/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/subjects/<int:pk>/submit/": [
        ("feedback/subjects/{feedback_subject}/submit/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/subjects/<int:pk>/approve/": [
        ("feedback/subjects/{feedback_subject}/approve/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/nominations/<int:pk>/remove/": [
        ("feedback/nominations/{peer_form}/remove/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/forms/<int:pk>/": [
        # a rater's form is the rater's alone: not the subject's, the manager's or HR's
        ("feedback/forms/{engineer_self_form}/", [302, 404, 200, 404, 404, 404]),
        ("feedback/forms/{manager_form}/", [302, 404, 404, 200, 404, 404]),
        ("feedback/forms/{peer_form}/", [302, 404, 404, 404, 404, 404]),
        ("feedback/forms/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "feedback/forms/<int:pk>/decline/": [
        ("feedback/forms/{peer_form}/decline/", [302, 405, 405, 405, 405, 405]),
    ],
    "feedback/link/<str:token>/": [
        # the customer's link needs no account; a guessed one is "not found" for everyone
        ("feedback/link/{feedback_link}/", [200, 200, 200, 200, 200, 200]),
        ("feedback/link/kpf_guessed/", [404, 404, 404, 404, 404, 404]),
    ],
    "cases/": [
        ("cases/", [302, 403, 200, 200, 200, 200]),
    ],
    "cases/new/": [
        ("cases/new/", [302, 403, 200, 200, 200, 200]),
    ],
    "cases/<int:pk>/": [
        ("cases/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "cases/<int:pk>/edit/": [
        ("cases/{missing}/edit/", [302, 404, 404, 404, 404, 404]),
    ],
    "cases/<int:pk>/submit/": [
        ("cases/{missing}/submit/", [302, 405, 405, 405, 405, 405]),
    ],
    "cases/<int:pk>/decide/": [
        ("cases/{missing}/decide/", [302, 405, 405, 405, 405, 405]),
    ],
    "cases/<int:pk>/reuse/": [
        ("cases/{missing}/reuse/", [302, 405, 405, 405, 405, 405]),
    ],
    "cases/<int:pk>/attach/": [
        ("cases/{missing}/attach/", [302, 405, 405, 405, 405, 405]),
    ],
    "cases/attachments/<int:pk>/": [
        ("cases/attachments/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "validation/": [
        ("validation/", [302, 403, 200, 200, 200, 200]),
    ],
    "validation/new/": [
        ("validation/new/", [302, 403, 200, 200, 200, 200]),
    ],
    "validation/queue/": [
        ("validation/queue/", [302, 403, 200, 200, 200, 200]),
    ],
    # the engineer's solution: the author, their manager, 赵六 (its delivery reviewer) and HR
    # read it; 李四's is reviewed by the manager and the engineer, 赵六's by the manager
    # and 李四, so a guessed id of the other's answers 404
    "validation/<int:pk>/": [
        ("validation/{solution}/", [302, 404, 200, 200, 200, 200]),
        ("validation/{peer_solution}/", [302, 404, 200, 200, 404, 200]),
        ("validation/{other_team_solution}/", [302, 404, 404, 200, 200, 200]),
        ("validation/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "validation/<int:pk>/resubmit/": [
        ("validation/{solution}/resubmit/", [302, 404, 200, 404, 404, 404]),
        ("validation/{peer_solution}/resubmit/", [302, 404, 404, 404, 404, 404]),
        ("validation/{missing}/resubmit/", [302, 404, 404, 404, 404, 404]),
    ],
    "validation/rounds/<int:pk>/verdict/": [
        ("validation/rounds/{open_round}/verdict/", [302, 405, 405, 405, 405, 405]),
    ],
    "validation/rounds/<int:pk>/attachment/": [
        ("validation/rounds/{failed_round}/attachment/", [302, 404, 200, 200, 200, 200]),
        ("validation/rounds/{open_round}/attachment/", [302, 404, 404, 404, 404, 404]),
        ("validation/rounds/{missing}/attachment/", [302, 404, 404, 404, 404, 404]),
    ],
    "training/": [
        # everyone with an employee record sees the people they may see; HR keeps the catalogues
        ("training/", [302, 403, 200, 200, 200, 200]),
    ],
    "training/certifications/new/": [
        ("training/certifications/new/", [302, 405, 405, 405, 405, 405]),
    ],
    "training/certifications/held/new/": [
        ("training/certifications/held/new/", [302, 405, 405, 405, 405, 405]),
    ],
    "training/exams/import/": [
        ("training/exams/import/", [302, 405, 405, 405, 405, 405]),
    ],
    "training/exams/<slug:code>/": [
        ("training/exams/missing-exam/", [302, 403, 404, 404, 404, 404]),
    ],
    "reports/": [
        ("reports/", [302, 403, 200, 200, 200, 403]),
    ],
    "reports/review/": [
        ("reports/review/", [302, 403, 403, 200, 403, 403]),
    ],
    "reports/team/": [
        ("reports/team/", [302, 403, 403, 200, 403, 200]),
    ],
    "reports/review/rest-normal/": [
        ("reports/review/rest-normal/", [302, 405, 405, 405, 405, 405]),
    ],
    "reports/<int:pk>/": [
        ("reports/{engineer_report}/", [302, 404, 200, 200, 404, 200]),
        ("reports/{peer_draft}/", [302, 404, 404, 404, 404, 404]),
        ("reports/{other_team_report}/", [302, 404, 404, 404, 200, 200]),
        ("reports/{missing}/", [302, 404, 404, 404, 404, 404]),
    ],
    "reports/<int:pk>/comment/": [
        ("reports/{engineer_report}/comment/", [302, 405, 405, 405, 405, 405]),
        ("reports/{missing}/comment/", [302, 405, 405, 405, 405, 405]),
    ],
    "reports/<int:pk>/rate/": [
        ("reports/{engineer_report}/rate/", [302, 405, 405, 405, 405, 405]),
        ("reports/{missing}/rate/", [302, 405, 405, 405, 405, 405]),
    ],
    "library/": [
        ("library/", [302, 403, 200, 200, 200, 200]),
    ],
    "library/new/": [
        ("library/new/", [302, 403, 403, 403, 403, 200]),
    ],
    "library/check/": [
        ("library/check/", [302, 405, 405, 405, 405, 405]),
    ],
    "library/builder/": [
        ("library/builder/", [302, 405, 405, 405, 405, 405]),
    ],
    "library/preview/": [
        ("library/preview/", [302, 403, 403, 403, 403, 200]),
    ],
    "library/import/": [
        ("library/import/", [302, 403, 403, 403, 403, 200]),
    ],
    "library/export.<str:fmt>": [
        ("library/export.xlsx", [302, 403, 200, 200, 200, 200]),
    ],
    "library/strategy/": [
        ("library/strategy/", [302, 403, 200, 200, 200, 200]),
    ],
    "library/strategy/<slug:code>/": [
        ("library/strategy/{theme}/", [302, 403, 403, 403, 403, 200]),
    ],
    "library/i/<slug:code>/": [
        ("library/i/{indicator}/", [302, 403, 200, 200, 200, 200]),
        ("library/i/{missing}/", [302, 403, 404, 404, 404, 404]),
    ],
    "library/i/<slug:code>/edit/": [
        ("library/i/{indicator}/edit/", [302, 403, 403, 403, 403, 200]),
        ("library/i/{missing}/edit/", [302, 403, 403, 403, 403, 404]),
    ],
    "library/i/<slug:code>/publish/": [
        ("library/i/{indicator}/publish/", [302, 405, 405, 405, 405, 405]),
        ("library/i/{missing}/publish/", [302, 405, 405, 405, 405, 405]),
    ],
    "library/i/<slug:code>/retire/": [
        ("library/i/{indicator}/retire/", [302, 403, 403, 403, 403, 200]),
        ("library/i/{missing}/retire/", [302, 403, 403, 403, 403, 404]),
    ],
    "library/i/<slug:code>/compare/": [
        ("library/i/{indicator}/compare/", [302, 403, 404, 404, 404, 404]),
        ("library/i/{missing}/compare/", [302, 403, 404, 404, 404, 404]),
    ],
    "ingest/": [
        ("ingest/", [302, 403, 403, 403, 403, 200]),
    ],
    "ingest/quarantine/": [
        ("ingest/quarantine/", [302, 403, 403, 403, 403, 200]),
    ],
    "ingest/sources/<slug:name>/": [
        ("ingest/sources/{source}/", [302, 403, 403, 403, 403, 200]),
    ],
    "ingest/batches/<int:pk>/": [
        ("ingest/batches/{batch}/", [302, 403, 403, 403, 403, 200]),
        ("ingest/batches/{missing}/", [302, 403, 403, 403, 403, 404]),
    ],
    "ingest/batches/<int:pk>/mapping/": [
        ("ingest/batches/{batch}/mapping/", [302, 403, 403, 403, 403, 302]),
        ("ingest/batches/{missing}/mapping/", [302, 403, 403, 403, 403, 404]),
    ],
    "ingest/batches/<int:pk>/preview/": [
        ("ingest/batches/{batch}/preview/", [302, 403, 403, 403, 403, 302]),
        ("ingest/batches/{missing}/preview/", [302, 403, 403, 403, 403, 404]),
    ],
    "ingest/batches/<int:pk>/progress/": [
        ("ingest/batches/{batch}/progress/", [302, 403, 403, 403, 403, 200]),
        ("ingest/batches/{missing}/progress/", [302, 403, 403, 403, 403, 404]),
    ],
    "ingest/batches/<int:pk>/encoding/": [
        ("ingest/batches/{batch}/encoding/", [302, 405, 405, 405, 405, 405]),
        ("ingest/batches/{missing}/encoding/", [302, 405, 405, 405, 405, 405]),
    ],
    "ingest/batches/<int:pk>/retry/": [
        ("ingest/batches/{batch}/retry/", [302, 405, 405, 405, 405, 405]),
        ("ingest/batches/{missing}/retry/", [302, 405, 405, 405, 405, 405]),
    ],
    "language/": [
        ("language/", [405, 405, 405, 405, 405, 405]),
    ],
    "health": [
        ("health", [200, 200, 200, 200, 200, 200]),
    ],
    "accounts/login/": [
        ("accounts/login/", [200, 200, 200, 200, 200, 200]),
    ],
    "accounts/lockouts/": [
        ("accounts/lockouts/", [302, 403, 403, 403, 403, 200]),
    ],
    "accounts/lockouts/<int:pk>/unlock/": [
        ("accounts/lockouts/{lockout}/unlock/", [302, 405, 405, 405, 405, 405]),
    ],
    "accounts/logout/": [
        ("accounts/logout/", [405, 405, 405, 405, 405, 405]),
    ],
    "accounts/tokens/": [
        ("accounts/tokens/", [302, 200, 200, 200, 200, 200]),
    ],
    "accounts/tokens/<int:pk>/revoke/": [
        ("accounts/tokens/{missing}/revoke/", [302, 405, 405, 405, 405, 405]),
    ],
    "accounts/password/": [
        ("accounts/password/", [302, 200, 200, 200, 200, 200]),
    ],
    "accounts/password/done/": [
        ("accounts/password/done/", [302, 200, 200, 200, 200, 200]),
    ],
}

CASES = [(route, address) for route, rows in ROUTES.items() for address, _statuses in rows]


def app_routes() -> list[str]:
    return [route for route, _ in _walk(get_resolver().url_patterns) if not route.startswith(NOT_APP)]


def test_every_route_has_a_row() -> None:
    # given the URL map of the application
    routes = app_routes()
    # when it is compared with the matrix
    missing = sorted(set(routes) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(routes))
    # then every route has its rows, and the matrix names no route that is gone
    assert not missing, f"routes without a row in ROUTES (decide who may open them): {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.today(TODAY)
def test_each_role_gets_exactly_the_status_decided(world: World) -> None:  # noqa: F811
    # given the world's objects, one signed-in client per role, and the decided statuses
    filled = places(world)
    clients = {role: client_for(world.org, role) for role in ROLES}
    # when every role requests every sample address
    wrong = {}
    for route, address in CASES:
        url = "/" + address.format(**filled)
        got = [clients[role].get(url).status_code for role in ROLES]
        expected = dict(ROUTES[route])[address]
        if got != expected:
            wrong[address] = {
                role: f"{want} expected, got {have}"
                for role, want, have in zip(ROLES, expected, got, strict=True)
                if want != have
            }
    # then each role got exactly what the matrix says, everywhere
    assert not wrong, wrong
