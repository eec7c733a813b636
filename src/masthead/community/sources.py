"""What notifications need to know about comments, read through the comments app.

Everything the community app asks of the conversation goes through this module, so the
two apps meet in one place: the fan-out asks what a comment is and who may see it, the
notification list asks which comments are still there. Nothing here writes.
"""

import html
import re
from dataclasses import dataclass

import nh3
from django.db.models import Exists, OuterRef, Q

_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|li|blockquote|ul|ol)\b[^>]*>", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{3,30})\b")
EXCERPT_LENGTH = 240
_INFO_FIELDS = (
    "id", "author_id", "parent_id", "parent__author_id", "parent__deleted_at", "article_id",
    "article__headline", "article__status", "article__published_at", "body", "body_html", "status",
    "deleted_at", "moderation_reason", "reaction_count",
)  # fmt: skip


@dataclass(frozen=True)
class CommentInfo:
    id: int
    author_id: int | None
    parent_id: int | None
    parent_author_id: int | None
    article_id: int
    article_headline: str
    body: str  # the Markdown source the reader wrote
    body_html: str
    status: str
    deleted: bool
    article_public: bool
    moderation_reason: str
    reaction_count: int

    @property
    def visible(self) -> bool:
        """Everyone may see it: published, not deleted, on a published article."""
        return self.status == "published" and not self.deleted and self.article_public


def comment_info(comment_id: int) -> CommentInfo | None:
    from masthead.comments.models import Comment

    row = (
        Comment.objects.select_related("article", "parent").only(*_INFO_FIELDS).filter(pk=comment_id).first()
    )
    if row is None:
        return None
    parent = row.parent
    return CommentInfo(
        id=row.pk,
        author_id=row.author_id,
        parent_id=row.parent_id,
        parent_author_id=parent.author_id if parent is not None and parent.deleted_at is None else None,
        article_id=row.article_id,
        article_headline=row.article.headline,
        body=row.body,
        body_html=row.body_html,
        status=row.status,
        deleted=row.deleted_at is not None,
        article_public=row.article.is_published,
        moderation_reason=row.moderation_reason,
        reaction_count=row.reaction_count,
    )


def current_excerpts(comment_ids) -> dict[int, str]:
    """Each comment's words as they read now (an edit since the notification shows), in one query."""
    from masthead.comments.models import Comment

    ids = [pk for pk in set(comment_ids) if pk]
    if not ids:
        return {}
    rows = Comment.objects.filter(pk__in=ids, deleted_at__isnull=True).values_list("pk", "body_html")
    return {pk: plain_excerpt(body_html) for pk, body_html in rows}


def reactions_from(*, comment_id: int, excluding_reader_ids: set[int]) -> tuple[int, int | None]:
    """(how many readers reacted to the comment, the latest of them), leaving out some."""
    from masthead.comments.models import Reaction

    reactions = Reaction.objects.filter(comment_id=comment_id).exclude(reader_id__in=excluding_reader_ids)
    latest = reactions.order_by("-created_at", "-id").values_list("reader_id", flat=True).first()
    return (reactions.count() if latest is not None else 0), latest


def comment_still_visible() -> Exists:
    """For a query over notifications: is the comment it names still published and there?"""
    from masthead.comments.models import Comment

    return Exists(
        Comment.objects.filter(
            pk=OuterRef("comment_id"), status=Comment.Status.PUBLISHED, deleted_at__isnull=True
        )
    )


def visible_filter(always_kinds: tuple[str, ...]) -> Q:
    """Notifications about nothing, of ``always_kinds``, or about a still-visible comment."""
    return Q(comment_id__isnull=True) | Q(kind__in=always_kinds) | Q(comment_still_visible())


def comment_url(*, article, comment_id: int) -> str:
    """A comment's permalink (comments' own ``Comment.get_absolute_url``, from its parts)."""
    return f"{article.get_absolute_url()}?comment={comment_id}#comment-{comment_id}"


def mentioned_usernames(body: str, *, limit: int) -> list[str]:
    """``@names`` in a comment's source, in order, each once, at most ``limit``."""
    seen: dict[str, str] = {}
    for name in _MENTION.findall(body or ""):
        seen.setdefault(name.casefold(), name)
        if len(seen) >= limit:
            break
    return list(seen.values())


def plain_excerpt(body_html: str, *, length: int = EXCERPT_LENGTH) -> str:
    """The words of a comment as plain text for a notification or an email: no markup, no
    links (a link's words stay, its address goes, and so does any address typed out), no
    images, on one line, cut at a word near ``length``."""
    text = html.unescape(nh3.clean(_BLOCK.sub(" ", body_html or ""), tags=set()))
    text = _URL.sub("", _IMAGE.sub("", text))
    text = " ".join(text.split())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0].rstrip(",;:.!?-") + "…"
    return text


def published_comments_by(author_ids, *, excluding_author_ids=None):
    """Published, undeleted comments by ``author_ids`` (a list or a subquery of ids) on
    published articles, with their article, author and parent: the following feed."""
    from django.utils import timezone

    from masthead.comments.models import Comment
    from masthead.newsroom.models import Article

    comments = Comment.objects.filter(
        author_id__in=author_ids,
        status=Comment.Status.PUBLISHED,
        deleted_at__isnull=True,
        article__status=Article.Status.PUBLISHED,
        article__published_at__lte=timezone.now(),
    )
    if excluding_author_ids is not None:
        comments = comments.exclude(author_id__in=excluding_author_ids)
    return comments.select_related("article", "author", "parent", "parent__author")


def decorate_for(comments: list, *, viewer) -> list:
    """Badges and the viewer's reactions, as the comments app shows them on a thread:
    once per article the comments are spread over."""
    from masthead.comments.selectors import decorate

    by_article: dict[int, list] = {}
    for comment in comments:
        by_article.setdefault(comment.article_id, []).append(comment)
    for group in by_article.values():
        decorate(group, article=group[0].article, viewer=viewer)
    return comments


def comment_as_dict(comment) -> dict:
    """The comment object of the API contract (comments' own serializer)."""
    from masthead.comments.serialize import comment_dict

    return comment_dict(comment)
