"""System checks: the configured scorer can work (``masthead check``)."""

import importlib.util

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from masthead.moderation import rules, scorers


@register()
def check_scorer(app_configs=None, **kwargs):
    name = settings.MODERATION_SCORER
    problems = []
    if name == "local" and importlib.util.find_spec("profanity_check") is None:
        problems.append(
            Warning(
                "MODERATION_SCORER=local but alt-profanity-check is not installed: every comment "
                "will wait for a moderator.",
                hint="pip install alt-profanity-check, or set MODERATION_SCORER=none.",
                id="moderation.W001",
            )
        )
    elif name == "perspective" and not settings.PERSPECTIVE_API_KEY:
        problems.append(
            Error(
                "MODERATION_SCORER=perspective needs PERSPECTIVE_API_KEY.",
                hint="Set the key, or MODERATION_SCORER=local.",
                id="moderation.E001",
            )
        )
    elif name not in scorers.scorer_names() and name not in ("", "off"):
        try:
            import_string(name)
        except ImportError as exc:
            problems.append(Error(f"MODERATION_SCORER={name!r}: {exc}", id="moderation.E002"))
    unknown = [r for r in settings.MODERATION_RULES if r not in rules.RULES]
    if unknown:
        problems.append(
            Error(
                f"MODERATION_RULES names unknown rules: {', '.join(unknown)}.",
                hint=f"Known: {', '.join(rules.DEFAULT_ORDER)}.",
                id="moderation.E003",
            )
        )
    return problems
