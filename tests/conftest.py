import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache

from tests import factories
from tests.smtp import SmtpServer

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told that this thread is only a test driver.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _redis_database_per_worker() -> None:
    """`make test` runs the suite in pytest-xdist workers (gw0, gw1, …). Each gets a Redis
    database of its own, the configured one plus its number, since tests clear the cache
    (FLUSHDB) and read the live bus's streams. Set here, before anything has connected, and
    in the environment for the servers some tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not settings.REDIS_URL or not worker.startswith("gw"):
        return
    url = urlsplit(settings.REDIS_URL)
    number = int(url.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    moved = url._replace(path=f"/{number}").geturl()
    settings.REDIS_URL = os.environ["REDIS_URL"] = moved
    for alias in settings.CACHES.values():
        if alias.get("LOCATION") == url.geturl():
            alias["LOCATION"] = moved


_redis_database_per_worker()


def _connection_per_thread() -> None:
    """On PostgreSQL the app keeps a connection pool by default (settings.DATABASE_POOL).
    Tests start threads that end without handing their connection back as a finished
    request does (live servers, racing requests, ASGI calls), and a pool of ten runs dry
    within a session: the suite keeps a connection per thread instead. The servers that
    tests/reliability/test_faults.py and bench/soak.py start run with the default pool."""
    database = settings.DATABASES["default"]
    if database.get("OPTIONS", {}).pop("pool", None) is not None:
        database["CONN_MAX_AGE"] = 60


_connection_per_thread()


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


def _about_moderation(request) -> bool:
    path = request.node.path.as_posix()
    return "/tests/moderation/" in path or path.endswith("/tests/browser/test_moderation.py")


# Tests that are not about moderation post links to example.org and the same text twice:
# what these rules rightly hold, so those tests leave them out.
LINK_AND_REPEAT_RULES = ("links", "repeats")


@pytest.fixture(autouse=True)
def _moderation_pipeline(request, settings):
    """The moderation pipeline is on in every test, as in production
    (COMMENT_MODERATION_PIPELINE): modes (closed, pre-moderation), banned and suspect words,
    the toxicity scorer, a reader's record.

    Outside tests/moderation (and the desk's browser test) every reader has a long clean
    record (``factories.established_history``), so a brand-new reader's first comments are
    not held for a moderator and ``factories.comment`` publishes; a test that wants the real
    record sets ``MODERATION_READER_HISTORY`` back to the comments app's selector. The
    links and repeats rules are left out there too. tests/moderation runs every rule with
    the product's defaults (two pre-moderated comments per new reader).

    With the database, the settings snapshot is built before the test, as a running
    process has it, so query counts measure a page and not the first read of the settings.
    """
    if not _about_moderation(request):
        settings.MODERATION_READER_HISTORY = "tests.factories.established_history"
        settings.MODERATION_RULES = [r for r in settings.MODERATION_RULES if r not in LINK_AND_REPEAT_RULES]
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            from masthead.moderation import config

            config.current()
            break


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
