"""Where every new or edited comment asks the moderation pipeline for a decision.

``comments.services`` builds a :class:`Draft` and calls :func:`assess`; whatever pipeline
``settings.COMMENT_MODERATION_PIPELINE`` names answers with a :class:`Decision`. Until the
moderation app lands the pipeline is :class:`PassThrough`, which publishes everything.

A pipeline may also refuse a draft outright by raising ``MastheadError`` (for instance
422 ``revise_suggested``); the comment is then not stored and the error reaches the client.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

PUBLISHED, PENDING, REJECTED = "published", "pending", "rejected"
STATUSES = (PUBLISHED, PENDING, REJECTED)


@dataclass(frozen=True)
class Draft:
    """A comment about to be stored (``comment`` is the existing row when it is an edit)."""

    article: object
    author: object
    body: str
    body_html: str
    parent: object = None
    comment: object = None

    @property
    def is_edit(self) -> bool:
        return self.comment is not None


@dataclass(frozen=True)
class Decision:
    """``status`` is published, pending or rejected; ``reason`` is shown to the author and
    moderators when not published; ``data`` keeps the details (rules hit, scores)."""

    status: str = PUBLISHED
    reason: str = ""
    data: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"A moderation decision is one of {STATUSES}, not {self.status!r}.")


class Pipeline(Protocol):
    def assess(self, draft: Draft) -> Decision: ...


class PassThrough:
    """Publishes every comment (the default until the moderation pipeline exists)."""

    def assess(self, draft: Draft) -> Decision:
        return Decision(status=PUBLISHED)


@cache
def _pipeline(path: str) -> Pipeline:
    return import_string(path)()


def pipeline() -> Pipeline:
    return _pipeline(settings.COMMENT_MODERATION_PIPELINE)


def assess(draft: Draft) -> Decision:
    return pipeline().assess(draft)


def report_filed(*, comment, report) -> None:
    """A reader reported ``comment`` for the first time (inside the reporting transaction).
    A pipeline with a ``report_filed`` method hears of it: the moderation app weighs the
    report and, past its threshold, puts the comment in the moderators' reported queue."""
    hook = getattr(pipeline(), "report_filed", None)
    if hook is not None:
        hook(comment=comment, report=report)
