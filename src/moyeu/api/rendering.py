"""The API's JSON renderer, shared by ninja and by handlers that answer pre-built output."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer

RENDERER = JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def rendered(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """``data`` rendered exactly as ninja renders a validated answer, without validating it.

    For output the handler built to its declared schema itself (list pages read as rows):
    the operation keeps its response schema for the OpenAPI document.
    """
    content = RENDERER.render(request, data, response_status=status)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPE)
