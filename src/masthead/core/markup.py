"""Editors' Markdown (or pasted rich-text HTML) to sanitized HTML, and plain text from it."""

import html
import re

import nh3
from markdown_it import MarkdownIt

_editor_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True}).enable(
    ["table", "strikethrough"]
)

EDITOR_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "s", "del", "sub", "sup",
    "a", "blockquote", "ul", "ol", "li", "code", "pre", "figure", "figcaption", "img",
    "table", "thead", "tbody", "tr", "th", "td", "abbr", "cite", "q", "small", "mark",
}  # fmt: skip
EDITOR_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


def editor_html(source: str) -> str:
    """Render an editor's body; whatever they paste, only safe markup survives."""
    return nh3.clean(
        _editor_md.render(source or ""),
        tags=EDITOR_TAGS,
        attributes=EDITOR_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    )


# Block tags separate words; inline ones (<em>, <a>) must not, or "was <em>close</em>."
# would read "was close ." in search snippets and descriptions.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|h[1-6]|li|ul|ol|blockquote|pre|figure|figcaption|table|thead|tbody|tr|th|td|div)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html_fragment: str) -> str:
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", html_fragment or ""))
    return _SPACE.sub(" ", html.unescape(text)).strip()
