"""In Chromium, under the site's Content-Security-Policy: pages work, nothing is blocked,
and the API documentation renders with no network beyond kpilib itself."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import choose_language, new_page, sign_in
from tests.factories import make_org

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every policy violation the browser reports, from the first script on.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_api_docs_render_offline_without_policy_violations(
    browser: object, live_server: object
) -> None:
    # given HR signed in, with every request to another host refused (as offline)
    make_org()
    page = new_page(browser, live_server, locale="en-US")
    own_host = urlsplit(live_server.url).netloc  # type: ignore[attr-defined]
    elsewhere: list[str] = []

    def only_this_site(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).netloc == own_host or url.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", only_this_site)  # type: ignore[attr-defined]
    page.add_init_script(RECORD_VIOLATIONS)  # type: ignore[attr-defined]
    sign_in(page, "hr")
    # when they open the API documentation
    page.goto("/api/docs")  # type: ignore[attr-defined]
    # then Swagger UI renders the API's operations from kpilib's own files
    page.wait_for_selector(".swagger-ui .opblock")  # type: ignore[attr-defined]
    assert "kpilib API" in page.locator(".swagger-ui .info").inner_text()  # type: ignore[attr-defined]
    assert elsewhere == []
    assert page.evaluate("() => window.__violations") == []  # type: ignore[attr-defined]


def test_language_switch_works_without_inline_handlers(
    browser: object, live_server: object
) -> None:
    # given an engineer on an English page, under the policy
    make_org()
    page = new_page(browser, live_server, locale="en-US")
    page.add_init_script(RECORD_VIOLATIONS)  # type: ignore[attr-defined]
    sign_in(page, "engineer")
    # when they choose Chinese in the language menu (no button: the choice sends the form)
    choose_language(page, "zh-hans")
    # then the page comes back in Chinese, and the browser blocked nothing
    assert page.locator("#employee-home h2").inner_text() == "我的计分卡"  # type: ignore[attr-defined]
    assert page.evaluate("() => window.__violations") == []  # type: ignore[attr-defined]
