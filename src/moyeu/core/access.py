"""The seam between records (core) and the access policy (identity).

core cannot import identity (identity audits through core), so identity installs its policy
here when it starts. Until then, or with the identity module absent, nothing is visible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models import Model

    from moyeu.core.context import Actor


class AccessPolicy(Protocol):
    def scope_filter(self, actor: Actor, model: type[Model], action: str) -> Q: ...

    def can(self, actor: Actor, record: Model, action: str) -> bool: ...

    def can_create(self, actor: Actor, model: type[Model]) -> bool: ...


class _DenyAll:
    def scope_filter(self, actor: Actor, model: type[Model], action: str) -> Q:
        return Q(pk__in=[])

    def can(self, actor: Actor, record: Model, action: str) -> bool:
        return False

    def can_create(self, actor: Actor, model: type[Model]) -> bool:
        return False


_policy: AccessPolicy = _DenyAll()


def install(policy: AccessPolicy) -> None:
    global _policy
    _policy = policy


def scope_filter(actor: Actor, model: type[Model], action: str) -> Q:
    return _policy.scope_filter(actor, model, action)


def can(actor: Actor, record: Model, action: str) -> bool:
    return _policy.can(actor, record, action)


def can_create(actor: Actor, model: type[Model]) -> bool:
    return _policy.can_create(actor, model)
