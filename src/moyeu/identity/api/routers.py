"""/users, /teams and /roles (administrators); /tokens, /me and /auth/token in tokens.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent
from moyeu.api.schemas import Page, PageQuery
from moyeu.identity.api import schemas as s
from moyeu.identity.api.reads import admin_detail, admin_page
from moyeu.identity.api.tokens import auth_router, me_router, token_router
from moyeu.identity.models import Role, Team, User
from moyeu.identity.services import roles, teams, users

users_router = Router(tags=["users"])
teams_router = Router(tags=["teams"])
roles_router = Router(tags=["roles"])


@users_router.get("", response=Page[s.UserOut])
def list_users(request: HttpRequest, query: Query[PageQuery]) -> Any:
    """Administrators only, by username."""
    return admin_page(request, User, query)


@users_router.post("", response={201: s.UserOut})
@idempotent
def create_user(request: HttpRequest, payload: s.UserCreate) -> Any:
    return users.user_create(actor=actor_of(request), **payload.service_arguments())


@users_router.get("/{user_id}", response=s.UserOut)
def get_user(request: HttpRequest, user_id: uuid.UUID) -> Any:
    return admin_detail(request, User, user_id)


@users_router.patch("/{user_id}", response=s.UserOut)
def update_user(request: HttpRequest, user_id: uuid.UUID, payload: s.UserPatch) -> Any:
    arguments = payload.service_arguments()
    return users.user_update(actor=actor_of(request), user_id=user_id, **arguments)


@teams_router.get("", response=Page[s.TeamOut])
def list_teams(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return admin_page(request, Team, query)


@teams_router.post("", response={201: s.TeamOut})
@idempotent
def create_team(request: HttpRequest, payload: s.TeamCreate) -> Any:
    return teams.team_create(actor=actor_of(request), name=payload.name, parent_id=payload.parent)


@teams_router.get("/{team_id}", response=s.TeamOut)
def get_team(request: HttpRequest, team_id: uuid.UUID) -> Any:
    return admin_detail(request, Team, team_id)


@teams_router.patch("/{team_id}", response=s.TeamOut)
def update_team(request: HttpRequest, team_id: uuid.UUID, payload: s.TeamPatch) -> Any:
    arguments = payload.service_arguments()
    return teams.team_update(actor=actor_of(request), team_id=team_id, **arguments)


@roles_router.get("", response=Page[s.RoleOut])
def list_roles(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return admin_page(request, Role, query)


@roles_router.post("", response={201: s.RoleOut})
@idempotent
def create_role(request: HttpRequest, payload: s.RoleCreate) -> Any:
    return roles.role_create(actor=actor_of(request), **payload.service_arguments())


@roles_router.get("/{role_id}", response=s.RoleOut)
def get_role(request: HttpRequest, role_id: uuid.UUID) -> Any:
    return admin_detail(request, Role, role_id)


@roles_router.patch("/{role_id}", response=s.RoleOut)
def update_role(request: HttpRequest, role_id: uuid.UUID, payload: s.RolePatch) -> Any:
    arguments = payload.service_arguments()
    return roles.role_update(actor=actor_of(request), role_id=role_id, **arguments)


routers: list[tuple[str, Router]] = [
    ("/auth", auth_router),
    ("/me", me_router),
    ("/users", users_router),
    ("/teams", teams_router),
    ("/roles", roles_router),
    ("/tokens", token_router),
]
