"""The moderation pipeline: ``assess(draft) -> Decision``.

The interface
=============

**Draft** — a comment about to be stored (new, or an edit), as plain data::

    Draft(
        body="…",                    # what the reader wrote (Markdown source)
        body_html="",                # its sanitized HTML, if rendered (hrefs = the links)
        author_id=7, article_id=42, section_id=3, parent_id=None,
        is_edit=False, comment_id=None,   # an edit: True + the comment's id
        author_trusted=False,        # staff (moderators, editors, admins): no rule applies
        account_created_at=None,     # when the reader joined (shown to moderators)
        history=ReaderHistory(...),  # or a callable returning one, or None (unknown)
        link_domains=None,           # None: found in body/body_html
    )

``ReaderHistory`` (``history.py``) carries approved/rejected counts (all time and recent),
the latest rejection and the reader's recent bodies. Give a callable to have it fetched only
when a rule needs it (never for a rejected or a staff comment).

**Decision** — what to do with it::

    Decision(
        status="published" | "pending" | "rejected",
        reasons=(Reason(rule="links", detail="links to example.com"), …),  # for moderators
        score=0.12 | None,           # the toxicity score, when one was computed
        revise_suggested=False,      # True: answer 422 revise_suggested and store nothing
        reader_message="…",          # the sentence to show the author ("" when published)
        closed=False,                # True: the article/section/site is closed → 403 comments_closed
    )

``decision.as_data()`` is the JSON to keep with the comment (reasons, score, scorer, mode).

**The rule of revise_suggested**: the toxicity scorer flagged a first attempt. Store
nothing; tell the reader ``reader_message`` (422 ``revise_suggested``). The pipeline has
remembered it: the same text sent again within ten minutes is assessed ``pending``.

For the comments app, :class:`CommentsPipeline` does all of this behind its hook
(``COMMENT_MODERATION_PIPELINE=masthead.moderation.pipeline.CommentsPipeline``): it builds
the Draft from ``masthead.comments.moderation.Draft``, raises ``MastheadError``
``comments_closed`` (403) and ``revise_suggested`` (422), and returns the comments app's
``Decision(status, reason=reader_message, data=as_data())``.

How a decision is made
======================

1. The moderation mode (article's, else its section's, else the site's): ``closed`` stops
   here; ``pre`` makes the comment pending, and the rules still run (a banned word is
   rejected, not queued).
2. Staff (``author_trusted``) are published as they write.
3. The active rules run in order (``rules.py``; ``MODERATION_RULES``): banned words,
   suspect words, links, new readers, repeats, rejection rate, toxicity. Every rule that
   fires adds a reason; the first rejection ends the run. The status is the most severe:
   rejected > pending > published; the reader is told the first reason's sentence.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from masthead.core.errors import MastheadError
from masthead.moderation import config as moderation_config
from masthead.moderation import recent
from masthead.moderation.history import ReaderHistory, history_for
from masthead.moderation.rules import MESSAGES, PENDING, PUBLISHED, REJECTED, Context, Verdict, active_rules
from masthead.moderation.scorers import ToxicityScorer, get_scorer

STATUSES = (PUBLISHED, PENDING, REJECTED)
_SEVERITY = {PUBLISHED: 0, PENDING: 1, REJECTED: 2}
_DEFAULT = object()

__all__ = [
    "PENDING",
    "PUBLISHED",
    "REJECTED",
    "CommentsPipeline",
    "Decision",
    "Draft",
    "ReaderHistory",
    "Reason",
    "assess",
]


@dataclass(frozen=True)
class Draft:
    body: str
    author_id: int | None = None
    article_id: int | None = None
    section_id: int | None = None
    parent_id: int | None = None
    is_edit: bool = False
    comment_id: int | None = None
    body_html: str = ""
    author_trusted: bool = False
    account_created_at: datetime | None = None
    history: ReaderHistory | Callable[[], ReaderHistory | None] | None = None
    link_domains: tuple[str, ...] | None = None


class Reason(NamedTuple):
    rule: str
    detail: str


@dataclass(frozen=True)
class Decision:
    status: str = PUBLISHED
    reasons: tuple[Reason, ...] = ()
    score: float | None = None
    revise_suggested: bool = False
    reader_message: str = ""
    closed: bool = False
    scorer: str | None = None
    mode: str = moderation_config.POST

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"A moderation decision is one of {STATUSES}, not {self.status!r}.")

    @property
    def held(self) -> bool:
        """Not published as sent: pending, rejected, or sent back for revision."""
        return self.status != PUBLISHED or self.revise_suggested

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(reason.rule for reason in self.reasons))

    @property
    def summary(self) -> str:
        """One line for moderators: "links: links to example.com; toxicity: …"."""
        return "; ".join(f"{r.rule}: {r.detail}" for r in self.reasons)

    def as_data(self) -> dict:
        """JSON to store with the comment (the moderators' desk shows and filters on it)."""
        data = {
            "status": self.status,
            "reasons": [{"rule": r.rule, "detail": r.detail} for r in self.reasons],
            "rules": self.rules,
            "score": None if self.score is None else round(self.score, 4),
            "scorer": self.scorer,
            "mode": self.mode,
        }
        if self.revise_suggested:
            data["revise_suggested"] = True
        return data


def assess(
    draft: Draft,
    *,
    config: moderation_config.ModerationConfig | None = None,
    scorer: ToxicityScorer | None = _DEFAULT,  # type: ignore[assignment]
    rules: Iterable[str] | None = None,
) -> Decision:
    """Decide what happens to ``draft``. ``config``/``scorer``/``rules`` default to the
    stored settings, ``MODERATION_SCORER`` and ``MODERATION_RULES``."""
    config = config or moderation_config.current()
    if scorer is _DEFAULT:
        scorer = get_scorer()
    scorer_name = getattr(scorer, "name", None)
    mode = config.mode_for(article_id=draft.article_id, section_id=draft.section_id)
    if mode == moderation_config.CLOSED:
        return Decision(
            status=REJECTED,
            reasons=(Reason("mode", "closed"),),
            reader_message="Comments are closed on this story.",
            closed=True,
            mode=mode,
        )
    if draft.author_trusted:
        return Decision(status=PUBLISHED, mode=mode)

    ctx = Context(draft, config, scorer)
    verdicts: list[tuple[str, Verdict]] = []
    if mode == moderation_config.PRE:
        verdicts.append(("mode", Verdict(PENDING, "pre-moderation", MESSAGES["pre_moderation"])))
    for rule in active_rules(rules):
        verdict = rule.check(draft, ctx)
        if verdict is None:
            continue
        verdicts.append((rule.name, verdict))
        if verdict.status == REJECTED:
            break

    status = max((v.status for _, v in verdicts), key=_SEVERITY.__getitem__, default=PUBLISHED)
    reasons = tuple(Reason(name, v.detail) for name, v in verdicts)
    revise = ctx.revise and status != REJECTED
    if revise:
        message = MESSAGES["revise"]
        reasons += (Reason("toxicity", f"toxicity {ctx.score:.2f}: reader asked to revise"),)
    elif status == PUBLISHED:
        message = ""
    else:
        message = next(v.reader_message for _, v in verdicts if v.status == status)
    decision = Decision(
        status=status,
        reasons=reasons,
        score=ctx.score,
        revise_suggested=revise,
        reader_message=message,
        scorer=scorer_name,
        mode=mode,
    )
    _remember(draft, ctx, decision)
    return decision


def _remember(draft: Draft, ctx: Context, decision: Decision) -> None:
    if decision.revise_suggested and draft.author_id is not None:
        recent.revise_suggested(author_id=draft.author_id, article_id=draft.article_id, fp=ctx.fingerprint)


# --- The comments app's hook.


def draft_from_comment(comment_draft) -> Draft:
    """``masthead.comments.moderation.Draft`` (article, author, body, body_html, parent,
    comment) → :class:`Draft`. The reader's history comes from the comment draft's own
    ``history`` if it has one, else from ``MODERATION_READER_HISTORY`` (lazily)."""
    article = comment_draft.article
    author = comment_draft.author
    comment = getattr(comment_draft, "comment", None)
    parent = getattr(comment_draft, "parent", None)
    comment_id = getattr(comment, "pk", None)
    history = getattr(comment_draft, "history", None)
    if history is None:

        def history():
            return history_for(author, exclude_comment_id=comment_id)

    return Draft(
        body=comment_draft.body,
        body_html=getattr(comment_draft, "body_html", "") or "",
        author_id=getattr(author, "pk", None),
        article_id=getattr(article, "pk", None),
        section_id=getattr(article, "section_id", None),
        parent_id=getattr(parent, "pk", None),
        is_edit=comment is not None,
        comment_id=comment_id,
        author_trusted=bool(getattr(author, "is_staff", False) or getattr(author, "is_superuser", False)),
        account_created_at=getattr(author, "date_joined", None),
        history=history,
    )


class CommentsPipeline:
    """The pipeline behind ``masthead.comments.moderation.assess`` (name this class in
    ``COMMENT_MODERATION_PIPELINE``)."""

    def assess(self, comment_draft):
        from masthead.comments import moderation as hook

        decision = assess(draft_from_comment(comment_draft))
        if decision.closed:
            raise MastheadError("comments_closed", decision.reader_message, 403)
        if decision.revise_suggested:
            raise MastheadError(
                "revise_suggested", decision.reader_message, 422, fields={"body": [decision.reader_message]}
            )
        return hook.Decision(status=decision.status, reason=decision.reader_message, data=decision.as_data())

    def report_filed(self, *, comment, report) -> None:
        """A reader's first report of ``comment``: weigh it, and queue the comment for the
        moderators once its reports reach the threshold (``services.report_received``)."""
        from masthead.moderation.services import report_received

        report_received(comment=comment, report=report)
