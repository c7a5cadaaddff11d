"""The operations endpoints: ``/health/live``, ``/health/ready`` and ``/metrics``.

They carry no session, CSRF or HTML: probes and scrapers call them. ``/metrics`` requires
``Authorization: Bearer <MOYEU_METRICS_TOKEN>`` when that setting is set.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from moyeu.core.ops import health, metrics


@never_cache
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The process answers; touches nothing else (no database)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    """200 when the database, a worker and the outbox are fine; 503 with the reasons if not."""
    ok, checks = health.readiness()
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": {name: check.as_json() for name, check in checks.items()},
    }
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@require_GET
def prometheus(request: HttpRequest) -> HttpResponse:
    token = settings.MOYEU_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return HttpResponse(
                "metrics need the bearer token\n", status=403, content_type="text/plain"
            )
    return HttpResponse(generate_latest(metrics.scrape()), content_type=CONTENT_TYPE_LATEST)
