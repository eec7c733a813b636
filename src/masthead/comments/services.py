"""Every write to the conversation: posting, editing, deleting, reactions, reports, featuring.

Each function checks who may do it, writes in one transaction (counters with ``F()``),
logs moderators' actions, and after commit invalidates the thread's cached pages and tells
open pages through the live bus (``comment.published`` only once a comment is published).
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from masthead.accounts.selectors import reader_can_post
from masthead.comments import moderation, selectors, signals
from masthead.comments.markup import comment_html, normalize
from masthead.comments.models import Comment, Reaction, Report, Thread
from masthead.core import pagecache, ratelimit
from masthead.core.audit import audit_log
from masthead.core.errors import MastheadError, NotFound
from masthead.core.idempotency import fingerprint, idempotent_create
from masthead.live.events import publish_on_commit
from masthead.newsroom.models import Article

PUBLISHED = Comment.Status.PUBLISHED


# --- Helpers shared by the services below.


def _invalid(field: str, message: str) -> MastheadError:
    return MastheadError("validation_error", message, 422, fields={field: [message]})


def _invalidate(article_id: int) -> None:
    """Cached thread pages (and the article pages embedding them) render afresh.

    Bumped now, so the rest of this request reads afresh, and again after commit, so a page
    another request rendered from the old rows in between is not served either.
    """
    key = selectors.thread_key(article_id)
    pagecache.bump(key)
    transaction.on_commit(lambda: pagecache.bump(key))


def _event_data(comment: Comment) -> dict:
    """The comment as an anonymous reader sees it, JSON-ready (what live pages receive)."""
    from masthead.comments.serialize import comment_dict

    selectors.decorate([comment], article=comment.article, viewer=None)
    return json.loads(json.dumps(comment_dict(comment), cls=DjangoJSONEncoder))


def _publish(comment: Comment, event: str) -> None:
    publish_on_commit(article_id=comment.article_id, event=event, data=_event_data(comment))


def _count_published(comment: Comment, delta: int) -> None:
    """A comment entered (+1) or left (-1) the published conversation."""
    threads = Thread.objects.filter(article_id=comment.article_id)
    if not comment.is_deleted:
        if delta < 0:
            threads = threads.filter(comment_count__gte=-delta)
        threads.update(comment_count=F("comment_count") + delta)
    if comment.parent_id is not None:
        parents = Comment.objects.filter(pk=comment.parent_id)
        if delta < 0:
            parents = parents.filter(reply_count__gte=-delta)
        parents.update(reply_count=F("reply_count") + delta)


def _body(body: str) -> tuple[str, str]:
    source = normalize(body)
    if not source:
        raise _invalid("body", "Write something before posting.")
    limit = settings.COMMENT_MAX_LENGTH
    if len(source) > limit:
        over = len(source) - limit
        raise _invalid(
            "body",
            f"Comments are limited to {limit:,} characters; this one is {over:,} too long.",
        )
    html = comment_html(source)
    if not html:
        raise _invalid("body", "Write something before posting.")
    return source, html


def _lock(comment: Comment) -> Comment:
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("article", "author")
        .filter(pk=comment.pk)
    )
    row = locked.first()
    if row is None:
        raise NotFound("No comment by that number.")
    return row


def _fresh(comment: Comment) -> Comment:
    """The comment's state now (the caller's instance may predate a deletion)."""
    row = (
        Comment.objects.only("id", "article_id", "author_id", "status", "deleted_at")
        .filter(pk=comment.pk)
        .first()
    )
    if row is None:
        raise NotFound("No comment by that number.")
    return row


def thread_for(article: Article) -> Thread:
    thread, _ = Thread.objects.get_or_create(article=article)
    return thread


def _check_open(article: Article) -> None:
    state = selectors.comments_state(article)
    if not state.open:
        raise MastheadError("comments_closed", state.notice or "Comments on this story are closed.", 403)


def _parent(*, article: Article, author, parent_id: int) -> Comment:
    parent = Comment.objects.filter(pk=parent_id).only(
        "id", "article_id", "author_id", "status", "depth", "path", "deleted_at"
    )
    parent = parent.first()
    if parent is None or not selectors.can_see(author, parent):
        raise _invalid("parent_id", "There is no comment with that number to reply to.")
    if parent.article_id != article.pk:
        raise _invalid("parent_id", "That comment belongs to another story's conversation.")
    if parent.is_deleted:
        raise _invalid("parent_id", "That comment was deleted; you cannot reply to it.")
    if not parent.is_published:
        raise _invalid("parent_id", "That comment is awaiting moderation; you cannot reply to it yet.")
    return parent


def _rate_limit(author, *, scope: str, rate: str, message: str) -> None:
    # Staff (moderators, editors, admins) answer readers at their own pace.
    if not author.is_staff:
        ratelimit.consume(scope=scope, key=str(author.pk), rate=rate, message=message)


# --- Posting.


@dataclass
class Posted:
    comment: Comment
    created: bool  # False: an Idempotency-Key replay of an earlier request

    @property
    def moderation(self) -> dict | None:
        if self.comment.is_published:
            return None
        return {"reason": self.comment.moderation_reason}


@transaction.atomic
def comment_post(
    *,
    article: Article,
    author,
    body: str,
    parent_id: int | None = None,
    idempotency_key: str | None = None,
) -> Posted:
    """Post a comment (or a reply, with ``parent_id``) as ``author``.

    Checks, in order: the author may take part (401/403), an earlier request with the same
    Idempotency-Key (answered with its comment), comments are open (403
    ``comments_closed``), the parent and body are valid (422), the author's rate (429).
    Then the moderation pipeline decides published, pending or rejected, and the comment
    is stored with that decision and its reason.
    """
    reader_can_post(author)
    source = normalize(body)

    def create(stamp: dict) -> Comment:
        _check_open(article)
        parent = _parent(article=article, author=author, parent_id=parent_id) if parent_id else None
        text, html = _body(source)
        _rate_limit(
            author,
            scope="comment_post",
            rate=settings.COMMENT_RATE_LIMIT,
            message="You are commenting faster than we allow.",
        )
        decision = moderation.assess(
            moderation.Draft(article=article, author=author, body=text, body_html=html, parent=parent)
        )
        thread_for(article)
        comment = Comment.objects.create(
            article=article,
            author=author,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            path=f"{parent.path}{parent.pk}/" if parent else "",
            body=text,
            body_html=html,
            status=decision.status,
            moderation_reason=decision.reason[:500],
            moderation_data=decision.data,
            **stamp,
        )
        if comment.is_published:
            _publish(comment, "comment.published")
            signals.send_on_commit(signals.comment_published, comment=comment)
        elif comment.status == Comment.Status.REJECTED:
            reason = comment.moderation_reason
            signals.send_on_commit(signals.comment_rejected, comment=comment, reason=reason)
        _invalidate(article.pk)
        if comment.is_published:
            # Last: every comment on the article updates the thread's row, which stays
            # locked until the commit, so nothing else is done while holding it.
            _count_published(comment, +1)
        return comment

    comment, created = idempotent_create(
        queryset=Comment.objects.filter(author=author),
        key=idempotency_key,
        fingerprint=fingerprint(article.pk, parent_id, source),
        create=create,
    )
    if not created:
        comment = Comment.objects.select_related("article", "author").get(pk=comment.pk)
    return Posted(comment=comment, created=created)


# --- Editing and deleting.


@transaction.atomic
def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """The author rewrites their comment within the edit window; it is assessed again."""
    comment = _lock(comment)
    if not getattr(editor, "is_authenticated", False) or comment.author_id != editor.pk:
        raise MastheadError("forbidden", "Only its author can edit a comment.", 403)
    reader_can_post(editor)
    if comment.is_deleted:
        raise MastheadError("conflict", "That comment was deleted.", 409)
    window = settings.COMMENT_EDIT_WINDOW_SECONDS
    if timezone.now() > comment.created_at + timedelta(seconds=window):
        minutes = max(window // 60, 1)
        raise MastheadError(
            "edit_window_closed",
            f"Comments can be edited for {minutes} minute{'s' if minutes != 1 else ''} after posting.",
            403,
        )
    text, html = _body(body)
    if text == comment.body:
        return comment
    decision = moderation.assess(
        moderation.Draft(
            article=comment.article,
            author=editor,
            body=text,
            body_html=html,
            parent=comment.parent,
            comment=comment,
        )
    )
    was_published = comment.is_published
    was_rejected = comment.status == Comment.Status.REJECTED
    comment.body, comment.body_html = text, html
    comment.edited_at = timezone.now()
    comment.status = decision.status
    comment.moderation_reason = decision.reason[:500]
    comment.moderation_data = decision.data
    comment.save(
        update_fields=["body", "body_html", "edited_at", "status", "moderation_reason", "moderation_data"]
    )
    if was_published and comment.is_published:
        _publish(comment, "comment.edited")
    elif was_published:
        _count_published(comment, -1)
        _publish(comment, "comment.removed")
        signals.send_on_commit(signals.comment_removed, comment=comment)
    elif comment.is_published:
        _count_published(comment, +1)
        _publish(comment, "comment.published")
        signals.send_on_commit(signals.comment_published, comment=comment)
    if comment.status == Comment.Status.REJECTED and not was_rejected:
        signals.send_on_commit(signals.comment_rejected, comment=comment, reason=comment.moderation_reason)
    _invalidate(comment.article_id)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor, reason: str = "") -> Comment:
    """Its author or a moderator deletes a comment: it stays in its place as a tombstone
    (no author shown, no words), so the replies under it still make sense. Deleting
    twice is fine."""
    comment = _lock(comment)
    own = getattr(actor, "is_authenticated", False) and comment.author_id == actor.pk
    if not own and not selectors.viewer_is_moderator(actor):
        raise MastheadError("forbidden", "Only its author or a moderator can delete a comment.", 403)
    if comment.is_deleted:
        return comment
    original = comment.body
    was_published = comment.is_published
    if was_published:
        _count_published(comment, -1)  # before deleted_at is set: it still counts until now
    comment.deleted_at = timezone.now()
    comment.deleted_by = "author" if own else "moderator"
    comment.body, comment.body_html = "", ""
    comment.featured_at = None
    comment.save(update_fields=["deleted_at", "deleted_by", "body", "body_html", "featured_at"])
    if not own:
        audit_log(actor=actor, action="comment.delete", target=comment, reason=reason, body=original)
    if was_published:
        _publish(comment, "comment.removed")
        signals.send_on_commit(signals.comment_removed, comment=comment)
    _invalidate(comment.article_id)
    return comment


# --- Moderators' decisions (the moderation desk calls these).


def _set_status(*, comment: Comment, status: str, actor, reason: str, action: str) -> Comment:
    comment = _lock(comment)
    if comment.status == status:
        return comment
    was_published = comment.is_published
    comment.status = status
    if reason:
        comment.moderation_reason = reason[:500]
    comment.save(update_fields=["status", "moderation_reason"])
    audit_log(actor=actor, action=action, target=comment, reason=reason)
    if comment.is_published and not was_published:
        _count_published(comment, +1)
        if not comment.is_deleted:
            _publish(comment, "comment.published")
            signals.send_on_commit(signals.comment_published, comment=comment)
    elif was_published:
        _count_published(comment, -1)
        if comment.featured_at:
            Comment.objects.filter(pk=comment.pk).update(featured_at=None)
            comment.featured_at = None
        _publish(comment, "comment.removed")
        signals.send_on_commit(signals.comment_removed, comment=comment)
    if status == Comment.Status.REJECTED and not comment.is_deleted:
        signals.send_on_commit(signals.comment_rejected, comment=comment, reason=comment.moderation_reason)
    _invalidate(comment.article_id)
    return comment


@transaction.atomic
def comment_approve(*, comment: Comment, actor, reason: str = "") -> Comment:
    """Publish a comment that was awaiting moderation (or reverse a rejection)."""
    return _set_status(
        comment=comment, status=PUBLISHED, actor=actor, reason=reason, action="comment.approve"
    )


@transaction.atomic
def comment_reject(*, comment: Comment, actor, reason: str = "") -> Comment:
    """Take a comment out of the conversation; its author still sees it, and why."""
    return _set_status(
        comment=comment, status=Comment.Status.REJECTED, actor=actor, reason=reason, action="comment.reject"
    )


def _feature(comment: Comment, *, actor, reason: str, on: bool) -> Comment:
    comment = _lock(comment)
    if on and (comment.is_deleted or not comment.is_published):
        raise MastheadError("conflict", "Only a published comment can be featured.", 409)
    if comment.featured == on:
        return comment
    comment.featured_at = timezone.now() if on else None
    comment.save(update_fields=["featured_at"])
    audit_log(
        actor=actor, action="comment.feature" if on else "comment.unfeature", target=comment, reason=reason
    )
    _publish(comment, "comment.featured")
    if on:
        signals.send_on_commit(signals.comment_featured, comment=comment)
    _invalidate(comment.article_id)
    return comment


@transaction.atomic
def comment_feature(*, comment: Comment, actor, reason: str = "") -> Comment:
    """Pin a comment to the Featured tab (moderators)."""
    return _feature(comment, actor=actor, reason=reason, on=True)


@transaction.atomic
def comment_unfeature(*, comment: Comment, actor, reason: str = "") -> Comment:
    return _feature(comment, actor=actor, reason=reason, on=False)


# --- Reactions.


@dataclass
class ReactionState:
    reaction_count: int
    reacted: bool


def _reactable(comment: Comment, reader) -> None:
    reader_can_post(reader)
    if comment.is_deleted or not comment.is_published:
        raise MastheadError("conflict", "You can only react to a published comment.", 409)
    if comment.author_id == reader.pk:
        raise MastheadError("forbidden", "You cannot react to your own comment.", 403)


@transaction.atomic
def reaction_set(*, comment: Comment, reader) -> ReactionState:
    """The reader reacts to a comment; doing it again changes nothing."""
    comment = _fresh(comment)
    _reactable(comment, reader)
    if not Reaction.objects.filter(comment=comment, reader=reader).exists():
        _rate_limit(
            reader,
            scope="comment_reaction",
            rate=settings.COMMENT_REACTION_RATE_LIMIT,
            message="You are reacting faster than we allow.",
        )
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, reader=reader)
        except IntegrityError:
            pass  # a concurrent request got there first: reacted either way
        else:
            Comment.objects.filter(pk=comment.pk).update(reaction_count=F("reaction_count") + 1)
            _invalidate(comment.article_id)
            signals.send_on_commit(signals.reaction_added, comment=comment, reader=reader)
    return _reaction_state(comment, reacted=True)


@transaction.atomic
def reaction_remove(*, comment: Comment, reader) -> ReactionState:
    """The reader takes their reaction back; doing it again changes nothing."""
    reader_can_post(reader)
    removed, _ = Reaction.objects.filter(comment=comment, reader=reader).delete()
    if removed:
        Comment.objects.filter(pk=comment.pk, reaction_count__gt=0).update(
            reaction_count=F("reaction_count") - 1
        )
        _invalidate(comment.article_id)
    return _reaction_state(comment, reacted=False)


@transaction.atomic
def reaction_toggle(*, comment: Comment, reader) -> ReactionState:
    """The page's button: react, or take it back."""
    if Reaction.objects.filter(comment=comment, reader=reader).exists():
        return reaction_remove(comment=comment, reader=reader)
    return reaction_set(comment=comment, reader=reader)


