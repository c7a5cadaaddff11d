"""Request middleware: one action context per request, the actor, and HTTP metrics."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from moyeu.core.context import action_context
from moyeu.core.ops.metrics import observe_request

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


class CorrelationIdMiddleware:
    """Every request is one action: its correlation id comes from X-Request-ID or is new."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        channel = "api" if request.path.startswith("/api/") else "web"
        with action_context(
            correlation_id=incoming if _VALID_ID.match(incoming) else None, channel=channel
        ) as correlation_id:
            request.correlation_id = correlation_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = correlation_id
            return response


class ActorMiddleware:
    """Attach ``request.actor`` for the UI (session user). The API sets its own from tokens."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from moyeu.core.context import Actor

        user = request.user if request.user.is_authenticated else None
        request.actor = Actor(user=user, channel="web")  # type: ignore[attr-defined]
        return self.get_response(request)


class MetricsMiddleware:
    """Count every request and its latency by method, route name and status (Prometheus).

    The route label is the URL pattern's name (``ops:ready``, ``web:home``), never the raw
    path, so that ids in URLs cannot blow up the number of series; unmatched paths share
    the label ``unmatched``.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            match = request.resolver_match
            route = (match.view_name or match.route) if match is not None else "unmatched"
            observe_request(request.method or "", route, status, time.perf_counter() - started)
