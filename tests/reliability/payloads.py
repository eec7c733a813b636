"""Hostile text for every field a reader can fill, and a checker for the HTML it ends up in.

- ``BLNS``: the Big List of Naughty Strings (tests/data/blns.json, MIT, see blns.README.md).
- ``XSS``: payloads written from comment-system advisories (Disqus, Discourse, Isso,
  Commento, Remark42, NodeBB, WordPress): attribute-breaking quotes in link URLs,
  ``javascript:``/``data:``/``vbscript:`` links in Markdown, entity- and
  whitespace-obfuscated schemes, ``<svg onload>``, ``<iframe>``, mXSS through broken
  nesting, template and htmx attribute injection, and breaking out of the contexts a name
  is shown in (``<title>``, ``<textarea>``, an attribute, a JSON script block).
  Every payload that would run does ``alert('xss')`` or fetches ``xss.invalid``, so the
  browser test can tell.
- ``PATHOLOGICAL``: text that is slow for naive parsers (long bracket runs, deep quotes,
  emphasis and link openers without end).

``executable_markup(html)`` lists anything in a page that could run script: a ``<script>``
that is not one of the site's own files, an ``on*`` or ``hx-on`` attribute, a
``javascript:``/``data:``/``vbscript:`` URL (after entity decoding and removing the
whitespace and control characters browsers ignore), an ``<iframe>``, ``<object>``,
``<embed>``, ``<base>``, a ``style`` attribute, a meta refresh.
"""

import functools
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@functools.cache
def blns() -> tuple[str, ...]:
    return tuple(json.loads((DATA / "blns.json").read_text(encoding="utf-8")))