def _reaction_state(comment: Comment, *, reacted: bool) -> ReactionState:
    count = Comment.objects.filter(pk=comment.pk).values_list("reaction_count", flat=True).first() or 0
    comment.reaction_count = count
    return ReactionState(reaction_count=count, reacted=reacted)


# --- Reports.


@transaction.atomic
def report_create(*, comment: Comment, reader, reason: str, note: str = "") -> tuple[Report, bool]:
    """The reader reports a comment to the moderators. Reporting it again updates the
    reason and note but counts once. Returns ``(report, created)``."""
    reader_can_post(reader)
    comment = _fresh(comment)
    if reason not in Report.Reason.values:
        raise _invalid("reason", f"Choose one of: {', '.join(Report.Reason.values)}.")
    note = " ".join((note or "").replace("\x00", "").split())  # PostgreSQL refuses NUL in text
    if len(note) > 500:
        raise _invalid("note", "Keep the note under 500 characters.")
    if comment.is_deleted:
        raise MastheadError("conflict", "That comment was deleted.", 409)
    if comment.author_id == reader.pk:
        raise MastheadError("forbidden", "You cannot report your own comment.", 403)
    existing = Report.objects.filter(comment=comment, reader=reader).first()
    if existing is None:
        _rate_limit(
            reader,
            scope="comment_report",
            rate=settings.COMMENT_REPORT_RATE_LIMIT,
            message="You have sent a lot of reports; our moderators are on it.",
        )
        try:
            with transaction.atomic():
                report = Report.objects.create(comment=comment, reader=reader, reason=reason, note=note)
        except IntegrityError:
            existing = Report.objects.get(comment=comment, reader=reader)
        else:
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
            moderation.report_filed(comment=comment, report=report)
            signals.send_on_commit(signals.comment_reported, comment=comment, report=report)
            return report, True
    existing.reason = reason
    if note:
        existing.note = note
    existing.save(update_fields=["reason", "note"])
    return existing, False


