"""API for daily reports: `POST /api/daily-reports` with a personal access token.

A person makes a token on their own page (/accounts/tokens/) and sends
`Authorization: Bearer kpp_…`; the report is theirs (the token's owner), written and
submitted by `dailyreports.services.report_post` like the web page writes it. A refusal
is 400 `{"detail", "field"}` naming the field (`report_date`, `answers.<key>`,
`checklist_done`); a body that does not parse is 422 with each field's location.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from kpilib import clock
from kpilib.accounts.models import PersonalAccessToken
from kpilib.accounts.services import personal_token_use
from kpilib.audit.origin import Origin
from kpilib.dailyreports.models import DailyReport
from kpilib.dailyreports.services import report_post

router = Router(tags=["daily reports"])


class PersonalTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a personal access token its owner made (/accounts/tokens/)."""

    def authenticate(self, request: HttpRequest, token: str) -> PersonalAccessToken | None:
        return personal_token_use(raw=token, now=clock.now)


class DailyReportIn(Schema):
    """One day's report of the token's owner."""

    report_date: datetime.date | None = Field(
        None, description="The report's day, `YYYY-MM-DD`; empty means today (not a later day)."
    )
    answers: dict[str, str | int | float | None] = Field(
        description=(
            "Answers by field key of your report template; by default `done` (今日完成, "
            "required), `findings` (问题与发现) and `plan` (明日计划)."
        ),
        examples=[{"done": "拜访招商银行，完成 POC 部署", "findings": "连接池超时，建议扩容", "plan": "1. 整理 POC 报告"}],
    )
    checklist_done: list[int] = Field(
        default_factory=list,
        description="Items of the last report's 明日计划 done, by position from 0.",
    )
    submit: bool = Field(True, description="false keeps the report as a draft.")


class DailyReportOut(Schema):
    id: int
    report_date: datetime.date
    status: str = Field(description="`draft` or `submitted`.")
    deadline: datetime.datetime | None = Field(description="When the report was due.")
    submitted_at: datetime.datetime | None
    on_time: bool | None
    checklist: str = Field(description="Yesterday's plan items done, e.g. `1/3`.")


class Refusal(Schema):
    detail: str
    field: str | None = Field(None, description="The field refused, e.g. `answers.done`.")
    line: int | None = None


@router.post(
    "/daily-reports",
    auth=PersonalTokenAuth(),
    response={200: DailyReportOut, 400: Refusal},
    summary="Write (and submit) your daily report",
    description=(
        "The report of the token's owner for `report_date` (today when empty): saved, then "
        "submitted unless `submit` is false. Sending again before submitting replaces the "
        "draft; a submitted report is refused. On time or late is fixed at submission by "
        "your template's deadline over China's working days. 401 without a valid token."
    ),
)
def post_daily_report(request: HttpRequest, payload: DailyReportIn) -> dict[str, Any]:
    token: PersonalAccessToken = request.auth  # type: ignore[attr-defined]
    today = clock.today()
    report: DailyReport = report_post(
        actor=token.user,
        origin=Origin.API,
        report_date=payload.report_date or today,
        answers={key: "" if value is None else value for key, value in payload.answers.items()},
        checklist_done=payload.checklist_done,
        submit=payload.submit,
        today=today,
        now=clock.now(),
    )
    return {
        "id": report.pk,
        "report_date": report.report_date,
        "status": report.status,
        "deadline": report.deadline,
        "submitted_at": report.submitted_at,
        "on_time": report.on_time,
        "checklist": f"{len(report.checklist_done)}/{report.checklist_total}",
    }
