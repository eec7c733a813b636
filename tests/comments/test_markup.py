"""Readers' Markdown subset, sanitized (comments.markup)."""

from html.parser import HTMLParser

import pytest

from masthead.comments.markup import comment_html, normalize

REL = 'rel="nofollow ugc noopener"'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("Plain words.", "<p>Plain words.</p>"),
        (
            "*em* and **strong** and `code`",
            "<p><em>em</em> and <strong>strong</strong> and <code>code</code></p>",
        ),
        ("one\ntwo", "<p>one<br>\ntwo</p>"),
        ("one\n\ntwo", "<p>one</p>\n<p>two</p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>'),
        ("[site](https://example.org/a?b=1)", f'<p><a href="https://example.org/a?b=1" {REL}>site</a></p>'),
        ("<https://example.org>", f'<p><a href="https://example.org" {REL}>https://example.org</a></p>'),
        ("[mail](mailto:ed@example.org)", f'<p><a href="mailto:ed@example.org" {REL}>mail</a></p>'),
    ],
)
def test_the_subset(source, html):
    assert comment_html(source) == html


@pytest.mark.parametrize(
    "source",
    [
        "# Not a heading",
        "## Nor this",
        "---",
        "    indented code",
        "```\nfenced\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_what_is_not_in_the_subset_stays_text(source):
    html = comment_html(source)
    assert html.startswith("<p>")
    for tag in ("<h1", "<h2", "<hr", "<pre", "<table"):
        assert tag not in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        '<a href="https://e.org" onclick="x()">raw</a>',
        "![alt](https://example.org/tracker.png)",
    ],
)
def test_nothing_dangerous_survives(source):
    """Whatever the text, the only elements are the subset's and links go to http(s) or mail;
    the rest reaches the page as escaped text, harmless."""
    elements = _elements(comment_html(source))
    assert {tag for tag, _ in elements} <= {"p", "a", "em", "strong", "code", "br"}
    for _, attrs in elements:
        assert not any(name.startswith("on") for name in attrs)
        assert attrs.get("href", "https://").startswith(("https://", "http://", "mailto:"))


def _elements(html: str) -> list[tuple[str, dict]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_every_link_is_nofollow_ugc():
    html = comment_html("[a](https://a.example) and [b](http://b.example)")
    assert html.count(REL) == 2


def test_normalize_trims_and_unifies_line_ends():
    assert normalize("  \r\nHello\r\nthere\r\n\x00 ") == "Hello\nthere"
