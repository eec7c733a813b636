"""Whole-page caching for anonymous readers, invalidated by version bumps."""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.csrf import get_token
from django.template import engines
from django.template.response import TemplateResponse

from masthead.core import pagecache


class CountingView:
    """A view that says how many times it really ran."""

    def __init__(self, respond=None):
        self.calls = 0
        self.respond = respond or (lambda request, n: HttpResponse(f"render {n}", content_type="text/html"))

    def __call__(self, request, **kwargs):
        self.calls += 1
        return self.respond(request, self.calls)


def _cached(view, keys=("newsroom", "article:1")):
    return pagecache.cache_anonymous_page(lambda request, **kwargs: keys)(view)


def _get(rf, path="/articles/harbour/", user=None):
    request = rf.get(path)
    request.user = user or AnonymousUser()
    return request


def test_first_request_renders_and_the_next_is_served_from_cache(rf):
    view = CountingView()
    page = _cached(view)

    miss = page(_get(rf))
    hit = page(_get(rf))

    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content == b"render 1"
    assert hit["Content-Type"] == "text/html"
    assert view.calls == 1


def test_a_bump_of_any_shown_content_renders_afresh(rf):
    view = CountingView()
    page = _cached(view)
    page(_get(rf))

    pagecache.bump("article:1")
    after_bump = page(_get(rf))
    again = page(_get(rf))

    assert after_bump["X-Page-Cache"] == "miss"
    assert after_bump.content == b"render 2"
    assert again["X-Page-Cache"] == "hit"
    assert view.calls == 2


def test_a_bump_of_unrelated_content_keeps_the_page(rf):
    view = CountingView()
    page = _cached(view)
    page(_get(rf))

    pagecache.bump("article:2")

    assert page(_get(rf))["X-Page-Cache"] == "hit"
    assert view.calls == 1


def test_each_url_is_its_own_entry(rf):
    view = CountingView()
    page = _cached(view)

    page(_get(rf, "/section/politics/"))
    other = page(_get(rf, "/section/politics/?cursor=abc"))

    assert other["X-Page-Cache"] == "miss"
    assert view.calls == 2


def test_signed_in_readers_always_get_a_fresh_page(rf, reader):
    view = CountingView()
    page = _cached(view)
    page(_get(rf))  # cached for anonymous readers

    first = page(_get(rf, user=reader))
    second = page(_get(rf, user=reader))

    assert first.content == b"render 2" and second.content == b"render 3"
    assert not first.has_header("X-Page-Cache")
    assert view.calls == 3


def test_only_get_and_head_are_cached(rf):
    view = CountingView()
    page = _cached(view)
    request = rf.post("/articles/harbour/")
    request.user = AnonymousUser()

    page(request)
    page(request)

    assert view.calls == 2


def test_error_responses_are_not_cached(rf):
    view = CountingView(lambda request, n: HttpResponseNotFound(f"missing {n}"))
    page = _cached(view)

    first = page(_get(rf))
    second = page(_get(rf))

    assert (first.status_code, second.content) == (404, b"missing 2")
    assert not second.has_header("X-Page-Cache")
    assert view.calls == 2


def test_a_response_setting_a_cookie_is_not_cached(rf):
    def respond(request, n):
        response = HttpResponse(f"render {n}")
        response.set_cookie("seen", "1")
        return response

    view = CountingView(respond)
    page = _cached(view)
    page(_get(rf))
    page(_get(rf))

    assert view.calls == 2


def test_a_page_holding_a_csrf_token_is_not_served_to_the_next_reader(rf):
    view = CountingView(lambda request, n: HttpResponse(f"<input value='{get_token(request)}'>"))
    page = _cached(view)

    first = page(_get(rf))
    second = page(_get(rf))

    assert view.calls == 2
    assert first.content != second.content  # each reader's own token


def test_a_page_showing_a_flash_message_is_not_served_to_the_next_reader(rf):
    def respond(request, n):
        shown = " ".join(str(m) for m in messages.get_messages(request))
        return HttpResponse(f"render {n} {shown}")

    view = CountingView(respond)
    page = _cached(view)
    request = _get(rf)
    request._messages = CookieStorage(request)
    messages.success(request, "Thank you for your donation, Rita.")

    page(request)
    later = page(_get(rf))

    assert b"Rita" not in later.content
    assert view.calls == 2


def test_template_responses_are_rendered_then_cached(rf):
    template = engines["django"].from_string("<p>{{ greeting }}</p>")

    def respond(request, n):
        return TemplateResponse(request, template, {"greeting": f"hello {n}"})

    view = CountingView(respond)
    page = _cached(view)
    page(_get(rf))

    hit = page(_get(rf))

    assert hit.content == b"<p>hello 1</p>"
    assert hit["X-Page-Cache"] == "hit"


def test_versions_are_stable_until_bumped():
    first = pagecache.versions(["a", "b"])
    assert pagecache.versions(["a", "b"]) == first

    pagecache.bump("b")
    after = pagecache.versions(["a", "b"])

    assert after[0] == first[0]
    assert after[1] != first[1]


def test_entries_expire_after_page_cache_seconds(rf, settings):
    settings.PAGE_CACHE_SECONDS = 0  # expires at once: the cache keeps nothing
    view = CountingView()
    page = _cached(view)

    page(_get(rf))
    page(_get(rf))

    assert view.calls == 2
