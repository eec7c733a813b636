"""The newsroom's HTML pages. Thin: parse, call a selector, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.comments.selectors import thread_key
from masthead.comments.views import section_context as comments_section
from masthead.core.errors import MastheadError, NotFound
from masthead.core.pagecache import cache_anonymous_page
from masthead.newsroom import selectors
from masthead.newsroom.cache import article_keys, listing_keys
from masthead.newsroom.models import Article, SupportAppeal


def _listing(request, **_kwargs):
    return listing_keys()


def _page_args(request: HttpRequest) -> dict:
    return {"cursor": request.GET.get("cursor") or None, "limit": 20}


def _or_404(call, **kwargs):
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_safe
@cache_anonymous_page(_listing)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "newsroom/home.html", selectors.home_page())


@require_safe
@cache_anonymous_page(_listing)
def section(request: HttpRequest, slug: str) -> HttpResponse:
    section = _or_404(selectors.section_get, slug=slug)
    page = _paged(request, selectors.article_page, section=section)
    return render(request, "newsroom/section.html", {"section": section, "page": page})


@require_safe
@cache_anonymous_page(_listing)
def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = _or_404(selectors.author_get, slug=slug)
    page = _paged(request, selectors.article_page, author=author)
    return render(request, "newsroom/author.html", {"author": author, "page": page})


@require_safe
@cache_anonymous_page(_listing)
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _or_404(selectors.tag_get, slug=slug)
    page = _paged(request, selectors.article_page, tag=tag)
    return render(request, "newsroom/tag.html", {"tag": tag, "page": page})


def _paged(request: HttpRequest, selector, **kwargs):
    try:
        return selector(**kwargs, **_page_args(request))
    except MastheadError as exc:  # a mangled ?cursor= is the reader's link, not our fault
        raise Http404(exc.message) from exc


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    page = _paged(request, selectors.article_search, q=q) if q else None
    return render(request, "newsroom/search.html", {"q": q, "page": page})


def _article_keys(request, slug: str):
    article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
    # The page embeds the first page of its comments: any change in the thread renders it afresh.
    return (*article_keys(article_id or 0), thread_key(article_id or 0))


@require_safe
@cache_anonymous_page(_article_keys)
def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = _or_404(selectors.article_get_visible, viewer=request.user, slug=slug)
    context = {
        "article": article,
        "bylines": [b.author for b in article.bylines.all()],
        "tags": list(article.tags.all()),
        "live_updates": selectors.live_update_page(article=article, limit=100).items
        if article.is_live
        else [],
        "appeal": SupportAppeal.current(),
        "is_preview": not article.is_published,
        "related": selectors.article_list_published(section=article.section).exclude(pk=article.pk)[:4],
        "cs": comments_section(request, article),
    }
    return render(request, "newsroom/article.html", context)