ALERT = "alert('xss')"
XSS: tuple[str, ...] = (
    # Markdown links with script schemes, plain and obfuscated.
    f"[click me](javascript:{ALERT})",
    f"[click me](JaVaScRiPt:{ALERT})",
    f"[click me](  javascript:{ALERT})",
    f"[click me](<javascript:{ALERT}>)",
    f"[click me](javascript&#58;{ALERT})",
    f"[click me](&#106;avascript:{ALERT})",
    f"[click me](&#x6A;&#x61;&#x76;&#x61;script&colon;{ALERT})",
    f"[click me](java&#x09;script:{ALERT})",
    f"[click me](java\tscript:{ALERT})",
    f"[click me](\x01javascript:{ALERT})",
    f"[click me](%6Aavascript:{ALERT})",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=)",
    "[click me](data:image/svg+xml,<svg onload=alert('xss')>)",
    "[click me](vbscript:msgbox('xss'))",
    f"[click me][ref]\n\n[ref]: javascript:{ALERT}",
    f"<javascript:{ALERT}>",
    f"javascript:{ALERT}",
    f"[![x](javascript:{ALERT})](javascript:{ALERT})",
    f'![x](https://xss.invalid/i.png" onerror="{ALERT})',
    # Attribute-breaking quotes in URLs (Markdown links, autolinks, bare URLs).
    f'[quote](https://example.org/" onmouseover="{ALERT})',
    f"[quote](https://example.org/' onmouseover='{ALERT}')",
    f'[quote](https://example.org/"><script>{ALERT}</script>)',
    f'[quote](https://example.org/ "title" onmouseover="{ALERT}")',
    f'<https://example.org/"onmouseover="{ALERT}">',
    f'https://example.org/"onmouseover="{ALERT}"',
    f"https://example.org/?q=<script>{ALERT}</script>",
    f"[x](https://example.org/`onmouseover=`{ALERT})",
    f'mailto:x@example.org?subject="><img src=x onerror={ALERT}>',
    # Raw HTML.
    f"<script>{ALERT}</script>",
    "<SCRIPT SRC=https://xss.invalid/x.js></SCRIPT>",
    f"<svg onload={ALERT}>",
    f"<svg/onload={ALERT}>",
    f"<svg><script>{ALERT}</script></svg>",
    f'<iframe src="javascript:{ALERT}"></iframe>',
    "<iframe srcdoc=\"<script>alert('xss')</script>\"></iframe>",
    f"<img src=x onerror={ALERT}>",
    '<img src="https://xss.invalid/pixel.png">',
    f'<a href="javascript:{ALERT}">x</a>',
    f'<a href="&#x6A;avascript:{ALERT}">x</a>',
    f'<a href="jav&#x09;ascript:{ALERT}">x</a>',
    f'<a href="https://example.org" onclick="{ALERT}">x</a>',
    f"<details open ontoggle={ALERT}>",
    f"<input autofocus onfocus={ALERT}>",
    f"<video><source onerror={ALERT}></video>",
    f"<body onload={ALERT}>",
    "<object data=\"javascript:alert('xss')\"></object>",
    "<embed src=\"javascript:alert('xss')\">",
    '<base href="https://xss.invalid/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss\')">',
    '<form action="https://xss.invalid/"><button>Win a prize</button></form>',
    "<style>@import 'https://xss.invalid/x.css';</style>",
    '<p style="background:url(https://xss.invalid/x.png)">styled</p>',
    '<link rel="stylesheet" href="https://xss.invalid/x.css">',
    # Broken nesting and mutation XSS.
    f"<scr<script>ipt>{ALERT}</scr</script>ipt>",
    f"<<script>script>{ALERT}<</script>/script>",
    f"</p></blockquote></li></ul><script>{ALERT}</script>",
    f"> quoted <script>{ALERT}</script>\n>> deeper <img src=x onerror={ALERT}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={ALERT}>",
    f'<noscript><p title="</noscript><img src=x onerror={ALERT}>">',
    f"<!--<script>{ALERT}//-->",
    f"<![CDATA[<script>{ALERT}</script>]]>",
    f'<b><i>unclosed <a href="https://example.org">and <script>{ALERT}</script>',
    f"*emphasis <script>{ALERT}</script>*",
    f"`code <script>{ALERT}</script>`",
    f"- item <img src=x onerror={ALERT}>\n- [link](javascript:{ALERT})",
    # Breaking out of where names and text are shown.
    f'"><img src=x onerror={ALERT}>',
    f"'><img src=x onerror={ALERT}>",
    f"</title><script>{ALERT}</script>",
    f"</textarea><script>{ALERT}</script>",
    f"</script><script>{ALERT}</script>",
    f"';{ALERT};//",
    f"\\u003cscript\\u003e{ALERT}\\u003c/script\\u003e",
    "${alert('xss')}",
    "{{ 7*7 }}{% debug %}{{ request.user.email }}",
    # htmx: attributes that fetch or run on load.
    '<div hx-get="/xss-hx" hx-trigger="load">htmx</div>',
    f'<a hx-on:click="{ALERT}">htmx</a>',
    '<div data-hx-post="/xss-hx" data-hx-trigger="load">htmx</div>',
    # Mentions and Unicode trickery.
    f"@<script>{ALERT}</script> hello",
    f"@rhea<img src=x onerror={ALERT}>",
    "\u202egnp.exe\u202c [safe](https://example.org/\u202e)",
    "[\u200bjava\u200bscript](java\u200bscript:alert('xss'))",
)

PATHOLOGICAL: tuple[str, ...] = (
    "[" * 2990,
    "]" * 2990,
    "[](" * 990,
    "[a](" * 740,
    "![" * 1490,
    ">" * 2990,
    "> " * 1490 + "deep",
    "\n".join(">" * n + " quote" for n in range(1, 60)),
    "*" * 2990,
    "_a" * 1490,
    "**a" * 990,
    "`" * 2990,
    "<" * 2990,
    "<a" * 1490,
    "&#" * 1490,
    "\\" * 2990,
    "- " * 1490,
    "\n".join("  " * n + "- item" for n in range(0, 300)),
    "1. " * 990,
    "http://" + "a" * 2980,
    "https://example.org/" + "(" * 2970,
    "@a " * 990,
    "@" * 2990,
    "a" * 2990,
    "\n" * 2990 + "x",
    "Z\u0338\u0322\u0327\u031b" * 590,  # "zalgo": combining marks piled on one letter
    "\u202e" * 2990,
    "\ufeff" * 2990,
)


