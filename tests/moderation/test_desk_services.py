"""The moderators' actions (moderation.services): on comments, in bulk, on readers; reports
and their weights; and the log entry every action leaves."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from masthead.accounts.selectors import reader_can_post
from masthead.comments import signals
from masthead.comments.models import Comment, Report
from masthead.comments.services import comment_delete, report_create
from masthead.core.errors import MastheadError
from masthead.moderation import reports, selectors, services
from masthead.moderation.models import CommentReview, ReaderWarning, ReporterRecord
from tests import factories
from tests.moderation.conftest import pending, post, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]


def entries(action: str | None = None):
    """The moderation log's entries, oldest first."""
    rows = selectors.log_entries().order_by("id")
    return rows.filter(action=action) if action else rows


def reported_by(comment, count: int, *, reason: str = "abuse") -> list:
    readers = [factories.reader() for _ in range(count)]
    for reader in readers:
        report_create(comment=comment, reader=reader, reason=reason)
    return readers


# --- Decisions on comments.


def test_approving_a_pending_comment_publishes_it_and_logs_who(article, moderator):
    comment = pending(article)

    decided = services.comment_moderate(actor=moderator, comment=comment, action="approve", reason="Fine.")

    assert decided.status == "published"
    review = CommentReview.objects.get(comment=comment)
    assert (review.decision, review.decided_by) == ("approved", moderator)
    assert review.wait_seconds is not None and review.wait_seconds >= 0
    [entry] = entries("comment.approve")
    assert (entry.actor, entry.target_id, entry.reason) == (moderator, str(comment.pk), "Fine.")
    article.comment_thread.refresh_from_db()
    assert article.comment_thread.comment_count == 1


def test_rejecting_tells_the_author_through_comment_rejected(
    article, moderator, django_capture_on_commit_callbacks
):
    comment = pending(article)
    heard = []

    def receiver(sender, comment, reason, **kwargs):
        heard.append((comment.pk, reason))

    signals.comment_rejected.connect(receiver, dispatch_uid="test-desk-rejected")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_moderate(
                actor=moderator, comment=comment, action="reject", reason="Personal attack."
            )
    finally:
        signals.comment_rejected.disconnect(dispatch_uid="test-desk-rejected")

    assert heard == [(comment.pk, "Personal attack.")]
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == ("rejected", "Personal attack.")
    assert entries("comment.reject").get().reason == "Personal attack."


def test_a_rejection_without_a_reason_gives_the_author_a_sentence(article, moderator):
    comment = pending(article)
    services.comment_moderate(actor=moderator, comment=comment, action="reject")

    comment.refresh_from_db()
    assert comment.moderation_reason == services.DEFAULT_REJECT_REASON  # not "waiting for a moderator"


def test_feature_and_unfeature(article, moderator, no_probation):
    comment = published(article)

    services.comment_moderate(actor=moderator, comment=comment, action="feature")
    assert Comment.objects.get(pk=comment.pk).featured
    services.comment_moderate(actor=moderator, comment=comment, action="unfeature")
    assert not Comment.objects.get(pk=comment.pk).featured
    assert [e.action for e in entries()] == ["moderation.settings", "comment.feature", "comment.unfeature"]


def test_only_a_published_comment_can_be_featured(article, moderator):
    comment = pending(article)
    with pytest.raises(MastheadError) as caught:
        services.comment_moderate(actor=moderator, comment=comment, action="feature")
    assert (caught.value.code, caught.value.status) == ("conflict", 409)


def test_a_deleted_comment_cannot_be_decided(article, moderator):
    comment = pending(article)
    comment_delete(comment=comment, actor=comment.author)

    with pytest.raises(MastheadError) as caught:
        services.comment_moderate(actor=moderator, comment=comment, action="approve")
    assert caught.value.code == "conflict"


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_moderators_decide(article, role):
    comment = pending(article)
    someone = factories.reader(role=role)
    for action in services.COMMENT_ACTIONS:
        with pytest.raises(MastheadError) as caught:
            services.comment_moderate(actor=someone, comment=comment, action=action)
        assert (caught.value.code, caught.value.status) == ("forbidden", 403)
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert not entries().exists()


