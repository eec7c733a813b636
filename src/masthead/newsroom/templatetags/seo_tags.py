"""How an article presents itself to machines: absolute URLs, W3C dates, XML-safe text and the
schema.org JSON-LD block. Feeds and sitemaps use the plain functions; templates the tags.

Two kinds of absolute URL, on purpose: feeds, sitemaps and robots.txt are read by crawlers
that should only ever learn the canonical address, so they are built from ``SITE_URL``; the
article page's own tags use the host the reader asked (``request.build_absolute_uri``), which
``ALLOWED_HOSTS`` already restricts.
"""

import json
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Inside <script> the HTML parser only looks for "</script" and "<!--"; escaping these three
# keeps any headline inside the JSON string it belongs to (as django.utils.html.json_script).
_JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
# Characters XML 1.0 forbids outright; editors paste them from word processors (a vertical
# tab is Word's line break) and one would make a whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def site_url(path: str = "/") -> str:
    """``path`` on the canonical site: ``SITE_URL``'s scheme and host."""
    if path.startswith(("http://", "https://")):
        return path
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}{path}"


def site_host() -> str:
    """``SITE_URL``'s host name without port, the authority of our tag: URIs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def xml_safe(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


def w3c_datetime(value: datetime | date | None) -> str:
    """A W3C/ISO 8601 timestamp in UTC, to the second: what sitemaps, OpenGraph and
    schema.org all accept. A bare date stays a date."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    return value.astimezone(UTC).isoformat(timespec="seconds")


def jsonld_script(data: dict) -> SafeString:
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=True).translate(_JSON_IN_HTML)
    # A data block is never executed, so the CSP's script-src does not apply to it.
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else site_url(path)


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """``{% absolute_url article.get_absolute_url %}`` → on the host the reader asked."""
    return _absolute(context, path) if path else ""


@register.filter
def w3c(value) -> str:
    return w3c_datetime(value)


@register.filter(name="xml_safe")
def xml_safe_filter(value) -> str:
    return xml_safe(value)


def article_jsonld_data(context, article) -> dict:
    """The schema.org description of ``article``.

    A live story is a ``LiveBlogPosting`` (a NewsArticle-compatible Article subtype that
    Google reads with the same fields) with ``coverageStartTime``; its updates stay on the
    page rather than being repeated here, so the block does not grow with every update.
    """
    url = _absolute(context, article.get_absolute_url())
    tags = context.get("tags")
    if tags is None:
        tags = article.tags.all()
    data: dict = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting" if article.is_live else "NewsArticle",
        "headline": article.headline,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": w3c_datetime(article.published_at) or None,
        "dateModified": w3c_datetime(article.last_modified),
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": _absolute(context, byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": {
            "@type": "Organization",
            "name": context.get("site_name") or settings.SITE_NAME,
            "url": _absolute(context, "/"),
        },
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in tags],
        "inLanguage": settings.SITE_LANGUAGE,
        "isAccessibleForFree": True,
    }
    if article.hero_image:
        data["image"] = [_absolute(context, article.hero_image.url)]
    if article.is_live and article.published_at:
        data["coverageStartTime"] = w3c_datetime(article.published_at)
    return {key: value for key, value in data.items() if value not in (None, "", [])}


@register.simple_tag(takes_context=True)
def article_jsonld(context, article) -> SafeString:
    """``{% article_jsonld article %}``: the JSON-LD <script> block, safe to embed."""
    return jsonld_script(article_jsonld_data(context, article))
