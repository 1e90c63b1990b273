"""API for the case library (成功经验分享): the library with Chinese full-text search, one
case, and the author's, the manager's and the reader's actions, as on the /cases/ pages.

Reads go through `cases.selectors` (the library as the page lists it; `case_for` answers
404 for a case one may not read, as the detail page does); writes through
`cases.services` with origin API, whose rules decide who may and when: a refusal
(`CaseError`) is 400 `{"detail", "field"}`. Session authentication like the other
routers (the CSRF token on writes).
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import field_validator

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.cases import selectors, services
from kpilib.cases.errors import CaseError
from kpilib.cases.models import Case
from kpilib.library.models import Objective
from kpilib.permissions import Action, require

router = Router(tags=["cases"])

STATUS = "`draft`, `submitted` (waiting for approval), `returned` (for changes) or `approved`."


class Refusal(Schema):
    detail: str = Field(description="Why, in the caller's language.")
    field: str | None = Field(None, description="The field refused, e.g. `comment`.")
    line: int | None = None


class _CaseHeader(Schema):
    id: int
    title: str
    status: str = Field(description=STATUS)
    customer: str
    industry: str
    product: str
    tags: list[str]
    author: str = Field(description="The author's name.")
    author_employee_id: str = Field(description="The author's employee id.")
    submitted_at: datetime.datetime | None = Field(
        description="When it was last sent for approval."
    )
    decided_at: datetime.datetime | None = Field(description="When it was approved or returned.")
    reuse_count: int = Field(description="How many people recorded reusing it.")


class CaseSummaryOut(_CaseHeader):
    """A case in a list."""

    @staticmethod
    def resolve_author(case: Case) -> str:
        return case.author.name

    @staticmethod
    def resolve_author_employee_id(case: Case) -> str:
        return case.author.employee_id

    @staticmethod
    def resolve_tags(case: Case) -> list[str]:
        return list(case.tags or [])


class FacetsOut(Schema):
    tags: list[str] = Field(description="The tags of approved cases (values for `tag`).")
    industries: list[str] = Field(
        description="The industries of approved cases (values for `industry`)."
    )


class CaseListOut(Schema):
    """The library page in one answer."""

    library: list[CaseSummaryOut] = Field(
        description="Approved cases matching `q`, `tag` and `industry`, best match first when `q` is given."
    )
    waiting: list[CaseSummaryOut] = Field(
        description="Cases waiting for the caller's decision (their people's, or everyone's for HR), oldest first."
    )
    own: list[CaseSummaryOut] = Field(
        description="The caller's own cases in every state, last changed first."
    )
    facets: FacetsOut


class AttachmentOut(Schema):
    id: int
    file_name: str
    size: int = Field(description="Bytes.")
    uploaded_at: datetime.datetime
    download: str = Field(description="The file's address (signed-in session).")


class CaseOut(_CaseHeader):
    """One case as its reader may see it; `may_*` are the actions open to the caller now."""

    problem: str = Field(description="The customer's problem.")
    solution: str
    result: str
    objectives: list[str] = Field(description="Codes of the strategic objectives it serves.")
    decision_comment: str = Field(description="The approver's comment (required when returned).")
    attachments: list[AttachmentOut]
    editable: bool = Field(description="The caller is the author and it is a draft or returned.")
    may_decide: bool = Field(
        description="It waits for approval and the caller may approve or return it."
    )
    may_reuse: bool = Field(
        description="It is approved, not the caller's, and they have not recorded a reuse."
    )


class _Text(Schema):
    """Text without NUL characters (no field accepts one; PostgreSQL cannot store it)."""

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("a NUL character is not accepted")
        return value


class CaseIn(_Text):
    """A case as the author writes it (the web form's fields)."""

    title: str = Field(max_length=200, examples=["招商银行核心系统容器化迁移"])
    problem: str = Field(
        description="The customer's problem (required).",
        examples=["核心交易系统扩容慢，高峰期响应超时"],
    )
    solution: str = Field(
        description="What was done (required).", examples=["采用 Kubernetes 分批迁移，灰度发布"]
    )
    customer: str = Field("", max_length=200)
    industry: str = Field("", max_length=100, examples=["金融"])
    product: str = Field("", max_length=200)
    result: str = Field("", description="What it achieved, best with numbers.")
    tags: list[str] = Field(
        default_factory=list, description="At most 10 tags.", examples=[["容器", "POC"]]
    )
    objectives: list[str] = Field(
        default_factory=list, description="Codes of the strategic objectives it serves."
    )


class CasePatchIn(_Text):
    """Only the fields sent change; the others keep their values."""

    title: str | None = Field(None, max_length=200)
    problem: str | None = None
    solution: str | None = None
    customer: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    product: str | None = Field(None, max_length=200)
    result: str | None = None
    tags: list[str] | None = None
    objectives: list[str] | None = Field(
        None, description="Codes of the strategic objectives it serves."
    )


class DecisionIn(_Text):
    decision: Literal["approve", "return"] = Field(
        description="`approve` puts it in the library and makes the author's `case_shared` fact; "
        "`return` sends it back for changes."
    )
    comment: str = Field("", description="Required when returning: what to change.")


class ReuseIn(_Text):
    note: str = Field("", max_length=300, description="Where it helped (optional).")


def _case_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    case = selectors.case_for(request.user, case.pk)
    actions = selectors.case_actions(request.user, case)
    return {
        "id": case.pk,
        "title": case.title,
        "status": case.status,
        "customer": case.customer,
        "industry": case.industry,
        "product": case.product,
        "tags": list(case.tags or []),
        "author": case.author.name,
        "author_employee_id": case.author.employee_id,
        "submitted_at": case.submitted_at,
        "decided_at": case.decided_at,
        "reuse_count": actions.reuse_count,
        "problem": case.problem,
        "solution": case.solution,
        "result": case.result,
        "objectives": [objective.code for objective in case.objectives.order_by("code")],
        "decision_comment": case.decision_comment,
        "attachments": [
            {
                "id": file.pk,
                "file_name": file.file_name,
                "size": file.size,
                "uploaded_at": file.uploaded_at,
                "download": reverse("case_attachment", args=[file.pk]),
            }
            for file in case.attachments.all()
        ],
        "editable": actions.editable,
        "may_decide": actions.may_decide,
        "may_reuse": actions.may_reuse,
    }


def _objectives(codes: list[str]) -> list[Objective]:
    found = {objective.code: objective for objective in Objective.objects.filter(code__in=codes)}
    unknown = [code for code in dict.fromkeys(codes) if code not in found]
    if unknown:
        raise CaseError(
            _("No objective with the code %(code)s.") % {"code": ", ".join(unknown)},
            field="objectives",
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _save(request: HttpRequest, case: Case | None, fields: dict[str, Any]) -> Case:
    fields["objectives"] = _objectives(fields["objectives"])
    return services.case_save(actor=request.user, origin=Origin.API, case=case, **fields)


@router.get("/cases", response=CaseListOut, summary="The case library")
def list_cases(
    request: HttpRequest,
    q: str = Query(
        "",
        description="Words to find, Chinese or English (`容器化`, `国产化 数据库`); every word must be there.",
    ),
    tag: str = Query("", description="Only cases with this tag (`facets.tags`)."),
    industry: str = Query("", description="Only cases of this industry (`facets.industries`)."),
) -> Any:
    """Approved cases, searched by `q` in Chinese or English (cut by jieba; every word
    must be there) and narrowed by `tag` and `industry`, each with its reuse count; plus
    the cases waiting for the caller's decision and the caller's own cases. 403 without
    an employee record (HR excepted)."""
    require(request.user, Action.VIEW_LIBRARY)
    return {
        "library": selectors.cases_search(query=q.strip()[:200], tag=tag, industry=industry),
        "waiting": selectors.cases_waiting_for(request.user),
        "own": list(selectors.own_cases(request.user)),
        "facets": selectors.library_facets(),
    }


@router.post("/cases", response={201: CaseOut, 400: Refusal}, summary="Write a case (a draft)")
def create_case(request: HttpRequest, body: CaseIn) -> Any:
    """A new draft by the caller (who needs an employee record). Submit it with
    `POST /api/cases/{pk}/submit`."""
    case = _save(request, None, body.model_dump())
    return Status(201, _case_out(request, case))


@router.get("/cases/{pk}", response=CaseOut, summary="One case")
def get_case(request: HttpRequest, pk: int) -> Any:
    """Approved cases for everyone in the library; drafts, waiting and returned cases
    for the author, their managers and HR; 404 otherwise."""
    return _case_out(request, selectors.case_for(request.user, pk))


@router.put("/cases/{pk}", response={200: CaseOut, 400: Refusal}, summary="Change a case")
def put_case(request: HttpRequest, pk: int, body: CaseIn) -> Any:
    """The author rewrites their draft or returned case (every field; those left out are emptied)."""
    case = selectors.case_for(request.user, pk)
    return _case_out(request, _save(request, case, body.model_dump()))


@router.patch(
    "/cases/{pk}", response={200: CaseOut, 400: Refusal}, summary="Change some fields of a case"
)
def patch_case(request: HttpRequest, pk: int, body: CasePatchIn) -> Any:
    """The author changes the fields sent of their draft or returned case."""
    case = selectors.case_for(request.user, pk)
    fields: dict[str, Any] = {
        "title": case.title,
        "problem": case.problem,
        "solution": case.solution,
        "customer": case.customer,
        "industry": case.industry,
        "product": case.product,
        "result": case.result,
        "tags": list(case.tags or []),
        "objectives": list(case.objectives.values_list("code", flat=True)),
    }
    fields.update(body.model_dump(exclude_unset=True, exclude_none=True))
    return _case_out(request, _save(request, case, fields))


@router.post(
    "/cases/{pk}/submit", response={200: CaseOut, 400: Refusal}, summary="Send a case for approval"
)
def submit_case(request: HttpRequest, pk: int) -> Any:
    """The author sends their draft or returned case to their managers and HR."""
    case = selectors.case_for(request.user, pk)
    services.case_submit(actor=request.user, origin=Origin.API, case=case, now=clock.now())
    return _case_out(request, case)


@router.post(
    "/cases/{pk}/decision",
    response={200: CaseOut, 400: Refusal},
    summary="Approve or return a case",
)
def decide_case(request: HttpRequest, pk: int, body: DecisionIn) -> Any:
    """The author's managers (up the line) or HR, never the author, decide on a case
    waiting for approval. Approval makes the author's `case_shared` fact (source
    `cases`, on the day of approval); a return needs a comment."""
    case = selectors.case_for(request.user, pk)
    services.case_decide(
        actor=request.user,
        origin=Origin.API,
        case=case,
        approve=body.decision == "approve",
        comment=body.comment,
        now=clock.now(),
    )
    return _case_out(request, case)


@router.post(
    "/cases/{pk}/reuse",
    response={200: CaseOut, 400: Refusal},
    summary="Record that you reused a case",
)
def reuse_case(request: HttpRequest, pk: int, body: ReuseIn) -> Any:
    """Counts once per person on an approved case, never by its author."""
    case = selectors.case_for(request.user, pk)
    services.case_reuse(
        actor=request.user, origin=Origin.API, case=case, today=clock.today(), note=body.note
    )
    return _case_out(request, case)


@router.post(
    "/cases/{pk}/attachments",
    response={200: CaseOut, 400: Refusal},
    summary="Attach a file to a case",
)
def attach_to_case(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    """The author attaches a file to their draft or returned case (multipart field `file`;
    at most `KPILIB_MAX_EVIDENCE_MB` each and `KPILIB_MAX_EVIDENCE_FILES` files)."""
    case = selectors.case_for(request.user, pk)
    services.case_attach(actor=request.user, origin=Origin.API, case=case, upload=file)
    return _case_out(request, case)
