"""Load the demo newsroom and its demo accounts, idempotently.

Every row is found by a natural key (a slug, a username, a live update's headline within its
story, a demo comment's key) and written only where it differs from the content modules, so a
second run writes nothing: no new rows, no audit entries, no redrawn images. Publication
dates are set by the first load, relative to that moment, and kept afterwards.

The newsroom is loaded in one transaction; the readers' conversation under it
(``conversation.py``) after, through the comments and community services one call at a
time, as readers would: each call commits, and the background tasks it queues (the
notification fan-out) are run before the next phase, so what readers are told follows the
order things happened in.
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
from masthead.newsroom.demo import content, conversation, stories
from masthead.newsroom.demo.content import AccountSpec, ArticleSpec, LiveUpdateSpec
from masthead.newsroom.demo.conversation import CommentSpec, VoiceSpec
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
    voices: tuple[VoiceSpec, ...] = ()
    comments: int = 0  # demo comments there are
    comments_posted: int = 0  # by this run
    follows: int = 0
    notifications: dict[str, int] | None = None  # unread, per demo account's username


def demo_load(*, now: datetime | None = None) -> DemoSummary:
    """Create or bring up to date The Harbour Light: accounts, sections, authors, tags,
    articles with bylines and hero images, the live story's updates and the support appeal;
    then the readers' conversation under the stories: comments, replies, reactions,
    follows, and what they were told about it."""
    now = now or timezone.now()
    summary = _newsroom_load(now=now)
    talk = _conversation_load(now=now)
    return DemoSummary(**{**summary.__dict__, **talk})


@transaction.atomic
def _newsroom_load(*, now: datetime) -> DemoSummary:
    accounts = {spec.label: _account_upsert(spec) for spec in content.ACCOUNTS}
    # The readers who talk under the stories; a journalist among them has her Author page.
    accounts |= {voice.username: _voice_upsert(voice) for voice in conversation.VOICES}
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
        voices=conversation.VOICES,
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


def _voice_upsert(spec: VoiceSpec) -> Reader:
    """A reader who only talks in the demo: no password (no hashing, nothing to print)."""
    reader = Reader.objects.filter(username__iexact=spec.username).first()
    if reader is None:
        reader = reader_create(
            username=spec.username,
            email=spec.email,
            password=None,
            display_name=spec.display_name,
            bio=spec.bio,
            email_verified=True,  # taking part needs a confirmed address
        )
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


# --- The conversation under the stories.

DEMO_APPROVAL = "Demo: read and approved by the moderator."
LATEST_MINUTES = 2  # no demo comment is newer than this, before the load


def _conversation_load(*, now: datetime) -> dict:
    """Post the demo comments (as their authors, through ``comment_post``), have the demo
    moderator approve what the pipeline holds for new readers, react, feature; then the
    follows; then the comments posted after them. Returns the summary's conversation part."""
    from masthead.comments.models import Comment
    from masthead.community.models import Follow

    people = {r.username: r for r in Reader.objects.filter(username__in=_usernames())}
    moderator = people[next(a.username for a in content.ACCOUNTS if a.role == "moderator")]
    posted: list[int] = []
    for thread in conversation.THREADS:
        article = Article.objects.get(slug=thread.article)
        for spec in thread.comments:
            _comment_upsert(
                spec, article=article, parent=None, people=people, moderator=moderator, now=now, posted=posted
            )
    _run_queued_tasks()
    for follower, followed in conversation.FOLLOWS:
        _follow(people[follower], people[followed])
    for thread in conversation.LATER:
        article = Article.objects.get(slug=thread.article)
        for spec in thread.comments:
            _comment_upsert(
                spec, article=article, parent=None, people=people, moderator=moderator, now=now, posted=posted
            )
    _run_queued_tasks()

    from masthead.community.selectors import unread_count
    from masthead.core.idempotency import digest

    keys = [digest(f"demo:{key}") for key in _comment_keys()]
    return {
        "comments": Comment.objects.filter(idempotency_key__in=keys).count(),
        "comments_posted": len(posted),
        "follows": Follow.objects.filter(
            follower__username__in=_usernames(), followed__username__in=_usernames()
        ).count(),
        "notifications": {a.username: unread_count(reader=people[a.username]) for a in content.ACCOUNTS},
    }


