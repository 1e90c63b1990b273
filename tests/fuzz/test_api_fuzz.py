"""Fuzzing the REST API from its own OpenAPI document (schemathesis): every operation, as
HR (who may call them all), with generated parameters and bodies. No answer may be a
server error, and every answer must be one the document allows in shape and type."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import given

from tests.factories import Org
from tests.fuzz.budget import FUZZ

schemathesis = pytest.importorskip("schemathesis")


@pytest.fixture
def hr_cookies(org: Org) -> dict[str, str]:
    """The cookies of a signed-in HR session, the CSRF cookie included."""
    client = Client()
    client.force_login(org.hr)
    client.get("/")  # sets the CSRF cookie
    return {name: morsel.value for name, morsel in client.cookies.items()}


# Some operations read "today" (certification coverage, recording an exam attempt).
@pytest.mark.today("2026-10-08")
@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_within_its_document(org: Org, hr_cookies: dict[str, str]) -> None:
    # given the API's own OpenAPI document, served in-process
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
    )

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    headers = {"X-CSRFToken": hr_cookies.get("csrftoken", ""), "Referer": "http://localhost/"}
    failures: dict[str, str] = {}
    for operation in schema.get_all_operations():
        api_operation = operation.ok()

        @FUZZ
        @given(case=api_operation.as_strategy())
        def call(case: object) -> None:
            # when HR calls it with generated input
            case.call_and_validate(  # type: ignore[attr-defined]
                headers=headers,
                cookies=hr_cookies,
                checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
            )

        try:
            call()
        except Exception as error:  # collected per operation, reported together
            failures[f"{api_operation.method.upper()} {api_operation.path}"] = str(error)[:2000]
    # then no operation ever failed its document or the server
    assert not failures, failures
