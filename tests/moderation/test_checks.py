"""System checks (``masthead check``) for the moderation settings."""

import importlib.util

from masthead.moderation.checks import check_scorer


def ids(settings_changes, settings) -> list[str]:
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return [problem.id for problem in check_scorer()]


def test_defaults_pass(settings):
    assert ids({}, settings) == []


def test_perspective_without_a_key_is_an_error(settings):
    assert ids({"MODERATION_SCORER": "perspective", "PERSPECTIVE_API_KEY": ""}, settings) == [
        "moderation.E001"
    ]
    assert ids({"MODERATION_SCORER": "perspective", "PERSPECTIVE_API_KEY": "k"}, settings) == []


def test_a_scorer_path_that_does_not_import_is_an_error(settings):
    assert ids({"MODERATION_SCORER": "no.such.Scorer"}, settings) == ["moderation.E002"]


def test_unknown_rules_are_an_error(settings):
    assert ids({"MODERATION_RULES": ["links", "telepathy"]}, settings) == ["moderation.E003"]


def test_local_scorer_without_its_package_is_a_warning(settings, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "profanity_check" else real(name, *a)
    )
    assert ids({"MODERATION_SCORER": "local"}, settings) == ["moderation.W001"]
