"""The newsroom desk: editors write, preview, schedule and publish in the admin."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from masthead.core.models import AuditLogEntry
from masthead.newsroom.models import Article, LiveUpdate, SupportAppeal
from tests import factories

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/newsroom/article/add/"
LIST_URL = "/admin/newsroom/article/"


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def _split(when) -> tuple[str, str]:
    local = timezone.localtime(when)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def _article_form(*, section, authors=(), tags=(), article=None, bylines=(), **fields) -> dict:
    """What the admin's article form posts, with the bylines inline's management form."""
    data = {
        "headline": "Harbour baths to reopen in spring",
        "slug": "harbour-baths-to-reopen-in-spring",
        "section": section.pk,
        "standfirst": "The council found the money.",
        "body": "The vote was *unanimous*.\n\n<script>alert(1)</script>",
        "tags": [t.pk for t in tags],
        "hero_alt": "",
        "hero_caption": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "revised_at_0": "",
        "revised_at_1": "",
        "comments_enabled": "on",
        "bylines-TOTAL_FORMS": str(len(bylines) + len(authors)),
        "bylines-INITIAL_FORMS": str(len(bylines)),
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    for i, byline in enumerate(bylines):
        data |= {
            f"bylines-{i}-id": byline.pk,
            f"bylines-{i}-article": article.pk,
            f"bylines-{i}-author": byline.author_id,
            f"bylines-{i}-position": byline.position,
        }
    for i, (position, author) in enumerate(authors, start=len(bylines)):
        data |= {f"bylines-{i}-author": author.pk, f"bylines-{i}-position": str(position)}
    if article is not None and article.is_live:
        data |= {
            "live_updates-TOTAL_FORMS": "0",
            "live_updates-INITIAL_FORMS": "0",
            "live_updates-MIN_NUM_FORMS": "0",
            "live_updates-MAX_NUM_FORMS": "1000",
        }
    return data | fields


def _audited(action: str, article: Article, actor) -> bool:
    return AuditLogEntry.objects.filter(
        action=action, target_type="newsroom.article", target_id=str(article.pk), actor=actor
    ).exists()


def test_editor_writes_previews_then_publishes_an_article(client, desk, editor, section):
    amira, tom = factories.author(name="Amira Haddad"), factories.author(name="Tom Kerrigan")
    harbour = factories.tag(name="Harbour")
    assert desk.get(ADD_URL).status_code == 200

    form = _article_form(section=section, authors=[(1, tom), (0, amira)], tags=[harbour])
    response = desk.post(ADD_URL, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="harbour-baths-to-reopen-in-spring")
    assert article.state == "draft"
    assert "<em>unanimous</em>" in article.body_html and "<script" not in article.body_html
    assert [b.author.name for b in article.bylines.all()] == ["Amira Haddad", "Tom Kerrigan"]
    assert list(article.tags.all()) == [harbour]
    assert _audited("article.create", article, editor)

    preview = desk.get(article.get_absolute_url())
    assert 'class="preview-banner"' in preview.content.decode()
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404

    client.force_login(editor)
    form = _article_form(
        section=section,
        tags=[harbour],
        article=article,
        bylines=list(article.bylines.all()),
        status="published",
    )
    response = client.post(f"/admin/newsroom/article/{article.pk}/change/", form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "published"
    assert _audited("article.published", article, editor)
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Harbour baths to reopen in spring" in page
    assert page.index("Amira Haddad") < page.index("Tom Kerrigan")  # bylines in their order


def test_editor_schedules_an_article(client, desk, editor, section):
    at = timezone.now() + timedelta(days=1)
    date, clock = _split(at)
    form = _article_form(section=section, status="published", published_at_0=date, published_at_1=clock)
    assert desk.post(ADD_URL, form).status_code == 302
    article = Article.objects.get()
    assert article.state == "scheduled"
    assert "scheduled for" in desk.get(LIST_URL).content.decode()
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_article_list_shows_state_and_a_preview_link(desk, section):
    draft = factories.article(headline="Pier survey", section=section, published=False)
    factories.article(headline="Ferry contract", section=section)
    page = desk.get(LIST_URL).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in page and ">Preview</a>" in page and ">View</a>" in page
    only_drafts = desk.get(LIST_URL, {"state": "draft"}).content.decode()
    assert "Pier survey" in only_drafts and "Ferry contract" not in only_drafts
    found = desk.get(LIST_URL, {"q": "ferry"}).content.decode()
    assert "Ferry contract" in found and "Pier survey" not in found


def test_picture_needs_alt_text(desk, section):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, "PNG")
    form = _article_form(section=section) | {"hero_image": SimpleUploadedFile("p.png", buffer.getvalue())}
    response = desk.post(ADD_URL, form)
    assert response.status_code == 200
    assert "Describe the picture" in response.content.decode()
    assert not Article.objects.exists()


def test_publish_and_unpublish_actions_are_audited(
    client, desk, editor, section, django_capture_on_commit_callbacks
):
    drafts = [factories.article(section=section, published=False) for _ in range(2)]
    ids = [a.pk for a in drafts]
    response = desk.post(LIST_URL, {"action": "publish_now", "_selected_action": ids})
    assert response.status_code == 302
    assert all(a.state == "published" for a in Article.objects.filter(pk__in=ids))
    assert all(_audited("article.published", a, editor) for a in drafts)
    client.logout()
    assert client.get(drafts[0].get_absolute_url()).status_code == 200

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is dropped on commit
        response = client.post(LIST_URL, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert response.status_code == 302
    assert Article.objects.get(pk=drafts[0].pk).state == "draft"
    assert _audited("article.draft", drafts[0], editor)
    client.logout()
    assert client.get(drafts[0].get_absolute_url()).status_code == 404


def test_live_updates_are_posted_through_the_live_desk(desk, editor, section):
    live = factories.article(headline="Storm closes the coast road", section=section, is_live=True)
    form = _article_form(
        section=section,
        article=live,
        bylines=list(live.bylines.all()),
        headline=live.headline,
        slug=live.slug,
        status="published",
        published_at_0=_split(live.published_at)[0],
        published_at_1=_split(live.published_at)[1],
        is_live="on",
    ) | {
        "live_updates-TOTAL_FORMS": "1",
        "live_updates-0-posted_at_0": _split(timezone.now())[0],
        "live_updates-0-posted_at_1": _split(timezone.now())[1],
        "live_updates-0-headline": "Road reopened",
        "live_updates-0-body": "Police have **reopened** the road.",
        "live_updates-0-article": live.pk,
    }
    response = desk.post(f"/admin/newsroom/article/{live.pk}/change/", form)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    update = LiveUpdate.objects.get(article=live)
    assert update.author == editor
    assert "<strong>reopened</strong>" in update.body_html
    assert AuditLogEntry.objects.filter(action="liveupdate.post", actor=editor).exists()


def test_live_update_inline_only_on_live_stories(desk, section):
    plain = factories.article(section=section)
    live = factories.article(section=section, is_live=True)
    assert "live_updates-TOTAL_FORMS" not in desk.get(ADD_URL).content.decode()
    assert (
        "live_updates-TOTAL_FORMS"
        not in desk.get(f"/admin/newsroom/article/{plain.pk}/change/").content.decode()
    )
    assert (
        "live_updates-TOTAL_FORMS" in desk.get(f"/admin/newsroom/article/{live.pk}/change/").content.decode()
    )


def test_plain_reader_cannot_reach_the_admin(client, reader, article):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    client.force_login(reader)
    for url in ("/admin/", LIST_URL, f"/admin/newsroom/article/{article.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url
    client.logout()
    refused = client.post(
        "/admin/login/", {"username": "rita", "password": "correct horse battery", "next": "/admin/"}
    )
    assert refused.status_code == 200  # the form again, with an error: rita is not staff
    assert client.get("/admin/").status_code == 302


def test_support_appeal_is_one_row_saved_through_the_service(desk, editor):
    response = desk.get("/admin/newsroom/supportappeal/")
    assert response.status_code == 302 and response.url.endswith("/supportappeal/add/")
    data = {"heading": "Keep the lights on", "body": "Readers pay for this.", "button_label": "Give"}
    assert desk.post("/admin/newsroom/supportappeal/add/", data).status_code == 302
    appeal = SupportAppeal.objects.get()
    assert AuditLogEntry.objects.filter(action="appeal.update", actor=editor).exists()
    response = desk.get("/admin/newsroom/supportappeal/")
    assert response.url.endswith(f"/supportappeal/{appeal.pk}/change/")
    assert desk.get("/admin/newsroom/supportappeal/add/").status_code == 403


def test_audit_log_can_be_read_but_not_written(desk, article, editor):
    from masthead.newsroom import services

    services.article_unpublish(article=article, actor=editor, reason="Legal check")
    entry = AuditLogEntry.objects.filter(action="article.draft").get()
    listing = desk.get("/admin/core/auditlogentry/").content.decode()
    assert "article.draft" in listing and "Legal check" in listing
    detail = desk.get(f"/admin/core/auditlogentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="action"' not in detail.content.decode()
    assert desk.get("/admin/core/auditlogentry/add/").status_code == 403
    assert desk.post(f"/admin/core/auditlogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()
