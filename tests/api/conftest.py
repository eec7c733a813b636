import pytest


@pytest.fixture(autouse=True)
def _static_without_collectstatic(settings):
    """Pages and the API docs name static files; with DEBUG=0 the manifest storage wants
    `collectstatic` first, which a test run has not done (docs/operations.md)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
