"""Test data built through the real services, so tests exercise the rules."""

import itertools
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from masthead.accounts.services import reader_create
from masthead.newsroom import services
from masthead.newsroom.models import Article, ArticleAuthor, Author, Section, Tag

_seq = itertools.count(1)


def reader(
    *,
    username: str | None = None,
    role: str = "reader",
    password: str = "correct horse battery",
    verified: bool = True,
    **extra,
):
    """A reader through the real service; ``verified`` readers have confirmed their email
    (the usual case in tests: only they may take part in the community)."""
    username = username or f"reader{next(_seq)}"
    return reader_create(
        username=username,
        email=f"{username}@example.org",
        password=password,
        role=role,
        email_verified=verified,
        **extra,
    )


def premium_reader(*, username: str | None = None, **extra):
    """A reader with a complimentary Premium membership (membership.services)."""
    from masthead.membership.services import membership_grant_complimentary

    member = reader(username=username, **extra)
    membership_grant_complimentary(reader=member, reason="test")
    return member


def section(*, name: str | None = None, position: int = 0) -> Section:
    name = name or f"Section {next(_seq)}"
    return Section.objects.create(name=name, slug=slugify(name), position=position)


def author(*, name: str | None = None) -> Author:
    name = name or f"Writer {next(_seq)}"
    return Author.objects.create(name=name, slug=slugify(name))


def tag(*, name: str) -> Tag:
    return Tag.objects.get_or_create(name=name, slug=slugify(name))[0]


def article(
    *,
    headline: str | None = None,
    section: Section | None = None,
    body: str = "A paragraph of reporting.\n\nAnother paragraph.",
    standfirst: str = "What happened, in a sentence.",
    authors: list[Author] | None = None,
    tags: list[str] = (),
    published: bool = True,
    published_at=None,
    ago: timedelta | None = None,
    actor=None,
    **fields,
) -> Article:
    headline = headline or f"Story number {next(_seq)}"
    article = Article(
        headline=headline,
        slug=fields.pop("slug", slugify(headline)[:140]),
        standfirst=standfirst,
        section=section or globals()["section"](),
        body=body,
        status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
        published_at=published_at or ((timezone.now() - ago) if ago is not None else None),
        **fields,
    )
    services.article_save(article=article, actor=actor)
    for position, person in enumerate(authors if authors is not None else [author()]):
        ArticleAuthor.objects.create(article=article, author=person, position=position)
    for name in tags:
        article.tags.add(globals()["tag"](name=name))
    return article


def established_history(author, *, since, exclude_comment_id=None):
    """``MODERATION_READER_HISTORY`` for tests that are not about moderation (tests/conftest.py):
    every reader has a long, clean record, so the new-reader and rejection-rate rules stay
    quiet and ``comment()`` publishes. The comments app's real selector, and the product's
    default of two pre-moderated comments, are tested in tests/moderation."""
    from masthead.moderation.history import ReaderHistory

    return ReaderHistory(approved_count=100, recent_approved_count=20)


def comment(
    *,
    article: Article,
    author=None,
    body: str = "A thoughtful comment.",
    parent=None,
    idempotency_key: str | None = None,
):
    """A comment (or a reply to ``parent``) through comments.services.comment_post, so the
    rules apply: the author must be verified, the thread open. The rate limit does too:
    tests posting many comments raise MASTHEAD_COMMENT_RATE_LIMIT (settings.COMMENT_RATE_LIMIT)."""
    from masthead.comments.services import comment_post

    return comment_post(
        article=article,
        author=author or reader(),
        body=body,
        parent_id=parent.pk if parent is not None else None,
        idempotency_key=idempotency_key,
    ).comment