def _usernames() -> set[str]:
    return {a.username for a in content.ACCOUNTS} | {v.username for v in conversation.VOICES}


def _comment_keys() -> list[str]:
    def walk(specs):
        for spec in specs:
            yield spec.key
            yield from walk(spec.replies)

    return [key for thread in (*conversation.THREADS, *conversation.LATER) for key in walk(thread.comments)]


def _comment_upsert(
    spec: CommentSpec,
    *,
    article: Article,
    parent,
    people: dict,
    moderator: Reader,
    now: datetime,
    posted: list,
) -> None:
    from masthead.comments import services as comments
    from masthead.comments.models import Comment
    from masthead.comments.selectors import thread_key
    from masthead.core import pagecache
    from masthead.core.errors import MastheadError
    from masthead.core.idempotency import digest

    author = people[spec.author]
    key = f"demo:{spec.key}"
    comment = Comment.objects.filter(author=author, idempotency_key=digest(key)).first()
    if comment is None:
        post = {"article": article, "author": author, "body": spec.body, "idempotency_key": key}
        post["parent_id"] = parent.pk if parent is not None else None
        try:
            comment = comments.comment_post(**post).comment
        except MastheadError as exc:
            if exc.code != "revise_suggested":
                raise
            # The scorer asked the reader to think again; sent again, it waits for a moderator.
            comment = comments.comment_post(**post).comment
        # Demo only: the conversation happened over the story's life, not in this second.
        earliest = (parent.created_at if parent is not None else article.published_at) + timedelta(minutes=1)
        when = max(
            min(
                article.published_at + timedelta(minutes=spec.minutes_after),
                now - timedelta(minutes=LATEST_MINUTES),
            ),
            earliest,
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        comment.created_at = when
        pagecache.bump(thread_key(article.pk))
        posted.append(comment.pk)
    if comment.status == Comment.Status.PENDING:
        # A new reader's first comments wait for a moderator: the demo's moderator reads them.
        comment = comments.comment_approve(comment=comment, actor=moderator, reason=DEMO_APPROVAL)
    if comment.is_published and not comment.is_deleted:
        _react(comment, [people[name] for name in spec.reactions])
        if spec.featured and not comment.featured:
            comments.comment_feature(
                comment=comment, actor=moderator, reason="Demo: a comment worth reading."
            )
    for reply in spec.replies:
        _comment_upsert(
            reply, article=article, parent=comment, people=people, moderator=moderator, now=now, posted=posted
        )


def _react(comment, readers: list[Reader]) -> None:
    from masthead.comments import services as comments
    from masthead.comments.models import Reaction
    from masthead.community import tasks

    already = set(Reaction.objects.filter(comment=comment).values_list("reader_id", flat=True))
    new = [reader for reader in readers if reader.pk not in already]
    for reader in new:
        comments.reaction_set(comment=comment, reader=reader)
    if new:
        # Reactions are told in batches, a minute after the first; the demo tells them now.
        tasks.enqueue_on_commit(tasks.notify_reaction, comment_id=comment.pk)


def _follow(follower: Reader, followed: Reader) -> None:
    from masthead.community.services import follow_create
    from masthead.core.errors import MastheadError

    try:
        follow_create(follower=follower, followed=followed)
    except MastheadError as exc:
        if exc.code != "not_followable":  # someone trying the demo turned their followers off
            raise


def _run_queued_tasks() -> None:
    """Run the background tasks queued so far (the notification fan-out), when they wait in
    the database for a worker: the demo's bells ring without one. (With the immediate backend
    they ran already; any other backend's workers will run them.)"""
    import logging

    from django.core.management import call_command
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return
    chatty = logging.getLogger("django.tasks")
    level = chatty.level
    chatty.setLevel(logging.WARNING)
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0
        )
    finally:
        chatty.setLevel(level)
