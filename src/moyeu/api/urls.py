"""URLs of /api/v1: the ninja API, with problem answers for unknown routes and methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from moyeu.api.problems import CONTENT_TYPE, problem_response
from moyeu.api.v1 import build_api

api = build_api()


def _with_problems(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Ninja answers a wrong method with a plain-text 405: answer a problem instead."""

    def view_with_problems(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problem_response(404, "core.not_found", "No such resource.")
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            return problem_response(
                405,
                "api.method_not_allowed",
                f"{request.method} is not allowed here.",
                headers={"Allow": response["Allow"]},
            )
        return response

    view_with_problems.csrf_exempt = True  # type: ignore[attr-defined]
    return view_with_problems


@csrf_exempt
def unknown_route(request: HttpRequest, rest: str) -> HttpResponse:
    return problem_response(404, "core.not_found", f"No API route at {request.path}.")


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, app_name, namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = [
        URLPattern(p.pattern, _with_problems(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    return [path("", (wrapped, app_name, namespace)), re_path(r"^(?P<rest>.*)$", unknown_route)]


urlpatterns = _patterns()
