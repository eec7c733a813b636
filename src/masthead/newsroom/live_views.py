"""The live desk: `/newsroom/live/<slug>/`, where editors post a live story's updates.

A page of its own beside the admin's inline: one box, one button, and the updates as
readers see them (kept live, so colleagues' posts show up too). Every post goes through
``services.liveupdate_post``, which sanitizes, audits and tells readers' open pages.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from masthead.core.errors import NotFound
from masthead.newsroom import selectors, services


class LiveUpdateDeskForm(forms.Form):
    headline = forms.CharField(
        max_length=200, required=False, help_text="Optional: a few words readers can scan."
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text="Markdown: **bold**, *italic*, [links](https://…), > quotes, lists.",
    )


@login_required
@permission_required("newsroom.add_liveupdate", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def live_desk(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_get_visible(viewer=request.user, slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = LiveUpdateDeskForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not article.is_live:
            status = 409
        elif form.is_valid():
            try:
                services.liveupdate_post(
                    article=article,
                    author=request.user,
                    headline=form.cleaned_data["headline"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Posted: readers on the story have it now.")
                return redirect("newsroom:live-desk", slug=article.slug)
        if status == 200:
            status = 400
    context = {
        "article": article,
        "form": form,
        "live_updates": selectors.live_update_page(article=article, limit=30).items,
    }
    return render(request, "newsroom/live_desk.html", context, status=status)
