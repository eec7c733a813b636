import functools

import pytest

from tests.membership.fake_stripe import WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def fake_stripe(settings):
    """Stripe's API faked at its HTTP edge; the real SDK is pointed at it."""
    server = FakeStripe()
    server.start()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_masthead"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


@pytest.fixture
def demo_provider(settings):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the code deferred to after commit (task enqueues,
    emails) when the block ends, as a real commit would."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)
