"""Sales fixtures: clients per persona, and catalogue administrators."""

from __future__ import annotations

import pytest

from moyeu.core.context import Actor
from moyeu.identity.access import forget_access
from moyeu.identity.models import Role
from moyeu.identity.services import roles, users
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas


def grant_catalogue(personas: Personas, *names: str) -> None:
    """Give ``names`` (personas) the sales module's ``administer`` grant (the catalogue)."""
    root = Actor(user=personas.admin, channel="command")
    role = Role.objects.filter(name="Catalogue").first() or roles.role_create(
        actor=root, name="Catalogue", grants=[("sales", "administer", "all")]
    )
    for name in names:
        user = getattr(personas, name)
        current = list(user.roles.values_list("pk", flat=True))
        users.user_update(actor=root, user_id=user.pk, role_ids=[*current, role.pk])
        user.refresh_from_db()
        forget_access(user)


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)
