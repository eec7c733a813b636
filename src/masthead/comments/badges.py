"""The badges comments know a reason for: "staff" and the article's "author".

Registered in CommentsConfig.ready(); ``core.badges.badges_for`` asks each provider once
per page for everyone on it. (The membership app registers "supporter".)
"""

from masthead.comments.selectors import staff_reader_ids


def staff_badges(*, reader_ids: set[int], article=None) -> dict[int, list[str]]:
    """Moderators, editors and admins."""
    return {reader_id: ["staff"] for reader_id in staff_reader_ids(reader_ids)}


def staff_changed_by() -> list:
    """What a staff badge depends on: the reader (superuser), their roles (groups)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    reader = get_user_model()
    return [reader, reader.groups.through, Group]


def author_changed_by() -> list:
    """What an author badge depends on: journalists' linked accounts and bylines."""
    from masthead.newsroom.models import ArticleAuthor, Author

    return [Author, ArticleAuthor]


def author_badges(*, reader_ids: set[int], article=None) -> dict[int, list[str]]:
    """The journalists with a byline on this article, commenting with their linked account."""
    if article is None:
        return {}
    from masthead.newsroom.models import Author

    writers = Author.objects.filter(reader_id__in=reader_ids, bylines__article=article)
    return {reader_id: ["author"] for reader_id in writers.values_list("reader_id", flat=True)}


def article_authors(*, reader_ids: set[int], article_ids: set[int]) -> set[tuple[int, int]]:
    """The (reader id, article id) pairs where the reader's linked journalist has a byline
    on the article: "author" badges for comments across many articles, in one query."""
    if not reader_ids or not article_ids:
        return set()
    from masthead.newsroom.models import ArticleAuthor

    bylines = ArticleAuthor.objects.filter(author__reader_id__in=reader_ids, article_id__in=article_ids)
    return set(bylines.values_list("author__reader_id", "article_id"))
