"""The moderators' desk: ``/moderation/`` (moderators only; the metrics for editors too).

Server-rendered pages that work without JavaScript: every action is a form that posts and
comes back to the page it was on. With htmx the same URLs answer with fragments (an htmx
POST sends ``HX-Request``; a GET fragment is asked for with ``?partial=1``): a decided card
is replaced by a one-line note and the queue counts in the navigation are swapped out of
band. ``static/moderation/desk.js`` adds the keyboard (j/k, a, r, f, x).
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.core.errors import MastheadError, NotFound
from masthead.moderation import forms, metrics, selectors, services
from masthead.moderation.tasks import snapshot_soon

DONE = {
    "approve": "Approved",
    "reject": "Rejected",
    "feature": "Featured",
    "unfeature": "No longer featured",
    "warn": "Warning sent",
    "suspend": "Suspended",
    "ban": "Banned",
    "reinstate": "Reinstated",
}


def _guarded(check):
    """Signed out: the sign-in page, then back. Signed in without the role: 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("Only moderators can use the moderation desk.")
            return never_cache(view)(request, *args, **kwargs)

        return wrapper

    return decorator


moderators_only = _guarded(selectors.is_moderator)
metrics_viewers_only = _guarded(selectors.can_see_metrics)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _partial(request: HttpRequest) -> bool:
    return request.GET.get("partial") == "1"


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _desk(request: HttpRequest, **context) -> dict:
    """What every desk page shows: the navigation with the live counts."""
    counts = selectors.queue_counts(viewer=request.user, fresh=context.pop("fresh_counts", False))
    return {
        "queues": [
            {"name": q, "label": selectors.QUEUE_LABELS[q], "count": counts.get(q)} for q in selectors.QUEUES
        ],
        "counts": counts,
        "can_see_metrics": selectors.can_see_metrics(request.user),
        **context,
    }


@require_safe
@moderators_only
def desk(request: HttpRequest) -> HttpResponse:
    return redirect("moderation:queue", queue=selectors.PENDING)


@require_safe
@moderators_only
def queue(request: HttpRequest, queue: str) -> HttpResponse:
    if queue not in selectors.QUEUES:
        raise Http404("No such queue.")
    filters = selectors.QueueFilters(
        article=request.GET.get("article") or None,
        section=request.GET.get("section") or None,
        rule=request.GET.get("rule") or None,
    )
    try:
        page = selectors.moderation_queue(
            viewer=request.user, queue=queue, filters=filters, cursor=request.GET.get("cursor") or None
        )
    except MastheadError as exc:  # an unknown rule, a mangled cursor in someone's link
        raise Http404(exc.message) from exc
    snapshot_soon()
    query = {
        k: v
        for k, v in (("article", filters.article), ("section", filters.section), ("rule", filters.rule))
        if v
    }
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({**query, 'cursor': page.next_cursor})}"
    context = _desk(
        request,
        queue=queue,
        queue_label=selectors.QUEUE_LABELS[queue],
        page=page,
        filters=filters,
        sections=forms.sections(),
        rules=selectors.rule_names(),
        next_url=next_url,
        here=request.get_full_path(),
    )
    return render(request, "moderation/queue.html", context)


