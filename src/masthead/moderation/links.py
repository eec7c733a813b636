"""Which sites a comment points readers to, and whether it gives contact details.

Found in the Markdown a reader wrote (``[text](url)``, ``<url>``, bare ``https://…`` and
``www.…``) and in the sanitized HTML when the caller has it (its ``href``s are exactly what
readers can click), and also bare domain names (``cheap-pills.shop``): spam often arrives
unlinked, asking the reader to type the address.
"""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from masthead.moderation.normalize import fold

# Top-level domains a bare "name.tld" is taken to be an address in. Generic ones and the
# ones spam favours; other ccTLDs still count when written with http(s):// or www.
_BARE_TLDS = " ".join(
    (
        "com net org info biz io co uk us eu de fr es it nl ru cn in br au ca me tv cc ws",
        "xyz top site online shop store club live life world link click win vip icu fun",
        "space website tech pro app dev buzz loan money cash bet casino porn sex xxx",
    )
).split()

_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"'\]\[]+", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_BARE = re.compile(
    rf"(?<![\w@./-])((?:{_LABEL}\.)+(?:{'|'.join(_BARE_TLDS)}))(?![\w-]|\.\w)",
    re.IGNORECASE,
)


def host_of(url: str) -> str | None:
    """The lower-case host of an address (``www.`` dropped), or None if it has none."""
    url = url.strip().rstrip(".,;:!?")
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.rstrip(".").lower()
    return host.removeprefix("www.")


def domains_in(body: str, body_html: str = "") -> tuple[str, ...]:
    """Every host the comment links or names, in order of appearance, without repeats."""
    found: dict[str, None] = {}
    for url in _URL.findall(body):
        if host := host_of(url):
            found.setdefault(host, None)
    for url in _HREF.findall(body_html):
        if url.startswith("//"):
            url = "http:" + url
        if url.startswith(("http://", "https://")) and (host := host_of(url)):
            found.setdefault(host, None)
    # Bare names are looked for in the folded text, so "cheap-pills . shop" and look-alike
    # letters do not hide one; addresses already found are skipped.
    without_urls = _URL.sub(" ", body)
    for name in _BARE.findall(fold(without_urls)):
        host = name.lower().removeprefix("www.")
        found.setdefault(host, None)
    return tuple(found)


_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{8,17}\d(?![\w])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


def contact_details(body: str) -> list[str]:
    """``phone number`` / ``email address`` when the text has one: a way to take readers
    off the site (spam), or someone's personal details (harassment)."""
    kinds = []
    for match in _PHONE.finditer(body):
        number = match.group(0)
        digits = sum(c.isdigit() for c in number)
        # Dialled numbers start with 0, + or a bracketed code; other long digit runs joined
        # by dashes only are ISBNs, references, dates.
        dialled = number.startswith(("0", "+", "(")) or not re.fullmatch(r"[\d-]+", number)
        if 10 <= digits <= 15 and dialled:
            kinds.append("phone number")
            break
    if _EMAIL.search(body):
        kinds.append("email address")
    return kinds


def domain_allowed(host: str, allowlist: Iterable[str]) -> bool:
    """``news.example.org`` is allowed by ``example.org``; ``badexample.org`` is not."""
    return any(host == domain or host.endswith("." + domain) for domain in allowlist)


_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def clean_domain(value: str) -> str | None:
    """An allow-list entry as an operator typed it (``https://www.Example.org/x``) → the
    domain (``example.org``), or None when it is not one."""
    value = value.strip().lower()
    if not value:
        return None
    host = host_of(value if "://" in value else "http://" + value)
    if host is None or not _DOMAIN.match(host):
        return None
    return host
