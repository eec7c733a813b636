"""Playwright (sync API) driving the system's Chromium against pytest-django's live server.

No browser is ever downloaded: the tests use Debian's Chromium (``apt-get install chromium``)
or the one named by ``CHROMIUM_PATH``. Without one they fail, saying so, unless
``MASTHEAD_SKIP_BROWSER=1`` asks to skip them.
"""

import os
import shutil
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test.utils import override_settings
from pytest_django import live_server_helper

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started over plain HTTP.

    Its middleware is built once, when the server starts, so the per-test settings in
    tests/conftest.py come too late for SecurityMiddleware: without this it would send the
    browser to https://localhost, which nothing answers.
    """
    address = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = live_server_helper.LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium_path()
    if path is None:
        message = (
            "No Chromium for the browser tests: install Debian's (`apt-get install chromium`, "
            "or `scripts/ensure-chromium.sh`) or set CHROMIUM_PATH. MASTHEAD_SKIP_BROWSER=1 skips them."
        )
        if os.environ.get("MASTHEAD_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()


@dataclass
class Tab:
    """A page plus everything it did: every request, and anything that went wrong."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname not in LOCAL_HOSTS]


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Tab(page=page)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("console", lambda msg: msg.type == "error" and tab.errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: tab.errors.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and tab.errors.append(f"{response.status} {response.url}"),
    )
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _let_requests_settle(transactional_db):
    """Before the database is flushed, give requests the page left in flight (a live client's
    poll) a moment to finish: flushing under them fails with "database table is locked"."""
    yield  # set up after the database, so this runs before its flush
    time.sleep(1.0)
