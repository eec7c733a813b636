"""core.badges: a reader's badges are remembered across pages, and a change that may alter
them shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.accounts import services as accounts_services
from masthead.core.badges import badges_for
from tests import factories

pytestmark = pytest.mark.django_db


def test_badges_are_remembered_then_forgotten_when_a_role_changes(
    settings, django_capture_on_commit_callbacks
):
    settings.BADGE_CACHE_SECONDS = 60
    article = factories.article()
    reader, other = factories.reader(), factories.reader()
    assert badges_for(reader_ids={reader.pk, other.pk}, article=article) == {reader.pk: [], other.pk: []}

    with CaptureQueriesContext(connection) as again:
        assert badges_for(reader_ids={reader.pk}, article=article) == {reader.pk: []}
    assert len(again) == 0  # no provider asked

    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.reader_set_role(reader=reader, role="moderator")
    assert badges_for(reader_ids={reader.pk, other.pk}, article=article) == {
        reader.pk: ["staff"],
        other.pk: [],
    }


def test_with_no_time_to_remember_every_call_asks(settings):
    settings.BADGE_CACHE_SECONDS = 0
    article = factories.article()
    reader = factories.reader()
    badges_for(reader_ids={reader.pk}, article=article)
    with CaptureQueriesContext(connection) as again:
        badges_for(reader_ids={reader.pk}, article=article)
    assert len(again) >= 3  # one query per provider
