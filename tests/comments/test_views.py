"""The conversation's pages, without JavaScript (forms post and redirect) and with htmx
(the same URLs answer with fragments)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.accounts import services as accounts_services
from masthead.comments import services
from masthead.comments.models import Comment, Reaction, Report
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _thread_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


# --- Reading -------------------------------------------------------------------------------


def test_the_article_page_shows_the_conversation_and_its_count(client, article, author, other):
    top = factories.comment(article=article, author=author, body="The baths were **lovely**.")
    factories.comment(article=article, author=other, parent=top, body="I learnt to swim there.")

    page = _text(client.get(article.get_absolute_url()))

    assert '<section id="comments"' in page
    assert 'href="#comments">2 comments</a>' in page
    assert "The baths were <strong>lovely</strong>." in page
    assert "I learnt to swim there." in page
    assert "Sign in to join the conversation" in page
    assert "csrfmiddlewaretoken" not in page  # anonymous pages stay cacheable
    assert 'aria-current="page">Newest</a>' in page


def test_anonymous_article_pages_are_cached_and_a_new_comment_refreshes_them(
    client, article, author, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        factories.comment(article=article, author=author, body="Fresh words")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Fresh words" in response.content.decode()


def test_an_unverified_reader_is_asked_to_confirm_their_email(client, article):
    client.force_login(factories.reader(verified=False))
    page = _text(client.get(article.get_absolute_url()))
    assert "Confirm your email address to join the conversation" in page
    assert 'id="comment-form"' not in page


def test_a_suspended_reader_sees_why(client, article):
    reader = factories.reader()
    accounts_services.reader_suspend(
        reader=reader, until=timezone.now() + timedelta(days=1), message="Cool off.", actor=None
    )
    client.force_login(reader)
    page = _text(client.get(article.get_absolute_url()))
    assert "Your account is suspended until" in page
    assert 'id="comment-form"' not in page


def test_closed_comments_say_so(client, section, author):
    old = factories.article(headline="Last year's regatta", section=section, ago=timedelta(days=30))
    client.force_login(author)
    page = _text(client.get(old.get_absolute_url()))
    assert "Comments on this story are closed" in page
    assert 'id="comment-form"' not in page


def test_a_permalink_shows_the_comments_conversation(client, article, author, other):
    top = factories.comment(article=article, author=author, body="Root")
    reply = factories.comment(article=article, author=other, parent=top, body="The reply")
    factories.comment(article=article, author=other, body="Unrelated")

    page = _text(client.get(f"{article.get_absolute_url()}?comment={reply.pk}"))

    assert f'id="comment-{reply.pk}" aria-current="true"' in page
    assert "comment--focus" in page
    assert "Root" in page
    assert "Unrelated" not in page
    assert "Show all comments" in page


def test_deep_replies_sit_flat_and_say_whom_they_answer(client, article, author, other):
    chain = [factories.comment(article=article, author=author)]
    for n in range(4):
        chain.append(factories.comment(article=article, author=[other, author][n % 2], parent=chain[-1]))

    page = _text(client.get(f"{article.get_absolute_url()}?comment={chain[-1].pk}"))

    assert "comment--level-3" in page
    assert "comment--level-4" not in page
    assert "comment__replies--flat" in page
    assert f"replying to @{other.username}" in page  # depth 4 answers depth 3 (by otto)


def test_load_more_is_a_page_of_its_own(client, article, author):
    comments = [factories.comment(article=article, author=author, body=f"Number {n}") for n in range(23)]

    first = _text(client.get(article.get_absolute_url()))
    assert "Number 22" in first and "Number 2 " not in first
    cursor = re.search(r'name="cursor" value="([^"]+)"', first).group(1)

    more = _text(client.get(_thread_url(article), {"sort": "newest", "cursor": cursor}))
    assert all(f"Number {n}<" in more for n in range(3))
    assert "Number 3<" not in more
    fragment = client.get(_thread_url(article), {"sort": "newest", "cursor": cursor, "partial": "1"})
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().count('class="comment comment--level-0"') == 3
    assert len(comments) == 23


def test_sorting_by_top(client, article, author, other):
    quiet = factories.comment(article=article, author=author, body="Quiet one")
    loved = factories.comment(article=article, author=author, body="Loved one")
    services.reaction_set(comment=loved, reader=other)
    factories.comment(article=article, author=author, body="Newest one")

    page = _text(client.get(article.get_absolute_url(), {"sort": "top"}))
    assert page.index("Loved one") < page.index("Newest one") < page.index("Quiet one")
    assert 'aria-current="page">Top</a>' in page
    fragment = client.get(_thread_url(article), {"sort": "top", "partial": "1"}).content.decode()
    assert fragment.strip().startswith('<div id="comments-thread"')
    assert quiet.pk


def test_show_more_replies(client, article, author, other):
    top = factories.comment(article=article, author=author)
    replies = [
        factories.comment(article=article, author=other, parent=top, body=f"Reply {n}") for n in range(5)
    ]

    page = _text(client.get(article.get_absolute_url()))
    assert "Show 2 more replies" in page
    assert "Reply 3" not in page
    cursor = re.search(rf'action="/comments/{top.pk}/replies/".*?name="cursor" value="([^"]+)"', page).group(
        1
    )
    more = _text(client.get(f"/comments/{top.pk}/replies/", {"cursor": cursor, "partial": "1"}))
    assert "Reply 3" in more and "Reply 4" in more and "Reply 2" not in more
    full = _text(client.get(f"/comments/{top.pk}/replies/"))
    assert all(f"Reply {n}" in full for n in range(5))
    assert len(replies) == 5


# --- Writing without JavaScript ------------------------------------------------------------


def test_post_then_follow_the_redirect_to_the_comment(client, article, author):
    client.force_login(author)
    response = client.post(
        _thread_url(article), {"body": "No JavaScript *needed*", "idempotency_key": "form-1"}
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}"
    page = _text(client.get(response["Location"]))
    assert "No JavaScript <em>needed</em>" in page
    assert "Your comment is published." in page


def test_a_double_submitted_form_posts_once(client, article, author):
    client.force_login(author)
    for _ in range(2):
        client.post(_thread_url(article), {"body": "Clicked twice", "idempotency_key": "form-2"})
    assert Comment.objects.count() == 1


def test_a_reply_through_the_form(client, article, author, other):
    parent = factories.comment(article=article, author=other)
    client.force_login(author)
    response = client.post(_thread_url(article), {"body": "A reply", "parent_id": parent.pk})
    reply = Comment.objects.get(parent=parent)
    assert response["Location"].endswith(f"#comment-{reply.pk}")


def test_errors_come_back_on_the_form(client, article, author, settings):
    settings.COMMENT_MAX_LENGTH = 10
    client.force_login(author)
    response = client.post(_thread_url(article), {"body": "far too long for this"})
    page = _text(response)
    assert response.status_code == 422
    assert 'role="alert"' in page
    assert "Comments are limited to 10 characters; this one is 11 too long." in page
    assert "far too long for this</textarea>" in page
    assert not Comment.objects.exists()


def test_the_rate_limit_is_explained_on_the_form(client, article, author, settings):
    settings.COMMENT_RATE_LIMIT = "1/m"
    client.force_login(author)
    client.post(_thread_url(article), {"body": "one"})
    response = client.post(_thread_url(article), {"body": "two"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "You are commenting faster than we allow." in _text(response)


def test_signed_out_posts_go_to_sign_in(client, article):
    response = client.post(_thread_url(article), {"body": "Hello"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_preview_without_javascript(client, article, author):
    client.force_login(author)
    page = _text(client.post(f"/articles/{article.slug}/comments/preview/", {"body": "> quoted"}))
    assert "<blockquote> <p>quoted</p> </blockquote>" in page
    assert "&gt; quoted</textarea>" in page
    assert not Comment.objects.exists()


def test_edit_page_then_save(client, article, author):
    comment = factories.comment(article=article, author=author, body="Frist")
    client.force_login(author)
    page = _text(client.get(f"/comments/{comment.pk}/edit/"))
    assert "Frist</textarea>" in page
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "First"})
    assert response.status_code == 302
    page = _text(client.get(response["Location"]))
    assert "<p>First</p>" in page
    assert ">edited</span>" in page


def test_delete_asks_first_then_leaves_a_tombstone(client, article, author):
    comment = factories.comment(article=article, author=author, body="Second thoughts")
    client.force_login(author)
    confirm = _text(client.post(f"/comments/{comment.pk}/delete/"))
    assert "Delete this comment?" in confirm
    assert Comment.objects.get().deleted_at is None
    response = client.post(f"/comments/{comment.pk}/delete/", {"confirmed": "1"})
    assert response.status_code == 302
    page = _text(client.get(response["Location"]))
    assert "This comment was deleted." in page
    assert "Second thoughts" not in page


def test_react_and_take_it_back(client, article, author, other):
    comment = factories.comment(article=article, author=author)
    client.force_login(other)
    response = client.post(f"/comments/{comment.pk}/reaction/", {"next": article.get_absolute_url()})
    assert response["Location"] == article.get_absolute_url()
    assert Reaction.objects.filter(comment=comment, reader=other).exists()
    page = _text(client.get(article.get_absolute_url()))
    assert 'aria-pressed="true">Respect <span class="reaction-button__count">1</span>' in page
    client.post(f"/comments/{comment.pk}/reaction/", {"next": "https://evil.example/"})
    assert not Reaction.objects.exists()


def test_report_with_a_reason(client, article, author, other):
    comment = factories.comment(article=article, author=author)
    client.force_login(other)
    page = _text(client.get(f"/comments/{comment.pk}/report/"))
    assert "Why should a moderator look at this comment?" in page
    response = client.post(
        f"/comments/{comment.pk}/report/", {"reason": "off_topic", "note": "About ferries"}
    )
    assert response.status_code == 302
    assert Report.objects.get().reason == "off_topic"
    missing = client.post(f"/comments/{comment.pk}/report/", {"note": "no reason"})
    assert missing.status_code == 422


def test_the_reaction_label_is_configurable(client, article, author, settings):
    settings.COMMENT_REACTION_LABEL = "Applause"
    factories.comment(article=article, author=author)
    assert "Applause" in _text(client.get(article.get_absolute_url()))


# --- With htmx -----------------------------------------------------------------------------


def test_htmx_post_answers_with_the_comment_and_a_fresh_form(client, article, author):
    client.force_login(author)
    response = client.post(_thread_url(article), {"body": "Via htmx", "idempotency_key": "h-1"}, headers=HTMX)
    html = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="comment comment--level-0" id="comment-{comment.pk}"')
    assert 'id="comment-form"' in html and 'hx-swap-oob="true"' in html
    assert 'value="h-1"' not in html  # the fresh form has a new key
    assert '<span id="comments-count" hx-swap-oob="innerHTML">1</span>' in html


def test_htmx_errors_replace_the_form_in_place(client, article, author):
    client.force_login(author)
    response = client.post(_thread_url(article), {"body": ""}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Write something before posting." in response.content.decode()


def test_htmx_reply_error_targets_the_reply_form(client, article, author, other):
    parent = factories.comment(article=article, author=other)
    client.force_login(author)
    response = client.post(_thread_url(article), {"body": "", "parent_id": parent.pk}, headers=HTMX)
    assert response["HX-Retarget"] == f"#reply-form-{parent.pk}"


def test_htmx_edit_in_place(client, article, author):
    comment = factories.comment(article=article, author=author, body="Before")
    client.force_login(author)
    form = client.get(f"/comments/{comment.pk}/edit/", {"partial": "1"}).content.decode()
    assert form.lstrip().startswith(
        f'<div class="comment__card comment__card--editing" id="comment-{comment.pk}-card"'
    )
    card = client.post(f"/comments/{comment.pk}/edit/", {"body": "After"}, headers=HTMX).content.decode()
    assert card.lstrip().startswith("<article")
    assert "<p>After</p>" in card and ">edited</span>" in card
    cancel = client.get(f"/comments/{comment.pk}/", {"partial": "1"}).content.decode()
    assert "<p>After</p>" in cancel


def test_htmx_react_and_preview(client, article, author, other):
    comment = factories.comment(article=article, author=author)
    client.force_login(other)
    button = client.post(f"/comments/{comment.pk}/reaction/", headers=HTMX).content.decode()
    assert 'aria-pressed="true"' in button
    assert '<span class="reaction-button__count">1</span>' in button
    preview = client.post(f"/articles/{article.slug}/comments/preview/", {"body": "*hi*"}, headers=HTMX)
    assert "<p><em>hi</em></p>" in preview.content.decode()


def test_htmx_delete_returns_the_tombstone(client, article, author):
    comment = factories.comment(article=article, author=author)
    client.force_login(author)
    card = client.post(f"/comments/{comment.pk}/delete/", {"confirmed": "1"}, headers=HTMX).content.decode()
    assert "This comment was deleted." in card


def test_pages_have_no_inline_script_or_style(client, article, author, other):
    top = factories.comment(article=article, author=author)
    factories.comment(article=article, author=other, parent=top)
    client.force_login(other)
    html = client.get(article.get_absolute_url()).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("src=" in tag or 'type="application/ld+json"' in tag for tag in scripts), scripts
    assert " style=" not in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert '"includeIndicatorStyles": false' in html