def test_admins_moderate_too(article):
    comment = pending(article)
    admin = factories.reader(username="ada", role="admin")
    assert services.comment_moderate(actor=admin, comment=comment, action="approve").status == "published"


def test_an_unknown_action_or_a_long_reason_is_422(article, moderator):
    comment = pending(article)
    with pytest.raises(MastheadError) as caught:
        services.comment_moderate(actor=moderator, comment=comment, action="obliterate")
    assert caught.value.status == 422
    with pytest.raises(MastheadError) as caught:
        services.comment_moderate(actor=moderator, comment=comment, action="reject", reason="x" * 501)
    assert caught.value.fields == {"reason": ["At most 500 characters."]}


# --- Bulk.


def test_bulk_approve_decides_each_and_reports_what_could_not_be(article, moderator):
    comments = [pending(article) for _ in range(3)]
    gone = pending(article)
    comment_delete(comment=gone, actor=gone.author)

    result = services.comments_bulk_moderate(
        actor=moderator, comment_ids=[c.pk for c in comments] + [gone.pk, 999_999], action="approve"
    )

    assert result.done == [c.pk for c in comments]
    assert [(f["id"], f["code"]) for f in result.failed] == [(gone.pk, "conflict"), (999_999, "not_found")]
    assert set(Comment.objects.filter(pk__in=result.done).values_list("status", flat=True)) == {"published"}
    assert entries("comment.approve").count() == 3


def test_bulk_reject_gives_every_author_the_reason(article, moderator):
    comments = [pending(article) for _ in range(2)]
    services.comments_bulk_moderate(
        actor=moderator, comment_ids=[c.pk for c in comments], action="reject", reason="Spam run."
    )
    assert set(Comment.objects.values_list("status", "moderation_reason")) == {("rejected", "Spam run.")}


def test_bulk_refuses_other_actions_and_too_many(article, moderator):
    with pytest.raises(MastheadError):
        services.comments_bulk_moderate(actor=moderator, comment_ids=[1], action="feature")
    with pytest.raises(MastheadError) as caught:
        services.comments_bulk_moderate(actor=moderator, comment_ids=list(range(1, 102)), action="approve")
    assert caught.value.fields == {"ids": ["At most 100 at a time."]}


# --- Reports: the threshold, and reporters' weights.


def test_three_reports_send_a_published_comment_to_the_reported_queue(article, moderator, no_probation):
    comment = published(article)

    reported_by(comment, 2)
    assert not selectors.moderation_queue(viewer=moderator, queue="reported").items

    reported_by(comment, 1)
    [queued] = selectors.moderation_queue(viewer=moderator, queue="reported").items
    assert queued.pk == comment.pk
    assert queued.status == "published"  # still visible to readers while it waits
    assert [r.reason for r in queued.open_reports_list] == ["abuse"] * 3
    assert selectors.queue_counts(viewer=moderator, fresh=True) == {"pending": 0, "reported": 1}


def test_the_threshold_is_a_setting(article, moderator, no_probation):
    services.moderation_settings_update(actor=moderator, changes={"report_threshold": 1})
    comment = published(article)
    reported_by(comment, 1)
    assert CommentReview.objects.get(comment=comment).reported_at is not None


def test_keeping_a_reported_comment_dismisses_its_reports(article, moderator, no_probation):
    comment = published(article)
    reporters = reported_by(comment, 3)

    services.comment_moderate(actor=moderator, comment=comment, action="approve")

    assert Comment.objects.get(pk=comment.pk).status == "published"
    assert not selectors.moderation_queue(viewer=moderator, queue="reported").items
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    assert {(r.reader_id, r.upheld, r.dismissed) for r in ReporterRecord.objects.all()} == {
        (r.pk, 0, 1) for r in reporters
    }
    entry = entries("comment.approve").get()
    assert entry.data == {"unchanged": True, "reports_dismissed": 3}  # recorded though nothing changed


