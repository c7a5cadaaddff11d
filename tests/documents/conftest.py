from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moyeu.core.context import Actor
from moyeu.directory.services import account_create, contact_create
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def contact(personas: Personas) -> Any:
    """A contact the owner persona owns, in team Ventes Nord."""
    return contact_create(
        actor=personas.actor("owner"), values={"first_name": "Alice", "last_name": "Martin"}
    )


@pytest.fixture
def account(personas: Personas) -> Any:
    return account_create(actor=personas.actor("owner"), values={"name": "Boulangerie Martin"})


def owner_actor(personas: Personas) -> Actor:
    return personas.actor("owner")


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)
