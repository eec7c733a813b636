"""Readers' Markdown subset → sanitized HTML.

Paragraphs, line breaks, *emphasis*, **strong**, `code`, links, > quotes and lists. No
headings, images, tables, code blocks or raw HTML: the parser has those rules switched
off, so such syntax stays as the text the reader typed. Whatever comes out is cleaned
again by nh3 against a short allow-list; links may only be http, https or mailto and
carry ``rel="nofollow ugc noopener"``.
"""

import nh3
from markdown_it import MarkdownIt

_md = (
    MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    .enable(["paragraph", "newline", "escape", "backticks", "emphasis", "link", "autolink"])
    .enable(["blockquote", "list", "entity", "text_join"])
)
_md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://", "mailto:"))

TAGS = {"p", "br", "strong", "em", "code", "a", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def normalize(source: str) -> str:
    """What is stored and measured: Unix line ends, no surrounding blank space, no NULs."""
    return (source or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def comment_html(source: str) -> str:
    return nh3.clean(
        _md.render(normalize(source)),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    ).strip()
