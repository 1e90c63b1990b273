"""The API documentation page runs only assets served by kpilib (no public CDN)."""

import re

from django.test import Client

from tests.factories import Org

EXTERNAL = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["'](?:https?:)?//""", re.I)


def test_api_docs_load_swagger_ui_from_this_site(org: Org) -> None:
    # given a signed-in user
    client = Client()
    client.force_login(org.hr)
    # when they open the API documentation
    response = client.get("/api/docs")
    page = response.content.decode()
    # then Swagger UI comes from kpilib's own static files, none from another host
    assert response.status_code == 200
    assert EXTERNAL.findall(page) == []
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    # and the page itself runs under the site's policy
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