def reports_resolve(*, comment: Comment) -> list[int | None]:
    """A moderator decided ``comment``: its open reports are resolved. Returns the readers who
    filed them (None for a deleted account), for the moderation app's reporter records."""
    reports = Report.objects.filter(comment=comment, resolved_at__isnull=True)
    readers = list(reports.values_list("reader_id", flat=True))
    if readers:
        reports.update(resolved_at=timezone.now())
    return readers


# --- Threads (editors).


@transaction.atomic
def thread_set_closing(*, article: Article, closes_at, actor) -> Thread:
    """Close an article's comments at ``closes_at`` (None: the usual days after publication)."""
    thread = thread_for(article)
    thread.closes_at = closes_at
    thread.save(update_fields=["closes_at", "updated_at"])
    audit_log(
        actor=actor,
        action="thread.closing",
        target=thread,
        closes_at=closes_at.isoformat() if closes_at else None,
    )
    _invalidate(article.pk)
    return thread


@transaction.atomic
def thread_recount(*, article: Article) -> Thread:
    """Recompute an article's counters from the rows (repair after a manual database edit).

    The services keep them right as they go; this is for operators (tasks.recount_threads).
    """
    thread = thread_for(article)
    live = Comment.objects.filter(article=article, status=PUBLISHED)
    thread.comment_count = live.filter(deleted_at__isnull=True).count()
    thread.save(update_fields=["comment_count", "updated_at"])
    replies = dict(
        live.filter(parent__isnull=False)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    reactions = dict(
        Reaction.objects.filter(comment__article=article)
        .values("comment_id")
        .annotate(n=Count("id"))
        .values_list("comment_id", "n")
    )
    stale = []
    for comment in Comment.objects.filter(article=article).only("id", "reply_count", "reaction_count"):
        counts = (replies.get(comment.pk, 0), reactions.get(comment.pk, 0))
        if (comment.reply_count, comment.reaction_count) != counts:
            comment.reply_count, comment.reaction_count = counts
            stale.append(comment)
    Comment.objects.bulk_update(stale, ["reply_count", "reaction_count"], batch_size=500)
    _invalidate(article.pk)
    return thread


# --- Erasure.


def comments_erase_reader(*, reader) -> None:
    """A reader's account is going: their comments become tombstones in place, their
    reactions go (and stop counting). Runs inside the erasing transaction."""
    comments = Comment.objects.filter(author=reader)
    counted = (
        comments.filter(status=PUBLISHED, deleted_at__isnull=True)
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in counted:
        Thread.objects.filter(article_id=row["article_id"]).update(
            comment_count=F("comment_count") - row["n"]
        )
    article_ids = set(comments.values_list("article_id", flat=True).distinct())
    reacted = Reaction.objects.filter(reader=reader)
    article_ids |= set(reacted.values_list("comment__article_id", flat=True).distinct())
    Comment.objects.filter(pk__in=reacted.values("comment_id"), reaction_count__gt=0).update(
        reaction_count=F("reaction_count") - 1
    )
    reacted.delete()
    comments.filter(deleted_at__isnull=True).update(deleted_at=timezone.now(), deleted_by="erasure")
    comments.update(
        author=None,
        body="",
        body_html="",
        featured_at=None,
        idempotency_key=None,
        idempotency_fingerprint="",
        moderation_data={},
    )
    for article_id in article_ids:
        _invalidate(article_id)


def on_reader_deleting(sender, reader, **kwargs) -> None:
    comments_erase_reader(reader=reader)
