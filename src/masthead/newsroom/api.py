"""`/api/v1/articles…`: the newsroom's part of the JSON API."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from masthead.comments.selectors import article_comment_count, comments_state
from masthead.newsroom import selectors
from masthead.newsroom.models import Article, LiveUpdate

router = Router(tags=["articles"])


class AuthorOut(Schema):
    name: str
    slug: str


class ArticleSummaryOut(Schema):
    slug: str
    url: str
    headline: str
    standfirst: str
    section: str
    authors: list[AuthorOut]
    published_at: datetime
    updated_at: datetime
    comment_count: int
    comments_open: bool
    is_live: bool


class ArticleOut(ArticleSummaryOut):
    body_html: str
    hero_image_url: str | None = None
    hero_alt: str = ""
    hero_caption: str = ""
    tags: list[str] = []


class ArticleListOut(Schema):
    items: list[ArticleSummaryOut]
    next_cursor: str | None


class LiveUpdateOut(Schema):
    id: int
    posted_at: datetime
    author: str | None
    headline: str
    body_html: str


class LiveUpdateListOut(Schema):
    items: list[LiveUpdateOut]
    next_cursor: str | None


class ArticleListQuery(Schema):
    section: str | None = Field(None, max_length=80, description="A section's slug.")
    q: str | None = Field(None, max_length=200, description="Full-text search, best match first.")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


def _summary(request: HttpRequest, article: Article) -> dict:
    return {
        "slug": article.slug,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "headline": article.headline,
        "standfirst": article.standfirst,
        "section": article.section.slug,
        "authors": [{"name": b.author.name, "slug": b.author.slug} for b in article.bylines.all()],
        "published_at": article.published_at or article.created_at,
        "updated_at": article.last_modified,
        "comment_count": article_comment_count(article),
        "comments_open": comments_state(article).open,
        "is_live": article.is_live,
    }


@router.get("/articles", response=ArticleListOut, summary="Published articles, newest first")
def list_articles(request: HttpRequest, query: Query[ArticleListQuery]):
    section = selectors.section_get(slug=query.section) if query.section else None
    if query.q and query.q.strip():
        page = selectors.article_search(q=query.q, section=section, cursor=query.cursor, limit=query.limit)
    else:
        page = selectors.article_page(section=section, cursor=query.cursor, limit=query.limit)
    return {"items": [_summary(request, a) for a in page.items], "next_cursor": page.next_cursor}


@router.get("/articles/{slug}", response=ArticleOut, summary="One article")
def get_article(request: HttpRequest, slug: str):
    article = selectors.article_get_visible(viewer=request.user, slug=slug)
    return {
        **_summary(request, article),
        "body_html": article.body_html,
        "hero_image_url": request.build_absolute_uri(article.hero_image.url) if article.hero_image else None,
        "hero_alt": article.hero_alt,
        "hero_caption": article.hero_caption,
        "tags": [t.slug for t in article.tags.all()],
    }


def _update(update: LiveUpdate) -> dict:
    return {
        "id": update.pk,
        "posted_at": update.posted_at,
        "author": update.author.public_name if update.author else None,
        "headline": update.headline,
        "body_html": update.body_html,
    }


@router.get(
    "/articles/{slug}/updates",
    response=LiveUpdateListOut,
    summary="A live story's updates, newest first",
)
def list_updates(request: HttpRequest, slug: str, query: Query[PageQuery]):
    article = selectors.article_get_visible(viewer=request.user, slug=slug)
    page = selectors.live_update_page(article=article, cursor=query.cursor, limit=query.limit)
    return {"items": [_update(u) for u in page.items], "next_cursor": page.next_cursor}
