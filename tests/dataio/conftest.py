"""Import files live under a temporary var directory per test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas


@pytest.fixture(autouse=True)
def dataio_files(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)
