"""Who calls the API: a bearer token, or the browser session (with CSRF on unsafe methods).

Both give an :class:`~moyeu.core.context.Actor` in ``request.auth``; handlers read it with
:func:`actor_of`. A request that carries an ``Authorization`` header is judged by that header
alone, so a wrong token never falls back to a session cookie sent along with it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from moyeu.core.context import Actor
from moyeu.core.errors import PermissionDenied
from moyeu.identity.services.tokens import actor_for_token, token_authenticate

_CACHE = "_moyeu_api_actor"


class TokenAuth(HttpBearer):
    """``Authorization: Bearer moy_…``: a personal or service token, narrowed by its scopes."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        cached: Actor | None = getattr(request, _CACHE, None)
        if cached is not None:
            return cached
        found = token_authenticate(token.strip())
        if found is None:
            return None
        actor = actor_for_token(found)
        setattr(request, _CACHE, actor)
        return actor


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if "Authorization" in request.headers or user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if key is None:
            return None
        return Actor(user=request.user, channel="api")  # type: ignore[arg-type]


API_AUTH: list[Any] = [TokenAuth(), SessionAuth()]


def authenticate(request: HttpRequest) -> Actor | None:
    """The caller, outside ninja's auth step (the idempotency layer needs it before the run)."""
    for method in API_AUTH:
        actor = method(request)
        if isinstance(actor, Actor):
            return actor
    return None


def actor_of(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise PermissionDenied(_("Sign in first."))
    return actor


def require_superuser(actor: Actor) -> None:
    """Administration reads (users, roles, custom fields, jobs); writes re-check in services."""
    if actor.user is None or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators can do this."))
