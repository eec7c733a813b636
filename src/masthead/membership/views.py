"""Reader revenue's pages: /support/, /premium/, the thank-you page, saved stories, the
Stripe webhook, the demo provider's local checkout and portal, and the editors' revenue page."""

import csv
import functools
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from masthead.accounts.roles import EDITOR, has_role
from masthead.core.errors import MastheadError, error_body
from masthead.core.idempotency import new_key
from masthead.membership import selectors, services
from masthead.membership.forms import BadgeForm, BookmarkForm, DonationForm, MembershipForm
from masthead.membership.models import Kind
from masthead.membership.money import format_money
from masthead.membership.providers import get_provider
from masthead.membership.providers.base import ProviderError, WebhookSignatureError
from masthead.membership.providers.demo import DemoProvider, demo_checkout_query
from masthead.newsroom.models import SupportAppeal

log = logging.getLogger(__name__)


def _error_messages(form, exc: MastheadError) -> None:
    for field, errors in (exc.fields or {None: [exc.message]}).items():
        target = {"amount_minor": "other_amount"}.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


# --- /support/: gifts, once or regularly, signed in or not.


@never_cache
def support(request: HttpRequest) -> HttpResponse:
    form = DonationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkout = services.checkout_start(
                reader=request.user,
                kind=Kind.DONATION,
                interval=form.cleaned_data["interval"],
                amount_minor=form.cleaned_data["amount_minor"],
                idempotency_key=form.cleaned_data["idempotency_key"] or None,
            )
        except MastheadError as exc:
            _error_messages(form, exc)
        else:
            return redirect(checkout.url)
    context = {
        "form": form,
        "appeal": SupportAppeal.current(),
        "options": selectors.support_options(),
        "plans": selectors.premium_plans(),
        "provider": get_provider(),
    }
    return render(request, "membership/support.html", context, status=400 if form.errors else 200)


@require_GET
@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the payer back. It says thank you and nothing more: money
    and Premium arrive only with the provider's paid event, never by opening this page."""
    outcome = selectors.checkout_outcome(checkout_session_id=request.GET.get("session_id", "")[:255])
    return render(request, "membership/thanks.html", {"outcome": outcome})


# --- /premium/: the plans, and the member's own membership.


@never_cache
def premium(request: HttpRequest) -> HttpResponse:
    reader = request.user
    entitlements = selectors.reader_entitlements(reader)
    supporter = selectors.supporter_get(reader)
    context = {
        "plans": selectors.premium_plans(),
        "entitlements": entitlements,
        "membership": selectors.reader_membership(reader) if reader.is_authenticated else None,
        "supporter": supporter,
        "is_supporter": selectors.reader_is_supporter(reader),
        "badge_form": BadgeForm(initial={"show_badge": bool(supporter and supporter.show_badge)}),
        "saved_count": selectors.bookmark_count(reader) if reader.is_authenticated else 0,
        "payments": list(selectors.reader_payments(reader)[:10]) if reader.is_authenticated else [],
        "can_manage": bool(supporter and supporter.customer_id and supporter.provider == get_provider().name),
        "grace_days": settings.PREMIUM_GRACE_DAYS,
        "provider": get_provider(),
        "idempotency_key": new_key(),
    }
    return render(request, "membership/premium.html", context)


@require_POST
def premium_checkout(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, "Sign in or create an account first: Premium belongs to your account.")
        return redirect(f"{reverse('account_login')}?next={reverse('membership:premium')}")
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the monthly or the yearly plan.")
        return redirect("membership:premium")
    try:
        link = services.checkout_start(
            reader=request.user,
            kind=Kind.MEMBERSHIP,
            interval=form.cleaned_data["interval"],
            idempotency_key=form.cleaned_data["idempotency_key"] or None,
        )
    except MastheadError as exc:
        messages.error(request, exc.message)
        return redirect("membership:premium")
    return redirect(link.url)


@require_POST
@login_required
def premium_manage(request: HttpRequest) -> HttpResponse:
    try:
        url = services.portal_open(
            reader=request.user, return_url=settings.SITE_URL + reverse("membership:premium")
        )
    except MastheadError as exc:
        messages.error(request, exc.message)
        return redirect("membership:premium")
    return redirect(url)


