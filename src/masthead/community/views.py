"""The community's pages: notifications, their settings, unsubscribing, follower lists,
and the follow and ignore buttons (plain forms: they work without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.accounts.selectors import reader_get_public
from masthead.community import selectors, services
from masthead.community.forms import CommunityOptionsForm, NotificationSettingsForm
from masthead.core.errors import MastheadError, NotFound


def _reader_or_404(username: str):
    try:
        return reader_get_public(username=username)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# --- Follow and ignore buttons.


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    """The Follow button, on a profile or beside a comment's author: a plain form that comes
    back where it was; an htmx request gets the button's replacement instead."""
    reader = _reader_or_404(username)
    unfollow = request.POST.get("action") == "unfollow"
    error = None
    try:
        if unfollow:
            services.follow_delete(follower=request.user, followed=reader)
            done = f"You no longer follow {reader.public_name}."
        else:
            services.follow_create(follower=request.user, followed=reader)
            done = f"You follow {reader.public_name}."
    except MastheadError as exc:
        error = exc.message
    if request.headers.get("HX-Request") == "true":
        context = {"reader": reader, "following": not unfollow and error is None, "error": error}
        return render(request, "community/_comment_follow.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return _back(request, reader_profile_url(reader))


@login_required
@require_POST
def ignore(request: HttpRequest, username: str) -> HttpResponse:
    reader = _reader_or_404(username)
    try:
        if request.POST.get("action") == "unignore":
            services.ignore_delete(reader=request.user, ignored=reader)
            messages.success(request, f"You no longer ignore {reader.public_name}.")
        else:
            services.ignore_create(reader=request.user, ignored=reader)
            messages.success(
                request,
                f"You ignore {reader.public_name}: their comments and notifications are hidden from you. "
                "They are not told.",
            )
    except MastheadError as exc:
        messages.error(request, exc.message)
    return _back(request, reader_profile_url(reader))


def reader_profile_url(reader) -> str:
    from django.urls import reverse

    return reverse("accounts:profile", args=[reader.username])


# --- Follower lists.


def _reader_list(request: HttpRequest, username: str, *, which: str) -> HttpResponse:
    reader = _reader_or_404(username)
    if reader.username != username:
        return redirect(f"community:reader-{which}", username=reader.username, permanent=True)
    select = selectors.follower_page if which == "followers" else selectors.following_page
    context = {"reader": reader, "which": which, "page": None, "private": False}
    try:
        context["page"] = select(
            username=reader.username, viewer=request.user, cursor=request.GET.get("cursor")
        )
    except MastheadError as exc:
        if exc.code != "followers_private":
            raise Http404(exc.message) from exc
        context["private"] = True
        return render(request, "community/reader_list.html", context, status=403)
    return render(request, "community/reader_list.html", context)


@require_GET
def reader_followers(request: HttpRequest, username: str) -> HttpResponse:
    return _reader_list(request, username, which="followers")


@require_GET
def reader_following(request: HttpRequest, username: str) -> HttpResponse:
    return _reader_list(request, username, which="following")


@require_GET
def reader_comments(request: HttpRequest, username: str) -> HttpResponse:
    """A reader's published comments, newest first, linked from their profile."""
    reader = _reader_or_404(username)
    if reader.username != username:
        return redirect("community:reader-comments", username=reader.username, permanent=True)
    try:
        page = selectors.reader_comments(
            username=reader.username, viewer=request.user, cursor=request.GET.get("cursor")
        )
    except MastheadError as exc:
        raise Http404(exc.message) from exc
    return render(request, "community/reader_comments.html", {"reader": reader, "page": page})


# --- The following feed.


@login_required
@never_cache
@require_GET
def following_feed(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.reader_feed(viewer=request.user, cursor=request.GET.get("cursor"))
    except MastheadError as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "community/following.html",
        {"page": page, "following_count": selectors.following_count(request.user)},
    )


# --- Notifications.


@login_required
@never_cache
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    try:
        page = selectors.notification_page(
            reader=request.user, unread_only=unread_only, cursor=request.GET.get("cursor")
        )
    except MastheadError as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "community/notifications.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(reader=request.user)},
    )


@login_required
@never_cache
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Following a notification marks it read and leads to what it is about."""
    try:
        notification = services.notification_open(reader=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect(notification.url)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    everything = request.POST.get("all") == "1"
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    try:
        services.notifications_mark_read(reader=request.user, ids=ids, everything=everything)
    except MastheadError as exc:
        messages.error(request, exc.message)
    return redirect("community:notifications")


@login_required
@never_cache
def notification_settings(request: HttpRequest) -> HttpResponse:
    reader = request.user
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        options = CommunityOptionsForm(request.POST)
        if form.is_valid() and options.is_valid():
            services.notification_settings_update(reader=reader, changes=form.cleaned_data)
            services.community_profile_update(reader=reader, **options.cleaned_data)
            messages.success(request, "Your notification settings are saved.")
            return redirect("community:settings")
    else:
        form = NotificationSettingsForm(initial=selectors.notification_settings(reader=reader))
        profile = selectors.community_profile(reader)
        options = CommunityOptionsForm(
            initial={
                "followers_private": profile.followers_private,
                "accepts_followers": profile.accepts_followers,
            }
        )
    return render(request, "community/settings.html", {"form": form, "options": options})


# --- Unsubscribing from an email, with no session.


@csrf_exempt  # the signed token is the credential; mail providers POST with no cookie (RFC 8058)
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link stops and a button (mail scanners follow links; nothing
    changes on GET). POST stops it: the button, or the mail client's one-click
    ``List-Unsubscribe=One-Click`` request."""
    try:
        reader, scope = services.unsubscribe_check(token=token)
    except NotFound:
        return render(request, "community/unsubscribe.html", {"invalid": True}, status=404)
    context = {"reader": reader, "scope": scope, "kind_label": _scope_label(scope), "token": token}
    if request.method == "POST":
        context["done"] = services.unsubscribe(token=token)
    response = render(request, "community/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _scope_label(scope: str) -> str:
    from masthead.community.kinds import Kind

    if scope == "digest":
        return "the daily digest"
    if scope == "all":
        return "every notification email"
    kind = scope.removeprefix("kind:")
    return f"emails about “{Kind(kind).label.lower()}”"
