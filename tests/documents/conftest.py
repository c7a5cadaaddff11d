from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moyeu.core.context import Actor
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas


@pytest.fixture(autouse=True)
def documents_folder(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its files in its own folder."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


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