@require_POST
@login_required
def premium_badge(request: HttpRequest) -> HttpResponse:
    form = BadgeForm(request.POST)
    form.is_valid()
    show = bool(form.cleaned_data.get("show_badge"))
    services.supporter_badge_set(reader=request.user, show=show)
    messages.success(request, "Your Supporter badge is on." if show else "Your Supporter badge is off.")
    return redirect(f"{reverse('membership:premium')}#badge")


# --- Saved for later.


@login_required
@never_cache
def bookmarks(request: HttpRequest) -> HttpResponse:
    reader = request.user
    q = (request.GET.get("q") or "").strip()[:200]
    page = None
    if selectors.is_premium(reader):
        try:
            page = selectors.bookmark_page(
                reader=reader, q=q, cursor=request.GET.get("cursor") or None, limit=20
            )
        except MastheadError as exc:  # a mangled ?cursor=
            raise Http404(exc.message) from exc
    context = {"page": page, "q": q, "saved_count": selectors.bookmark_count(reader)}
    return render(request, "membership/bookmarks.html", context)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def bookmark(request: HttpRequest, slug: str) -> HttpResponse:
    """The bookmark button without JavaScript: save or forget, then back where the reader was."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.POST.get('next') or '/'}")
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        return redirect(_back(request, reverse("membership:bookmarks")))
    try:
        if form.cleaned_data["action"] == "save":
            services.bookmark_add(reader=request.user, slug=slug)
            messages.success(request, "Saved. It waits for you in Saved for later (/me/bookmarks/).")
        else:
            services.bookmark_remove(reader=request.user, slug=slug)
            messages.success(request, "Removed from your saved stories.")
    except MastheadError as exc:
        if exc.code == "premium_required":
            messages.info(request, "Saving stories for later is a Premium perk.")
            return redirect(f"{reverse('membership:premium')}#perks")
        raise Http404(exc.message) from exc
    return redirect(_back(request, reverse("membership:bookmarks")))


# --- Stripe's webhook.


@csrf_exempt
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Check the signature on the raw body, record the event, answer at once; a task
    processes it (services.webhook_event_process)."""
    if request.method != "POST":
        response = JsonResponse(error_body("method_not_allowed", "Stripe POSTs its events here."), status=405)
        response["Allow"] = "POST"
        return response
    provider = get_provider("stripe")
    try:
        event = provider.webhook_event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookSignatureError as exc:
        log.warning("stripe webhook refused: %s", exc)
        return JsonResponse(
            error_body("bad_signature", "The Stripe-Signature header does not match this body."), status=400
        )
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return JsonResponse(error_body("bad_request", "That is not a Stripe event."), status=400)
    _event, created = services.webhook_event_receive(provider=provider.name, event=event)
    return JsonResponse({"received": True, "duplicate": not created})


# --- The demo provider's local pages (only while the demo provider is the one configured).


def _demo() -> DemoProvider:
    provider = get_provider()
    if not isinstance(provider, DemoProvider):
        raise Http404("The demo checkout is off: a real payment provider is configured.")
    return provider


@never_cache
def demo_checkout(request: HttpRequest, session_id: str) -> HttpResponse:
    provider = _demo()
    try:
        session = provider.checkout_session(session_id)
    except ProviderError as exc:
        raise Http404(str(exc)) from exc
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        email = (request.POST.get("email") or "").strip()[:254]
        if action == "cancel":
            return redirect(session["cancel_url"])
        if action == "decline":
            error = "The card was declined (simulated). Nothing was charged; try the test card that pays."
        elif not (session["customer_email"] or "@" in email):
            error = "Enter an email address for the receipt."
        elif session["status"] == "open":
            session = provider.checkout_complete(session_id, email=email)
            return redirect(demo_checkout_query(session))
    if session["status"] != "open" and request.method == "GET":
        return redirect(demo_checkout_query(session))
    price = session["line_items"]["data"][0]["price"]
    context = {
        "session": session,
        "price": price,
        "amount": format_money(session["amount_total"], session["currency"]),
        "error": error,
    }
    return render(request, "membership/demo_checkout.html", context, status=400 if error else 200)


