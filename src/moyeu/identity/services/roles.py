"""Roles and the grants they carry."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, ValidationFailed
from moyeu.core.registry import ACTIONS, registry
from moyeu.core.services import audit
from moyeu.identity.models import Role, RoleGrant, Scope
from moyeu.identity.services._admin import require_admin

Grant = tuple[str, str, str]  # (module, action, scope)


def _validate_grants(grants: Iterable[Grant]) -> list[Grant]:
    modules = {spec.label for spec in registry.modules()}
    errors: list[str] = []
    cleaned: dict[tuple[str, str], str] = {}
    for module, action, scope in grants:
        if module not in modules:
            errors.append(_("Unknown module: %(m)s") % {"m": module})
        elif action not in ACTIONS:
            errors.append(_("Unknown action: %(a)s") % {"a": action})
        elif scope not in Scope.values:
            errors.append(_("Unknown scope: %(s)s") % {"s": scope})
        else:
            cleaned[(module, action)] = scope
    if errors:
        raise ValidationFailed({"grants": errors})
    return [(m, a, s) for (m, a), s in sorted(cleaned.items())]


def role_create(
    *, actor: Actor, name: str, description: str = "", grants: Iterable[Grant] = ()
) -> Role:
    require_admin(actor)
    if not name.strip():
        raise ValidationFailed({"name": [_("This field is required.")]})
    cleaned = _validate_grants(grants)
    try:
        with transaction.atomic():
            role = Role.objects.create(name=name.strip(), description=description)
            RoleGrant.objects.bulk_create(
                RoleGrant(role=role, module=m, action=a, scope=s) for m, a, s in cleaned
            )
            audit.record(
                role,
                "identity.role.created",
                actor,
                changes={"name": (None, role.name), "grants": (None, [list(g) for g in cleaned])},
            )
    except IntegrityError:
        raise ValidationFailed({"name": [_("A role with this name already exists.")]}) from None
    return role


def role_update(
    *,
    actor: Actor,
    role_id: uuid.UUID,
    name: str | None = None,
    description: str | None = None,
    grants: Iterable[Grant] | None = None,
) -> Role:
    require_admin(actor)
    with transaction.atomic():
        role = Role.objects.select_for_update().filter(pk=role_id).first()
        if role is None:
            raise NotFound(_("No such role."))
        diff: dict[str, tuple[object, object]] = {}
        if name is not None and name.strip() and name.strip() != role.name:
            diff["name"] = (role.name, name.strip())
            role.name = name.strip()
        if description is not None and description != role.description:
            diff["description"] = (role.description, description)
            role.description = description
        if grants is not None:
            cleaned = _validate_grants(grants)
            before = [
                [g.module, g.action, g.scope] for g in role.grants.order_by("module", "action")
            ]
            after = [list(g) for g in cleaned]
            if before != after:
                role.grants.all().delete()
                RoleGrant.objects.bulk_create(
                    RoleGrant(role=role, module=m, action=a, scope=s) for m, a, s in cleaned
                )
                diff["grants"] = (before, after)
        if not diff:
            return role
        try:
            with transaction.atomic():
                role.save()
        except IntegrityError:
            raise ValidationFailed({"name": [_("A role with this name already exists.")]}) from None
        audit.record(role, "identity.role.updated", actor, changes=diff)
    return role
