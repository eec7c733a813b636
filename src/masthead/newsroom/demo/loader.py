"""Load the demo newsroom and its demo accounts, idempotently.

Every row is found by a natural key (a slug, a username, a live update's headline within its
story) and written only where it differs from the content modules, so a second run writes
nothing: no new rows, no audit entries, no redrawn images. Publication dates are set by the
first load, relative to that moment, and kept afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.accounts.models import Reader
from masthead.accounts.services import reader_create, reader_set_role
from masthead.newsroom import services
from masthead.newsroom.demo import content, stories
from masthead.newsroom.demo.content import AccountSpec, ArticleSpec, LiveUpdateSpec
from masthead.newsroom.demo.images import hero_png
from masthead.newsroom.models import Article, ArticleAuthor, Author, LiveUpdate, Section, SupportAppeal, Tag


@dataclass(frozen=True)
class DemoSummary:
    """What the demo newsroom holds after a load, and what this run changed."""

    sections: int
    authors: int
    tags: int
    published: int
    scheduled: int
    drafts: int
    live_stories: int
    live_updates: int
    top_stories: int
    images: int
    articles_created: int
    articles_updated: int
    images_drawn: int
    accounts: tuple[AccountSpec, ...]


@transaction.atomic
def demo_load(*, now: datetime | None = None) -> DemoSummary:
    """Create or bring up to date The Harbour Light: accounts, sections, authors, tags,
    articles with bylines and hero images, the live story's updates and the support appeal."""
    now = now or timezone.now()
    accounts = {spec.label: _account_upsert(spec) for spec in content.ACCOUNTS}
    editor = accounts["Editor"]

    sections = {
        spec.slug: _upsert(
            Section, slug=spec.slug, name=spec.name, description=spec.description, position=position
        )
        for position, spec in enumerate(content.SECTIONS)
    }
    authors = {
        spec.slug: _upsert(
            Author,
            slug=spec.slug,
            name=spec.name,
            job_title=spec.job_title,
            bio=spec.bio,
            reader=accounts[spec.account] if spec.account else None,
        )
        for spec in content.AUTHORS
    }
    tag_names = dict.fromkeys(name for spec in stories.ARTICLES for name in spec.tags)
    tags = {name: _upsert(Tag, slug=slugify(name), name=name) for name in tag_names}

    created = updated = drawn = 0
    for spec in stories.ARTICLES:
        article, was_created, was_changed, was_drawn = _article_upsert(
            spec, sections=sections, authors=authors, tags=tags, editor=editor, now=now
        )
        created += was_created
        updated += was_changed and not was_created
        drawn += was_drawn
        for update in stories.LIVE_UPDATES.get(spec.slug, ()):
            _live_update_upsert(update, article=article, editor=editor, now=now)

    if not SupportAppeal.objects.exists():
        services.appeal_save(appeal=SupportAppeal(**content.APPEAL), actor=editor)

    demo = Article.objects.filter(slug__in=[spec.slug for spec in stories.ARTICLES])
    published = demo.filter(status=Article.Status.PUBLISHED)
    return DemoSummary(
        sections=len(sections),
        authors=len(authors),
        tags=len(tags),
        published=published.filter(published_at__lte=now).count(),
        scheduled=published.filter(published_at__gt=now).count(),
        drafts=demo.exclude(status=Article.Status.PUBLISHED).count(),
        live_stories=demo.filter(is_live=True).count(),
        live_updates=LiveUpdate.objects.filter(article__in=demo).count(),
        top_stories=demo.filter(is_top_story=True).count(),
        images=demo.exclude(hero_image="").count(),
        articles_created=created,
        articles_updated=updated,
        images_drawn=drawn,
        accounts=content.ACCOUNTS,
    )


