"""The seam between records (core) and the access policy (identity).

core cannot import identity (identity audits through core), so identity installs its policy
here when it starts. Until then, or with the identity module absent, nothing is visible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models import Model

    from moyeu.core.context import Actor


# A scope as a union of equalities on indexed columns: ``[("owner_id", me), ("team_id", t)]``
# is "owner_id = me OR team_id = t"; None is "every record" and [] "none". A list page reads
# each branch by its own index and merges them (moyeu.api.pagination), so that a caller who
# sees few records of many never makes the database walk the whole table.
Branches = list[tuple[str, Any]] | None


class AccessPolicy(Protocol):
    def scope_filter(self, actor: Actor, model: type[Model], action: str) -> Q: ...

    def scope_branches(self, actor: Actor, model: type[Model], action: str) -> Branches: ...

    def can(self, actor: Actor, record: Model, action: str) -> bool: ...

    def can_create(self, actor: Actor, model: type[Model]) -> bool: ...


class _DenyAll:
    def scope_filter(self, actor: Actor, model: type[Model], action: str) -> Q:
        return Q(pk__in=[])

    def scope_branches(self, actor: Actor, model: type[Model], action: str) -> Branches:
        return []

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


def scope_branches(actor: Actor, model: type[Model], action: str) -> Branches:
    """The records ``scope_filter`` selects, as branches (see ``Branches``)."""
    return _policy.scope_branches(actor, model, action)


def branches_filter(branches: Branches) -> Q:
    """The condition ``branches`` stand for."""
    if branches is None:
        return Q()
    condition = Q(pk__in=[])
    for lookup, value in branches:
        condition |= Q(**{lookup: value})
    return condition


def can(actor: Actor, record: Model, action: str) -> bool:
    return _policy.can(actor, record, action)


def can_create(actor: Actor, model: type[Model]) -> bool:
    return _policy.can_create(actor, model)
