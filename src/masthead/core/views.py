import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from masthead.core.errors import error_body

log = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


READYZ_DATABASE_SECONDS = 2


def _check_database() -> None:
    """A query on a connection as requests get theirs. From a pool (DATABASE_POOL=1), with
    a short wait: the pool's own (DATABASE_POOL_TIMEOUT) would keep a load balancer's
    check waiting while the database is down."""
    pool = connection.pool if connection.vendor == "postgresql" else None
    if pool is None or pool.closed:  # (no pool, or not yet opened by a first request)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return
    with pool.connection(timeout=READYZ_DATABASE_SECONDS) as conn:
        conn.execute("SELECT 1")


def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": "ok"}
    try:
        _check_database()
    except Exception:
        log.exception("readiness: database did not answer")
        checks["database"] = "down"
    if settings.REDIS_URL:
        checks["redis"] = "ok"
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        except Exception:
            log.exception("readiness: redis did not answer")
            checks["redis"] = "down"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at ours."""
    return HttpResponsePermanentRedirect(static("masthead/favicon.svg"))


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/webhooks/")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("not_found", "Nothing here by that name."), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        body = error_body("internal_error", "Something went wrong on our side; it has been logged.")
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("forbidden", "You may not do that."), status=403)
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("bad_request", "The request could not be read."), status=400)
    return render(request, "400.html", status=400)
