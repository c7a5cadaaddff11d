"""Password authentication with a rate limit per username and per client address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from moyeu.core.services import ratelimit

WINDOW_SECONDS = 300


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(request.META.get("REMOTE_ADDR", "-"))


def login_keys(username: str, request: HttpRequest | None) -> list[str]:
    return [f"login:user:{username.lower()}", f"login:ip:{client_address(request)}"]


class RateLimitedModelBackend(ModelBackend):
    """Refuses to check passwords once too many attempts failed for the user or the address."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        keys = login_keys(username, request)
        limit = settings.MOYEU_LOGIN_RATE
        if any(ratelimit.is_limited(k, limit=limit, window_seconds=WINDOW_SECONDS) for k in keys):
            if request is not None:
                request.moyeu_rate_limited = True  # type: ignore[attr-defined]
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            for key in keys:
                ratelimit.hit(key, limit=limit, window_seconds=WINDOW_SECONDS)
            return None
        if getattr(user, "is_service_account", False):
            return None
        ratelimit.reset(keys[0])
        return user
