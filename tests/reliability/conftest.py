import pytest


@pytest.fixture(autouse=True)
def _reliability_settings(settings):
    """These tests send hundreds of requests as a few readers: rates far above what they
    send (the rate-limit tests set their own), test-cost Argon2, static files from the tree."""
    settings.COMMENT_RATE_LIMIT = "100000/m"
    settings.COMMENT_REPORT_RATE_LIMIT = "100000/m"
    settings.COMMENT_REACTION_RATE_LIMIT = "100000/m"
    settings.COMMUNITY_FOLLOW_RATE_LIMIT = "100000/m"
    settings.COMMUNITY_REACTION_BATCH_SECONDS = 0
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
