"""The moderators' desk pages (/moderation/): queues, cards, actions with and without htmx,
a reader's record, the log, the settings page, the metrics, and the header's link."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.services import report_create
from masthead.core.models import AuditLogEntry
from masthead.moderation import services
from masthead.moderation.models import ModerationSettings, ReaderWarning, SectionModeration
from tests import factories
from tests.moderation.conftest import pending, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def test_the_desk_opens_on_the_pending_queue(desk_client):
    response = desk_client.get("/moderation/")
    assert response.status_code == 302
    assert response["Location"] == "/moderation/queue/pending/"


def test_a_pending_card_shows_the_comment_in_context_and_why(desk_client, article, no_probation):
    parent = factories.comment(
        article=article, author=factories.reader(username="otto"), body="The baths matter."
    )
    services.moderation_settings_update(actor=None, changes={"new_reader_count": 2})
    author = factories.reader(username="nell", display_name="Nell")
    comment = pending(article, author, body="See https://spam.example for more.", parent=parent)

    response = desk_client.get("/moderation/queue/pending/")

    assert response.status_code == 200
    html = response.content.decode()
    card = html[html.index(f'id="mod-comment-{comment.pk}"') :]
    assert article.headline in card  # the article
    assert "In reply to @otto" in card and "The baths matter." in card  # the parent
    assert "spam.example" in card  # the comment
    assert "links to spam.example" in card  # why: the rule and what it found
    assert "new reader: 0 of 2 approved" in card
    assert "History and sanctions" in card  # the author's record, one click away
    assert f"/moderation/readers/nell/?partial=1&amp;comment={comment.pk}" in card
    assert 'id="desk-count-pending"' in html and re.search(r'id="desk-count-pending"[^>]*>1<', html)
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither


def test_a_reported_card_lists_the_reports_with_reasons(desk_client, article, no_probation):
    comment = published(article)
    for reason, note in (("abuse", "Nasty."), ("spam", ""), ("other", "Off")):
        report_create(comment=comment, reader=factories.reader(), reason=reason, note=note)

    html = desk_client.get("/moderation/queue/reported/").content.decode()

    assert "3 open reports" in html
    assert "Abuse, harassment or hate" in html and "“Nasty.”" in html
    assert "Keep (dismiss reports)" in html


def test_the_queue_filters_by_article_section_and_rule(desk_client, article, no_probation):
    other = factories.article(headline="Ferry timetable")
    services.moderation_settings_update(actor=None, changes={"new_reader_count": 2})
    linked = pending(article, body="Read https://spam.example now.")
    plain = pending(other)

    def shown(query: str) -> set[int]:
        html = desk_client.get(f"/moderation/queue/pending/{query}").content.decode()
        return {int(pk) for pk in re.findall(r'data-comment-id="(\d+)"', html)}

    assert shown("") == {linked.pk, plain.pk}
    assert shown(f"?article={article.slug}") == {linked.pk}
    assert shown(f"?section={other.section.slug}") == {plain.pk}
    assert shown("?rule=links") == {linked.pk}
    assert shown("?rule=new_readers") == {linked.pk, plain.pk}
    assert desk_client.get("/moderation/queue/pending/?rule=nonsense").status_code == 404
    assert desk_client.get("/moderation/queue/elsewhere/").status_code == 404


def test_approve_without_javascript_posts_and_comes_back(desk_client, article):
    comment = pending(article)
    response = desk_client.post(
        f"/moderation/comments/{comment.pk}/approve/", {"next": "/moderation/queue/pending/?section=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/moderation/queue/pending/?section=x"
    assert Comment.objects.get(pk=comment.pk).status == "published"


def test_approve_with_htmx_swaps_the_card_and_the_counts(desk_client, article):
    first, second = pending(article), pending(article)

    response = desk_client.post(f"/moderation/comments/{first.pk}/approve/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="mod-comment-{first.pk}"' in html and "data-decided" in html
    assert "Approved: comment by" in html
    assert re.search(r'id="desk-count-pending"[^>]*hx-swap-oob="true"[^>]*>1<', html)
    assert second.pk  # still waiting


def test_reject_with_a_reason_from_the_form(desk_client, article):
    comment = pending(article)
    desk_client.post(f"/moderation/comments/{comment.pk}/reject/", {"reason": "Off topic."}, **HTMX)
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == ("rejected", "Off topic.")


def test_an_action_that_cannot_be_done_says_why_in_the_card(desk_client, article):
    comment = pending(article)
    response = desk_client.post(f"/moderation/comments/{comment.pk}/feature/", **HTMX)
    assert "Only a published comment can be featured." in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_bulk_from_the_page(desk_client, article):
    comments = [pending(article) for _ in range(3)]
    response = desk_client.post(
        "/moderation/comments/bulk/",
        {"ids": [c.pk for c in comments[:2]], "action": "reject", "reason": "Spam.", "next": "/moderation/"},
    )
    assert response.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in comments] == ["rejected", "rejected", "pending"]
    follow = desk_client.get("/moderation/queue/pending/")
    assert "Rejected: 2 comments." in follow.content.decode()


def test_the_readers_record_and_sanctions(desk_client, article, moderator):
    comment = pending(article)
    author = comment.author
    services.comment_moderate(actor=moderator, comment=comment, action="reject", reason="Rude.")

    panel = desk_client.get(f"/moderation/readers/{author.username}/?partial=1&comment={comment.pk}")
    html = panel.content.decode()
    assert "<html" not in html  # a fragment for the card
    assert "0 published" in html and "1 rejected" in html
    assert "joined" in html and "In good standing" in html

    desk_client.post(
        f"/moderation/readers/{author.username}/warn/",
        {"message": "Mind the tone.", "comment": comment.pk},
        **HTMX,
    )
    assert ReaderWarning.objects.get().comment_id == comment.pk
    response = desk_client.post(
        f"/moderation/readers/{author.username}/suspend/", {"message": "Cool off.", "hours": "72"}, **HTMX
    )
    html = response.content.decode()
    assert "Suspended." in html and "Suspended until" in html
    author.refresh_from_db()
    assert author.suspended_until > timezone.now() + timedelta(hours=71)
    assert "warn" in html and "suspend" in html  # past sanctions listed

    page = desk_client.get(f"/moderation/readers/{author.username}/")
    assert page.status_code == 200 and "Reinstate" in page.content.decode()
    response = desk_client.post(f"/moderation/readers/{author.username}/reinstate/", {"message": ""})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.suspended_until is None


def test_a_suspension_until_an_exact_moment(desk_client):
    someone = factories.reader(username="sid")
    when = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    desk_client.post(
        "/moderation/readers/sid/suspend/", {"message": "Two days.", "until": when.strftime("%Y-%m-%dT%H:%M")}
    )
    someone.refresh_from_db()
    assert someone.suspended_until == when


def test_a_sanction_without_a_message_is_refused_on_the_page(desk_client):
    factories.reader(username="sid")
    response = desk_client.post("/moderation/readers/sid/ban/", {"message": ""}, **HTMX)
    assert "Say why: the reader is told." in response.content.decode()


def test_the_log_page_lists_and_filters(desk_client, article, moderator):
    comment = pending(article)
    services.comment_moderate(actor=moderator, comment=comment, action="approve", reason="Fine by me.")
    services.reader_moderate(actor=moderator, reader=comment.author, action="warn", message="Careful.")

    html = desk_client.get("/moderation/log/").content.decode()
    assert "comment.approve" in html and "Fine by me." in html and "reader.warn" in html
    filtered = desk_client.get("/moderation/log/?action=reader.warn").content.decode()
    assert 'data-log-entry="reader.warn"' in filtered and 'data-log-entry="comment.approve"' not in filtered
    by_comment = desk_client.get(f"/moderation/log/?comment={comment.pk}").content.decode()
    assert (
        'data-log-entry="comment.approve"' in by_comment and 'data-log-entry="reader.warn"' not in by_comment
    )
    by_reader = desk_client.get(f"/moderation/log/?reader={comment.author.username}").content.decode()
    assert 'data-log-entry="reader.warn"' in by_reader and 'data-log-entry="comment.approve"' not in by_reader


def test_the_settings_page_saves_through_the_service(desk_client, section, article):
    form = desk_client.get("/moderation/settings/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "kill yourself" in html and "gov.uk" in html

    data = {
        "mode": "post",
        "banned_words": "kill yourself\nkys",
        "suspect_words": "idiot*",
        "allowed_words": "bloody",
        "link_policy": "hold_all",
        "link_allowlist": "gov.uk\nhttps://www.example.org/page",
        "toxicity_threshold": "0.7",
        "new_reader_count": "3",
        "new_reader_probation_days": "7",
        "rejection_rate_threshold": "0.5",
        "rejection_rate_min_comments": "4",
        "report_threshold": "5",
        f"section_{section.slug}": "pre",
        "article": article.slug,
        "article_mode": "closed",
    }
    response = desk_client.post("/moderation/settings/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    row = ModerationSettings.load()
    assert (row.link_policy, row.new_reader_count, row.report_threshold) == ("hold_all", 3, 5)
    assert row.link_allowlist.splitlines() == ["gov.uk", "example.org"]
    assert SectionModeration.objects.get(section=section).mode == "pre"
    assert article.moderation.mode == "closed"
    assert AuditLogEntry.objects.filter(action="moderation.settings", actor__username="maya").exists()


def test_the_settings_page_shows_the_services_errors(desk_client):
    data = {
        "mode": "post",
        "banned_words": "x",  # one letter: too short to match only what is meant
        "suspect_words": "",
        "allowed_words": "",
        "link_policy": "allowlist",
        "link_allowlist": "",
        "toxicity_threshold": "0.8",
        "new_reader_count": "2",
        "new_reader_probation_days": "7",
        "rejection_rate_threshold": "0.5",
        "rejection_rate_min_comments": "4",
        "report_threshold": "3",
        "article": "no-such-story",
        "article_mode": "pre",
    }
    response = desk_client.post("/moderation/settings/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is too short to match only what you mean" in html
    assert "No article by that slug." in html
    assert ModerationSettings.load().banned_words != "x"


def test_the_metrics_page(desk_client, article, moderator):
    comment = pending(article)
    services.comment_moderate(actor=moderator, comment=comment, action="reject")
    html = desk_client.get("/moderation/metrics/?days=7").content.decode()
    assert "Median time to a decision" in html
    assert 'data-rule="new_readers"' in html
    assert "<svg" in html and "<polyline" in html
    assert desk_client.get("/moderation/metrics/?days=5").status_code == 404


def test_editors_see_the_metrics_but_not_the_desk(article):
    client = Client()
    client.force_login(factories.reader(username="edna", role="editor"))
    assert client.get("/moderation/metrics/").status_code == 200
    assert client.get("/moderation/queue/pending/").status_code == 403


def test_one_comment_page(desk_client, article):
    comment = pending(article)
    response = desk_client.get(f"/moderation/comments/{comment.pk}/")
    assert response.status_code == 200
    assert f'data-comment-id="{comment.pk}"' in response.content.decode()
    assert desk_client.get("/moderation/comments/999999/").status_code == 404


def test_the_header_shows_moderators_the_waiting_count(desk_client, article):
    pending(article)
    html = desk_client.get("/").content.decode()
    assert 'class="moderation-link"' in html
    assert re.search(r'data-moderation-count="waiting">1<', html)

    reader = Client()
    reader.force_login(factories.reader())
    assert "moderation-link" not in reader.get("/").content.decode()
    editor = Client()
    editor.force_login(factories.reader(role="editor"))
    assert "moderation-link" not in editor.get("/").content.decode()


def test_a_moderation_closed_story_shows_as_closed(client, article, moderator):
    services.article_mode_set(article=article, mode="closed", actor=moderator)
    reader = factories.reader()
    client.force_login(reader)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comments-closed"' in html
    assert "Join the conversation" not in html
    assert client.get(f"/api/v1/articles/{article.slug}/comments").json()["comments_open"] is False
