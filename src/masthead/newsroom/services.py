"""Every write to the newsroom: editors' saves, publishing, live updates, the appeal."""

from datetime import UTC

from django.db import transaction
from django.utils import timezone

from masthead.core import pagecache
from masthead.core.audit import audit_log
from masthead.core.markup import editor_html, plain_text
from masthead.live.events import publish_on_commit
from masthead.newsroom.models import Article, LiveUpdate, SupportAppeal

NEWSROOM = "newsroom"  # the page-cache version every listing page depends on
# A change to these on a published story is an update readers are told of ("Updated …").
_WORDS = ("headline", "standfirst", "body")


def article_cache_keys(article: Article) -> tuple[str, ...]:
    return (NEWSROOM, f"article:{article.pk}")


def _invalidate(*keys: str) -> None:
    from masthead.newsroom.cache import schedule_changed

    schedule_changed()
    transaction.on_commit(lambda: pagecache.bump(*keys))


def _render_body(article: Article) -> None:
    article.body_html = editor_html(article.body)
    article.body_text = plain_text(article.body_html)


@transaction.atomic
def article_save(*, article: Article, actor=None, reason: str = "") -> Article:
    """Save an article as an editor left it: render and sanitize its body, log, invalidate."""
    created = article.pk is None
    was = (
        None
        if created
        else Article.objects.filter(pk=article.pk)
        .values("status", "published_at", "headline", "standfirst", "body")
        .first()
    )
    now = timezone.now()
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = now
    if (
        was
        and was["status"] == Article.Status.PUBLISHED
        and was["published_at"]
        and was["published_at"] <= now
        and article.is_published
        and [was[f] for f in _WORDS] != [getattr(article, f) for f in _WORDS]
    ):
        article.revised_at = now  # readers see "Updated"; feeds and sitemaps carry it
    _render_body(article)
    article.full_clean(exclude=["authors", "tags"])
    article.save()
    action = "article.create" if created else "article.update"
    if was and (was["status"], was["published_at"]) != (article.status, article.published_at):
        action = f"article.{article.state}"
    audit_log(actor=actor, action=action, target=article, reason=reason, state=article.state)
    _invalidate(*article_cache_keys(article))
    return article


@transaction.atomic
def article_publish(*, article: Article, actor=None, at=None) -> Article:
    """Publish now, or schedule for ``at`` in the future."""
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    return article_save(article=article, actor=actor)


@transaction.atomic
def article_unpublish(*, article: Article, actor=None, reason: str = "") -> Article:
    article.status = Article.Status.DRAFT
    return article_save(article=article, actor=actor, reason=reason)


def article_bylines_changed(*, article: Article) -> None:
    """Authors and tags are saved after the article row (admin inlines); refresh its pages."""
    _invalidate(*article_cache_keys(article))


@transaction.atomic
def liveupdate_post(*, article: Article, author, body: str, headline: str = "", posted_at=None) -> LiveUpdate:
    update = LiveUpdate(
        article=article,
        author=author,
        headline=headline,
        body=body,
        posted_at=posted_at or timezone.now(),
    )
    return liveupdate_save(update=update, actor=author)


@transaction.atomic
def liveupdate_save(*, update: LiveUpdate, actor=None) -> LiveUpdate:
    created = update.pk is None
    update.body_html = editor_html(update.body)
    update.full_clean()
    update.save()
    audit_log(actor=actor, action="liveupdate.post" if created else "liveupdate.edit", target=update)
    _invalidate(*article_cache_keys(update.article))
    if update.posted_at <= timezone.now():
        publish_on_commit(
            article_id=update.article_id, event="story.update", data=liveupdate_live_data(update)
        )
    elif not created:  # moved into the future: open pages drop it until its time comes
        publish_on_commit(
            article_id=update.article_id, event="story.update", data={"id": update.pk, "deleted": True}
        )
    return update


@transaction.atomic
def liveupdate_delete(*, update: LiveUpdate, actor=None) -> None:
    article = update.article
    audit_log(actor=actor, action="liveupdate.delete", target=update)
    update_id = update.pk
    update.delete()
    _invalidate(*article_cache_keys(article))
    publish_on_commit(article_id=article.pk, event="story.update", data={"id": update_id, "deleted": True})


def liveupdate_live_data(update: LiveUpdate) -> dict:
    """A live update as readers' open pages receive it: the API's update object."""
    return {
        "id": update.pk,
        "posted_at": update.posted_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "author": update.author.public_name if update.author else None,
        "headline": update.headline,
        "body_html": update.body_html,
    }


@transaction.atomic
def appeal_save(*, appeal: SupportAppeal, actor=None) -> SupportAppeal:
    appeal.full_clean()
    appeal.save()
    audit_log(actor=actor, action="appeal.update", target=appeal)
    _invalidate(NEWSROOM)
    return appeal
