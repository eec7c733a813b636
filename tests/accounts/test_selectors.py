"""Who may take part: the check every writing service makes first."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from masthead.accounts import selectors, services
from masthead.core.errors import MastheadError
from masthead.core.models import AuditLogEntry
from tests import factories

pytestmark = pytest.mark.django_db


def refusal(reader) -> tuple[str, int] | None:
    try:
        selectors.reader_can_post(reader)
    except MastheadError as exc:
        return exc.code, exc.status
    return None


def test_verified_reader_in_good_standing_may_post():
    assert refusal(factories.reader()) is None


def test_anonymous_and_unverified_readers_may_not():
    assert refusal(AnonymousUser()) == ("not_authenticated", 401)
    assert refusal(factories.reader(verified=False)) == ("email_unverified", 403)


def test_suspension_ends_by_itself_and_is_logged():
    moderator = factories.reader(role="moderator")
    reader = factories.reader()
    services.reader_suspend(
        reader=reader, until=timezone.now() + timedelta(hours=1), message="Take a breather.", actor=moderator
    )
    with pytest.raises(MastheadError) as refused:
        selectors.reader_can_post(reader)
    assert refused.value.code == "suspended" and "Take a breather." in refused.value.message
    reader.suspended_until = timezone.now() - timedelta(seconds=1)
    assert refusal(reader) is None
    entry = AuditLogEntry.objects.get(action="reader.suspend")
    assert entry.actor == moderator and entry.reason == "Take a breather."


def test_ban_outranks_everything_until_reinstated():
    reader = factories.reader(verified=False)
    services.reader_ban(reader=reader, message="Spam.", actor=None)
    assert refusal(reader) == ("banned", 403)
    services.reader_reinstate(reader=reader, actor=None, reason="Appeal upheld.")
    assert refusal(reader) == ("email_unverified", 403)
    assert [e.action for e in AuditLogEntry.objects.order_by("id")] == ["reader.ban", "reader.reinstate"]


def test_a_suspension_must_end_in_the_future():
    with pytest.raises(MastheadError) as refused:
        services.reader_suspend(reader=factories.reader(), until=timezone.now(), message="", actor=None)
    assert refused.value.code == "validation_error"


def test_verification_check_costs_one_query_per_reader(django_assert_num_queries):
    reader = factories.reader()
    with django_assert_num_queries(1):
        for _ in range(3):
            assert selectors.reader_is_verified(reader)


def test_usernames_of_deleted_accounts_stay_taken():
    reader = factories.reader(username="omar")
    services.reader_delete(reader=reader, password="correct horse battery")
    assert not selectors.username_is_available("Omar")
    assert selectors.username_is_available("omar2")
