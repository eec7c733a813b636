"""comments.services: posting, replies, validation, sanctions, limits, idempotency, edits,
tombstones, reactions, reports, moderation decisions, featuring and erasure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.accounts import services as accounts_services
from masthead.accounts.privacy import reader_export
from masthead.accounts.selectors import reader_comment_count
from masthead.comments import selectors, services
from masthead.comments.models import Comment, Reaction, Report, Thread
from masthead.core.errors import MastheadError
from masthead.core.models import AuditLogEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _thread_count(article) -> int:
    return Thread.objects.get(article=article).comment_count


def _error(call, **kwargs) -> MastheadError:
    with pytest.raises(MastheadError) as caught:
        call(**kwargs)
    return caught.value


# --- Posting -------------------------------------------------------------------------------


def test_post_publishes_renders_and_counts(article, author, live_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posted = services.comment_post(article=article, author=author, body="The pool *was* cold.\nBrrr.")

    comment = posted.comment
    assert posted.created
    assert comment.status == "published"
    assert comment.body == "The pool *was* cold.\nBrrr."
    assert comment.body_html == "<p>The pool <em>was</em> cold.<br>\nBrrr.</p>"
    assert (comment.depth, comment.parent_id, comment.path) == (0, None, "")
    assert _thread_count(article) == 1
    assert [e.event for e in live_events] == ["comment.published"]
    event = live_events[0]
    assert event.article_id == article.pk
    assert event.data["id"] == comment.pk
    assert event.data["author"]["username"] == "alma"
    assert event.data["created_at"].endswith("Z")


def test_replies_nest_and_keep_their_parent_at_any_depth(article, author, other):
    top = factories.comment(article=article, author=author)
    chain = [top]
    for level in range(1, 6):
        chain.append(factories.comment(article=article, author=[author, other][level % 2], parent=chain[-1]))

    deepest = chain[-1]
    assert deepest.depth == 5
    assert deepest.parent_id == chain[-2].pk
    assert deepest.ancestor_ids == [c.pk for c in chain[:-1]]
    assert deepest.root_id == top.pk
    top.refresh_from_db()
    assert top.reply_count == 1
    assert _thread_count(article) == 6


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\r\n"])
def test_an_empty_comment_is_refused(article, author, body):
    error = _error(services.comment_post, article=article, author=author, body=body)
    assert (error.status, error.code) == (422, "validation_error")
    assert "body" in error.fields
    assert not Comment.objects.exists()


def test_the_length_limit_is_configurable_and_says_by_how_much(article, author, settings):
    settings.COMMENT_MAX_LENGTH = 20
    services.comment_post(article=article, author=author, body="x" * 20)
    error = _error(services.comment_post, article=article, author=author, body="y" * 23)
    assert error.code == "validation_error"
    assert error.fields["body"] == ["Comments are limited to 20 characters; this one is 3 too long."]


def test_a_reply_to_another_articles_comment_is_refused(article, author, section):
    elsewhere = factories.article(headline="Ferry timetable cut", section=section)
    foreign = factories.comment(article=elsewhere, author=author)
    error = _error(services.comment_post, article=article, author=author, body="Hi", parent_id=foreign.pk)
    assert error.code == "validation_error"
    assert error.fields["parent_id"] == ["That comment belongs to another story's conversation."]


def test_a_reply_to_nothing_or_to_a_deleted_comment_is_refused(article, author, other):
    missing = _error(services.comment_post, article=article, author=author, body="Hi", parent_id=999_999)
    assert "parent_id" in missing.fields
    gone = factories.comment(article=article, author=other)
    services.comment_delete(comment=gone, actor=other)
    deleted = _error(services.comment_post, article=article, author=author, body="Hi", parent_id=gone.pk)
    assert deleted.fields["parent_id"] == ["That comment was deleted; you cannot reply to it."]


def test_closed_by_editors(section, author):
    article = factories.article(section=section, comments_enabled=False)
    error = _error(services.comment_post, article=article, author=author, body="Hi")
    assert (error.status, error.code) == (403, "comments_closed")


def test_comments_close_by_themselves_after_the_configured_days(section, author, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    fresh = factories.article(section=section, ago=timedelta(days=13, hours=23))
    old = factories.article(section=section, ago=timedelta(days=14, minutes=1))

    services.comment_post(article=fresh, author=author, body="Still open")
    error = _error(services.comment_post, article=old, author=author, body="Too late")
    assert error.code == "comments_closed"
    state = selectors.comments_state(old)
    assert (state.open, state.reason) == (False, "expired")
    assert state.closes_at == old.published_at + timedelta(days=14)
    assert "closed" in state.notice

    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # never by age
    assert selectors.comments_state(old).open


def test_an_editor_can_keep_a_thread_open_longer_but_closed_still_wins(section, author, editor):
    article = factories.article(section=section, ago=timedelta(days=30))
    services.thread_set_closing(article=article, closes_at=timezone.now() + timedelta(days=2), actor=editor)
    services.comment_post(article=article, author=author, body="Kept open")

    article.comments_enabled = False
    article.save(update_fields=["comments_enabled"])
    assert _error(services.comment_post, article=article, author=author, body="No").code == "comments_closed"
    assert AuditLogEntry.objects.filter(action="thread.closing").exists()


@pytest.mark.parametrize(
    ("standing", "code", "status"),
    [("suspended", "suspended", 403), ("banned", "banned", 403), ("unverified", "email_unverified", 403)],
)
def test_sanctioned_and_unverified_readers_cannot_post(article, standing, code, status):
    reader = factories.reader(verified=standing != "unverified")
    if standing == "suspended":
        accounts_services.reader_suspend(
            reader=reader, until=timezone.now() + timedelta(days=1), message="Cool off.", actor=None
        )
    if standing == "banned":
        accounts_services.reader_ban(reader=reader, message="Spam.", actor=None)
    error = _error(services.comment_post, article=article, author=reader, body="Let me in")
    assert (error.status, error.code) == (status, code)


def test_the_rate_limit_refuses_with_retry_after(article, author, settings):
    settings.COMMENT_RATE_LIMIT = "2/m"
    services.comment_post(article=article, author=author, body="one")
    services.comment_post(article=article, author=author, body="two")
    error = _error(services.comment_post, article=article, author=author, body="three")
    assert (error.status, error.code) == (429, "rate_limited")
    assert 1 <= int(error.headers["Retry-After"]) <= 120
    assert Comment.objects.count() == 2
    # Another reader has their own allowance; staff answer at their own pace.
    services.comment_post(article=article, author=factories.reader(), body="mine")
    staff = factories.reader(role="editor")
    for n in range(4):
        services.comment_post(article=article, author=staff, body=f"staff {n}")


def test_a_retried_post_with_the_same_key_creates_nothing(article, author, live_events):
    first = services.comment_post(article=article, author=author, body="Once", idempotency_key="k-1")
    again = services.comment_post(article=article, author=author, body="Once", idempotency_key="k-1")

    assert (first.created, again.created) == (True, False)
    assert again.comment.pk == first.comment.pk
    assert Comment.objects.count() == 1
    assert _thread_count(article) == 1
    # The key is the reader's: someone else's identical key is theirs to use.
    theirs = services.comment_post(
        article=article, author=factories.reader(), body="Once", idempotency_key="k-1"
    )
    assert theirs.created and theirs.comment.pk != first.comment.pk


def test_a_reused_key_for_a_different_comment_is_a_conflict(article, author):
    services.comment_post(article=article, author=author, body="Once", idempotency_key="k-2")
    error = _error(services.comment_post, article=article, author=author, body="Other", idempotency_key="k-2")
    assert (error.status, error.code) == (409, "conflict")


def test_a_replay_is_not_rate_limited(article, author, settings):
    settings.COMMENT_RATE_LIMIT = "1/m"
    services.comment_post(article=article, author=author, body="Once", idempotency_key="k-3")
    again = services.comment_post(article=article, author=author, body="Once", idempotency_key="k-3")
    assert not again.created


def test_a_key_older_than_a_day_is_free_again(article, author):
    first = services.comment_post(article=article, author=author, body="Once", idempotency_key="k-4").comment
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=25))
    again = services.comment_post(article=article, author=author, body="Once", idempotency_key="k-4")
    assert again.created and again.comment.pk != first.pk


# --- Moderation decisions ------------------------------------------------------------------


def test_a_held_comment_is_stored_pending_with_its_reason_and_not_announced(
    article, author, other, moderator, premoderation, live_events
):
    posted = services.comment_post(article=article, author=author, body="Hold me")

    assert posted.comment.status == "pending"
    assert posted.moderation == {"reason": "New readers' first comments are reviewed."}
    assert live_events == []
    assert Thread.objects.get(article=article).comment_count == 0
    # Only its author and moderators may see it.
    for viewer in (author, moderator):
        assert selectors.comment_get_visible(viewer=viewer, comment_id=posted.comment.pk)
    for viewer in (other, None):
        with pytest.raises(MastheadError) as caught:
            selectors.comment_get_visible(viewer=viewer, comment_id=posted.comment.pk)
        assert caught.value.code == "not_found"
    assert selectors.thread_page(article=article, viewer=author).items == []
    assert [c.pk for c in selectors.viewer_pending(article=article, viewer=author)] == [posted.comment.pk]
    assert selectors.viewer_pending(article=article, viewer=other) == []


def test_approving_publishes_counts_and_announces(article, author, moderator, premoderation, live_events):
    comment = services.comment_post(article=article, author=author, body="Hold me").comment
    services.comment_approve(comment=comment, actor=moderator, reason="Fine")

    comment.refresh_from_db()
    assert comment.status == "published"
    assert _thread_count(article) == 1
    assert [e.event for e in live_events] == ["comment.published"]
    assert AuditLogEntry.objects.filter(action="comment.approve", target_id=str(comment.pk)).exists()

    services.comment_reject(comment=comment, actor=moderator, reason="On reflection, no")
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == ("rejected", "On reflection, no")
    assert _thread_count(article) == 0
    assert live_events[-1].event == "comment.removed"


def test_a_reply_to_a_pending_comment_is_refused(article, author, premoderation):
    held = services.comment_post(article=article, author=author, body="Hold me").comment
    error = _error(services.comment_post, article=article, author=author, body="Me too", parent_id=held.pk)
    assert "parent_id" in error.fields


# --- Editing -------------------------------------------------------------------------------


def test_the_author_edits_within_the_window(article, author, live_events):
    comment = factories.comment(article=article, author=author, body="Teh pool")
    edited = services.comment_edit(comment=comment, editor=author, body="The **pool**")

    assert edited.body_html == "<p>The <strong>pool</strong></p>"
    assert edited.edited_at is not None
    assert [e.event for e in live_events] == ["comment.published", "comment.edited"]


def test_the_edit_window_closes(article, author, settings):
    settings.COMMENT_EDIT_WINDOW_SECONDS = 300
    comment = factories.comment(article=article, author=author)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(seconds=301))
    error = _error(services.comment_edit, comment=comment, editor=author, body="Too late")
    assert (error.status, error.code) == (403, "edit_window_closed")
    assert "5 minutes" in error.message


def test_only_the_author_edits(article, author, moderator):
    comment = factories.comment(article=article, author=author)
    assert (
        _error(services.comment_edit, comment=comment, editor=moderator, body="Mine now").code == "forbidden"
    )


# --- Deleting ------------------------------------------------------------------------------


def test_deleting_leaves_a_tombstone_and_the_replies_keep_their_place(article, author, other, live_events):
    parent = factories.comment(article=article, author=author, body="Original words")
    reply = factories.comment(article=article, author=other, parent=parent)

    services.comment_delete(comment=parent, actor=author)

    parent.refresh_from_db()
    assert parent.is_deleted and parent.deleted_by == "author"
    assert (parent.body, parent.body_html) == ("", "")
    assert parent.reply_count == 1
    assert _thread_count(article) == 1
    page = selectors.thread_page(article=article, viewer=None)
    assert [c.pk for c in page.items] == [parent.pk]
    assert [r.pk for r in page.items[0].shown_replies] == [reply.pk]
    assert live_events[-1].event == "comment.removed"
    assert live_events[-1].data["deleted"] is True
    assert live_events[-1].data["author"] is None
    # Twice is fine, and counts once.
    services.comment_delete(comment=parent, actor=author)
    assert _thread_count(article) == 1


def test_a_moderator_deletes_anyone_and_it_is_logged_with_the_words(article, author, moderator):
    comment = factories.comment(article=article, author=author, body="Rude words")
    services.comment_delete(comment=comment, actor=moderator, reason="Abuse")
    entry = AuditLogEntry.objects.get(action="comment.delete")
    assert (entry.reason, entry.data["body"], entry.actor) == ("Abuse", "Rude words", moderator)


def test_other_readers_cannot_delete(article, author, other):
    comment = factories.comment(article=article, author=author)
    assert _error(services.comment_delete, comment=comment, actor=other).code == "forbidden"


# --- Reactions and reports -----------------------------------------------------------------


def test_reactions_are_idempotent_and_counted(article, author, other):
    comment = factories.comment(article=article, author=author)
    third = factories.reader()

    assert services.reaction_set(comment=comment, reader=other) == services.ReactionState(1, True)
    assert services.reaction_set(comment=comment, reader=other) == services.ReactionState(1, True)
    assert services.reaction_set(comment=comment, reader=third) == services.ReactionState(2, True)
    assert services.reaction_remove(comment=comment, reader=other) == services.ReactionState(1, False)
    assert services.reaction_remove(comment=comment, reader=other) == services.ReactionState(1, False)
    assert services.reaction_toggle(comment=comment, reader=other) == services.ReactionState(2, True)
    assert Reaction.objects.filter(comment=comment).count() == 2


def test_no_reacting_to_your_own_or_to_a_deleted_comment(article, author, other):
    comment = factories.comment(article=article, author=author)
    assert _error(services.reaction_set, comment=comment, reader=author).code == "forbidden"
    services.comment_delete(comment=comment, actor=author)
    assert _error(services.reaction_set, comment=comment, reader=other).code == "conflict"


def test_a_report_counts_once_per_reader(article, author, other):
    comment = factories.comment(article=article, author=author)
    first, created = services.report_create(comment=comment, reader=other, reason="spam", note="Link farm")
    again, created_again = services.report_create(comment=comment, reader=other, reason="abuse")

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert (again.reason, again.note) == ("abuse", "Link farm")
    services.report_create(comment=comment, reader=factories.reader(), reason="other")
    comment.refresh_from_db()
    assert comment.report_count == 2
    assert Report.objects.filter(comment=comment).count() == 2


def test_a_report_needs_a_known_reason_and_not_your_own_comment(article, author, other):
    comment = factories.comment(article=article, author=author)
    assert "reason" in _error(services.report_create, comment=comment, reader=other, reason="boring").fields
    assert _error(services.report_create, comment=comment, reader=author, reason="spam").code == "forbidden"


# --- Featuring -----------------------------------------------------------------------------


def test_featuring_is_logged_announced_and_listed(article, author, other, moderator, live_events):
    first = factories.comment(article=article, author=author)
    reply = factories.comment(article=article, author=other, parent=first)
    factories.comment(article=article, author=other)

    services.comment_feature(comment=reply, actor=moderator, reason="Insightful")
    services.comment_feature(comment=first, actor=moderator)

    featured = selectors.thread_page(article=article, viewer=None, sort="featured")
    assert [c.pk for c in featured.items] == [first.pk, reply.pk]
    assert live_events[-1].event == "comment.featured"
    assert live_events[-1].data["featured"] is True
    services.comment_unfeature(comment=first, actor=moderator)
    assert live_events[-1].data["featured"] is False
    assert [c.pk for c in selectors.thread_page(article=article, viewer=None, sort="featured").items] == [
        reply.pk
    ]
    actions = list(AuditLogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["comment.feature", "comment.feature", "comment.unfeature"]


# --- Erasure, export, counts, badges -------------------------------------------------------


def test_a_deleted_account_leaves_tombstones(article, author, other):
    mine = factories.comment(article=article, author=author, body="Mine")
    reply = factories.comment(article=article, author=other, parent=mine)
    services.reaction_set(comment=reply, reader=author)

    accounts_services.reader_erase(reader=author)

    mine.refresh_from_db()
    reply.refresh_from_db()
    assert mine.author is None and mine.is_deleted and mine.body == ""
    assert mine.deleted_by == "erasure"
    assert reply.reaction_count == 0
    assert _thread_count(article) == 1
    assert [c.pk for c in selectors.thread_page(article=article, viewer=None).items] == [mine.pk]


def test_the_export_holds_the_readers_comments_reactions_and_reports(article, author, other):
    comment = factories.comment(article=article, author=author, body="My *words*")
    theirs = factories.comment(article=article, author=other)
    services.reaction_set(comment=theirs, reader=author)
    services.report_create(comment=theirs, reader=author, reason="off_topic", note="Not about baths")

    sections = reader_export(reader=author)["sections"]

    [exported] = sections["comments"]
    assert (exported["id"], exported["body"], exported["article"]) == (comment.pk, "My *words*", article.slug)
    assert sections["comment_reactions"][0]["comment_id"] == theirs.pk
    assert sections["comment_reports"][0]["reason"] == "off_topic"


def test_reader_comment_count_counts_published_comments_still_there(article, author):
    factories.comment(article=article, author=author)
    gone = factories.comment(article=article, author=author)
    services.comment_delete(comment=gone, actor=author)
    assert reader_comment_count(author) == 1


def test_badges_for_staff_and_the_articles_own_author(section, other):
    journalist = factories.reader(username="jo_writer")
    byline = factories.author(name="Jo Writer")
    byline.reader = journalist
    byline.save()
    article = factories.article(section=section, authors=[byline])
    elsewhere = factories.article(section=section)
    moderator = factories.reader(role="moderator")
    for writer in (journalist, moderator, other):
        factories.comment(article=article, author=writer)
    factories.comment(article=elsewhere, author=journalist)

    badges = {c.author.username: c.badges for c in selectors.thread_page(article=article, viewer=None).items}
    assert badges[journalist.username] == ["author"]
    assert badges[moderator.username] == ["staff"]
    assert badges[other.username] == []
    [on_other_story] = selectors.thread_page(article=elsewhere, viewer=None).items
    assert on_other_story.badges == []
