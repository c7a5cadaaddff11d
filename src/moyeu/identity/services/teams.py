"""Teams and their hierarchy."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, ValidationFailed
from moyeu.core.services import audit
from moyeu.identity.models import Team
from moyeu.identity.services._admin import require_admin


def _check_parent(team_id: uuid.UUID | None, parent_id: uuid.UUID | None) -> None:
    if parent_id is None:
        return
    parents = dict(Team.objects.values_list("id", "parent_id"))
    if parent_id not in parents:
        raise ValidationFailed({"parent_id": [_("Unknown team.")]})
    cursor: uuid.UUID | None = parent_id
    while cursor is not None:
        if cursor == team_id:
            raise ValidationFailed({"parent_id": [_("A team cannot be inside itself.")]})
        cursor = parents.get(cursor)


def team_create(*, actor: Actor, name: str, parent_id: uuid.UUID | None = None) -> Team:
    require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": [_("This field is required.")]})
    _check_parent(None, parent_id)
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, parent_id=parent_id)
            audit.record(
                team,
                "identity.team.created",
                actor,
                changes={"name": (None, name), "parent_id": (None, parent_id)},
            )
    except IntegrityError:
        raise ValidationFailed({"name": [_("A team with this name already exists.")]}) from None
    return team


_UNCHANGED: Any = object()


def team_update(
    *,
    actor: Actor,
    team_id: uuid.UUID,
    name: str | None = None,
    parent_id: uuid.UUID | None = _UNCHANGED,
) -> Team:
    """Rename a team or move it in the tree (``parent_id=None`` makes it a top-level team)."""
    require_admin(actor)
    with transaction.atomic():
        team = Team.objects.select_for_update().filter(pk=team_id).first()
        if team is None:
            raise NotFound(_("No such team."))
        if parent_id is _UNCHANGED:
            parent_id = team.parent_id
        _check_parent(team.pk, parent_id)
        diff: dict[str, tuple[object, object]] = {}
        if name is not None and name.strip() != team.name:
            diff["name"] = (team.name, name.strip())
            team.name = name.strip()
        if parent_id != team.parent_id:
            diff["parent_id"] = (team.parent_id, parent_id)
            team.parent_id = parent_id
        if not diff:
            return team
        try:
            with transaction.atomic():
                team.save()
        except IntegrityError:
            raise ValidationFailed({"name": [_("A team with this name already exists.")]}) from None
        audit.record(team, "identity.team.updated", actor, changes=diff)
    return team
