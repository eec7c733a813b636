import os

import pytest
from django.core.cache import cache

from tests import factories
from tests.smtp import SmtpServer

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told that this thread is only a test driver.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (pages are cached; Redis outlives a test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_live_bus():
    """Every test starts with a new live event bus (the in-process one keeps a replay log)."""
    from masthead.live.bus import reset_bus

    reset_bus()
    yield
    reset_bus()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_test_settings(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Never the real Stripe, whatever the environment says (tests/membership fakes its API).
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    # Tests run without collectstatic: resolve {% static %} from the source tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def editor(db):
    return factories.reader(username="edna", role="editor")


@pytest.fixture
def reader(db):
    return factories.reader(username="rita")


@pytest.fixture
def section(db):
    return factories.section(name="Politics")


@pytest.fixture
def article(db, section):
    return factories.article(headline="Council votes to reopen the harbour baths", section=section)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's default mailer points at it for the test.

    ``smtp_server.wait_for(address)`` returns the messages delivered to an address;
    ``tests.smtp.link_in(message, "/accounts/")`` pulls a link out of one.
    """
    server = SmtpServer()
    server.start()
    settings.MAILERS = server.mailers
    yield server
    server.stop()
