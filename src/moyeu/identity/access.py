"""The record-access policy: roles grant (module, action) a scope; scopes compile to a Q.

Installed into moyeu.core.access when the identity module starts. Every list, detail,
search, export and write goes through it (``Model.objects.visible_to(actor, action)`` for
reads; ``moyeu.core.services.records.lock_for_change`` re-checks writes in their transaction).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q

from moyeu.core.context import Actor
from moyeu.core.registry import registry
from moyeu.identity.models import Membership, RoleGrant, Scope, Team
from moyeu.identity.models.roles import SCOPE_RANK

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class UserAccess:
    """Everything needed to decide a user's access, loaded once per user per action."""

    scopes: dict[tuple[str, str], str]  # (module, action) -> broadest scope granted
    team_ids: frozenset[Any]
    team_tree_ids: frozenset[Any]


def _descendants(roots: set[Any]) -> set[Any]:
    children: dict[Any, list[Any]] = defaultdict(list)
    for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
        children[parent_id].append(team_id)
    found, stack = set(roots), list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def load_access(user: Any) -> UserAccess:
    cached = getattr(user, "_moyeu_access", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    scopes: dict[tuple[str, str], str] = {}
    for module, action, scope in RoleGrant.objects.filter(role__user=user).values_list(
        "module", "action", "scope"
    ):
        key = (module, action)
        if key not in scopes or SCOPE_RANK[Scope(scope)] > SCOPE_RANK[Scope(scopes[key])]:
            scopes[key] = scope
    memberships = list(Membership.objects.filter(user=user).values_list("team_id", "is_manager"))
    team_ids = {team_id for team_id, _ in memberships}
    # A manager sees the sub-teams of the teams they manage; a member only their own teams.
    managed = {team_id for team_id, is_manager in memberships if is_manager}
    tree = team_ids | _descendants(managed)
    result = UserAccess(scopes=scopes, team_ids=frozenset(team_ids), team_tree_ids=frozenset(tree))
    user._moyeu_access = result
    return result


def forget_access(user: Any) -> None:
    """Drop the cached access of ``user`` (after its roles or teams change)."""
    if hasattr(user, "_moyeu_access"):
        del user._moyeu_access


def token_allows(scopes: frozenset[str] | None, module: str, action: str) -> bool:
    if scopes is None:
        return True
    return bool({"*", f"{module}:*", f"{module}:{action}"} & scopes)


def _module_of(model: type[Model]) -> str | None:
    try:
        spec, _record_type = registry.record_type_for_model(model)
    except LookupError:
        return None
    return spec.label


def effective_scope(actor: Actor, model: type[Model], action: str) -> str | None:
    """The broadest scope ``actor`` has for ``action`` on ``model``, or None."""
    user = actor.user
    if user is None or not user.is_active:
        return None
    module = _module_of(model)
    if module is None or not token_allows(actor.token_scopes, module, action):
        return None
    if user.is_superuser:
        return Scope.ALL
    return load_access(user).scopes.get((module, action))


class RolePolicy:
    def scope_filter(self, actor: Actor, model: type[Model], action: str) -> Q:
        scope = effective_scope(actor, model, action)
        if scope is None:
            return _NOTHING
        if scope == Scope.ALL:
            return Q()
        user = actor.user
        mine = Q(owner_id=user.pk)  # type: ignore[union-attr]
        if scope == Scope.OWN:
            return mine
        access = load_access(user)
        teams = access.team_ids if scope == Scope.TEAM else access.team_tree_ids
        return mine | Q(team_id__in=list(teams))

    def can(self, actor: Actor, record: Model, action: str) -> bool:
        scope = effective_scope(actor, type(record), action)
        if scope is None:
            return False
        if scope == Scope.ALL:
            return True
        user = actor.user
        assert user is not None
        if getattr(record, "owner_id", None) == user.pk:
            return True
        if scope == Scope.OWN:
            return False
        access = load_access(user)
        teams = access.team_ids if scope == Scope.TEAM else access.team_tree_ids
        return getattr(record, "team_id", None) in teams

    def can_create(self, actor: Actor, model: type[Model]) -> bool:
        return effective_scope(actor, model, "create") is not None


def can_module(actor: Actor, module: str, action: str) -> bool:
    """Whether any grant lets ``actor`` do ``action`` in ``module`` (menus, buttons)."""
    user = actor.user
    if user is None or not user.is_active or not token_allows(actor.token_scopes, module, action):
        return False
    return bool(user.is_superuser or (module, action) in load_access(user).scopes)
