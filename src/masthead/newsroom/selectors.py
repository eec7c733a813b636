"""Every read of the newsroom, with its visibility rule built in."""

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from masthead.core.errors import NotFound
from masthead.core.pagination import Page, keyset_page
from masthead.newsroom import search
from masthead.newsroom.models import Article, ArticleAuthor, Author, LiveUpdate, Section, Tag

ARTICLE_ORDER = ("-published_at", "-id")


def can_preview(viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.has_perm("newsroom.change_article"))


def _with_relations(queryset: QuerySet) -> QuerySet:
    from masthead.comments.selectors import with_comment_stats  # comments builds on the newsroom

    return (
        with_comment_stats(queryset)
        .select_related("section")
        .prefetch_related(Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")))
    )


def article_list_published(
    *, section: Section | None = None, tag: Tag | None = None, author: Author | None = None
) -> QuerySet:
    articles = Article.objects.published()
    if section is not None:
        articles = articles.filter(section=section)
    if tag is not None:
        articles = articles.filter(tags=tag)
    if author is not None:
        articles = articles.filter(bylines__author=author)
    return _with_relations(articles).order_by(*ARTICLE_ORDER)


def article_page(
    *,
    section: Section | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    queryset = article_list_published(section=section, tag=tag, author=author)
    return keyset_page(queryset, order=ARTICLE_ORDER, cursor=cursor, limit=limit)


def article_search(
    *, q: str, section: Section | None = None, cursor: str | None = None, limit: int | None = None
) -> Page:
    """Published articles matching ``q``, best first."""
    hits = search.article_search_ids(
        q=q, section_id=section.pk if section else None, cursor=cursor, limit=limit
    )
    by_id = _with_relations(Article.objects.filter(pk__in=[pk for pk, _ in hits.items])).in_bulk()
    return Page(items=[by_id[pk] for pk, _ in hits.items if pk in by_id], next_cursor=hits.next_cursor)


def article_get_visible(*, viewer, slug: str) -> Article:
    """A published article, or any article for an editor previewing it; else not found."""
    article = _with_relations(Article.objects.filter(slug=slug)).prefetch_related("tags").first()
    if article is None or not (article.is_published or can_preview(viewer)):
        raise NotFound("No article by that name.")
    return article


def live_update_page(*, article: Article, cursor: str | None = None, limit: int | None = None) -> Page:
    updates = LiveUpdate.objects.filter(article=article, posted_at__lte=timezone.now()).select_related(
        "author"
    )
    return keyset_page(updates, order=("-posted_at", "-id"), cursor=cursor, limit=limit)


def section_get(*, slug: str) -> Section:
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        raise NotFound("No section by that name.")
    return section


def section_list() -> list[Section]:
    return list(Section.objects.all())


def author_get(*, slug: str) -> Author:
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        raise NotFound("No author by that name.")
    return author


def tag_get(*, slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise NotFound("No tag by that name.")
    return tag


def home_page(*, latest_count: int = 10, per_section: int = 4) -> dict:
    """The front page: top stories, the latest, and a block per section, without repeats."""
    published = article_list_published()
    top = list(published.filter(is_top_story=True)[:3])
    if not top:
        top = list(published[:1])
    shown = {a.pk for a in top}
    latest = [a for a in published[: latest_count + len(shown)] if a.pk not in shown][:latest_count]
    live = list(published.filter(is_live=True)[:3])
    # One query for every section's newest few, however many sections there are.
    rank = Window(
        RowNumber(), partition_by=[F("section_id")], order_by=[F("published_at").desc(), F("id").desc()]
    )
    newest = list(published.annotate(rank_in_section=rank).filter(rank_in_section__lte=per_section))
    by_section: dict[int, list[Article]] = {}
    for article in newest:
        by_section.setdefault(article.section_id, []).append(article)
    blocks = [
        {"section": section, "articles": by_section[section.pk]}
        for section in section_list()
        if section.pk in by_section
    ]
    return {"top": top, "latest": latest, "live": live, "sections": blocks}


def next_scheduled_at():
    """When the next scheduled article goes out (cached pages must not outlive it)."""
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
