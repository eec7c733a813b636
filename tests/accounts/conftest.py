import pytest


@pytest.fixture(autouse=True)
def _static_without_collectstatic(settings):
    """Pages name static files; with DEBUG=0 the manifest storage wants `collectstatic`
    first, which a test run has not done."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Still Argon2, with test-sized cost: these tests hash hundreds of passwords."""
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
