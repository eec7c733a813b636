"""The conversation's HTML: the section under every article and the pages behind its forms.

Everything works without JavaScript: forms post and redirect back to the comment's
permalink (``?comment=<id>#comment-<id>``), "load more" and "show more replies" are pages of
their own. With htmx the same URLs answer with fragments: a request for a fragment is
either an htmx POST (``HX-Request``) or a GET with ``?partial=1`` (so a cached page and a
cached fragment never share a URL).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.accounts.selectors import reader_can_post
from masthead.comments import selectors, services
from masthead.comments.forms import CommentForm, EditForm, ReportForm
from masthead.comments.markup import comment_html, normalize
from masthead.comments.models import Comment
from masthead.core.errors import MastheadError, NotFound
from masthead.core.idempotency import validate_key
from masthead.core.pagecache import cache_anonymous_page
from masthead.newsroom.cache import article_keys
from masthead.newsroom.models import Article
from masthead.newsroom.selectors import article_get_visible

SORT_LABELS = (("newest", "Newest"), ("oldest", "Oldest"), ("top", "Top"), ("featured", "Featured"))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _partial(request: HttpRequest) -> bool:
    return request.GET.get("partial") == "1"


def _article(request: HttpRequest, slug: str) -> Article:
    try:
        return article_get_visible(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _comment(request: HttpRequest, pk: int) -> Comment:
    try:
        return selectors.comment_get_visible(viewer=request.user, comment_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _gate(request: HttpRequest, state: selectors.CommentsState) -> dict | None:
    """Why the viewer cannot write here right now (None: they can)."""
    if not state.open:
        return {"kind": "closed", "message": state.notice}
    if not request.user.is_authenticated:
        return {"kind": "sign_in", "message": "Sign in to join the conversation."}
    try:
        reader_can_post(request.user)
    except MastheadError as exc:
        return {"kind": exc.code, "message": exc.message}
    return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def section_context(
    request: HttpRequest,
    article: Article,
    *,
    form: CommentForm | None = None,
    preview_html: str | None = None,
    cursor: str | None = None,
) -> dict:
    """What templates/comments/_section.html shows for ``article`` to this viewer."""
    viewer = request.user
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else selectors.DEFAULT_SORT
    focus_id = _int(request.GET.get("comment"))
    state = selectors.comments_state(article)
    page = selectors.comment_focus(article=article, viewer=viewer, comment_id=focus_id) if focus_id else None
    focus_missing = bool(focus_id) and page is None
    count = selectors.article_comment_count(article)
    if page is None and count == 0 and cursor is None:
        # Nothing published (at most tombstones with nothing under them): most stories, no query.
        page = selectors.ThreadPage(items=[], next_cursor=None, sort=sort)
    if page is None:
        try:
            page = selectors.thread_page(article=article, viewer=viewer, sort=sort, cursor=cursor)
        except MastheadError as exc:  # a mangled ?cursor= in someone's link
            raise Http404(exc.message) from exc
    gate = _gate(request, state)
    signed_in = viewer.is_authenticated
    return {
        "article": article,
        "article_url": article.get_absolute_url(),
        "state": state,
        "page": page,
        "sort": sort,
        "sorts": SORT_LABELS,
        "count": count,
        "gate": gate,
        "can_post": gate is None,
        "signed_in": signed_in,
        "form": form if form is not None else (CommentForm() if gate is None else None),
        "preview_html": preview_html,
        "pending": selectors.viewer_pending(article=article, viewer=viewer) if signed_in else [],
        "focus_missing": focus_missing,
        "reaction_label": settings.COMMENT_REACTION_LABEL,
        "max_length": settings.COMMENT_MAX_LENGTH,
        "report_reasons": ReportForm().fields["reason"].choices,
        "login_url": f"{reverse(settings.LOGIN_URL)}?next={article.get_absolute_url()}%23comments",
    }


def _item_context(request: HttpRequest, article: Article) -> dict:
    """The part of section_context a single comment's fragment needs (no thread query)."""
    state = selectors.comments_state(article)
    gate = _gate(request, state)
    return {
        "article": article,
        "article_url": article.get_absolute_url(),
        "state": state,
        "gate": gate,
        "can_post": gate is None,
        "signed_in": request.user.is_authenticated,
        "reaction_label": settings.COMMENT_REACTION_LABEL,
        "max_length": settings.COMMENT_MAX_LENGTH,
        "report_reasons": ReportForm().fields["reason"].choices,
    }


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _decorated(request: HttpRequest, comment: Comment) -> Comment:
    """Re-read ``comment`` as the viewer sees it, with its badges and permissions."""
    comment = selectors.comment_get_visible(viewer=request.user, comment_id=comment.pk)
    parents = {comment.parent_id: comment.parent} if comment.parent_id else None
    selectors.decorate([comment], article=comment.article, viewer=request.user, parents=parents)
    comment.shown_replies, comment.more_replies, comment.more_cursor = [], 0, None
    return comment


