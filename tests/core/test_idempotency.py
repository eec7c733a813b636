"""core.idempotency: keys validated, a retried create answered with the first result.

The generic helper is exercised through a model that uses it (comments.Comment); the
comments tests cover the API header and concurrent retries.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.core.errors import MastheadError
from masthead.core.idempotency import digest, fingerprint, idempotent_create, validate_key
from tests import factories


@pytest.mark.parametrize("key", ["a", "x" * 255, "3f2b9c1e-7d8a-4c4e-9a51-0b1f6f0a9e11", "  padded  "])
def test_valid_keys(key):
    assert validate_key(key) == key.strip()


def test_no_key_is_no_key():
    assert validate_key(None) is None


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there", "naïve", "new\nline"])
def test_invalid_keys_are_a_validation_error_on_the_header(key):
    with pytest.raises(MastheadError) as caught:
        validate_key(key)
    assert (caught.value.status, caught.value.code) == (422, "validation_error")
    assert list(caught.value.fields) == ["Idempotency-Key"]


@pytest.fixture
def make(db, article):
    author = factories.reader()
    made = []

    def create(stamp):
        comment = Comment.objects.create(
            article=article, author=author, body="x", body_html="<p>x</p>", **stamp
        )
        made.append(comment)
        return comment

    def run(key, what="x"):
        return idempotent_create(
            queryset=Comment.objects.filter(author=author),
            key=key,
            fingerprint=fingerprint(what),
            create=create,
        )

    run.made = made
    return run


def test_the_same_key_returns_the_first_row(make):
    first, created = make("key-1")
    again, created_again = make("key-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert len(make.made) == 1
    assert first.idempotency_key == digest("key-1") != "key-1"  # only a digest is stored


def test_without_a_key_every_call_creates(make):
    make(None)
    make(None)
    assert len(make.made) == 2


def test_a_key_reused_for_something_else_is_refused(make):
    make("key-2", what="first")
    with pytest.raises(MastheadError) as caught:
        make("key-2", what="second")
    assert (caught.value.status, caught.value.code) == (409, "conflict")


def test_a_key_is_kept_24_hours(make):
    first, _ = make("key-3")
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    assert make("key-3")[0].pk == first.pk
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    fresh, created = make("key-3")
    assert created and fresh.pk != first.pk
    first.refresh_from_db()
    assert first.idempotency_key is None  # released


def test_a_lost_race_returns_the_winner(make, article):
    """The insert loses to a concurrent one (the lookup ran before the winner committed)."""
    nothing = Comment.objects.none()
    winner, _ = make("key-4")

    calls = []

    def create_after_winner(stamp):
        calls.append(stamp)
        return Comment.objects.create(
            article=article, author=winner.author, body="x", body_html="<p>x</p>", **stamp
        )

    class Blind:
        """A queryset that misses the winner on the first lookup, as a racing request would."""

        def __init__(self):
            self.looked = False

        def filter(self, **kwargs):
            if not self.looked:
                self.looked = True
                return nothing
            return Comment.objects.filter(author=winner.author).filter(**kwargs)

    row, created = idempotent_create(
        queryset=Blind(), key="key-4", fingerprint=fingerprint("x"), create=create_after_winner
    )
    assert not created and row.pk == winner.pk
    assert len(calls) == 1
    assert Comment.objects.filter(author=winner.author).count() == 1
