"""/tokens (your own; administrators: everyone's), /me, and POST /auth/token."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from moyeu.api.auth import actor_of
from moyeu.api.problems import ApiProblem
from moyeu.api.schemas import Page
from moyeu.core.context import Actor
from moyeu.identity.api import schemas as s
from moyeu.identity.api.reads import me, token_detail, token_page
from moyeu.identity.models import ApiToken
from moyeu.identity.services import tokens

auth_router = Router(tags=["authentication"])
me_router = Router(tags=["authentication"])
token_router = Router(tags=["tokens"])


def _created(token_and_secret: tuple[ApiToken, str]) -> ApiToken:
    """The new token, carrying its secret for this one answer (never stored in clear)."""
    token, secret = token_and_secret
    token.secret = secret  # type: ignore[attr-defined]
    return token


def token_for_caller(request: HttpRequest, payload: s.TokenCreate) -> ApiToken:
    actor = actor_of(request)
    owner = payload.user or actor.user_id
    data = payload.model_dump(exclude={"user"})
    return _created(tokens.token_create(actor=actor, user_id=owner, **data))


def password_login(request: HttpRequest, payload: s.PasswordLogin) -> ApiToken:
    """A personal token for a username and password (rate limited like the login page)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "moyeu_rate_limited", False):
            raise ApiProblem(429, "api.rate_limited", _("Too many failed attempts; wait."))
        raise ApiProblem(401, "api.unauthenticated", _("Wrong username or password."))
    data = payload.model_dump(include={"name", "scopes", "expires_at"})
    actor = Actor(user=user, channel="api")
    return _created(tokens.token_create(actor=actor, user_id=user.pk, **data))


@auth_router.post("/token", response={201: s.TokenCreated}, auth=None)
def exchange_password(request: HttpRequest, payload: s.PasswordLogin) -> Any:
    """Exchange a username and password for a personal API token (shown once)."""
    return password_login(request, payload)


@me_router.get("", response=s.MeOut)
def get_me(request: HttpRequest) -> Any:
    """Who the API thinks you are, and the scopes of the token you used."""
    return me(request)


@token_router.get("", response=Page[s.TokenOut])
def list_tokens(request: HttpRequest, query: Query[s.TokenQuery]) -> Any:
    """Yours; administrators see everyone's, or one user's with ?user=."""
    return token_page(request, query)


@token_router.post("", response={201: s.TokenCreated})
def create_token(request: HttpRequest, payload: s.TokenCreate) -> Any:
    """The secret is in this answer only (not replayed by Idempotency-Key); store it now."""
    return token_for_caller(request, payload)


@token_router.get("/{token_id}", response=s.TokenOut)
def get_token(request: HttpRequest, token_id: uuid.UUID) -> Any:
    return token_detail(request, token_id)


@token_router.delete("/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> Any:
    tokens.token_revoke(actor=actor_of(request), token_id=token_id)
    return Status(204, None)
