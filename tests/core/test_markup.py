"""Editors' Markdown or pasted HTML: only safe markup survives."""

import pytest

from masthead.core.markup import editor_html, plain_text


@pytest.mark.parametrize(
    ("source", "gone"),
    [
        ("<script>alert('x')</script>Safe text", ["<script", "alert"]),
        (
            "Safe text\n\n<script src='https://evil.example/x.js'></script>\n\nAfter",
            ["<script", "evil.example"],
        ),
        ('<iframe src="https://evil.example/frame"></iframe>\n\nSafe text', ["<iframe", "evil.example"]),
        ('<p onclick="steal()" onmouseover="steal()">Safe text</p>', ["onclick", "onmouseover", "steal"]),
        ('<img src="/media/a.jpg" onerror="steal()" alt="Safe text">', ["onerror", "steal"]),
        ('<a href="javascript:steal()">Safe text</a>', ["javascript:", "steal"]),
        ('<a href="JaVaScRiPt:steal()">Safe text</a>', ["javascript", "steal"]),
        ('<a href="data:text/html,<script>steal()</script>">Safe text</a>', ["data:", "steal"]),
        ("[Safe text](javascript:steal())", ['href="javascript']),
        ('<p style="position:fixed">Safe text</p>', ["style="]),
        ("<style>body{display:none}</style>Safe text", ["<style", "display:none"]),
        ('<form action="/x"><input name="q"></form>Safe text', ["<form", "<input"]),
        ("<object data='x.swf'></object><embed src='x.swf'>Safe text", ["<object", "<embed"]),
        ('<svg onload="steal()"><circle/></svg>Safe text', ["<svg", "onload"]),
    ],
)
def test_dangerous_markup_is_removed(source, gone):
    html = editor_html(source)

    assert "Safe text" in html  # the harmless part stays
    for fragment in gone:
        assert fragment.lower() not in html.lower(), html


def test_markdown_renders():
    html = editor_html(
        "## The vote\n\n"
        "Councillors voted **for** the plan, *narrowly*.\n\n"
        "> We will reopen the baths.\n\n"
        "- first\n- second\n\n"
        "1. one\n2. two\n\n"
        "~~old figure~~ new figure\n\n"
        "| Ward | Votes |\n|---|---|\n| North | 12 |\n\n"
        "[The report](https://example.org/report)"
    )

    for fragment in (
        "<h2>The vote</h2>",
        "<strong>for</strong>",
        "<em>narrowly</em>",
        "<blockquote>",
        "<ul>",
        "<ol>",
        "<s>old figure</s>",
        "<table>",
        "<td>North</td>",
        '<a href="https://example.org/report" rel="noopener">The report</a>',
    ):
        assert fragment in html, fragment


def test_pasted_rich_text_keeps_its_allowed_tags_and_attributes():
    html = editor_html(
        '<figure><img src="https://example.org/a.jpg" alt="The pier" width="800" height="600">'
        "<figcaption>The pier at dawn</figcaption></figure>\n\n"
        '<p><abbr title="Member of Parliament">MP</abbr> said <q>no</q>. <mark>Update</mark></p>'
    )

    for fragment in (
        "<figure>",
        '<img src="https://example.org/a.jpg" alt="The pier" width="800" height="600">',
        "<figcaption>The pier at dawn</figcaption>",
        '<abbr title="Member of Parliament">MP</abbr>',
        "<q>no</q>",
        "<mark>Update</mark>",
    ):
        assert fragment in html, fragment


def test_tags_outside_the_list_are_dropped_but_their_text_kept():
    html = editor_html("<h1>Big</h1><div class='x'><span>Inner</span></div>")

    assert "<h1" not in html and "<div" not in html and "<span" not in html and "class=" not in html
    assert "Big" in html and "Inner" in html


def test_every_link_gets_rel_noopener():
    html = editor_html('<a href="https://example.org" rel="opener" target="_blank">x</a>')

    assert 'rel="noopener"' in html
    assert "target=" not in html


def test_mailto_links_are_kept():
    assert 'href="mailto:tips@example.org"' in editor_html("[Tips](mailto:tips@example.org)")


def test_empty_input():
    assert editor_html("") == ""
    assert editor_html(None) == ""


def test_plain_text():
    html = editor_html("## Vote\n\nThe council said **yes** &amp; the mayor &lt;agreed&gt;.\n\n- one\n- two")

    assert plain_text(html) == "Vote The council said yes & the mayor <agreed>. one two"


def test_plain_text_keeps_inline_markup_inside_words_and_sentences():
    html = editor_html("The vote was *close*. [Read](https://example.org)'s report, **H**<sub>2</sub>O.")

    assert plain_text(html) == "The vote was close. Read's report, H2O."


def test_plain_text_separates_blocks():
    html = editor_html("| A | B |\n|---|---|\n| 1 | 2 |\n\nLine one  \nLine two\n\n> Quote")

    assert plain_text(html) == "A B 1 2 Line one Line two Quote"


def test_plain_text_of_nothing():
    assert plain_text("") == ""
    assert plain_text(None) == ""
    assert plain_text("<p>  spaced \n\n out  </p>") == "spaced out"
