"""Reads behind the identity API: administrators' lists, a user's own tokens, /me."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from moyeu.api.auth import actor_of, require_superuser
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.schemas import PageQuery
from moyeu.core.errors import NotFound
from moyeu.identity.api.schemas import TokenQuery
from moyeu.identity.models import ApiToken, Role, Team, User

_ADMIN_SETS: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    User: ("username", ("memberships", "roles")),
    Team: ("name", ()),
    Role: ("name", ("grants",)),
}


def _administered(request: HttpRequest, model: type[models.Model]) -> models.QuerySet[Any]:
    require_superuser(actor_of(request))
    _order, prefetch = _ADMIN_SETS[model]
    return model._default_manager.prefetch_related(*prefetch)


def admin_page(request: HttpRequest, model: type[models.Model], query: PageQuery) -> dict[str, Any]:
    ordering = Ordering(_ADMIN_SETS[model][0], descending=False)
    queryset = _administered(request, model)
    items, next_cursor = paginate(
        queryset, ordering=ordering, cursor=query.cursor, limit=query.limit
    )
    return {"items": items, "next_cursor": next_cursor}


def admin_detail(request: HttpRequest, model: type[models.Model], pk: uuid.UUID) -> Any:
    found = _administered(request, model).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such %(thing)s.") % {"thing": model._meta.verbose_name})
    return found


def tokens_visible(request: HttpRequest, user_id: uuid.UUID | None) -> models.QuerySet[ApiToken]:
    """A user's own tokens; administrators see everyone's (or one user's with ?user=)."""
    actor = actor_of(request)
    assert actor.user is not None
    tokens = ApiToken.objects.all()
    if not actor.user.is_superuser:
        tokens = tokens.filter(user_id=actor.user.pk)
    if user_id is not None:
        tokens = tokens.filter(user_id=user_id)
    return tokens


def token_page(request: HttpRequest, query: TokenQuery) -> dict[str, Any]:
    queryset = tokens_visible(request, query.user)
    ordering = Ordering("id", descending=True)
    items, next_cursor = paginate(
        queryset, ordering=ordering, cursor=query.cursor, limit=query.limit
    )
    return {"items": items, "next_cursor": next_cursor}


def token_detail(request: HttpRequest, token_id: uuid.UUID) -> ApiToken:
    found = tokens_visible(request, None).filter(pk=token_id).first()
    if found is None:
        raise NotFound(_("No such token."))
    return found


def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    user = actor.user
    assert user is not None
    scopes = sorted(actor.token_scopes) if actor.token_scopes is not None else None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": getattr(user, "language", ""),
        "is_superuser": user.is_superuser,
        "primary_team": getattr(user, "primary_team_id", None),
        "token_scopes": scopes,
    }