# Text that is valid JSON but hard on what stores or encodes it: NUL (PostgreSQL refuses it
# in text), lone surrogates (not encodable as UTF-8), line-end mixtures, BOMs, non-characters.
TRICKY: tuple[str, ...] = (
    "\x00",
    "before\x00after",
    "\ud800",
    "lone \udfff surrogate",
    "\r\n\r\rmixed\n\r line ends",
    "\ufeffBOM first",
    "\uffff\ufffe non-characters",
    "\x1b[31mANSI red\x1b[0m",
    "\u0085\u2028\u2029 separators",
    "tab\there",
)


def everything() -> list[str]:
    """Every string: the whole list, the XSS payloads and the tricky encodings."""
    return [*blns(), *XSS, *TRICKY]


# Over HTTP each string costs a request or three, so CI sends every XSS payload and tricky
# string and every BLNS_STRIDE-th BLNS string (the whole list goes through the services and
# the renderer in-process). RELIABILITY_FULL=1 (make soak) sends every string over HTTP too.
BLNS_STRIDE = 8


def over_http() -> list[str]:
    if os.environ.get("RELIABILITY_FULL") == "1":
        return everything()
    return [*blns()[::BLNS_STRIDE], *XSS, *TRICKY]


# --- The checker.

# Browsers drop these from a URL before reading its scheme (WHATWG URL: leading C0 control
# or space, and every tab or newline anywhere).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200d\ufeff]+")
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:", "mocha:")
_URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset",
    "data", "cite", "ping", "lowsrc", "dynsrc", "codebase", "manifest", "icon", "srcdoc",
}  # fmt: skip
# (The site draws its own icons in inline <svg>: those are checked attribute by attribute.)
_NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}


def dangerous_url(value: str) -> bool:
    cleaned = _IGNORED_IN_URL.sub("", value or "").lower()
    return cleaned.startswith(_BAD_SCHEMES)


class _Inspector(HTMLParser):
    def __init__(self, own_script_prefix: str) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.own_script_prefix = own_script_prefix
        self.in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:300]
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            script_type = (values.get("type") or "").lower()
            # Data blocks (json_script) never run; anything else must be one of our files.
            data_block = script_type in ("application/json", "application/ld+json")
            if not data_block and not src.startswith(self.own_script_prefix):
                self.problems.append(f"script: {where}")
            self.in_script = True
        if tag in _NEVER:
            self.problems.append(f"forbidden element: {where}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"meta refresh: {where}")
        outside = (values.get("href") or "").lower().startswith(("http:", "https:", "//"))
        if (
            tag == "link"
            and outside
            and (values.get("rel") or "").lower() in ("stylesheet", "preload", "import")
        ):
            self.problems.append(f"outside stylesheet: {where}")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"event attribute {name}: {where}")
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            if name in _URL_ATTRIBUTES and value and dangerous_url(value):
                self.problems.append(f"script URL in {name}: {where}")
            ours = name == "hx-headers" and value.startswith(
                '{"X-CSRFToken": "'
            )  # a random token may spell "xss"
            if name.startswith(("hx-", "data-hx-")) and value and "xss" in value.lower() and not ours:
                self.problems.append(f"hostile htmx attribute {name}: {where}")
            if name == "content" and value and "url=" in value.lower():
                _, _, target = value.lower().partition("url=")
                if dangerous_url(target):
                    self.problems.append(f"script URL in meta: {where}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip() and "alert(" in data:
            self.problems.append(f"script body: {data[:200]!r}")
        self.text.append(data)


def executable_markup(html: str, *, own_script_prefix: str = "/static/") -> list[str]:
    """What in ``html`` could run script or load from elsewhere; empty when it is inert."""
    inspector = _Inspector(own_script_prefix)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (entities decoded), to check text round-trips."""
    inspector = _Inspector("/static/")
    inspector.feed(html)
    inspector.close()
    return "".join(inspector.text)
