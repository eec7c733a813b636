"""Concurrent retries with one Idempotency-Key create one comment, and concurrent reactions
count right: real threads, each with its own database connection and transaction."""

import threading
import time

import pytest
from django.db import connection, connections

from masthead.comments import moderation, services
from masthead.comments.models import Comment, Reaction, Thread
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 5


class SlowPassThrough:
    """Publishes, after a pause: every racing request has looked for the key by then."""

    def assess(self, draft):
        time.sleep(0.3)
        return moderation.Decision()


def _race(work, n: int = THREADS) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported below, not swallowed
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


@pytest.fixture
def world(transactional_db, settings):
    settings.COMMENT_RATE_LIMIT = "1000/m"
    article = factories.article(headline="Council votes to reopen the harbour baths")
    return article, factories.reader(username="alma")


def test_concurrent_retries_with_one_key_create_one_comment(world, settings):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection cache between threads; run with a file database")
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.test_concurrency.SlowPassThrough"
    moderation._pipeline.cache_clear()
    article, author = world

    posted = _race(
        lambda i: services.comment_post(
            article=article, author=author, body="Only once", idempotency_key="same"
        )
    )

    assert Comment.objects.count() == 1
    assert {p.comment.pk for p in posted} == {Comment.objects.get().pk}
    assert sorted(p.created for p in posted) == [False] * (THREADS - 1) + [True]
    assert Thread.objects.get(article=article).comment_count == 1


def test_concurrent_reactions_are_each_counted_once(world):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection cache between threads; run with a file database")
    article, author = world
    comment = factories.comment(article=article, author=author)
    readers = [factories.reader() for _ in range(THREADS)]

    # Every reader reacts twice at once: each counts once.
    _race(lambda i: services.reaction_set(comment=comment, reader=readers[i % THREADS]), n=THREADS * 2)

    comment.refresh_from_db()
    assert comment.reaction_count == THREADS == Reaction.objects.filter(comment=comment).count()