def _upsert(model: type[models.Model], *, slug: str, **values) -> models.Model:
    """update_or_create by slug, except that an unchanged row is not saved again."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        return model.objects.create(slug=slug, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[*changed, "updated_at"])
    return obj


def _account_upsert(spec: AccountSpec) -> Reader:
    """The demo account, created through the accounts service, or put back to the printed
    password and role if someone changed them (the summary must not print a wrong password)."""
    reader = Reader.objects.filter(username__iexact=spec.username).first()
    if reader is None:
        reader = reader_create(
            username=spec.username,
            email=spec.email,
            password=spec.password,
            role=spec.role,
            display_name=spec.display_name,
            bio=spec.bio,
            email_verified=True,  # so that the demo accounts can comment straight away
        )
    else:
        if not reader.check_password(spec.password):
            reader.set_password(spec.password)
            reader.save(update_fields=["password"])
        if list(reader.groups.values_list("name", flat=True)) != [spec.role]:
            reader_set_role(reader=reader, role=spec.role)
    if spec.premium:
        # A complimentary membership: the demo's Premium reader needs no payment to exist.
        from masthead.membership.services import membership_grant_complimentary, supporter_badge_set

        membership_grant_complimentary(reader=reader, reason="demo Premium reader")
        supporter_badge_set(reader=reader, show=True)
    return reader


def _article_upsert(
    spec: ArticleSpec,
    *,
    sections: dict[str, Section],
    authors: dict[str, Author],
    tags: dict[str, Tag],
    editor: Reader,
    now: datetime,
) -> tuple[Article, bool, bool, bool]:
    """Returns the article, and whether it was created, changed in any way, and given an image."""
    article = Article.objects.filter(slug=spec.slug).first()
    created = article is None
    if article is None:
        article = Article(
            slug=spec.slug,
            published_at=None if spec.hours_ago is None else now - timedelta(hours=spec.hours_ago),
        )
    art = spec.art or next(s.art for s in content.SECTIONS if s.slug == spec.section)
    values = {
        "headline": spec.headline,
        "standfirst": spec.standfirst,
        "section_id": sections[spec.section].pk,
        "body": spec.body,
        "status": Article.Status.DRAFT if spec.hours_ago is None else Article.Status.PUBLISHED,
        "is_live": spec.is_live,
        "is_top_story": spec.is_top_story,
        "hero_alt": (spec.hero_alt or art.alt) if spec.image else "",
        "hero_caption": content.HERO_CAPTION if spec.image else "",
    }
    changed = created or any(getattr(article, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(article, name, value)
    drawn = False
    if spec.image and not article.hero_image:
        drawn = _attach_hero(
            article, png=lambda: hero_png(seed=spec.slug, motif=art.motif, palette=art.palette)
        )
        changed = True
    if changed:
        services.article_save(article=article, actor=editor)

    bylines_changed = _bylines_set(article, [authors[slug] for slug in spec.authors])
    wanted_tags = {tags[name].pk for name in spec.tags}
    tags_changed = created or set(article.tags.values_list("pk", flat=True)) != wanted_tags
    if tags_changed:
        article.tags.set(wanted_tags)
    if bylines_changed or tags_changed:
        services.article_bylines_changed(article=article)
    return article, created, changed or bylines_changed or tags_changed, drawn


def _attach_hero(article: Article, *, png: Callable[[], bytes]) -> bool:
    """Draw the article's hero image, unless a previous run already left it in storage (a reset
    database with the media directory kept): then reuse that file rather than add a copy.
    Returns whether a new image was drawn."""
    field = article.hero_image
    filename = f"{article.slug}.png"
    name = field.field.generate_filename(article, filename)
    if field.storage.exists(name):
        field.name = name
        return False
    field.save(filename, ContentFile(png()), save=False)
    return True


def _bylines_set(article: Article, wanted: list[Author]) -> bool:
    current = list(article.bylines.order_by("position").values_list("author_id", "position"))
    target = [(author.pk, position) for position, author in enumerate(wanted)]
    if current == target:
        return False
    article.bylines.all().delete()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=position)
        for position, author in enumerate(wanted)
    )
    return True


def _live_update_upsert(spec: LiveUpdateSpec, *, article: Article, editor: Reader, now: datetime) -> None:
    update = LiveUpdate.objects.filter(article=article, headline=spec.headline).first()
    if update is None:
        services.liveupdate_post(
            article=article,
            author=editor,
            headline=spec.headline,
            body=spec.body,
            posted_at=now - timedelta(minutes=spec.minutes_ago),
        )
    elif update.body != spec.body:
        update.body = spec.body
        services.liveupdate_save(update=update, actor=editor)
