"""Playwright driving Debian's Chromium against pytest-django's live server.

Without a browser the tests skip with the reason, except under CI=true where a missing
browser is a failure. Screenshots go to a temporary folder, or to docs/images/ for the
user guide when KPILIB_SCREENSHOTS=1 (`make screenshots`).
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KPILIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to arrange data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def browser_environment() -> dict[str, str]:
    """This process's environment without libfaketime: `make test-shifted` moves the clock
    of the server side only (Chromium's page loads stall under libfaketime, and the
    browser's clock is not what the shifted run checks)."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in {"LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DYLD_INSERT_LIBRARIES"}
    }


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=browser_environment()
        )
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _pages_closed_after_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close every page a test opened when it ends: an open page keeps polling (an
    import's progress, say) and its requests would reach the live server between tests,
    where no day is pinned and the database belongs to nobody (the CI error of
    2026-12-07 in test_ingest_flow's setup)."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if browser is not None:
        for context in list(browser.contexts):  # type: ignore[attr-defined]
            context.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    if os.environ.get("KPILIB_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path


def new_page(browser: object, live_server: object, *, locale: str) -> object:
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=locale,
        viewport={"width": 1280, "height": 800},
        base_url=live_server.url,  # type: ignore[attr-defined]
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in(page: object, username: str, password: str = "pw-123456") -> None:
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    # Wait for the page the login leads to, styles included: a check right after the click
    # would otherwise measure a page whose stylesheet has not arrived (a loaded machine).
    with page.expect_navigation(wait_until="load"):  # type: ignore[attr-defined]
        page.click("button[type=submit].primary")  # type: ignore[attr-defined]


def choose_language(page: object, language: str) -> None:
    """Pick a language in the header menu and wait for the page to come back in it.

    The menu has no button: pages.js sends the form on change, so the page must have run
    its scripts first (a choice made while the previous navigation is still loading is
    lost, and the page never changes language)."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    with page.expect_navigation(wait_until="load"):  # type: ignore[attr-defined]
        page.select_option("#language-select", language)  # type: ignore[attr-defined]
