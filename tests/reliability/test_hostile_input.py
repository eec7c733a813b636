"""Every text a reader can send, fed the Big List of Naughty Strings and XSS payloads.

For each field: never a 5xx; a refusal is a 4xx in the API's error shape (or the form shown
again with its error, for pages); what is stored is what was sent (after the field's
documented normalisation); and every page or fragment that shows it has no executable
markup (tests/reliability/payloads.py). Each field's strings go through one test, so a
failure names the string.
"""

import json
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client

from masthead.accounts.models import PersonalAccessToken, Reader
from masthead.comments.markup import normalize
from masthead.comments.models import Comment, Report
from tests import factories
from tests.reliability.payloads import (
    PATHOLOGICAL,
    TRICKY,
    XSS,
    blns,
    everything,
    executable_markup,
    over_http,
    visible_text,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def publish_everything(settings):
    """Rendering tests want every hostile body on the page for everyone to see: no pipeline
    holding a new reader's comments (the pipeline's own handling of hostile text is tested
    below, with the configured pipeline)."""
    settings.COMMENT_MODERATION_PIPELINE = "masthead.comments.moderation.PassThrough"


@pytest.fixture
def world(db):
    article = factories.article(headline="Council votes to reopen the harbour baths")
    rhea = factories.reader(username="rhea", display_name="Rhea")
    client = Client()
    client.force_login(rhea)
    return {"article": article, "rhea": rhea, "client": client}


def _json(client: Client, method: str, path: str, body: dict, **headers):
    return client.generic(method, path, data=json.dumps(body), content_type="application/json", **headers)


def _refused_cleanly(response, text: str) -> None:
    assert response.status_code < 500, (text, response.status_code, response.content[:300])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        assert set(response.json()) == {"error"}, (text, response.content[:300])


def _ok_or_malformed(text: str, status: int) -> int:
    """A URL carrying NUL (%00) is malformed: 400 (core.middleware), whatever the route."""
    return 400 if "\x00" in text else status


def _inert(html: str, text: str, where: str) -> None:
    problems = executable_markup(html)
    assert not problems, f"{where} with {text!r}: {problems}"


def _formable(texts):
    """Strings a browser can send in a form or URL (a lone surrogate cannot be UTF-8)."""
    out = []
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue
        out.append(text)
    return out


def _thread_pages(client: Client, article) -> list[str]:
    """Every page of the article's conversation, oldest first, as the client sees it."""
    from masthead.comments import selectors

    pages, cursor = [], None
    while True:
        url = f"/articles/{article.slug}/comments/?sort=oldest" + (
            f"&cursor={quote(cursor)}" if cursor else ""
        )
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
        cursor = selectors.thread_page(article=article, viewer=None, sort="oldest", cursor=cursor).next_cursor
        if cursor is None:
            return pages


# --- Comment bodies -----------------------------------------------------------------------------


def test_every_string_renders_to_inert_comment_html():
    """The whole list through the comment renderer: nothing executable ever comes out."""
    from masthead.comments.markup import comment_html

    # (A lone surrogate cannot arrive: JSON bodies with one are refused, 422, and forms and
    # URLs carry UTF-8 bytes, which Django decodes with replacement characters.)
    for text in _formable([*everything(), *PATHOLOGICAL]):
        _inert(comment_html(text), text[:60], "comment_html")


def test_comment_bodies_round_trip_and_render_inert(world, publish_everything):
    """API POST; the stored source is the text as sent (normalised); body_html and every page
    of the thread carry no executable markup."""
    client, article = world["client"], world["article"]
    created: dict[int, str] = {}
    for text in over_http():
        response = _json(client, "POST", f"{API}/articles/{article.slug}/comments", {"body": text})
        _refused_cleanly(response, text)
        if response.status_code == 201:
            data = response.json()
            _inert(data["body_html"], text, "body_html")
            created[data["id"]] = text
        else:
            assert response.status_code == 422, (text, response.content)
            assert response.json()["error"]["code"] in {"validation_error", "revise_suggested"}, text
    assert len(created) > 0.9 * len(over_http())
    for comment in Comment.objects.filter(pk__in=created):
        assert comment.body == normalize(created[comment.pk]), created[comment.pk]
    for html in _thread_pages(client, article):
        _inert(html, "hostile comments", "thread page")
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    _inert(page.content.decode(), "hostile comments", "article page")


def test_comment_form_edit_and_preview_refuse_or_render_inert(world, publish_everything):
    """The page's own forms (no JavaScript): post, preview and edit with every XSS payload."""
    client, article = world["client"], world["article"]
    thread = f"/articles/{article.slug}/comments/"
    for text in _formable([*XSS, *TRICKY]):
        posted = client.post(thread, {"body": text})
        assert posted.status_code in (302, 422), (text, posted.status_code)
        preview = client.post(f"{thread}preview/", {"body": text}, HTTP_HX_REQUEST="true")
        assert preview.status_code == 200, text
        _inert(preview.content.decode(), text, "preview fragment")
    mine = Comment.objects.filter(author=world["rhea"]).first()
    for text in [*XSS, *TRICKY]:
        edited = _json(client, "PATCH", f"{API}/comments/{mine.pk}", {"body": text})
        _refused_cleanly(edited, text)
        if edited.status_code == 200:
            _inert(edited.json()["body_html"], text, "edited body_html")
            form = client.get(f"/comments/{mine.pk}/edit/")
            _inert(form.content.decode(), text, "edit form")
            # The source goes back into the textarea as text, intact.
            assert normalize(text) in visible_text(form.content.decode()), text
    preview_page = client.post(f"{thread}preview/", {"body": XSS[0] + "\n\n" + XSS[30]})
    _inert(preview_page.content.decode(), "two payloads", "preview page")


# --- Names, bios, tokens, reports -----------------------------------------------------------------


def test_every_string_as_a_display_name_and_bio_is_stored_as_given_or_refused(world):
    from masthead.accounts.services import reader_profile_update
    from masthead.core.errors import MastheadError

    rhea = world["rhea"]
    # What a form can deliver: UTF-8, and no NUL (Django's form fields refuse it).
    for text in [t for t in _formable(everything()) if "\x00" not in t]:
        try:
            reader_profile_update(reader=rhea, display_name=text[:60], bio=text)
        except MastheadError as exc:
            assert exc.status == 422, text
            continue
        rhea.refresh_from_db()
        assert rhea.display_name == " ".join(text[:60].split()), text
        assert rhea.bio == text.strip().replace("\r\n", "\n"), text


def test_display_names_and_bios_render_inert(world, publish_everything):
    """Set through the settings form; shown on the profile, the API, a comment's byline."""
    client, rhea = world["client"], world["rhea"]
    other = Client()
    other.force_login(factories.reader(username="otto"))
    comment = factories.comment(article=world["article"], author=rhea, body="Mine.")
    for text in _formable(over_http()):
        response = client.post("/me/settings/", {"display_name": text[:80], "bio": text})
        assert response.status_code < 500, (text, response.status_code)
        rhea.refresh_from_db()
        if response.status_code == 302:
            assert rhea.display_name == " ".join(text[:80].split()), text
            assert rhea.bio == text.strip().replace("\r\n", "\n"), text
        else:
            # Refused: the form comes back (200, as Django forms do) saying what is wrong.
            assert b"field__error" in response.content or b"errorlist" in response.content, text
            _inert(response.content.decode(), text, "settings form")
        profile = other.get(f"/readers/{rhea.username}/")
        assert profile.status_code == 200
        html = profile.content.decode()
        _inert(html, text, "profile page")
        if rhea.display_name:
            assert rhea.display_name in visible_text(html), text
        api = other.get(f"{API}/readers/{rhea.username}").json()
        assert (api["display_name"], api["bio"]) == (rhea.display_name or rhea.username, rhea.bio)
        card = other.get(f"/comments/{comment.pk}/?partial=1")
        _inert(card.content.decode(), text, "comment card byline")


def test_token_names_round_trip_and_render_inert(world):
    client, rhea = world["client"], world["rhea"]
    for text in _formable(over_http()):
        response = client.post("/me/tokens/", {"name": text})
        assert response.status_code in (200, 400, 422), (text, response.status_code)
        html = response.content.decode()
        _inert(html, text, "tokens page")
        token = PersonalAccessToken.objects.filter(reader=rhea).first()
        if token is not None:
            assert token.name == " ".join(text.split()), text
            assert token.name in visible_text(html), text
            token.delete()  # stay under the active-token cap


def test_report_notes_round_trip(world):
    """Reporting the same comment again replaces the note (and counts once)."""
    client, article = world["client"], world["article"]
    comment = factories.comment(article=article, author=factories.reader(username="otto"), body="Reported.")
    previous = ""
    for text in over_http():
        response = _json(
            client, "POST", f"{API}/comments/{comment.pk}/reports", {"reason": "other", "note": text}
        )
        _refused_cleanly(response, text)
        if response.status_code in (200, 201):
            stored = Report.objects.get(comment=comment)
            # Blank space folded, NUL dropped; a blank note keeps the one given before.
            expected = " ".join(text.replace("\x00", "").split()) or previous
            assert response.json()["note"] == stored.note == expected, text
            previous = stored.note
        else:
            assert response.status_code == 422, (text, response.content)
    assert Report.objects.filter(comment=comment).count() == 1
    for text in _formable([*XSS, *TRICKY]):
        form = client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse", "note": text})
        assert form.status_code in (302, 422), (text, form.status_code)
        _inert(form.content.decode(), text, "report form")


# --- Search, sort, filter, cursor -----------------------------------------------------------------


class _SqlTexts:
    """The SQL text of every query (never its parameters): what reader input must not reach."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.texts.append(sql)
        return execute(sql, params, many, context)


MARK = "zq9mark"


def _marked(text: str) -> str:
    return f"{MARK}{text}{MARK}"


def test_search_queries_are_inert_everywhere(world):
    client = world["client"]
    member = Client()
    member.force_login(factories.premium_reader(username="penny"))
    sql = _SqlTexts()
    with connection.execute_wrapper(sql):
        for text in _formable(over_http()):
            q = _marked(text)
            page = client.get("/search/", {"q": q})
            assert page.status_code == _ok_or_malformed(text, 200), (text, page.status_code)
            _inert(page.content.decode(), text, "search page")
            _refused_cleanly(client.get(f"{API}/articles", {"q": q}), text)
            _refused_cleanly(member.get(f"{API}/me/bookmarks", {"q": q}), text)
    assert not [s for s in sql.texts if MARK in s]


# Values for sort, filter, cursor and limit parameters: SQL, ORM field names, numbers that
# overflow, encodings, and a sample of the list.
PARAMETER_VALUES = [
    "",
    "-id",
    "created_at",
    "author__email",
    "id; DROP TABLE comments_comment;--",
    "' OR '1'='1",
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "newest\x00",
    "top\n",
    "../../etc/passwd",
    "%",
    "\u202enewest",
    *XSS[:3],
    *blns()[::60],
]
PARAMETER_URLS = [
    "/api/v1/articles/{slug}/comments?sort={v}&cursor={v}",
    "/api/v1/articles/{slug}/comments?limit={v}",
    "/api/v1/articles?section={v}&cursor={v}",
    "/api/v1/articles/{slug}/updates?cursor={v}&limit={v}",
    "/api/v1/comments/{comment}/replies?cursor={v}",
    "/api/v1/readers/rhea/followers?cursor={v}&limit={v}",
    "/api/v1/readers/rhea/comments?cursor={v}",
    "/api/v1/me/feed?cursor={v}",
    "/api/v1/me/notifications?unread={v}&cursor={v}",
    "/api/v1/articles/{slug}/events/poll?after={v}",
    "/articles/{slug}/?sort={v}&comment={v}",
    "/articles/{slug}/comments/?sort={v}&cursor={v}&partial=1",
    "/comments/{comment}/replies/?cursor={v}",
    "/section/{section}/?cursor={v}",
    "/search/?q=harbour&cursor={v}",
    "/me/notifications/?cursor={v}",
    "/readers/rhea/comments/?cursor={v}",
]


def test_sort_filter_and_cursor_parameters_are_allow_listed(world):
    """Unknown values are refused (422) or ignored (pages fall back, or 404 for a cursor):
    never a 5xx, and nothing from the query string reaches SQL text."""
    client, article = world["client"], world["article"]
    comment = factories.comment(article=article, author=world["rhea"])
    sql = _SqlTexts()
    with connection.execute_wrapper(sql):
        for path in PARAMETER_URLS:
            for text in _formable(PARAMETER_VALUES):
                value = quote(_marked(text), safe="")
                url = path.format(
                    slug=article.slug, comment=comment.pk, section=article.section.slug, v=value
                )
                response = client.get(url)
                expected = (200, 404, 422) if "\x00" not in text else (400,)
                assert response.status_code in expected, (text, url, response.status_code)
                if response["Content-Type"].startswith("text/html"):
                    _inert(response.content.decode(), text, url)
    assert not [s for s in sql.texts if MARK in s]


def test_hostile_path_segments_are_not_found(world):
    """Usernames, slugs and ids from the URL: 404 (or a redirect to the right case), never a 5xx."""
    client = world["client"]
    templates = [
        "/readers/{v}/",
        "/articles/{v}/",
        f"{API}/readers/{{v}}",
        f"{API}/readers/{{v}}/followers",
        f"{API}/articles/{{v}}/comments",
        f"{API}/comments/{{v}}",
    ]
    for text in _formable([*blns()[::20], *TRICKY, "RHEA", "%00", "..", "."]):
        for template in templates:
            url = template.format(v=quote(text, safe=""))
            response = client.get(url)
            expected = (200, 301, 404, 405, 422) if "\x00" not in text else (400,)
            assert response.status_code in expected, (text, url, response.status_code)
    for method in ("PUT", "DELETE"):
        for text in ("\x00", "rhea\x00", "\ud800"):
            path = f"{API}/readers/{quote(text.encode('utf-8', 'surrogatepass'), safe='')}/follow"
            assert _json(client, method, path, {}).status_code in (400, 404), (method, text)


# --- Sign-up, sign-in, donations ------------------------------------------------------------------


def test_sign_up_usernames(world, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    for n, text in enumerate(_formable(over_http())):
        response = Client().post(
            "/accounts/signup/",
            {"username": text, "email": f"new{n}@example.org", "password1": "tide tables at noon 4",
             "password2": "tide tables at noon 4"},
        )  # fmt: skip
        assert response.status_code in (200, 302, 400), (text, response.status_code)
        if response.status_code == 302:
            # Only plain ASCII names survive (accounts/validators.py), as typed less the blank
            # space around them.
            assert Reader.objects.filter(username=text.strip()).exists(), text
        else:
            _inert(response.content.decode(), text, "sign-up form")
    assert all(r.username.isascii() and r.username.replace("_", "").isalnum() for r in Reader.objects.all())


def test_sign_in_with_hostile_names(world, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    for text in _formable(over_http()):
        response = Client().post("/accounts/login/", {"login": text, "password": text})
        assert response.status_code in (200, 400), (text, response.status_code)
        _inert(response.content.decode(), text, "sign-in form")


def test_donation_amounts_and_checkout_fields(world):
    client = world["client"]
    for text in _formable([*over_http(), "Infinity", "-Infinity", "sNaN", "1e999999", "1E+2", "0.001"]):
        page = client.post("/support/", {"interval": "once", "amount": "other", "other_amount": text})
        assert page.status_code in (302, 400), (text, page.status_code)
        if page.status_code == 400:
            _inert(page.content.decode(), text, "support form")
    for text in [*XSS[:5], *TRICKY, "gbp", "GB\x00", "\ud800xx"]:
        api = _json(
            client,
            "POST",
            f"{API}/support/checkout",
            {
                "kind": "donation",
                "interval": "once",
                "amount_minor": 500,
                "currency": text[:3],
                "plan": text[:20],
            },
        )
        _refused_cleanly(api, text)


# --- Pathological text ------------------------------------------------------------------------


def test_pathological_comments_are_processed_within_a_bound(world):
    """Each body is refused or stored and rendered; a generous bound guards against a
    parser going quadratic (a regression guard, not a performance test)."""
    client, article = world["client"], world["article"]
    for text in PATHOLOGICAL:
        started = time.perf_counter()
        response = _json(client, "POST", f"{API}/articles/{article.slug}/comments", {"body": text})
        preview = client.post(f"/articles/{article.slug}/comments/preview/", {"body": text})
        elapsed = time.perf_counter() - started
        _refused_cleanly(response, text[:40])
        assert response.status_code in (201, 422), (text[:40], response.status_code)
        assert preview.status_code == 200
        assert elapsed < 10, f"{text[:40]!r}… took {elapsed:.1f}s"
        if response.status_code == 201:
            _inert(response.json()["body_html"], text[:40], "body_html")


@pytest.mark.parametrize("size", [10_000, 1_000_000, 3_000_000])
def test_oversized_bodies_are_refused(world, size):
    client, article = world["client"], world["article"]
    text = "a " * (size // 2)
    api = _json(client, "POST", f"{API}/articles/{article.slug}/comments", {"body": text})
    assert api.status_code in (413, 422), api.status_code
    assert api.json()["error"]["code"] in ("too_large", "validation_error")
    form = client.post(f"/articles/{article.slug}/comments/", {"body": text})
    assert form.status_code in (400, 413, 422), form.status_code
    assert not Comment.objects.exists()


def test_deeply_nested_json_is_refused(world):
    client, article = world["client"], world["article"]
    for payload in ('{"body": ' + "[" * 100_000 + "]" * 100_000 + "}", "[" * 100_000):
        response = client.generic(
            "POST", f"{API}/articles/{article.slug}/comments", data=payload, content_type="application/json"
        )
        assert response.status_code in (400, 413, 422), response.status_code
        assert set(response.json()) == {"error"}