@require_safe
@moderators_only
def comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment's card (from the log, or a link shared between moderators)."""
    try:
        card = selectors.moderation_card(viewer=request.user, comment_id=comment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = _desk(request, queue=None, card=card, here=request.get_full_path())
    return render(request, "moderation/comment.html", context)


@require_POST
@moderators_only
def comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    if action not in services.COMMENT_ACTIONS:
        raise Http404("No such action.")
    error = None
    try:
        services.comment_moderate(
            actor=request.user, comment=comment_id, action=action, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except MastheadError as exc:
        error = exc.message
    if _is_htmx(request):
        card = selectors.moderation_card(viewer=request.user, comment_id=comment_id)
        decided = error is None and action in ("approve", "reject")
        context = _desk(
            request,
            card=card,
            card_error=error,
            done=DONE[action] if error is None else None,
            here=request.POST.get("next", ""),
            fresh_counts=True,
        )
        template = "moderation/_decided.html" if decided else "moderation/_card_swap.html"
        return render(request, template, context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{DONE[action]}: comment {comment_id}.")
    return _back(request, reverse("moderation:queue", args=[selectors.PENDING]))


@require_POST
@moderators_only
def bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    ids = [i for i in (_int(v) for v in request.POST.getlist("ids")) if i is not None]
    try:
        result = services.comments_bulk_moderate(
            actor=request.user, comment_ids=ids, action=action, reason=request.POST.get("reason", "")
        )
    except MastheadError as exc:
        messages.error(request, exc.message)
    else:
        if result.done:
            messages.success(
                request, f"{DONE[action]}: {len(result.done)} comment{'s' if len(result.done) != 1 else ''}."
            )
        for failure in result.failed:
            messages.error(request, f"Comment {failure['id']}: {failure['message']}")
    return _back(request, reverse("moderation:queue", args=[selectors.PENDING]))


@require_safe
@moderators_only
def reader(request: HttpRequest, username: str) -> HttpResponse:
    try:
        record = selectors.reader_record(viewer=request.user, username=username)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "record": record,
        "durations": forms.DURATIONS,
        "comment_id": _int(request.GET.get("comment")),
        "here": request.GET.get("next") or request.get_full_path(),
    }
    if _partial(request):
        return render(request, "moderation/_reader.html", context)
    return render(request, "moderation/reader.html", _desk(request, **context))


@require_POST
@moderators_only
def reader_action(request: HttpRequest, username: str, action: str) -> HttpResponse:
    if action not in services.READER_ACTIONS:
        raise Http404("No such action.")
    try:
        target = selectors.reader_for_moderation(viewer=request.user, username=username)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = forms.SanctionForm(request.POST)
    error = None
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
    else:
        comment = None
        if form.cleaned_data.get("comment"):
            comment = selectors.moderation_card(viewer=request.user, comment_id=form.cleaned_data["comment"])
        try:
            services.reader_moderate(
                actor=request.user,
                reader=target,
                action=action,
                message=form.cleaned_data["message"],
                until=form.until_value() if action == services.SUSPEND else None,
                comment=comment,
            )
        except MastheadError as exc:
            error = exc.message
    if _is_htmx(request):
        context = {
            "record": selectors.reader_record(viewer=request.user, username=username),
            "durations": forms.DURATIONS,
            "comment_id": _int(request.POST.get("comment")),
            "here": request.POST.get("next", ""),
            "reader_error": error,
            "reader_done": None if error else DONE[action],
        }
        return render(request, "moderation/_reader.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{DONE[action]}: {target.username}.")
    return _back(request, reverse("moderation:reader", args=[target.username]))


@require_safe
@moderators_only
def log(request: HttpRequest) -> HttpResponse:
    filters = selectors.LogFilters(
        action=request.GET.get("action") or None,
        moderator=request.GET.get("moderator") or None,
        reader=request.GET.get("reader") or None,
        comment=_int(request.GET.get("comment")),
    )
    try:
        page = selectors.moderation_log(
            viewer=request.user, filters=filters, cursor=request.GET.get("cursor")
        )
    except MastheadError as exc:
        raise Http404(exc.message) from exc
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    next_url = (
        f"{request.path}?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None
    )
    context = _desk(request, page=page, filters=filters, actions=selectors.log_actions(), next_url=next_url)
    return render(request, "moderation/log.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@moderators_only
def settings_page(request: HttpRequest) -> HttpResponse:
    sections = forms.sections()
    values = selectors.moderation_settings(viewer=request.user)
    if request.method == "POST":
        form = forms.SettingsForm(request.POST, sections=sections)
        if form.is_valid():
            article_modes = form.article_modes()
            if form.is_valid():  # article_modes may have added an error
                try:
                    services.moderation_settings_update(
                        actor=request.user,
                        changes=form.changes(),
                        section_modes=form.section_modes(),
                        article_modes=article_modes,
                    )
                except MastheadError as exc:
                    for name, problems in (exc.fields or {None: [exc.message]}).items():
                        field = name if name in form.fields else None
                        if name and name.startswith("article_modes."):
                            field = "article"
                        elif name and name.startswith("section_modes."):
                            field = f"section_{name.removeprefix('section_modes.')}"
                            field = field if field in form.fields else None
                        for problem in problems:
                            form.add_error(field, problem)
                else:
                    messages.success(request, "Moderation settings saved.")
                    return redirect("moderation:settings")
    else:
        form = forms.SettingsForm(initial=forms.SettingsForm.initial_from(values), sections=sections)
    context = _desk(request, form=form, values=values)
    return render(request, "moderation/settings.html", context)


@require_safe
@metrics_viewers_only
def metrics_page(request: HttpRequest) -> HttpResponse:
    days = _int(request.GET.get("days")) or metrics.DEFAULT_WINDOW
    if days not in metrics.WINDOWS:
        raise Http404("Choose a window of 1, 7, 30 or 90 days.")
    result = metrics.moderation_metrics(viewer=request.user, days=days)
    context = {"m": result, "windows": metrics.WINDOWS, "can_see_metrics": True}
    if selectors.is_moderator(request.user):
        context = _desk(request, **context)
    return render(request, "moderation/metrics.html", context)
