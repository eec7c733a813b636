"""The editors' metrics: queue size over time, time to a decision, the share decided
automatically, what each rule held and how it ended."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.core.errors import MastheadError
from masthead.moderation import metrics, services, tasks
from masthead.moderation.models import QueueSnapshot
from masthead.moderation.templatetags.moderation_tags import duration, percent
from tests import factories
from tests.moderation.conftest import pending, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]


def test_snapshots_by_task_and_by_command(article):
    pending(article)
    tasks.snapshot_queues.enqueue()  # the immediate backend runs it here
    call_command("moderation_snapshot", stdout=mock.MagicMock())
    assert list(QueueSnapshot.objects.values_list("pending", "reported")) == [(1, 0), (1, 0)]


def test_a_snapshot_is_queued_at_most_every_ten_minutes():
    assert tasks.snapshot_soon() is True
    assert tasks.snapshot_soon() is False
    assert QueueSnapshot.objects.count() == 1


def test_median_time_to_a_decision(article, moderator):
    now = timezone.now()
    comments = [pending(article) for _ in range(3)]
    for comment, minutes in zip(comments, (10, 30, 90), strict=True):
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=minutes))
    for comment in comments:
        services.comment_moderate(actor=moderator, comment=comment, action="approve")

    m = metrics.moderation_metrics(viewer=moderator, days=1)

    assert m.decisions == 3
    assert m.median_wait_seconds == pytest.approx(30 * 60, abs=5)
    assert m.p90_wait_seconds == pytest.approx(90 * 60, abs=5)


def test_the_share_decided_automatically(article, moderator):
    services.moderation_settings_update(actor=moderator, changes={"new_reader_count": 0})
    for _ in range(6):
        post(article)  # published by the pipeline
    rejected = post(article, body="kys")  # rejected by the pipeline (a banned word)
    assert rejected.status == "rejected"
    services.moderation_settings_update(actor=moderator, changes={"new_reader_count": 2})
    by_hand = pending(article)
    services.comment_moderate(actor=moderator, comment=by_hand, action="approve")
    pending(article)  # still waiting: not decided yet

    m = metrics.moderation_metrics(viewer=moderator, days=7)

    assert (m.posted, m.decided, m.decided_automatically, m.still_pending) == (9, 8, 7, 1)
    assert m.automatic_share == pytest.approx(7 / 8)


def test_what_each_rule_held_and_how_it_ended(article, moderator):
    linked = pending(article, body="Details at https://spam.example please.")
    plain = pending(article)
    kept = pending(article)
    services.comment_moderate(actor=moderator, comment=linked, action="reject")
    services.comment_moderate(actor=moderator, comment=plain, action="reject")
    services.comment_moderate(actor=moderator, comment=kept, action="approve")
    services.moderation_settings_update(actor=moderator, changes={"new_reader_count": 0})
    post(article, body="kys")

    rows = {r.rule: r for r in metrics.moderation_metrics(viewer=moderator, days=30).rules}

    assert list(rows) == ["banned_words", "links", "new_readers"]  # in the pipeline's order
    assert (rows["new_readers"].held, rows["new_readers"].approved, rows["new_readers"].rejected) == (3, 1, 2)
    assert rows["new_readers"].rejected_share == pytest.approx(2 / 3)
    assert (rows["links"].held, rows["links"].rejected) == (1, 1)
    assert (rows["banned_words"].rejected, rows["banned_words"].rejected_automatically) == (1, 1)


def test_queue_size_over_time_is_drawn_from_snapshots(moderator):
    now = timezone.now()
    for hours, size in ((20, 4), (10, 8), (2, 0)):
        QueueSnapshot.objects.create(at=now - timedelta(hours=hours), pending=size, reported=1)
    QueueSnapshot.objects.create(at=now - timedelta(days=3), pending=99, reported=0)  # outside the window

    m = metrics.moderation_metrics(viewer=moderator, days=1)

    assert [s.pending for s in m.snapshots] == [4, 8, 0]
    assert m.chart.max_value == 8
    assert m.chart.samples == 4  # three snapshots and now
    assert len(m.chart.pending_points.split()) == 4


def test_only_moderators_and_editors_see_metrics(moderator):
    editor = factories.reader(role="editor")
    assert metrics.moderation_metrics(viewer=editor, days=7).days == 7
    with pytest.raises(MastheadError) as caught:
        metrics.moderation_metrics(viewer=factories.reader(), days=7)
    assert caught.value.code == "forbidden"
    with pytest.raises(MastheadError) as caught:
        metrics.moderation_metrics(viewer=moderator, days=5)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, "—"), (42, "42 s"), (90, "1 min 30 s"), (3600, "1 h 0 min"), (2 * 86400 + 7200, "2 d 2 h")],
)
def test_durations_read_well(seconds, shown):
    assert duration(seconds) == shown


def test_percent():
    assert (percent(None), percent(0.875)) == ("—", "88%")
