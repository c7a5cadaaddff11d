"""What every admin page shares: the superuser check and service errors onto forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from moyeu.core.errors import MoyeuError, ValidationFailed

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Signed-in superusers only; everyone else gets 403 (the page exists, but not for them)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def apply_errors(form: forms.Form, exc: MoyeuError, paths: Mapping[str, str] | None = None) -> None:
    """Put a service error on the form field it is about (``paths`` renames service keys)."""
    paths = paths or {}
    if not isinstance(exc, ValidationFailed):
        form.add_error(None, exc.message)
        return
    for path, messages in exc.errors.items():
        name = paths.get(path, path)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message if target else f"{path}: {message}")
