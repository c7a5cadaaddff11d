"""``Idempotency-Key`` on POST: a retry gets the first answer instead of a second write.

The key row is inserted *before* the handler runs, in the same transaction as the handler's
writes. A concurrent retry therefore waits on the unique key (PostgreSQL) or on the write lock
(SQLite) and then replays the committed answer; a failed first attempt (5xx) rolls back with
its key, so the retry runs afresh. The same key with another body is refused (422).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja.decorators import decorate_view
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from moyeu.api.auth import authenticate
from moyeu.api.models import IdempotencyKey
from moyeu.api.problems import problem_response

F = TypeVar("F", bound=Callable[..., Any])
Run = Callable[..., HttpResponseBase]

HEADER = "Idempotency-Key"
KEY_LIFETIME = datetime.timedelta(hours=24)
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_KEPT_HEADERS = ("Content-Type", "ETag", "Location")
# Answers that say nothing about the request itself are not kept: the retry should run.
_NOT_KEPT = {401, 403, 429}

OPENAPI_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "Retries with the same key (for 24 hours) get the first answer back.",
}


def _replay(found: IdempotencyKey, fingerprint: str) -> HttpResponse:
    if found.fingerprint != fingerprint:
        return problem_response(
            422,
            "api.idempotency_key_reused",
            "This Idempotency-Key was used for a different request body.",
            errors=[(HEADER, "Use a new key for a new request.")],
        )
    response = HttpResponse(bytes(found.body), status=found.status_code)
    for name, value in found.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _lookup(user_id: Any, key: str, target: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(
        user_id=user_id, key=key, target=target, created_at__gt=timezone.now() - KEY_LIFETIME
    ).first()


def body_fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


def multipart_fingerprint(request: HttpRequest) -> str:
    """The form fields and the files' names and bytes of a multipart body, read in chunks
    (an upload is streamed to a temporary file, never read whole into memory)."""
    digest = hashlib.sha256()
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{len(name)}:{name}={len(value)}:{value}\n".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _run_once(
    run: Run,
    request: HttpRequest,
    args: Any,
    kwargs: Any,
    key: str,
    fingerprint_of: Callable[[HttpRequest], str],
) -> Any:
    actor = authenticate(request)
    if actor is None or actor.user is None:
        return run(request, *args, **kwargs)  # answers 401 / 403 itself
    fingerprint = fingerprint_of(request)
    target = f"{request.method} {request.path}"
    with transaction.atomic():
        IdempotencyKey.objects.filter(
            user_id=actor.user.pk, created_at__lte=timezone.now() - KEY_LIFETIME
        ).delete()
        found = _lookup(actor.user.pk, key, target)
        if found is not None:
            return _replay(found, fingerprint)
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user_id=actor.user.pk,
                    key=key,
                    target=target,
                    fingerprint=fingerprint,
                    status_code=0,
                    body=b"",
                )
        except IntegrityError:
            found = _lookup(actor.user.pk, key, target)
            if found is None:
                return problem_response(
                    409, "api.idempotency_in_progress", "Retry this request in a moment."
                )
            return _replay(found, fingerprint)
        response = run(request, *args, **kwargs)
        if response.status_code >= 500 or response.status_code in _NOT_KEPT:
            transaction.set_rollback(True)
            return response
        row.status_code = response.status_code
        row.body = response.content  # type: ignore[attr-defined]
        row.headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
        row.save(update_fields=["status_code", "body", "headers"])
        return response


def _with_idempotency(run: Run, fingerprint_of: Callable[[HttpRequest], str]) -> Run:
    def run_idempotent(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        if not _VALID_KEY.match(key):
            return problem_response(
                400,
                "api.bad_header",
                "Idempotency-Key must be 1 to 255 visible ASCII characters.",
                errors=[(HEADER, "Invalid key.")],
            )
        try:
            return _run_once(run, request, args, kwargs, key, fingerprint_of)
        except Exception as exc:  # auth and body errors: answered by the operation's handlers
            return run.__self__.api.on_exception(request, exc)  # type: ignore[attr-defined]

    return run_idempotent


def _document(operation: Operation) -> None:
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    operation.openapi_extra = extra


def idempotent(func: F) -> F:
    """Mark a POST handler (under its ``@router.post``) as honouring Idempotency-Key."""
    contribute_operation_callback(func, _document)
    return decorate_view(partial(_with_idempotency, fingerprint_of=body_fingerprint))(func)


def idempotent_multipart(func: F) -> F:
    """The same for a multipart upload: the request is recognised by its fields and files."""
    contribute_operation_callback(func, _document)
    return decorate_view(partial(_with_idempotency, fingerprint_of=multipart_fingerprint))(func)
