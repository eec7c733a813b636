import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _community_test_settings(settings):
    """Tests follow, comment and react quickly; reactions are told at once (no batching
    window: the test task backend cannot run a task later anyway)."""
    settings.COMMENT_RATE_LIMIT = "1000/m"
    settings.COMMUNITY_FOLLOW_RATE_LIMIT = "1000/m"
    settings.COMMUNITY_REACTION_BATCH_SECONDS = 0
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the code inside queued for after its commit (the
    fan-out tasks), as a real commit would; the test task backend runs them at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def alice(db):
    return factories.reader(username="alice", display_name="Alice Ames")


@pytest.fixture
def bob(db):
    return factories.reader(username="bob", display_name="Bob Baker")


@pytest.fixture
def carol(db):
    return factories.reader(username="carol", display_name="Carol Cho")


@pytest.fixture
def moderator(db):
    return factories.reader(username="maya", role="moderator")


def signed_in(client, reader):
    client.force_login(reader)
    return client
