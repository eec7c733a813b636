"""Every moderator's write: decisions on comments, sanctions, settings and modes.

Each is one named service, checks that the actor is a moderator, and is written to the
audit log (``core.audit.audit_log``) — by the comments or accounts service it calls, or
here — so the moderation log misses nothing a moderator does, even an action that changed
nothing (approving a comment that was already published is still a decision: its
reports are dismissed).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.accounts import services as accounts
from masthead.comments import services as comments
from masthead.comments.models import Comment
from masthead.comments.selectors import thread_key
from masthead.core import pagecache
from masthead.core.audit import audit_log
from masthead.core.errors import MastheadError, NotFound
from masthead.moderation import config, reports
from masthead.moderation.config import LINK_POLICIES, MODES
from masthead.moderation.links import clean_domain
from masthead.moderation.models import (
    ArticleModeration,
    CommentReview,
    ModerationSettings,
    ReaderWarning,
    ReporterRecord,
    SectionModeration,
)
from masthead.moderation.selectors import forget_counts, require_moderator
from masthead.newsroom.models import Article, Section
from masthead.newsroom.services import NEWSROOM

MAX_TERMS = 2000
MAX_TERM_LENGTH = 100
MAX_DOMAINS = 500
INHERIT = "inherit"

NUMBER_FIELDS = {
    # field: (type, minimum, maximum)
    "toxicity_threshold": (float, 0.01, 1.0),
    "new_reader_count": (int, 0, 100),
    "new_reader_probation_days": (int, 0, 365),
    "rejection_rate_threshold": (float, 0.01, 1.0),
    "rejection_rate_min_comments": (int, 1, 1000),
    "report_threshold": (int, 1, 100),
}
_WORD_LISTS = ("banned_words", "suspect_words", "allowed_words")
SETTINGS_FIELDS = ("mode", "link_policy", "link_allowlist", *_WORD_LISTS, *NUMBER_FIELDS)


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise MastheadError("validation_error", "Some fields are not valid.", 422, fields=dict(self))


def _terms(name: str, values, errors: _Errors) -> str | None:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors.add(name, "A list of words or phrases.")
        return None
    terms: dict[str, None] = {}
    for value in values:
        term = " ".join(value.split()).casefold()
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH:
            errors.add(name, f"“{term[:30]}…” is longer than {MAX_TERM_LENGTH} characters.")
        elif "#" in term:
            errors.add(name, f"“{term}”: # starts a comment in a word list; leave it out.")
        elif sum(c.isalnum() for c in term.rstrip("*")) < 2:
            errors.add(name, f"“{term}” is too short to match only what you mean (two letters at least).")
        elif "*" in term.rstrip("*"):
            errors.add(name, f"“{term}”: * may only end a term (fuck* matches fucking).")
        else:
            terms.setdefault(term, None)
    if len(terms) > MAX_TERMS:
        errors.add(name, f"At most {MAX_TERMS} entries.")
    return "\n".join(terms)


def _domains(values, errors: _Errors) -> str | None:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors.add("link_allowlist", "A list of domains.")
        return None
    domains: dict[str, None] = {}
    for value in values:
        if not value.strip():
            continue
        domain = clean_domain(value)
        if domain is None:
            errors.add("link_allowlist", f"“{value.strip()[:60]}” is not a domain name (example.org).")
        else:
            domains.setdefault(domain, None)
    if len(domains) > MAX_DOMAINS:
        errors.add("link_allowlist", f"At most {MAX_DOMAINS} domains.")
    return "\n".join(domains)


def _number(name: str, value, errors: _Errors):
    kind, low, high = NUMBER_FIELDS[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and value != int(value)):
        errors.add(name, "A whole number." if kind is int else "A number.")
        return None
    if not low <= value <= high:
        errors.add(name, f"Between {low} and {high}.")
        return None
    return kind(value)


def _clean(changes: dict, errors: _Errors) -> dict:
    cleaned: dict = {}
    for name, value in changes.items():
        if name not in SETTINGS_FIELDS:
            errors.add(name, "Not a moderation setting.")
        elif name == "mode":
            if value not in MODES:
                errors.add(name, f"One of {', '.join(MODES)}.")
            else:
                cleaned[name] = value
        elif name == "link_policy":
            if value not in LINK_POLICIES:
                errors.add(name, f"One of {', '.join(LINK_POLICIES)}.")
            else:
                cleaned[name] = value
        elif name in _WORD_LISTS:
            cleaned[name] = _terms(name, value, errors)
        elif name == "link_allowlist":
            cleaned[name] = _domains(value, errors)
        else:
            cleaned[name] = _number(name, value, errors)
    return cleaned


def _section_modes(section_modes: dict, errors: _Errors) -> dict[Section, str]:
    if not isinstance(section_modes, dict):
        errors.add("section_modes", "An object: section slug → mode.")
        return {}
    sections = Section.objects.in_bulk(list(section_modes), field_name="slug")
    cleaned: dict[Section, str] = {}
    for slug, mode in section_modes.items():
        if slug not in sections:
            errors.add(f"section_modes.{slug}", "No section by that slug.")
        elif mode not in (*MODES, INHERIT, None):
            errors.add(f"section_modes.{slug}", f"One of {', '.join(MODES)} or {INHERIT}.")
        else:
            cleaned[sections[slug]] = mode or INHERIT
    return cleaned


def _article_modes(article_modes: dict, errors: _Errors) -> dict[Article, str]:
    if not isinstance(article_modes, dict):
        errors.add("article_modes", "An object: article slug → mode.")
        return {}
    articles = Article.objects.in_bulk(list(article_modes), field_name="slug")
    cleaned: dict[Article, str] = {}
    for slug, mode in article_modes.items():
        if slug not in articles:
            errors.add(f"article_modes.{slug}", "No article by that slug.")
        elif mode not in (*MODES, INHERIT, None):
            errors.add(f"article_modes.{slug}", f"One of {', '.join(MODES)} or {INHERIT}.")
        else:
            cleaned[articles[slug]] = mode or INHERIT
    return cleaned


@transaction.atomic
def moderation_settings_update(
    *, actor, changes: dict, section_modes: dict | None = None, article_modes: dict | None = None
) -> ModerationSettings:
    """Change some settings (those in ``changes``; lists replace the stored list whole) and,
    optionally, sections' and articles' modes (slug → mode, or ``inherit`` to follow the
    section's or site's). All or nothing: any invalid value → 422 ``validation_error``
    naming every bad field."""
    errors = _Errors()
    cleaned = _clean(changes, errors)
    sections = _section_modes(section_modes, errors) if section_modes is not None else {}
    articles = _article_modes(article_modes, errors) if article_modes is not None else {}
    errors.raise_any()

    row = ModerationSettings.objects.select_for_update().filter(pk=ModerationSettings.SINGLETON_ID).first()
    row = row or ModerationSettings.load()
    changed = sorted(name for name, value in cleaned.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, cleaned[name])
    if changed:
        row.updated_by = actor if getattr(actor, "pk", None) else None
        row.save()
        audit_log(actor=actor, action="moderation.settings", target=row, changed=changed)
        if "mode" in changed:
            _pages_changed()
    for section, mode in sections.items():
        section_mode_set(section=section, mode=None if mode == INHERIT else mode, actor=actor)
    for article, mode in articles.items():
        article_mode_set(article=article, mode=None if mode == INHERIT else mode, actor=actor)
    return row


def _pages_changed(article_id: int | None = None) -> None:
    """Cached pages show whether comments are open: the site's or a section's mode changes
    every article page (the newsroom's version), an article's mode its own thread."""
    names = (thread_key(article_id),) if article_id is not None else (NEWSROOM,)
    transaction.on_commit(lambda: pagecache.bump(*names))


def _mode(mode: str | None) -> None:
    if mode is not None and mode not in MODES:
        message = f"One of {', '.join(MODES)} (or none, to inherit)."
        raise MastheadError("validation_error", message, 422, fields={"mode": [message]})


@transaction.atomic
def section_mode_set(*, section: Section, mode: str | None, actor) -> SectionModeration | None:
    """Give a section its own mode (post, pre, closed), or ``None`` to follow the site's."""
    _mode(mode)
    current = SectionModeration.objects.filter(section=section).first()
    if (current.mode if current else None) == mode:
        return current
    if mode is None:
        current.delete()
        row = None
    else:
        row, _ = SectionModeration.objects.update_or_create(section=section, defaults={"mode": mode})
    audit_log(actor=actor, action="moderation.section_mode", target=section, mode=mode or INHERIT)
    _pages_changed()
    return row


@transaction.atomic
def article_mode_set(*, article: Article, mode: str | None, actor) -> ArticleModeration | None:
    """Give an article its own mode, or ``None`` to follow its section's (else the site's)."""
    _mode(mode)
    current = ArticleModeration.objects.filter(article=article).first()
    if (current.mode if current else None) == mode:
        return current
    if mode is None:
        current.delete()
        row = None
    else:
        row, _ = ArticleModeration.objects.update_or_create(article=article, defaults={"mode": mode})
    audit_log(actor=actor, action="moderation.article_mode", target=article, mode=mode or INHERIT)
    _pages_changed(article.pk)
    return row


# --- Decisions on comments.

APPROVE, REJECT, FEATURE, UNFEATURE = "approve", "reject", "feature", "unfeature"
COMMENT_ACTIONS = (APPROVE, REJECT, FEATURE, UNFEATURE)
BULK_ACTIONS = (APPROVE, REJECT)
BULK_MAX = 100
REASON_MAX = 500
# What the author is told when the moderator gave no reason of their own (the comment's
# stored reason would otherwise still be the pipeline's "waiting for a moderator").
DEFAULT_REJECT_REASON = "A moderator found that it breaks our community guidelines."


def _invalid(name: str, message: str) -> MastheadError:
    return MastheadError("validation_error", message, 422, fields={name: [message]})


def _text(value: str | None, *, name: str, limit: int = REASON_MAX, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise _invalid(name, "Say why: the reader is told.")
    if len(text) > limit:
        raise _invalid(name, f"At most {limit} characters.")
    return text


def _locked(comment_id: int) -> Comment:
    row = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("article", "author")
        .filter(pk=comment_id)
        .first()
    )
    if row is None:
        raise NotFound("No comment by that number.")
    return row


def _waited(comment: Comment, review: CommentReview) -> float | None:
    """How long the comment waited for this decision: since its reports reached the
    threshold, or since it was posted (or edited) into the pending queue; None when it was
    not waiting (a moderator second-guessing the pipeline is not a queue being cleared)."""
    if review.reported_at is not None:
        since = review.reported_at
    elif comment.status == Comment.Status.PENDING:
        since = comment.edited_at or comment.created_at
    else:
        return None
    return max((timezone.now() - since).total_seconds(), 0.0)


def _decide(comment: Comment, *, actor, decision: str) -> tuple[CommentReview, int]:
    """Record the decision on the comment's review and settle its open reports: upheld when
    it is rejected, dismissed when it is kept. Returns the review and the reports settled."""
    review, _ = CommentReview.objects.select_for_update().get_or_create(comment=comment)
    review.wait_seconds = _waited(comment, review)
    review.decision = decision
    review.decided_at = timezone.now()
    review.decided_by = actor if getattr(actor, "pk", None) else None
    review.open_reports, review.report_weight, review.reported_at = 0, 0.0, None
    review.save()
    reporters = [pk for pk in comments.reports_resolve(comment=comment) if pk is not None]
    if reporters:
        ReporterRecord.objects.bulk_create(
            [ReporterRecord(reader_id=pk) for pk in reporters], ignore_conflicts=True
        )
        outcome = "upheld" if decision == CommentReview.Decision.REJECTED else "dismissed"
        ReporterRecord.objects.filter(reader_id__in=reporters).update(**{outcome: F(outcome) + 1})
    return review, len(reporters)


def _unchanged(*, actor, action: str, comment: Comment, reason: str, **data) -> None:
    """The comments service writes the log when it changes something; when there was nothing
    to change, the moderator still acted (and, approving, dismissed the reports)."""
    audit_log(actor=actor, action=f"comment.{action}", target=comment, reason=reason, unchanged=True, **data)


@transaction.atomic
def comment_moderate(*, actor, comment: Comment | int, action: str, reason: str = "") -> Comment:
    """A moderator's decision on one comment: ``approve`` (publish it, or keep it and dismiss
    its reports), ``reject`` (take it out of the conversation; its author is notified, with
    ``reason``), ``feature`` or ``unfeature``. Written to the log in every case."""
    require_moderator(actor)
    if action not in COMMENT_ACTIONS:
        raise _invalid("action", f"One of {', '.join(COMMENT_ACTIONS)}.")
    reason = _text(reason, name="reason")
    row = _locked(comment if isinstance(comment, int) else comment.pk)
    if row.is_deleted:
        raise MastheadError("conflict", "That comment was deleted.", 409)
    if action == APPROVE:
        if row.status == Comment.Status.PUBLISHED:
            _, settled = _decide(row, actor=actor, decision=CommentReview.Decision.APPROVED)
            _unchanged(actor=actor, action=APPROVE, comment=row, reason=reason, reports_dismissed=settled)
        else:
            _decide(row, actor=actor, decision=CommentReview.Decision.APPROVED)
            row = comments.comment_approve(comment=row, actor=actor, reason=reason)
    elif action == REJECT:
        reason = reason or DEFAULT_REJECT_REASON
        if row.status == Comment.Status.REJECTED:
            _unchanged(actor=actor, action=REJECT, comment=row, reason=reason)
        else:
            _decide(row, actor=actor, decision=CommentReview.Decision.REJECTED)
            row = comments.comment_reject(comment=row, actor=actor, reason=reason)
    elif action == FEATURE:
        if row.featured:
            _unchanged(actor=actor, action=FEATURE, comment=row, reason=reason)
        else:
            row = comments.comment_feature(comment=row, actor=actor, reason=reason)
    elif row.featured:
        row = comments.comment_unfeature(comment=row, actor=actor, reason=reason)
    else:
        _unchanged(actor=actor, action=UNFEATURE, comment=row, reason=reason)
    transaction.on_commit(forget_counts)
    return row


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # {id, code, message}


def comments_bulk_moderate(*, actor, comment_ids: list[int], action: str, reason: str = "") -> BulkResult:
    """Approve or reject many comments; each is its own decision (and log entry), so one that
    cannot be decided (deleted meanwhile) does not hold back the others."""
    require_moderator(actor)
    if action not in BULK_ACTIONS:
        raise _invalid("action", f"One of {', '.join(BULK_ACTIONS)}.")
    ids = list(dict.fromkeys(comment_ids))
    if not ids:
        raise _invalid("ids", "Choose at least one comment.")
    if len(ids) > BULK_MAX:
        raise _invalid("ids", f"At most {BULK_MAX} at a time.")
    reason = _text(reason, name="reason")
    result = BulkResult()
    for comment_id in ids:
        try:
            comment_moderate(actor=actor, comment=comment_id, action=action, reason=reason)
        except MastheadError as exc:
            result.failed.append({"id": comment_id, "code": exc.code, "message": exc.message})
        else:
            result.done.append(comment_id)
    return result


# --- Reports.


def reporter_weight(reader_id: int | None) -> float:
    record = ReporterRecord.objects.filter(reader_id=reader_id).first() if reader_id else None
    if record is None:
        return 1.0
    return reports.report_weight(upheld=record.upheld, dismissed=record.dismissed)


def report_received(*, comment: Comment, report) -> CommentReview | None:
    """Weigh a reader's first report of ``comment`` (called in the reporting transaction).

    Once the open reports weigh ``report_threshold`` (3 reports from readers in good
    standing) a published comment joins the reported queue. It stays published meanwhile,
    as in Coral: reports are a signal, not a verdict; a moderator decides.
    """
    weight = reporter_weight(report.reader_id)
    CommentReview.objects.bulk_create([CommentReview(comment_id=comment.pk)], ignore_conflicts=True)
    reviews = CommentReview.objects.filter(comment_id=comment.pk)
    reviews.update(open_reports=F("open_reports") + 1, report_weight=F("report_weight") + weight)
    review = reviews.select_for_update().first()
    live = comment.status == Comment.Status.PUBLISHED and comment.deleted_at is None
    threshold = config.current().report_threshold
    if live and review.reported_at is None and reports.reaches(review.report_weight, threshold):
        review.reported_at = timezone.now()
        review.save(update_fields=["reported_at"])
        transaction.on_commit(forget_counts)
    return review


# --- Readers: warnings and sanctions.

WARN, SUSPEND, BAN, REINSTATE = "warn", "suspend", "ban", "reinstate"
READER_ACTIONS = (WARN, SUSPEND, BAN, REINSTATE)
MAX_SUSPENSION = timedelta(days=366)
MESSAGE_MAX = 500


def _notify(reader, *, action: str, message: str, until: datetime | None = None) -> None:
    """Email the reader what a moderator decided about them (after commit, by the task queue)."""
    if not reader.email:
        return
    from masthead.accounts.tasks import email_enqueue

    context = {
        "reader": reader,
        "action": action,
        "message": message,
        "until": until,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subjects = {
        WARN: "A message from the moderators",
        SUSPEND: "Your account is suspended",
        BAN: "Your account is banned",
        REINSTATE: "You can take part again",
    }
    email = EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subjects[action]}",
        body=render_to_string("moderation/email/reader_notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reader.email],
    )
    transaction.on_commit(lambda: email_enqueue(email))


@transaction.atomic
def reader_moderate(
    *,
    actor,
    reader,
    action: str,
    message: str = "",
    until: datetime | None = None,
    comment: Comment | None = None,
):
    """A moderator's action on a reader: ``warn`` (a message, emailed and kept on their
    record), ``suspend`` until a moment (it ends by itself then), ``ban``, ``reinstate``.
    The reader is emailed; the action is written to the log. Staff accounts are managed by
    an admin, not from the desk (403)."""
    require_moderator(actor)
    if action not in READER_ACTIONS:
        raise _invalid("action", f"One of {', '.join(READER_ACTIONS)}.")
    if reader.is_staff or reader.is_superuser:
        raise MastheadError("forbidden", "Staff accounts are managed by an admin, not from the desk.", 403)
    message = _text(message, name="message", limit=MESSAGE_MAX, required=action != REINSTATE)
    if action == WARN:
        ReaderWarning.objects.create(reader=reader, moderator=actor, message=message, comment=comment)
        audit_log(
            actor=actor,
            action="reader.warn",
            target=reader,
            reason=message,
            comment_id=comment.pk if comment else None,
        )
    elif action == SUSPEND:
        if until is None:
            raise _invalid("until", "Say until when.")
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        if until <= timezone.now():
            raise _invalid("until", "A suspension ends in the future.")
        if until > timezone.now() + MAX_SUSPENSION:
            raise _invalid("until", "At most a year: for longer, ban.")
        reader = accounts.reader_suspend(reader=reader, until=until, message=message, actor=actor)
    elif action == BAN:
        reader = accounts.reader_ban(reader=reader, message=message, actor=actor)
    else:
        reader = accounts.reader_reinstate(reader=reader, actor=actor, reason=message)
    _notify(reader, action=action, message=message, until=until)
    return reader
