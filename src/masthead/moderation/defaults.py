"""The word lists and allow-list a newsroom starts with (``wordlists/*.txt``, editable there
and, once installed, on the moderation settings page)."""

from functools import cache
from importlib import resources


@cache
def _read(name: str) -> str:
    return (resources.files("masthead.moderation") / "wordlists" / name).read_text(encoding="utf-8")


def _entries(name: str) -> str:
    """The file's entries, one per line, without its comments (what the settings row holds)."""
    lines = (line.split("#", 1)[0].strip() for line in _read(name).splitlines())
    return "\n".join(line for line in lines if line)


def banned_words() -> str:
    return _entries("banned.txt")


def suspect_words() -> str:
    return _entries("suspect.txt")


def allowed_words() -> str:
    return _entries("allowed.txt")


def allowed_domains() -> str:
    return _entries("allowed_domains.txt")
