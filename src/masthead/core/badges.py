"""Badges beside readers' names (staff, the article's author, Premium supporter…).

Apps that know a reason for a badge register a provider; the comments app asks for the
badges of everyone on a page in one call per provider (no per-comment queries).
A provider is ``fn(*, reader_ids: set[int], article) -> dict[int, list[str]]``.
"""

from collections.abc import Callable, Iterable

BadgeProvider = Callable[..., dict[int, list[str]]]
_providers: list[BadgeProvider] = []


def register_badge_provider(provider: BadgeProvider) -> BadgeProvider:
    """Register (usable as a decorator); call from ``AppConfig.ready()``."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def badges_for(*, reader_ids: Iterable[int], article=None) -> dict[int, list[str]]:
    ids = {i for i in reader_ids if i is not None}
    badges: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return badges
    for provider in _providers:
        for reader_id, names in provider(reader_ids=ids, article=article).items():
            badges.setdefault(reader_id, []).extend(n for n in names if n not in badges[reader_id])
    return badges