def test_rejecting_a_reported_comment_upholds_its_reports(article, moderator, no_probation):
    comment = published(article)
    reporters = reported_by(comment, 3)

    services.comment_moderate(actor=moderator, comment=comment, action="reject", reason="Abuse.")

    assert Comment.objects.get(pk=comment.pk).status == "rejected"
    assert {(r.reader_id, r.upheld, r.dismissed) for r in ReporterRecord.objects.all()} == {
        (r.pk, 1, 0) for r in reporters
    }
    assert CommentReview.objects.get(comment=comment).wait_seconds is not None


def test_a_comment_reported_again_after_a_decision_starts_from_nothing(article, moderator, no_probation):
    comment = published(article)
    reported_by(comment, 3)
    services.comment_moderate(actor=moderator, comment=comment, action="approve")

    reported_by(comment, 2)
    review = CommentReview.objects.get(comment=comment)
    assert (review.open_reports, review.report_weight, review.reported_at) == (2, 2.0, None)


def test_readers_whose_reports_are_mostly_dismissed_weigh_less(article, moderator, no_probation):
    serial = factories.reader(username="serial")
    for _ in range(5):  # five of their reports dismissed
        comment = published(article)
        report_create(comment=comment, reader=serial, reason="spam")
        services.comment_moderate(actor=moderator, comment=comment, action="approve")
    record = ReporterRecord.objects.get(reader=serial)
    assert (record.upheld, record.dismissed) == (0, 5)
    assert services.reporter_weight(serial.pk) == reports.FLOOR

    target = published(article)
    report_create(comment=target, reader=serial, reason="spam")
    reported_by(target, 2)
    review = CommentReview.objects.get(comment=target)
    assert review.report_weight == pytest.approx(2.1)
    assert review.reported_at is None  # 2.1 < 3: the serial reporter no longer tips it
    reported_by(target, 1)
    assert CommentReview.objects.get(comment=target).reported_at is not None


@pytest.mark.parametrize(
    ("upheld", "dismissed", "weight"),
    [(0, 0, 1.0), (0, 4, 1.0), (5, 5, 1.0), (10, 0, 1.0), (2, 6, 0.5), (1, 9, 0.2), (0, 20, 0.1)],
)
def test_report_weight(upheld, dismissed, weight):
    assert reports.report_weight(upheld=upheld, dismissed=dismissed) == pytest.approx(weight)


# --- Readers: warnings and sanctions.


def test_a_warning_is_kept_emailed_and_logged(article, moderator, django_capture_on_commit_callbacks):
    comment = pending(article)
    author = comment.author

    with django_capture_on_commit_callbacks(execute=True):
        services.reader_moderate(
            actor=moderator, reader=author, action="warn", message="Keep it civil, please.", comment=comment
        )

    warning = ReaderWarning.objects.get()
    assert (warning.reader, warning.moderator, warning.comment) == (author, moderator, comment)
    entry = entries("reader.warn").get()
    assert (entry.actor, entry.target_id, entry.reason) == (
        moderator,
        str(author.pk),
        "Keep it civil, please.",
    )
    [email] = [m for m in mail.outbox if author.email in m.to]
    assert "Keep it civil, please." in email.body
    reader_can_post(author)  # a warning is not a sanction


def test_a_suspension_stops_the_reader_and_ends_by_itself(
    article, moderator, django_capture_on_commit_callbacks
):
    someone = factories.reader()
    until = timezone.now() + timedelta(hours=24)

    with django_capture_on_commit_callbacks(execute=True):
        services.reader_moderate(
            actor=moderator, reader=someone, action="suspend", message="Cool off.", until=until
        )

    with pytest.raises(MastheadError) as caught:
        post(article, someone)
    assert caught.value.code == "suspended"
    assert "Cool off." in caught.value.message
    entry = entries("reader.suspend").get()
    assert entry.data == {"until": until.isoformat()}
    assert any("suspended until" in m.body for m in mail.outbox if someone.email in m.to)

    later = timezone.now() + timedelta(hours=25)
    with mock.patch("django.utils.timezone.now", return_value=later):
        someone.refresh_from_db()
        reader_can_post(someone)  # nobody lifted it: it ended at `until`
        assert (
            selectors.reader_record(viewer=moderator, username=someone.username)["standing"]["status"]
            == "active"
        )