@never_cache
def demo_portal(request: HttpRequest, session_id: str) -> HttpResponse:
    provider = _demo()
    try:
        portal = provider.portal_session(session_id)
    except ProviderError as exc:
        raise Http404(str(exc)) from exc
    if request.method == "POST":
        subscription_id = request.POST.get("subscription", "")
        owned = {s["id"] for s in provider.customer_subscriptions(portal["customer"])}
        if subscription_id not in owned:
            raise Http404("No such subscription for this customer.")
        try:
            provider.subscription_act(subscription_id, request.POST.get("action", ""))
        except ProviderError as exc:
            messages.error(request, str(exc))
        return redirect("membership:demo-portal", session_id=session_id)
    subscriptions = [
        {
            **s,
            "amount": format_money(s["items"]["data"][0]["price"]["unit_amount"], s["currency"]),
            "interval": s["items"]["data"][0]["price"]["recurring"]["interval"],
            "period_end": datetime.fromtimestamp(s["items"]["data"][0]["current_period_end"], UTC),
            "kind": (s.get("metadata") or {}).get("masthead_kind", Kind.DONATION),
        }
        for s in provider.customer_subscriptions(portal["customer"])
    ]
    return render(request, "membership/demo_portal.html", {"portal": portal, "subscriptions": subscriptions})


# --- The editors' revenue page.


def _editor(user) -> bool:
    return has_role(user, EDITOR)


def _editors_only(view):
    """Signed out: the sign-in page, then back. Signed in without the role: 403. (Sending a
    signed-in reader to sign in, as user_passes_test does, bounced them straight back: a
    redirect loop.)"""

    @functools.wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _editor(request.user):
            raise PermissionDenied("Only editors can see the revenue page.")
        return view(request, *args, **kwargs)

    return wrapper


@_editors_only
@require_safe
@never_cache
def revenue(request: HttpRequest) -> HttpResponse:
    days = 90 if request.GET.get("days") == "90" else 30
    report = selectors.revenue_report(days=days)
    peak_donations = max((d["donations_minor"] for d in report["days"]), default=0) or 1
    peak_members = max((max(d["new_members"], d["churned_members"]) for d in report["days"]), default=0) or 1
    chart_width = 720
    bar = chart_width / len(report["days"])
    for n, day in enumerate(report["days"]):
        day["x"] = round(n * bar, 2)
        day["w"] = round(max(bar - 2, 1), 2)
        day["donation_h"] = round(160 * day["donations_minor"] / peak_donations, 2)
        day["donation_y"] = round(165 - day["donation_h"], 2)
        day["new_h"] = round(70 * day["new_members"] / peak_members, 2)
        day["new_y"] = round(75 - day["new_h"], 2)
        day["churn_h"] = round(70 * day["churned_members"] / peak_members, 2)
        day["donations"] = format_money(day["donations_minor"], report["currency"])
    context = {
        "report": report,
        "days": days,
        "chart_width": chart_width,
        "recurring": format_money(report["recurring_monthly_minor"], report["currency"]),
        "recurring_membership": format_money(report["recurring_membership_minor"], report["currency"]),
        "recurring_donation": format_money(report["recurring_donation_minor"], report["currency"]),
        "donations_total": format_money(report["donations_total_minor"], report["currency"]),
        "peak_donations": format_money(peak_donations, report["currency"]) if peak_donations > 1 else "",
    }
    return render(request, "membership/revenue.html", context)


@_editors_only
@require_safe
def revenue_csv(request: HttpRequest) -> HttpResponse:
    days = 90 if request.GET.get("days") == "90" else 30
    report = selectors.revenue_report(days=days)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="revenue-{days}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "date",
            "currency",
            "donations",
            "donations_minor",
            "membership_minor",
            "new_members",
            "churned_members",
        ]
    )
    for day in report["days"]:
        writer.writerow(
            [
                day["day"].isoformat(),
                report["currency"],
                day["donations_count"],
                day["donations_minor"],
                day["membership_minor"],
                day["new_members"],
                day["churned_members"],
            ]
        )
    return response