# --- The thread: its page, its fragments, and posting.


def _thread_keys(request: HttpRequest, slug: str):
    article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True).first() or 0
    return (*article_keys(article_id), selectors.thread_key(article_id))


@require_http_methods(["GET", "HEAD", "POST"])
@cache_anonymous_page(_thread_keys)
def thread(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article(request, slug)
    if request.method == "POST":
        return _post(request, article)
    cursor = request.GET.get("cursor") or None
    cs = section_context(request, article, cursor=cursor)
    if _partial(request):
        template = "comments/_items.html" if cursor else "comments/_thread.html"
        return render(request, template, {"cs": cs})
    return render(request, "comments/page.html", {"cs": cs, "article": article})


def _form_id(parent_id: int | None) -> str:
    return f"reply-form-{parent_id}" if parent_id else "comment-form"


def _post(request: HttpRequest, article: Article) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(f"{article.get_absolute_url()}#comments")
    form = CommentForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    parent_id = data.get("parent_id")
    form_id = _form_id(parent_id)
    try:
        key = validate_key(data.get("idempotency_key") or None)
        posted = services.comment_post(
            article=article,
            author=request.user,
            body=data.get("body") or "",
            parent_id=parent_id,
            idempotency_key=key,
        )
    except MastheadError as exc:
        form.add_service_error(exc)
        return _form_error(request, article, form, form_id, parent_id, exc)
    comment = posted.comment
    status_text = (
        "Your comment is published."
        if comment.is_published
        else f"Your comment is awaiting moderation. {comment.moderation_reason}".strip()
    )
    if not _is_htmx(request):
        messages.success(request, status_text)
        return HttpResponseRedirect(comment.get_absolute_url())
    comment = _decorated(request, comment)
    context = {
        "cs": _item_context(request, article),
        "comment": comment,
        "fresh_form": CommentForm(),
        "form_id": form_id,
        "parent": comment.parent if parent_id else None,
        "count": selectors.article_comment_count(Article.objects.get(pk=article.pk)),
        "status_text": status_text,
    }
    return render(request, "comments/_posted.html", context)


def _form_error(request, article, form, form_id, parent_id, exc: MastheadError) -> HttpResponse:
    if _is_htmx(request):
        parent = None
        if parent_id:
            parent = Comment.objects.select_related("author").filter(pk=parent_id).first()
        context = {"cs": _item_context(request, article), "form": form, "form_id": form_id, "parent": parent}
        response = render(request, "comments/_form.html", context)
        response["HX-Retarget"] = f"#{form_id}"
        response["HX-Reswap"] = "outerHTML"
        return response
    cs = section_context(request, article, form=form)
    cs["form_error_status"] = exc.status
    response = render(request, "comments/page.html", {"cs": cs, "article": article}, status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@require_POST
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The form's Preview button: what the comment will look like, or why it cannot be."""
    article = _article(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{article.get_absolute_url()}#comments")
    body = normalize(request.POST.get("body", ""))
    error = None
    if not body:
        error = "Write something to preview."
    elif len(body) > settings.COMMENT_MAX_LENGTH:
        error = f"This is {len(body) - settings.COMMENT_MAX_LENGTH:,} characters over the limit."
    html = "" if error else comment_html(body)
    if _is_htmx(request):
        return render(request, "comments/_preview.html", {"preview_html": html, "preview_error": error})
    form = CommentForm(request.POST)
    form.is_valid()
    if error:
        form.add_error("body", error)
    cs = section_context(request, article, form=form, preview_html=html)
    return render(request, "comments/page.html", {"cs": cs, "article": article})


# --- One comment.


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's card (for htmx, e.g. cancelling an edit), else its permalink."""
    comment = _comment(request, pk)
    if not _partial(request):
        return HttpResponseRedirect(comment.get_absolute_url())
    comment = _decorated(request, comment)
    return render(
        request, "comments/_card.html", {"cs": _item_context(request, comment.article), "comment": comment}
    )


@require_safe
def replies(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _comment(request, pk)
    if not parent.is_published:
        raise Http404("No replies here.")
    try:
        page = selectors.replies_page(
            parent=parent, viewer=request.user, cursor=request.GET.get("cursor") or None
        )
    except MastheadError as exc:
        raise Http404(exc.message) from exc
    parent.more_cursor = page.next_cursor
    cs = _item_context(request, parent.article)
    context = {"cs": cs, "parent": parent, "replies": page.items, "next_cursor": page.next_cursor}
    if _partial(request):
        return render(request, "comments/_reply_items.html", context)
    parent = _decorated(request, parent)
    context["parent"] = parent
    return render(request, "comments/replies_page.html", {**context, "article": parent.article})


def _signed_in_or_login(request: HttpRequest, comment: Comment) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return redirect_to_login(comment.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    if (response := _signed_in_or_login(request, comment)) is not None:
        return response
    if request.method == "POST":
        form = EditForm(request.POST)
        form.is_valid()
        try:
            comment = services.comment_edit(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except MastheadError as exc:
            form.add_service_error(exc)
            return _edit_form(request, comment, form, status=exc.status)
        if not _is_htmx(request):
            messages.success(request, "Your comment was updated.")
            return HttpResponseRedirect(comment.get_absolute_url())
        comment = _decorated(request, comment)
        return render(
            request,
            "comments/_card.html",
            {"cs": _item_context(request, comment.article), "comment": comment},
        )
    form = EditForm(initial={"body": comment.body})
    decorated = _decorated(request, comment)
    if not decorated.can_edit:
        # Bound, so it can carry the error (add_error on an unbound form raised: a 500 for
        # anyone opening the edit link of a comment they may not, or no longer, edit).
        form = EditForm({"body": comment.body})
        form.is_valid()
        form.add_error(
            None,
            "You can no longer edit this comment."
            if decorated.is_own
            else "Only its author can edit a comment.",
        )
    return _edit_form(request, decorated, form)


def _edit_form(request: HttpRequest, comment: Comment, form: EditForm, status: int = 200) -> HttpResponse:
    context = {"cs": _item_context(request, comment.article), "comment": comment, "form": form}
    if _is_htmx(request) or _partial(request):
        return render(request, "comments/_edit_form.html", context)  # htmx swaps 200s only
    return render(request, "comments/edit_page.html", {**context, "article": comment.article}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    if (response := _signed_in_or_login(request, comment)) is not None:
        return response
    context = {"cs": _item_context(request, comment.article), "comment": comment, "article": comment.article}
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        return render(request, "comments/delete_page.html", context)
    try:
        comment = services.comment_delete(comment=comment, actor=request.user)
    except MastheadError as exc:
        if _is_htmx(request):
            return _card_with_error(request, comment, exc)
        messages.error(request, exc.message)
        return HttpResponseRedirect(comment.get_absolute_url())
    if not _is_htmx(request):
        messages.success(request, "The comment was deleted.")
        return HttpResponseRedirect(comment.get_absolute_url())
    comment = _decorated(request, comment)
    return render(request, "comments/_card.html", {**context, "comment": comment})


def _card_with_error(request: HttpRequest, comment: Comment, exc: MastheadError) -> HttpResponse:
    comment = _decorated(request, comment)
    context = {"cs": _item_context(request, comment.article), "comment": comment, "card_error": exc.message}
    return render(request, "comments/_card.html", context)


@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    """The reaction button: toggles."""
    comment = _comment(request, pk)
    if (response := _signed_in_or_login(request, comment)) is not None:
        return response
    error = None
    try:
        services.reaction_toggle(comment=comment, reader=request.user)
    except MastheadError as exc:
        error = exc.message
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(_safe_next(request, comment.get_absolute_url()))
    comment = _decorated(request, comment)
    context = {"cs": _item_context(request, comment.article), "comment": comment, "reaction_error": error}
    return render(request, "comments/_reaction.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    if (response := _signed_in_or_login(request, comment)) is not None:
        return response
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_create(
                    comment=comment,
                    reader=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except MastheadError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                thanks = "Thank you. A moderator will look at this comment."
                if _is_htmx(request):
                    return render(request, "comments/_reported.html", {"thanks": thanks})
                messages.success(request, thanks)
                return HttpResponseRedirect(comment.get_absolute_url())
        else:
            status = 422
    context = {"cs": _item_context(request, comment.article), "comment": comment, "report_form": form}
    if _is_htmx(request) or _partial(request):
        return render(request, "comments/_report_form.html", context)
    return render(
        request, "comments/report_page.html", {**context, "article": comment.article}, status=status
    )
