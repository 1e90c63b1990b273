"""Domain errors: one base, and the same answer from every interface (issue 12, item 5)."""

import json

import pytest
import typer
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from typer.testing import CliRunner

from kpilib.accounts.errors import AccountError
from kpilib.appraisal.errors import CycleError, ExportError
from kpilib.cli.main import KpilibGroup
from kpilib.engine.definitions import Pack
from kpilib.engine.errors import EngineError, InputError, Problem, UnknownCode
from kpilib.engine.formulas import FormulaError
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import PeriodError, parse_period
from kpilib.errors import KpilibError
from kpilib.ingest.errors import IngestError, TooManyFacts
from kpilib.library.errors import LibraryError
from kpilib.org.errors import OrgError
from kpilib.plans.errors import PlanError
from kpilib.web.errors import UserErrorMiddleware


@pytest.mark.parametrize(
    "kind",
    [PlanError, CycleError, ExportError, OrgError, LibraryError, IngestError, AccountError,
     EngineError, FormulaError, PeriodError],
)
def test_every_app_error_is_a_project_error(kind: type[Exception]) -> None:
    # given an app's error class
    # then it is a KpilibError, which is what every interface catches
    assert issubclass(kind, KpilibError)


def test_an_unknown_code_is_a_domain_error_not_a_key_error() -> None:
    # given the built-in pack
    pack: Pack = builtin_pack("presales")
    # when a plan that it does not define is asked for
    with pytest.raises(UnknownCode) as caught:
        pack.plan("no-such-plan")
    # then the error names it, and it is not Python's KeyError
    assert "no-such-plan" in caught.value.message
    assert not isinstance(caught.value, KeyError)


def test_a_period_error_carries_its_message() -> None:
    with pytest.raises(KpilibError) as caught:
        parse_period("2026-Q9")
    assert caught.value.message


def test_api_answers_a_domain_error_with_4xx_and_its_message(rf: RequestFactory) -> None:
    # given a domain error raised in an API route
    from kpilib.api.main import domain_error

    request = rf.get("/api/x")
    # when the API turns it into an answer
    response = domain_error(request, PlanError(["the weights add up to 90, not 100"], field="weights"))
    too_many = domain_error(request, TooManyFacts("at most 10000 facts per request"))
    located = domain_error(request, InputError([Problem("f.csv", 3, "value", "not a number")]))
    # then it is a 4xx with the message, the field, and the problems of an input
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "the weights add up to 90, not 100",
        "field": "weights",
        "line": None,
    }
    assert too_many.status_code == 413
    assert located.status_code == 422
    assert json.loads(located.content)["problems"] == [
        {"file": "f.csv", "line": 3, "field": "value", "reason": "not a number"}
    ]


def test_cli_ends_a_domain_error_with_one_line_and_exit_2() -> None:
    # given a command that refuses with a domain error
    app = typer.Typer(cls=KpilibGroup)

    @app.command()
    def publish() -> None:
        raise PlanError(["nothing to publish"])

    @app.command()
    def other() -> None:
        pass

    # when it runs
    result = CliRunner().invoke(app, ["publish"])
    # then it prints the reason on one line and exits 2, without a traceback
    assert result.exit_code == 2
    assert result.output.strip() == "nothing to publish"


def test_web_shows_an_uncaught_domain_error_as_a_message_on_the_page_it_came_from(
    rf: RequestFactory,
) -> None:
    # given a form posted from a page, whose view lets a domain error through
    request = rf.post("/cycles/1/advance/", HTTP_REFERER="http://testserver/cycles/1/")
    request.session = {}
    request._messages = FallbackStorage(request)
    middleware = UserErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    # when the middleware sees the error
    response = middleware.process_exception(request, CycleError(["the cycle is closed"]))
    # then the user is sent back with the reason, not a 500
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/cycles/1/"
    assert [str(m) for m in request._messages] == ["the cycle is closed"]


def test_web_answers_a_domain_error_on_a_get_with_400(rf: RequestFactory) -> None:
    request = rf.get("/library/export.xml")
    response = UserErrorMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type,return-value]
        request, ExportError("no PDF font on this machine")
    )
    assert response is not None
    assert response.status_code == 400
    assert b"no PDF font on this machine" in response.content
