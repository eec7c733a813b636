"""The community's part of a reader's export, and what goes when an account is erased."""

import pytest
from django.test import Client

from masthead.accounts import services as accounts_services
from masthead.community import services
from masthead.community.models import CommunityProfile, Follow, Ignore, Notification, NotificationSetting
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_export_holds_follows_ignores_options_settings_and_notifications(alice, bob, carol, committed):
    with committed():
        services.follow_create(follower=alice, followed=bob)
        services.follow_create(follower=carol, followed=alice)
    services.ignore_create(reader=alice, ignored=carol)
    services.community_profile_update(reader=alice, followers_private=True)
    services.notification_settings_update(reader=alice, changes={"reaction": "off"})

    section = signed_in(Client(), alice).get("/api/v1/me/export").json()["sections"]["community"]
    assert section["options"] == {"followers_private": True, "accepts_followers": True}
    assert section["notification_settings"]["reaction"] == "off"
    assert [f["username"] for f in section["following"]] == ["bob"]
    assert [f["username"] for f in section["followers"]] == ["carol"]
    assert [i["username"] for i in section["ignoring"]] == ["carol"]
    assert [n["text"] for n in section["notifications"]] == ["Carol Cho started following you."]


def test_erasing_an_account_removes_its_follows_and_what_others_were_told(alice, bob, carol, committed):
    with committed():
        services.follow_create(follower=alice, followed=bob)
        services.follow_create(follower=bob, followed=alice)
    services.ignore_create(reader=carol, ignored=alice)
    services.community_profile_update(reader=alice, followers_private=True)
    services.notification_settings_update(reader=alice, changes={"reaction": "off"})

    accounts_services.reader_delete(reader=alice, password="correct horse battery")

    assert not Follow.objects.exists() and not Ignore.objects.exists()
    assert not CommunityProfile.objects.exists() and not NotificationSetting.objects.exists()
    assert not Notification.objects.exists()  # bob's "alice started following you" went too