def test_a_suspension_needs_a_future_end_within_a_year_and_a_message(moderator):
    someone = factories.reader()
    cases = [
        ({"until": None, "message": "Why."}, "until"),
        ({"until": timezone.now() - timedelta(minutes=1), "message": "Why."}, "until"),
        ({"until": timezone.now() + timedelta(days=400), "message": "Why."}, "until"),
        ({"until": timezone.now() + timedelta(days=1), "message": "  "}, "message"),
    ]
    for values, field in cases:
        with pytest.raises(MastheadError) as caught:
            services.reader_moderate(actor=moderator, reader=someone, action="suspend", **values)
        assert caught.value.status == 422
        assert field in caught.value.fields
    assert not entries().exists()


def test_ban_and_reinstate(article, moderator):
    someone = factories.reader()
    services.reader_moderate(actor=moderator, reader=someone, action="ban", message="Spam account.")
    with pytest.raises(MastheadError) as caught:
        post(article, someone)
    assert caught.value.code == "banned"

    services.reader_moderate(actor=moderator, reader=someone, action="reinstate")
    someone.refresh_from_db()
    reader_can_post(someone)
    assert [e.action for e in entries()] == ["reader.ban", "reader.reinstate"]


def test_staff_cannot_be_sanctioned_from_the_desk(moderator):
    for role in ("moderator", "editor", "admin"):
        colleague = factories.reader(role=role)
        with pytest.raises(MastheadError) as caught:
            services.reader_moderate(actor=moderator, reader=colleague, action="ban", message="No.")
        assert caught.value.code == "forbidden"


def test_only_moderators_sanction(article):
    someone = factories.reader()
    editor = factories.reader(role="editor")
    for action in services.READER_ACTIONS:
        with pytest.raises(MastheadError) as caught:
            services.reader_moderate(
                actor=editor,
                reader=someone,
                action=action,
                message="x",
                until=timezone.now() + timedelta(days=1),
            )
        assert caught.value.code == "forbidden"


# --- Nothing a moderator does is unrecorded.

COMMENT_CASES = [
    ("approve", "pending", "comment.approve"),
    ("reject", "pending", "comment.reject"),
    ("approve", "published", "comment.approve"),  # keep: dismisses reports
    ("reject", "published", "comment.reject"),
    ("approve", "rejected", "comment.approve"),  # reverse a rejection
    ("reject", "rejected", "comment.reject"),  # nothing to change: still recorded
    ("feature", "published", "comment.feature"),
    ("unfeature", "published", "comment.unfeature"),  # was not featured: still recorded
]


@pytest.mark.parametrize(("action", "status", "logged"), COMMENT_CASES)
def test_every_comment_action_leaves_one_entry(article, moderator, action, status, logged):
    comment = pending(article)
    if status != "pending":
        services.comment_moderate(
            actor=moderator, comment=comment, action="approve" if status == "published" else "reject"
        )
    before = entries().count()

    services.comment_moderate(actor=moderator, comment=comment, action=action, reason="Because.")

    new = list(entries()[before:])
    assert [(e.action, e.actor, e.target_id, e.reason) for e in new] == [
        (logged, moderator, str(comment.pk), "Because.")
    ]


@pytest.mark.parametrize("action", services.READER_ACTIONS)
def test_every_reader_action_leaves_one_entry(moderator, action):
    someone = factories.reader()
    services.reader_moderate(
        actor=moderator,
        reader=someone,
        action=action,
        message="Noted.",
        until=timezone.now() + timedelta(days=2),
    )
    [entry] = entries()
    assert (entry.action, entry.actor, entry.target_id, entry.reason) == (
        f"reader.{action}",
        moderator,
        str(someone.pk),
        "Noted.",
    )


def test_settings_and_modes_are_in_the_log_too(article, moderator):
    services.moderation_settings_update(
        actor=moderator,
        changes={"report_threshold": 5},
        section_modes={article.section.slug: "pre"},
        article_modes={article.slug: "closed"},
    )
    assert [e.action for e in entries()] == [
        "moderation.settings",
        "moderation.section_mode",
        "moderation.article_mode",
    ]
    page = selectors.moderation_log(viewer=moderator)
    assert [e.action for e in page.items] == [
        "moderation.article_mode",
        "moderation.section_mode",
        "moderation.settings",
    ]
