"""The moderation rules: small classes behind one interface, in a registry.

A rule looks at a draft (through a :class:`Context` that folds the text, finds links and
fetches the reader's history at most once) and returns a :class:`Verdict` — *pending* or
*rejected*, with a detail for moderators and a sentence for the reader — or None when it
has nothing to say. ``MODERATION_RULES`` chooses which run, in order; the default is every
rule below. To add one, subclass :class:`Rule`, give it a ``name`` and ``@register`` it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.utils import timezone

from masthead.moderation import recent
from masthead.moderation.links import contact_details, domain_allowed, domains_in
from masthead.moderation.normalize import fingerprint, fold, for_scoring, inside, quoted_spans
from masthead.moderation.scorers import ScorerUnavailable, ToxicityScorer

if TYPE_CHECKING:
    from masthead.moderation.config import ModerationConfig
    from masthead.moderation.history import ReaderHistory
    from masthead.moderation.pipeline import Draft

PUBLISHED, PENDING, REJECTED = "published", "pending", "rejected"

# What the reader is told, per reason. Suspect words are never named: naming them teaches
# the workaround; banned words are, so the reader knows what to change.
MESSAGES = {
    "pre_moderation": "Comments on this story are read by a moderator before they appear.",
    "banned_quoted": "Your comment is waiting for a moderator: it quotes language our community rules do not "
    "allow.",
    "suspect_words": "Your comment is waiting for a moderator: it uses language we check before it appears.",
    "links": "Your comment is waiting for a moderator: links to other sites and contact details are checked "
    "before they appear.",
    "new_readers": "Thanks for joining the conversation. A reader's first comments are read by a moderator "
    "before they appear.",
    "repeats": "Your comment is waiting for a moderator: it repeats a comment posted recently.",
    "rejection_rate": "Your comment is waiting for a moderator: several of your recent comments were not "
    "published.",
    "toxicity": "Your comment is waiting for a moderator: it may come across as hostile.",
    "scorer_unavailable": "Your comment is waiting for a moderator and will appear once it has been read.",
    "revise": "Your comment may come across as hostile or insulting. Could you rephrase it? "
    "If you send it again unchanged, a moderator will read it before it appears.",
}


def banned_message(found: Iterable[str]) -> str:
    quoted = ", ".join(f"“{word}”" for word in found)
    return (
        f"Your comment was not published: it contains {quoted}, which our community rules do not "
        "allow. You are welcome to post it again without that."
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # pending or rejected (a rule with nothing to say returns None)
    detail: str  # for moderators: what fired, and on what
    reader_message: str = ""


class Context:
    """One draft's derived facts, each computed at most once and only if a rule asks."""

    def __init__(self, draft: "Draft", config: "ModerationConfig", scorer: ToxicityScorer | None) -> None:
        self.draft = draft
        self.config = config
        self.scorer = scorer
        self.score: float | None = None
        self.revise = False  # the toxicity rule asks the reader to revise (see pipeline)

    @cached_property
    def now(self) -> datetime:
        return timezone.now()

    @cached_property
    def folded(self) -> str:
        return fold(self.draft.body)

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.draft.body, folded=self.folded)

    @cached_property
    def domains(self) -> tuple[str, ...]:
        if self.draft.link_domains is not None:
            return tuple(self.draft.link_domains)
        return domains_in(self.draft.body, self.draft.body_html)

    @cached_property
    def history(self) -> "ReaderHistory | None":
        history = self.draft.history
        if callable(history):
            history = history()
        return history

    @cached_property
    def scoring_text(self) -> str:
        return for_scoring(self.draft.body, ignore=self.config.allowed, folded=self.folded)

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        return quoted_spans(self.folded)


class Rule:
    name: ClassVar[str]

    def check(self, draft: "Draft", ctx: Context) -> Verdict | None:  # pragma: no cover - abstract
        raise NotImplementedError


RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    RULES[cls.name] = cls
    return cls


@register
class BannedWords(Rule):
    """Banned words and phrases → rejected, and the reader told which."""

    name = "banned_words"

    def check(self, draft, ctx):
        hits = ctx.config.banned.find(ctx.folded)
        if not hits:
            return None
        terms = ", ".join(dict.fromkeys(hit.term for hit in hits))
        if all(inside((hit.start, hit.end), ctx.quoted) for hit in hits):
            # Quoting a slur to report or condemn it is not using it; nor is it publishable
            # unread. A moderator decides.
            return Verdict(PENDING, f"banned, quoted: {terms}", MESSAGES["banned_quoted"])
        found = list(dict.fromkeys(hit.found for hit in hits if not inside((hit.start, hit.end), ctx.quoted)))
        return Verdict(REJECTED, f"banned: {terms}", banned_message(found))


@register
class SuspectWords(Rule):
    """Suspect words and phrases → pending."""

    name = "suspect_words"

    def check(self, draft, ctx):
        hits = ctx.config.suspect.find(ctx.folded)
        if not hits:
            return None
        terms = ", ".join(dict.fromkeys(f"{hit.term} ({hit.found})" for hit in hits))
        return Verdict(PENDING, f"suspect: {terms}", MESSAGES["suspect_words"])


