"""Every write to the moderation settings: one named service each, each in the audit log.

(Phase 2 adds the moderators' actions on comments and readers here.)
"""

from django.db import transaction

from masthead.core.audit import audit_log
from masthead.core.errors import MastheadError
from masthead.moderation.config import LINK_POLICIES, MODES
from masthead.moderation.links import clean_domain
from masthead.moderation.models import ArticleModeration, ModerationSettings, SectionModeration
from masthead.newsroom.models import Article, Section

MAX_TERMS = 2000
MAX_TERM_LENGTH = 100
MAX_DOMAINS = 500
INHERIT = "inherit"

_NUMBERS = {
    # field: (type, minimum, maximum)
    "toxicity_threshold": (float, 0.01, 1.0),
    "new_reader_count": (int, 0, 100),
    "new_reader_probation_days": (int, 0, 365),
    "rejection_rate_threshold": (float, 0.01, 1.0),
    "rejection_rate_min_comments": (int, 1, 1000),
}
_WORD_LISTS = ("banned_words", "suspect_words", "allowed_words")
SETTINGS_FIELDS = ("mode", "link_policy", "link_allowlist", *_WORD_LISTS, *_NUMBERS)


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise MastheadError("validation_error", "Some fields are not valid.", 422, fields=dict(self))


def _terms(name: str, values, errors: _Errors) -> str | None:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors.add(name, "A list of words or phrases.")
        return None
    terms: dict[str, None] = {}
    for value in values:
        term = " ".join(value.split()).casefold()
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH:
            errors.add(name, f"“{term[:30]}…” is longer than {MAX_TERM_LENGTH} characters.")
        elif "#" in term:
            errors.add(name, f"“{term}”: # starts a comment in a word list; leave it out.")
        elif sum(c.isalnum() for c in term.rstrip("*")) < 2:
            errors.add(name, f"“{term}” is too short to match only what you mean (two letters at least).")
        elif "*" in term.rstrip("*"):
            errors.add(name, f"“{term}”: * may only end a term (fuck* matches fucking).")
        else:
            terms.setdefault(term, None)
    if len(terms) > MAX_TERMS:
        errors.add(name, f"At most {MAX_TERMS} entries.")
    return "\n".join(terms)


def _domains(values, errors: _Errors) -> str | None:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors.add("link_allowlist", "A list of domains.")
        return None
    domains: dict[str, None] = {}
    for value in values:
        if not value.strip():
            continue
        domain = clean_domain(value)
        if domain is None:
            errors.add("link_allowlist", f"“{value.strip()[:60]}” is not a domain name (example.org).")
        else:
            domains.setdefault(domain, None)
    if len(domains) > MAX_DOMAINS:
        errors.add("link_allowlist", f"At most {MAX_DOMAINS} domains.")
    return "\n".join(domains)


def _number(name: str, value, errors: _Errors):
    kind, low, high = _NUMBERS[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and value != int(value)):
        errors.add(name, "A whole number." if kind is int else "A number.")
        return None
    if not low <= value <= high:
        errors.add(name, f"Between {low} and {high}.")
        return None
    return kind(value)


def _clean(changes: dict, errors: _Errors) -> dict:
    cleaned: dict = {}
    for name, value in changes.items():
        if name not in SETTINGS_FIELDS:
            errors.add(name, "Not a moderation setting.")
        elif name == "mode":
            if value not in MODES:
                errors.add(name, f"One of {', '.join(MODES)}.")
            else:
                cleaned[name] = value
        elif name == "link_policy":
            if value not in LINK_POLICIES:
                errors.add(name, f"One of {', '.join(LINK_POLICIES)}.")
            else:
                cleaned[name] = value
        elif name in _WORD_LISTS:
            cleaned[name] = _terms(name, value, errors)
        elif name == "link_allowlist":
            cleaned[name] = _domains(value, errors)
        else:
            cleaned[name] = _number(name, value, errors)
    return cleaned


def _section_modes(section_modes: dict, errors: _Errors) -> dict[Section, str]:
    if not isinstance(section_modes, dict):
        errors.add("section_modes", "An object: section slug → mode.")
        return {}
    sections = Section.objects.in_bulk(list(section_modes), field_name="slug")
    cleaned: dict[Section, str] = {}
    for slug, mode in section_modes.items():
        if slug not in sections:
            errors.add(f"section_modes.{slug}", "No section by that slug.")
        elif mode not in (*MODES, INHERIT, None):
            errors.add(f"section_modes.{slug}", f"One of {', '.join(MODES)} or {INHERIT}.")
        else:
            cleaned[sections[slug]] = mode or INHERIT
    return cleaned


@transaction.atomic
def moderation_settings_update(
    *, actor, changes: dict, section_modes: dict | None = None
) -> ModerationSettings:
    """Change some settings (those in ``changes``; lists replace the stored list whole) and,
    optionally, sections' modes (slug → mode, or ``inherit`` to follow the site). All or
    nothing: any invalid value → 422 ``validation_error`` naming every bad field."""
    errors = _Errors()
    cleaned = _clean(changes, errors)
    sections = _section_modes(section_modes, errors) if section_modes is not None else {}
    errors.raise_any()

    row = ModerationSettings.objects.select_for_update().filter(pk=ModerationSettings.SINGLETON_ID).first()
    row = row or ModerationSettings.load()
    changed = sorted(name for name, value in cleaned.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, cleaned[name])
    if changed:
        row.updated_by = actor if getattr(actor, "pk", None) else None
        row.save()
        audit_log(actor=actor, action="moderation.settings", target=row, changed=changed)
    for section, mode in sections.items():
        section_mode_set(section=section, mode=None if mode == INHERIT else mode, actor=actor)
    return row


def _mode(mode: str | None) -> None:
    if mode is not None and mode not in MODES:
        message = f"One of {', '.join(MODES)} (or none, to inherit)."
        raise MastheadError("validation_error", message, 422, fields={"mode": [message]})


@transaction.atomic
def section_mode_set(*, section: Section, mode: str | None, actor) -> SectionModeration | None:
    """Give a section its own mode (post, pre, closed), or ``None`` to follow the site's."""
    _mode(mode)
    current = SectionModeration.objects.filter(section=section).first()
    if (current.mode if current else None) == mode:
        return current
    if mode is None:
        current.delete()
        row = None
    else:
        row, _ = SectionModeration.objects.update_or_create(section=section, defaults={"mode": mode})
    audit_log(actor=actor, action="moderation.section_mode", target=section, mode=mode or INHERIT)
    return row


@transaction.atomic
def article_mode_set(*, article: Article, mode: str | None, actor) -> ArticleModeration | None:
    """Give an article its own mode, or ``None`` to follow its section's (else the site's)."""
    _mode(mode)
    current = ArticleModeration.objects.filter(article=article).first()
    if (current.mode if current else None) == mode:
        return current
    if mode is None:
        current.delete()
        row = None
    else:
        row, _ = ArticleModeration.objects.update_or_create(article=article, defaults={"mode": mode})
    audit_log(actor=actor, action="moderation.article_mode", target=article, mode=mode or INHERIT)
    return row
