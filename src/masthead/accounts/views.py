"""Readers' own pages: public profiles, settings, access tokens, privacy. Thin, as ever."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from masthead.accounts import selectors, services
from masthead.accounts.forms import DeleteAccountForm, ProfileForm, TokenCreateForm
from masthead.accounts.privacy import reader_export
from masthead.accounts.throttle import throttle
from masthead.core.errors import MastheadError, NotFound


@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    try:
        context = selectors.reader_public_profile(username=username, viewer=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if context["username"] != username:
        return redirect("accounts:profile", username=context["username"], permanent=True)
    return render(request, "accounts/profile.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:settings")


@login_required
@never_cache
def settings_page(request: HttpRequest) -> HttpResponse:
    reader = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.reader_profile_update(reader=reader, **form.cleaned_data)
            except MastheadError as exc:
                for field, errors in (exc.fields or {"display_name": [exc.message]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:settings")
    else:
        form = ProfileForm(initial={"display_name": reader.display_name, "bio": reader.bio})
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "verified": selectors.reader_is_verified(reader),
            "standing": selectors.reader_standing(reader),
        },
    )


@login_required
@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    created = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.token_create(reader=request.user, name=form.cleaned_data["name"])
            except MastheadError as exc:
                form.add_error(None, exc.message)
            else:
                # Rendered, not redirected: the secret is shown this once and stored nowhere.
                created = {"token": token, "secret": raw}
                form = TokenCreateForm()
    else:
        form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "created": created, "tokens": selectors.token_list(reader=request.user)},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.token_revoke(reader=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, f"The token “{token.name}” is revoked and no longer works.")
    return redirect("accounts:tokens")


@login_required
@never_cache
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/privacy.html",
        {"form": DeleteAccountForm(), "sign_ins": selectors.sign_in_list(reader=request.user)[:10]},
    )


@login_required
@require_GET
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(reader_export(reader=request.user), json_dumps_params={"indent": 2})
    filename = f"{request.user.username}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    if form.is_valid():
        try:
            throttle(request, action="delete_account", user=request.user)
            services.reader_delete(reader=request.user, password=form.cleaned_data["password"])
        except MastheadError as exc:
            form.add_error("password", exc.message)
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for having been part of this.")
            return redirect("newsroom:home")
    context = {"form": form, "sign_ins": selectors.sign_in_list(reader=request.user)[:10]}
    return render(request, "accounts/privacy.html", context, status=400)
