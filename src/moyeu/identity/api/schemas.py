"""Request and response bodies of the identity API: users, teams, roles, tokens, /me."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import InputSchema, PageQuery
from moyeu.identity.models import ApiToken, Scope, User


class MembershipIO(InputSchema):
    team: uuid.UUID
    is_manager: bool = False


class UserOut(Schema):
    id: uuid.UUID
    username: str
    email: str
    first_name: str
    last_name: str
    language: str
    is_active: bool
    is_superuser: bool
    is_service_account: bool
    primary_team: uuid.UUID | None
    teams: list[MembershipIO]
    roles: list[uuid.UUID]
    last_login: datetime.datetime | None
    date_joined: datetime.datetime

    @staticmethod
    def resolve_primary_team(obj: User) -> Any:
        return obj.primary_team_id

    @staticmethod
    def resolve_teams(obj: User) -> list[dict[str, Any]]:
        return [
            {"team": m.team_id, "is_manager": m.is_manager}
            for m in sorted(obj.memberships.all(), key=lambda m: str(m.team_id))
        ]

    @staticmethod
    def resolve_roles(obj: User) -> list[Any]:
        return sorted((role.pk for role in obj.roles.all()), key=str)


class UserCreate(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str | None = Field(default=None, description="None: signs in by SSO or token.")
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    language: str = "fr"
    is_superuser: bool = False
    is_service_account: bool = False
    teams: list[MembershipIO] = []
    roles: list[uuid.UUID] = []

    def service_arguments(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"teams", "roles"})
        data["teams"] = [(m.team, m.is_manager) for m in self.teams]
        data["role_ids"] = list(self.roles)
        return data


class UserPatch(InputSchema):
    not_null = frozenset(
        {
            "email",
            "first_name",
            "last_name",
            "language",
            "is_active",
            "is_superuser",
            "password",
            "teams",
            "roles",
        }
    )
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None
    primary_team: uuid.UUID | None = None
    password: str | None = None
    teams: list[MembershipIO] | None = None
    roles: list[uuid.UUID] | None = None

    def service_arguments(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"teams", "roles", "primary_team"})
        if "primary_team" in self.model_fields_set:
            data["primary_team_id"] = self.primary_team
        if "teams" in self.model_fields_set:
            data["teams"] = [(m.team, m.is_manager) for m in self.teams or []]
        if "roles" in self.model_fields_set:
            data["role_ids"] = list(self.roles or [])
        return data


class TeamOut(Schema):
    id: uuid.UUID
    name: str
    parent: uuid.UUID | None

    @staticmethod
    def resolve_parent(obj: Any) -> Any:
        return obj.parent_id


class TeamCreate(InputSchema):
    name: str = Field(max_length=100)
    parent: uuid.UUID | None = None


class TeamPatch(InputSchema):
    not_null = frozenset({"name"})
    name: str | None = Field(default=None, max_length=100)
    parent: uuid.UUID | None | None = Field(default=None, description="null: a top-level team.")

    def service_arguments(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if "name" in self.model_fields_set:
            data["name"] = self.name
        if "parent" in self.model_fields_set:
            data["parent_id"] = self.parent
        return data


class GrantIO(InputSchema):
    module: str = Field(examples=["directory"])
    action: str = Field(examples=["view"])
    scope: Scope


class RoleOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    grants: list[GrantIO]

    @staticmethod
    def resolve_grants(obj: Any) -> list[dict[str, str]]:
        return [
            {"module": g.module, "action": g.action, "scope": g.scope} for g in obj.grants.all()
        ]


class RoleCreate(InputSchema):
    name: str = Field(max_length=100)
    description: str = ""
    grants: list[GrantIO] = []

    def service_arguments(self) -> dict[str, Any]:
        grants = [(g.module, g.action, str(g.scope)) for g in self.grants]
        return {"name": self.name, "description": self.description, "grants": grants}


class RolePatch(InputSchema):
    not_null = frozenset({"name", "description", "grants"})
    name: str | None = Field(default=None, max_length=100)
    description: str | None = None
    grants: list[GrantIO] | None = None

    def service_arguments(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"grants"})
        if "grants" in self.model_fields_set:
            data["grants"] = [(g.module, g.action, str(g.scope)) for g in self.grants or []]
        return data


class TokenOut(Schema):
    id: uuid.UUID
    user: uuid.UUID
    name: str
    kind: ApiToken.Kind
    prefix: str = Field(description="Shown in lists to recognise the token; not the secret.")
    scopes: list[str]
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None

    @staticmethod
    def resolve_user(obj: Any) -> Any:
        return obj.user_id


class TokenQuery(PageQuery):
    user: uuid.UUID | None = None


class TokenCreated(TokenOut):
    secret: str = Field(description="Send as 'Authorization: Bearer <secret>'. Shown only once.")


class TokenCreate(InputSchema):
    name: str = Field(max_length=100)
    scopes: list[str] = Field(default=["*"], examples=[["directory:view", "directory:change"]])
    expires_at: datetime.datetime | None = None
    user: uuid.UUID | None = Field(default=None, description="Administrators only; default: you.")


class PasswordLogin(InputSchema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    name: str = Field(default="API", max_length=100, description="Name of the new token.")
    scopes: list[str] = ["*"]
    expires_at: datetime.datetime | None = None


class MeOut(Schema):
    id: uuid.UUID
    username: str
    email: str
    first_name: str
    last_name: str
    language: str
    is_superuser: bool
    primary_team: uuid.UUID | None
    token_scopes: list[str] | None = Field(description="null: a session, not a token.")