@register
class Links(Rule):
    """Links outside the allow-list (or any link, or none: ``link_policy``), and phone
    numbers or email addresses (unless the policy is ``allow_all``) → pending."""

    name = "links"

    def check(self, draft, ctx):
        policy = ctx.config.link_policy
        if policy == "allow_all":
            return None
        if policy == "hold_all":
            held = list(ctx.domains)
        else:
            held = [d for d in ctx.domains if not domain_allowed(d, ctx.config.link_allowlist)]
        details = [f"links to {', '.join(held[:5])}"] if held else []
        details += contact_details(draft.body)
        if not details:
            return None
        return Verdict(PENDING, "; ".join(details), MESSAGES["links"])


@register
class NewReaders(Rule):
    """A reader's comments wait until ``new_reader_count`` were approved, and again after a
    rejection in the last ``new_reader_probation_days``."""

    name = "new_readers"

    def check(self, draft, ctx):
        needed = ctx.config.new_reader_count
        history = ctx.history
        if needed <= 0 or history is None:
            return None
        if history.approved_count < needed:
            return Verdict(
                PENDING, f"new reader: {history.approved_count} of {needed} approved", MESSAGES["new_readers"]
            )
        probation = timedelta(days=ctx.config.new_reader_probation_days)
        if probation and history.last_rejected_at and history.last_rejected_at > ctx.now - probation:
            when = history.last_rejected_at.strftime("%Y-%m-%d")
            detail = f"new reader again: a comment was rejected on {when}"
            return Verdict(PENDING, detail, MESSAGES["new_readers"])
        return None


@register
class Repeats(Rule):
    """The same text again from the same reader (here or under another story, 24 hours), or
    from anyone ``flood_threshold`` times in an hour → pending."""

    name = "repeats"

    def check(self, draft, ctx):
        fp = ctx.fingerprint
        history = ctx.history
        again = Verdict(PENDING, "same text as one of the reader's recent comments", MESSAGES["repeats"])
        if history is not None and fp in history.fingerprints():
            return again
        if draft.is_edit:
            return None
        if draft.author_id is not None and recent.seen_before(author_id=draft.author_id, fp=fp):
            return again
        if len(ctx.folded) >= ctx.config.flood_min_length:
            count = recent.count_submission(fp)
            if count >= ctx.config.flood_threshold:
                detail = f"same text submitted {count} times in the last hour"
                return Verdict(PENDING, detail, MESSAGES["repeats"])
        return None


@register
class RejectionRate(Rule):
    """A reader whose recent comments were mostly rejected → pending."""

    name = "rejection_rate"

    def check(self, draft, ctx):
        history = ctx.history
        if history is None or history.recent_decided < ctx.config.rejection_rate_min_comments:
            return None
        rate = history.recent_rejection_rate
        if rate < ctx.config.rejection_rate_threshold:
            return None
        detail = (
            f"recent rejection rate {rate:.0%} ({history.recent_rejected_count} of {history.recent_decided})"
        )
        return Verdict(PENDING, detail, MESSAGES["rejection_rate"])


@register
class Toxicity(Rule):
    """The scorer's rating at or above ``toxicity_threshold`` → the reader may revise once;
    sending the same text again (or another flagged one in the same conversation within
    ten minutes), or editing a comment into one → pending. Scorer down → pending."""

    name = "toxicity"

    def check(self, draft, ctx):
        if ctx.scorer is None:
            return None
        try:
            ctx.score = score = ctx.scorer.score_many([ctx.scoring_text])[0]
        except ScorerUnavailable as exc:
            return Verdict(PENDING, f"scorer unavailable: {exc}", MESSAGES["scorer_unavailable"])
        threshold = ctx.config.toxicity_threshold
        if score < threshold:
            return None
        detail = f"toxicity {score:.2f} ≥ {threshold:.2f} ({ctx.scorer.name})"
        if draft.is_edit or draft.author_id is None:
            return Verdict(PENDING, detail, MESSAGES["toxicity"])
        used = recent.revise_chance_used(
            author_id=draft.author_id, article_id=draft.article_id, fp=ctx.fingerprint
        )
        if used == "same_text":
            detail += "; sent again unchanged after a suggestion to revise"
            return Verdict(PENDING, detail, MESSAGES["toxicity"])
        if used == "same_thread":
            detail += "; already asked to revise in this conversation"
            return Verdict(PENDING, detail, MESSAGES["toxicity"])
        ctx.revise = True
        return None


DEFAULT_ORDER = (
    "banned_words",
    "suspect_words",
    "links",
    "new_readers",
    "repeats",
    "rejection_rate",
    "toxicity",
)


@lru_cache(maxsize=8)
def _instances(names: tuple[str, ...]) -> tuple[Rule, ...]:
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise ValueError(f"Unknown moderation rules {unknown}; known: {sorted(RULES)}")
    return tuple(RULES[name]() for name in names)


def active_rules(names: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """Instances of the named rules (default: ``MODERATION_RULES``), in that order."""
    if names is None:
        names = getattr(settings, "MODERATION_RULES", None) or DEFAULT_ORDER
    return _instances(tuple(names))
