"""RFC 9457 problem details: every error of /api/v1 is ``application/problem+json``.

A problem carries ``type``, ``title``, ``status``, ``detail``, a stable machine ``code``
(``core.not_found``, ``api.bad_filter``...) and, for input errors, ``errors``: a list of
``{field, message}``. Service errors (moyeu.core.errors) map one to one by their status and
code; framework errors (malformed JSON, wrong types, oversize bodies) map here, so bad input
never turns into a 500 or a stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from moyeu.core.errors import MoyeuError, ValidationFailed, VersionConflict

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:moyeu:problem:"

# One title per code: RFC 9457 wants the title to be the same for every occurrence of a type.
TITLES: dict[str, str] = {
    "core.not_found": "Not found",
    "core.permission_denied": "Permission denied",
    "core.validation_failed": "Invalid input",
    "core.version_conflict": "Version conflict",
    "core.conflict": "Conflict",
    "core.duplicates_found": "The record may already exist",
    "core.duplicate_reviewed": "Pair already reviewed",
    "core.merge_changed_since": "Changed since the merge",
    "core.merge_undone": "Merge already undone",
    "core.external_id_taken": "External id already used",
    "api.unauthenticated": "Authentication required",
    "api.csrf_failed": "CSRF check failed",
    "api.malformed_json": "Malformed JSON",
    "api.unknown_field": "Unknown field",
    "api.body_too_large": "Request body too large",
    "api.bad_filter": "Invalid query parameter",
    "api.bad_header": "Invalid header",
    "api.precondition_failed": "Precondition failed",
    "api.idempotency_key_reused": "Idempotency key reused with another request",
    "api.idempotency_in_progress": "Request with this idempotency key in progress",
    "api.rate_limited": "Too many requests",
    "api.method_not_allowed": "Method not allowed",
    "api.bad_request": "Bad request",
    "api.internal_error": "Internal error",
}


class ApiProblem(Exception):
    """Raised by the API layer itself (bad filter, stale If-Match...); answered as a problem."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extensions = extensions


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    errors: Iterable[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": TITLES.get(code) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": [{"field": field, "message": message} for field, message in errors],
        **extensions,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(errors: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    return [(field, str(message)) for field, messages in errors.items() for message in messages]


def _from_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        **exc.extensions,
    )


def _from_service(request: HttpRequest, exc: MoyeuError) -> HttpResponse:
    errors: list[tuple[str, str]] = []
    extensions: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        errors = field_errors(exc.errors)
    elif isinstance(exc, VersionConflict):
        extensions["current_version"] = exc.current_version
        headers["ETag"] = f'"{exc.current_version}"'
    elif "field" in exc.details:
        errors = [(str(exc.details["field"]), exc.message)]
    extensions.update(exc.details.get("extensions", {}))
    return problem_response(
        exc.status, exc.code, exc.message, errors=errors, headers=headers, **extensions
    )


def _location(loc: tuple[Any, ...]) -> tuple[str, str]:
    """(source, dotted field) of a ninja error location such as ("body", "payload", "email")."""
    source = str(loc[0]) if loc else "body"
    rest = [str(part) for part in loc[1:]]
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the handler's parameter name
    return source, ".".join(rest)


def _from_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    by_source: dict[str, list[tuple[str, str, str]]] = {}
    for error in exc.errors:
        source, field = _location(tuple(error.get("loc", ())))
        by_source.setdefault(source, []).append((field, str(error.get("msg", "")), error["type"]))
    if "path" in by_source:
        return problem_response(404, "core.not_found", "No such resource.")
    if "query" in by_source:
        errors = [(f, m) for f, m, _t in by_source["query"]]
        return problem_response(400, "api.bad_filter", "Invalid query parameter.", errors=errors)
    if "header" in by_source:
        errors = [(f, m) for f, m, _t in by_source["header"]]
        return problem_response(400, "api.bad_header", "Invalid header.", errors=errors)
    rows = [row for rows in by_source.values() for row in rows]
    errors = [(f, "Unknown field." if t == "extra_forbidden" else m) for f, m, t in rows]
    if rows and all(t == "extra_forbidden" for _f, _m, t in rows):
        return problem_response(422, "api.unknown_field", "Unknown field.", errors=errors)
    return problem_response(422, "core.validation_failed", "Invalid input.", errors=errors)


def _from_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return problem_response(
            401,
            "api.unauthenticated",
            "Sign in or send an 'Authorization: Bearer <token>' header.",
            headers={"WWW-Authenticate": 'Bearer realm="moyeu"'},
        )
    if isinstance(exc, Throttled):
        return problem_response(429, "api.rate_limited", "Too many requests.")
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _too_large(request, cause)
    if isinstance(cause, ValueError):  # json.JSONDecodeError, UnicodeDecodeError
        return problem_response(400, "api.malformed_json", "The body is not valid JSON.")
    if exc.status_code == 403 and "CSRF" in exc.message:
        return problem_response(403, "api.csrf_failed", "Missing or wrong CSRF token.")
    return problem_response(exc.status_code, "api.bad_request", exc.message)


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(413, "api.body_too_large", "The request body is too large.")


def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return problem_response(400, "api.bad_request", "The request was refused.")


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(404, "core.not_found", "No such resource.")


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(
        500,
        "api.internal_error",
        "Something went wrong; quote the X-Request-ID header when reporting it.",
    )


_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (Exception, _unexpected),
    (ApiProblem, _from_problem),
    (MoyeuError, _from_service),
    (NinjaValidationError, _from_validation),
    (HttpError, _from_http_error),
    (RequestDataTooBig, _too_large),
    (SuspiciousOperation, _suspicious),
    (Http404, _not_found),
]


def install_handlers(api: NinjaAPI) -> None:
    for exception_class, handler in _HANDLERS:
        api.add_exception_handler(exception_class, handler)
